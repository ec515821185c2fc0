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
