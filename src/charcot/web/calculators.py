"""Calculator pages: staging from ALSFRS-R items, ENCALS survival, relatives' risk with ages and the
pedigree drawing. Each parses the form, calls the analysis package's pure functions and renders the
result as a page in words (tables, not JSON); a form problem is shown in the page next to the form."""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

ITEMS = ["q1", "q2", "q3", "q4", "q5a", "q5b", "q6", "q7", "q8", "q9", "q10", "q11", "q12"]
ITEM_NAMES = {"q1": "1 Speech", "q2": "2 Salivation", "q3": "3 Swallowing", "q4": "4 Handwriting",
              "q5a": "5a Cutting food (no gastrostomy)", "q5b": "5b Cutting food (gastrostomy)",
              "q6": "6 Dressing and hygiene", "q7": "7 Turning in bed", "q8": "8 Walking", "q9": "9 Climbing stairs",
              "q10": "10 Dyspnoea", "q11": "11 Orthopnoea", "q12": "12 Respiratory insufficiency"}
# The ENCALS form opens with these values (a typical patient a year after onset), and they work as is.
ENCALS_DEFAULTS = {"delta_frs": "0.5", "diagnostic_delay_months": "10", "months_since_onset": "12",
                   "age_at_onset_years": "60", "fvc_percent_predicted": "90", "c9orf72": ""}


class FormProblem(Exception):
    """What to fix in the form, in the user's words."""


def _number(form: dict[str, str], name: str, label: str) -> float:
    text = form.get(name, "").strip()
    if not text:
        raise FormProblem(f"{label} is missing")
    try:
        value = float(text)
    except ValueError:
        raise FormProblem(f"{label} must be a number, not {text[:20]!r}") from None
    if not math.isfinite(value):  # float() reads 'nan' and 'inf', which pass every range check
        raise FormProblem(f"{label} must be a number, not {text[:20]!r}")
    return value


def _stage(value: Any) -> str:
    return str(getattr(value, "stage", value))


def staging(form: dict[str, str]) -> list[tuple[str, Any]]:
    from charcot.clinical.model import AlsfrsR
    from charcot.clinical.staging import kings_from_alsfrs, mitos

    scores: dict[str, int] = {}
    for k in ITEMS:
        text = form.get(k, "").strip()
        if text:
            if not text.isdigit() or int(text) > 4:
                raise FormProblem(f"item {ITEM_NAMES[k]} is scored 0 to 4, not {text[:10]!r}")
            scores[k] = int(text)
    if "q5a" in scores and "q5b" in scores:
        raise FormProblem("give item 5a (no gastrostomy) or 5b (with gastrostomy), not both")
    if len(scores) != 12:
        raise FormProblem(f"give all 12 items (5a or 5b); {len(scores)} given")
    try:
        when = date.fromisoformat(form.get("date") or date.today().isoformat())
    except ValueError:
        raise FormProblem("the date must be YYYY-MM-DD") from None
    alsfrs = AlsfrsR(**scores)
    kings, mit = kings_from_alsfrs(alsfrs, when), mitos(alsfrs, when)
    return [("ALSFRS-R total", f"{sum(scores.values())} / 48"), ("King's stage (estimated from ALSFRS-R)", _stage(kings)),
            ("MiToS stage", _stage(mit)), ("Details (King's)", _detail(kings)), ("Details (MiToS)", _detail(mit))]


def _detail(value: Any) -> Any:
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value


def encals(form: dict[str, str]) -> list[tuple[str, Any]]:
    from charcot.clinical import prognosis as prog
    from charcot.model import fvc_percent_problem

    c9 = form.get("c9orf72", "")
    if c9 not in ("", "yes", "no"):
        raise FormProblem("C9orf72 expansion is yes, no or unknown")

    def predictors(expanded: bool) -> Any:
        return prog.Predictors(
            delta_frs=_number(form, "delta_frs", "ΔFRS"),
            diagnostic_delay_months=_number(form, "diagnostic_delay_months", "Diagnostic delay"),
            age_at_onset_years=_number(form, "age_at_onset_years", "Age at onset"),
            fvc_percent_predicted=_number(form, "fvc_percent_predicted", "FVC % predicted"),
            bulbar_onset=form.get("bulbar_onset") == "on", definite_als=form.get("definite_als") == "on",
            ftd=form.get("ftd") == "on", c9orf72_expanded=expanded)

    # The model needs the C9orf72 status; when it is unknown both answers are shown, never one guess.
    scenarios = [("", c9 == "yes")] if c9 else [(" if C9orf72 is not expanded", False), (" if C9orf72 is expanded", True)]
    first = predictors(scenarios[0][1])
    problems = prog.domain_problems(first)
    fvc_problem = fvc_percent_problem(first.fvc_percent_predicted,
                                      how_to_confirm="the model was not fitted on such values and the calculator "
                                                     "does not take them")
    if fvc_problem:
        raise FormProblem(fvc_problem)
    if problems:
        raise FormProblem("; ".join(problems))
    months = _number(form, "months_since_onset", "Months since onset") if form.get("months_since_onset", "").strip() \
        else _number(form, "diagnostic_delay_months", "Diagnostic delay")
    rows: list[tuple[str, Any]] = [("Months since onset (today)", f"{months:g}")]
    if not c9:
        rows.append(("C9orf72 status", "unknown: the estimate is given for both possibilities"))
    last: Any = None
    for suffix, expanded in scenarios:
        r = prog.encals_assess(predictors(expanded), months, [])
        if r.status != "assessed":
            raise FormProblem("; ".join(r.refusal_reasons) or "the model refused these inputs")
        rows += [
            (f"Median survival from onset{suffix}",
             f"{r.median_months_from_onset:.1f} months" if r.median_months_from_onset else "not reached"),
            (f"Probability of being event-free today{suffix}",
             prog.probability_text(r.survival_today) if r.survival_today is not None else "–"),
            (f"Median from today, given alive today{suffix}", f"{r.conditional_median_months_from_today:.1f} months"
             if r.conditional_median_months_from_today is not None else "not reached")]
        rows += [(f"Event-free {h} months from today{suffix}", prog.probability_text(p))
                 for h, p in r.conditional_survival.items()]
        last = r
    rows += [("Outcome", last.outcome), ("Model", f"{last.title} ({last.confidence}); sources {', '.join(last.sources)}")]
    rows += [("Caveat", c) for c in last.caveats]
    return rows


