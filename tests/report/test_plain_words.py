"""No internal identifier (snake_case ids, Python None/reprs) reaches the text a clinician reads.

Seen in the demo's JSON: 'approved_in_region: not approved ...' (a criterion id), 'active_not_recruiting as of'
(a status code) and 'lower_limb, upper_limb' (region codes)."""

from __future__ import annotations

import re

from charcot.report.model import Report

_INTERNAL = re.compile(r"\b[a-z]+_[a-z_]+\b|\bNone\b|\{'|\['")


def _texts(report: Report) -> list[tuple[str, str]]:
    out = [(f"summary {s.topic}", s.text) for s in report.summary]
    for i in report.therapies.items:
        out += [(i.name, i.summary or ""), (i.name, i.eligibility), *((i.name, n) for n in i.notes)]
    out += [(m.name, f"{m.value} {m.detail or ''}") for m in report.clinical.measures]
    out += [(c.locus, f"{c.interpretation} {c.thresholds or ''}") for c in report.repeats.calls]
    out += [("alerts", a) for a in report.clinical.alerts]
    return out


def test_no_internal_names_in_clinician_text(demo_report: Report) -> None:
    bad = [(where, text) for where, text in _texts(demo_report) if _INTERNAL.search(text)]
    assert bad == []


def test_measure_details_are_separate_phrases_and_onset_imputation_is_stated_once(demo_report: Report) -> None:
    """Seen on the demo's page 4: the ENCALS caveats ran together without punctuation ('... paper's tables FVC
    reference equation not recorded; ... depends on it onset date known ...'), and the same imputation was stated
    twice in two wordings, one of them '(15th of the month / 1 July)' for a date known to the month."""
    encals = next(m for m in demo_report.clinical.measures if m.name == "ENCALS survival model")
    assert "tables FVC" not in encals.detail and "on it onset" not in encals.detail, encals.detail
    texts = [encals.detail, *demo_report.clinical.notes]
    imputation = [t for t in texts if "onset date known to the month only" in t]
    assert imputation, texts
    assert all("the 15th of the month" in t and "1 July" not in t for t in imputation), imputation
    assert not any("15th of the month / 1 July" in t for t in texts)
