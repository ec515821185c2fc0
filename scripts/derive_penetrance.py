"""Derive the C9orf72 age-at-onset (penetrance) curves from the Murphy et al. 2017 dataset.

Input: ``<shared>/penetrance/C9_Data.csv`` (1,169 C9orf72 repeat-expansion carriers: sex, age of
onset, event 1 = affected / 0 = unaffected carrier censored at the age given). Outputs, written
into the knowledge base so that the project never needs the shared folder at run time:

* ``src/charcot/knowledge/data/derived/penetrance_c9orf72.tsv``: cumulative proportion with onset
  by each integer age 0..100 for every curve below;
* ``src/charcot/knowledge/data/derived/penetrance_c9orf72_fit.json``: counts, medians and the
  fitted parametric (logistic) parameters with their maximum distance from the Kaplan–Meier curve.

Curves (column names):
* ``km``: Kaplan–Meier of age at onset, affected carriers as events, the unaffected carriers
  censored at their age (the method of the reference's section 3a table);
* ``ecdf_affected``: cumulative share of affected carriers with onset at or before each age, the
  unaffected excluded (the method of the de Vienne & de Vienne code, file df_onset.csv);
* ``km_female`` / ``km_male``: the same Kaplan–Meier restricted to one sex (rows with sex NA are
  left out of both);
* ``logistic`` / ``logistic_female`` / ``logistic_male``: F(t) = 1 / (1 + exp(-(t - m) / s)),
  fitted by maximum likelihood with right censoring (events: density at onset age, integer-year
  interval; censored: survival at the censoring age).

Because almost every subject is affected, all of these are the age-at-onset distribution among
*penetrant* carriers (they reach 1 by old age); lifetime non-penetrance is a separate model
parameter (see charcot.family.penetrance).

Usage: python scripts/derive_penetrance.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

AGES = np.arange(0, 101)


def read_rows(path: Path) -> list[tuple[str, float, int]]:
    rows: list[tuple[str, float, int]] = []
    with open(path, newline="", encoding="utf-8") as handle:
        for raw in csv.DictReader(handle):
            age = raw["AgeofOnset"].strip()
            if age in ("", "NA"):
                continue  # one affected subject has no age of onset: unusable for an age curve
            rows.append((raw["Sex"].strip(), float(age), int(raw["Event"])))
    return rows


def kaplan_meier(times: np.ndarray, events: np.ndarray) -> np.ndarray:
    """Cumulative incidence 1 - S(t) evaluated at each integer age (right-continuous step)."""
    surv = 1.0
    out = np.zeros(len(AGES))
    order = np.unique(times)
    steps: list[tuple[float, float]] = []
    for t in order:
        at_risk = np.sum(times >= t)
        d = np.sum((times == t) & (events == 1))
        if at_risk > 0 and d > 0:
            surv *= 1.0 - d / at_risk
        steps.append((float(t), 1.0 - surv))
    for i, age in enumerate(AGES):
        value = 0.0
        for t, f in steps:
            if t <= age:
                value = f
        out[i] = value
    return out


def ecdf_affected(times: np.ndarray, events: np.ndarray) -> np.ndarray:
    onset = times[events == 1]
    return np.array([np.sum(onset <= a) / len(onset) for a in AGES])


def _logistic(t: np.ndarray, m: float, s: float) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-(t - m) / s)))


def fit_logistic(times: np.ndarray, events: np.ndarray) -> tuple[float, float]:
    """Maximum likelihood with right censoring; onset ages are whole years, so an event at age a
    contributes F(a + 0.5) - F(a - 0.5)."""

    def nll(theta: np.ndarray) -> float:
        m, log_s = float(theta[0]), float(theta[1])
        s = math.exp(log_s)
        ev = times[events == 1]
        ce = times[events == 0]
        p_ev = _logistic(ev + 0.5, m, s) - _logistic(ev - 0.5, m, s)
        p_ce = 1.0 - _logistic(ce, m, s)
        return float(-np.sum(np.log(np.clip(p_ev, 1e-300, None))) - np.sum(np.log(np.clip(p_ce, 1e-300, None))))

    start = np.array([float(np.median(times)), math.log(5.0)])
    res = minimize(nll, start, method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 5000})
    return float(res.x[0]), float(math.exp(res.x[1]))


def main() -> None:
    repo = Path(__file__).resolve().parents[1]
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else repo.parent / "shared" / "data"
    src = shared / "penetrance" / "C9_Data.csv"
    rows = read_rows(src)
    sex = np.array([r[0] for r in rows])
    times = np.array([r[1] for r in rows])
    events = np.array([r[2] for r in rows])

    columns: dict[str, np.ndarray] = {
        "km": kaplan_meier(times, events),
        "ecdf_affected": ecdf_affected(times, events),
    }
    fits: dict[str, dict[str, float | int]] = {}
    for label, mask in (("", np.ones(len(rows), bool)), ("_female", sex == "F"), ("_male", sex == "M")):
        t, e = times[mask], events[mask]
        if label:
            columns[f"km{label}"] = kaplan_meier(t, e)
        m, s = fit_logistic(t, e)
        columns[f"logistic{label}"] = _logistic(AGES.astype(float), m, s)
        km = columns[f"km{label}"]
        fits[f"logistic{label}"] = {
            "m": round(m, 4),
            "s": round(s, 4),
            "n": int(mask.sum()),
            "events": int(e.sum()),
            "censored": int((e == 0).sum()),
            "max_abs_diff_from_km": round(float(np.max(np.abs(columns[f"logistic{label}"] - km))), 4),
        }

    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    out_dir = repo / "src" / "charcot" / "knowledge" / "data" / "derived"
    out_dir.mkdir(parents=True, exist_ok=True)
    names = list(columns)
    lines = [
        "# C9orf72 cumulative age-at-onset curves derived by scripts/derive_penetrance.py",
        "# input: shared/data/penetrance/C9_Data.csv (Murphy et al. 2017, Sci Rep 7:2116; "
        f"nam10/C9_Penetrance) sha256={digest}",
        f"# rows used: {len(rows)} ({int(events.sum())} affected, {int((events == 0).sum())} unaffected censored); "
        "one affected row without age of onset dropped",
        "age\t" + "\t".join(names),
    ]
    for i, age in enumerate(AGES):
        lines.append(f"{age}\t" + "\t".join(f"{columns[n][i]:.6f}" for n in names))
    (out_dir / "penetrance_c9orf72.tsv").write_text("\n".join(lines) + "\n")

    km = columns["km"]
    median = int(AGES[np.argmax(km >= 0.5)])
    summary = {
        "source_file": "shared/data/penetrance/C9_Data.csv",
        "sha256": digest,
        "rows_used": len(rows),
        "affected": int(events.sum()),
        "censored": int((events == 0).sum()),
        "km_median_onset_age": median,
        "mean_onset_age_affected": round(float(times[events == 1].mean()), 2),
        "km_at": {str(a): round(float(km[a]), 4) for a in (30, 40, 45, 50, 55, 60, 65, 70, 75, 80)},
        "km_female_at_60": round(float(columns["km_female"][60]), 4),
        "km_male_at_60": round(float(columns["km_male"][60]), 4),
        "fits": fits,
    }
    (out_dir / "penetrance_c9orf72_fit.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