def relatives(form: dict[str, str]) -> list[tuple[str, Any]]:
    from charcot.family.api import relative_risks
    from charcot.family.drawing import pedigree_svg
    from charcot.family.pedigree import read_observations, read_pedigree

    ped_text = form.get("ped", "")
    if not ped_text.strip():
        raise FormProblem("paste a pedigree (PED: family, individual, father, mother, sex, phenotype)")
    gene = form.get("gene", "SOD1").strip() or "SOD1"
    try:
        horizon = int(form.get("horizon") or 10)
    except ValueError:
        raise FormProblem("the horizon is a whole number of years") from None
    with tempfile.TemporaryDirectory(prefix="charcot-calc-") as tmp:
        path = Path(tmp) / "family.ped"
        path.write_text(ped_text, encoding="utf-8")
        pedigree = read_pedigree(path)
        obs = {}
        if form.get("ages", "").strip():
            ages = Path(tmp) / "ages.tsv"
            ages.write_text(form["ages"].strip() + "\n", encoding="utf-8")
            obs = read_observations(ages, pedigree)
    carrier = form.get("carrier", "").strip() or None
    if carrier is not None and carrier not in pedigree:
        raise FormProblem(f"the known carrier {carrier[:40]!r} is not in the pedigree")
    result = relative_risks(pedigree, gene, carrier=carrier, horizon_years=horizon, observations=obs)
    table = [{"person": i.id, "sex": i.sex.value,
              "age": "–" if i.age is None else f"{i.age:g}",
              "status": i.status.value,
              "deceased": i.vital,
              "carrier probability": f"{i.p_carrier:.1%}",
              f"risk in {horizon} years": "–" if i.risk_next_years is None else f"{i.risk_next_years:.1%}",
              "lifetime risk": "–" if i.risk_lifetime is None else f"{i.risk_lifetime:.1%}",
              "how": i.explanation} for i in result.individuals]
    a = result.assumptions
    return [("Pedigree", Markup(pedigree_svg(pedigree, result))), ("Relatives", table),
            ("Gene and penetrance curve", f"{a.gene}: {a.curve_title or a.curve} ({a.curve_confidence})"),
            ("Non-penetrance assumed", f"{a.nonpenetrance:.0%} ({a.nonpenetrance_rationale})"),
            ("Method", a.method), ("Caveats", " ".join(c if c.endswith(".") else f"{c}." for c in a.caveats)), ("Sources", ", ".join(a.sources))]


CALCULATORS: dict[str, Callable[[dict[str, str]], list[tuple[str, Any]]]] = {
    "staging": staging, "encals": encals, "relatives": relatives,
}
TITLES = {"staging": "King's and MiToS stage", "encals": "ENCALS survival estimate", "relatives": "Relatives' risk"}


def register(app: FastAPI, page: Callable[..., HTMLResponse]) -> None:
    from charcot.web.knowledge_pages import value_html

    def render(request: Request, which: str | None, rows: list[tuple[str, Any]] | None, error: str | None,
               form: dict[str, str], status: int = 200) -> HTMLResponse:
        shown = [(label, v if isinstance(v, Markup) else value_html(v)) for label, v in rows or []]
        return page("calculators.html.j2", request, status_code=status, which=which, title=TITLES.get(which or "", ""),
                    rows=shown, error=error, items=ITEMS, item_names=ITEM_NAMES,
                    form=form, encals_form={**ENCALS_DEFAULTS, **(form if which == "encals" else {})})

    @app.get("/calculators", response_class=HTMLResponse)
    def calculators(request: Request) -> HTMLResponse:
        return render(request, None, None, None, {})

    @app.post("/calculators/{which}", response_class=HTMLResponse)
    async def calculate(request: Request, which: str) -> HTMLResponse:
        from charcot.errors import CharcotError

        fn = CALCULATORS.get(which)
        if fn is None:
            raise HTTPException(404, "There is no such calculator.")
        form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
        try:
            return render(request, which, fn(form), None, form)
        except FormProblem as exc:
            return render(request, which, None, str(exc), form, 422)
        except CharcotError as exc:
            return render(request, which, None, exc.message + (f" ({exc.hint})" if exc.hint else ""), form, 422)
