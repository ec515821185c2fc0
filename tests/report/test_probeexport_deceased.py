"""Only living relatives are offered counselling or testing (probeexport review).

Seen before the fix: the demo case (real NA12878 calls with the documented SOD1 p.Ala5Val) with its ages file
stating that the unaffected brother DEMO-S died at 50 put him on page 1 among the "untested, unaffected relatives
... offer genetic counselling" (35.2 %). A deceased relative is named as such (informative for segregation through
stored DNA), never offered testing. The same holds for a death given by a Phenopacket Family's vital status, which
reaches the report through the same observations.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from charcot.report.build import build_report
from charcot.report.consistency import contradictions
from charcot.report.demo import demo_dir, demo_inputs
from charcot.report.model import Report, SummaryItem


def _ages_with_dead_brother(tmp_path: Path) -> Path:
    rows = (demo_dir() / "demo.ages.tsv").read_text().splitlines()
    out = [("DEMO-S\t\tunaffected\t\tuntested\tyes\t50" if r.startswith("DEMO-S\t") else r) for r in rows]
    assert out != rows
    path = tmp_path / "ages.tsv"
    path.write_text("\n".join(out) + "\n")
    return path


def test_deceased_relative_is_never_offered_counselling(tmp_path: Path) -> None:
    report = build_report(replace(demo_inputs(), ages=_ages_with_dead_brother(tmp_path)))
    brother = next(r for r in report.family.relatives_risk if r.relative == "DEMO-S")
    assert brother.deceased and brother.death_age == 50 and (brother.carrier_probability or 0) > 0.01
    family = [s.text for s in report.summary if s.topic == "Family"]
    offer = next(t for t in family if "offer" in t and not t.startswith("Deceased"))
    assert "DEMO-S" not in offer and "DEMO-C1" in offer and offer.startswith("2 living"), offer
    dead = next(t for t in family if t.startswith("Deceased"))
    assert "DEMO-S (died at 50" in dead and "not offered testing" in dead, dead
    assert contradictions(report) == []


def test_consistency_check_catches_a_deceased_relative_offered_counselling(demo_report: Report) -> None:
    broken = demo_report.model_copy(deep=True)
    father = next(r for r in broken.family.relatives_risk if r.relative == "DEMO-F")
    assert father.deceased
    broken.summary.append(SummaryItem(topic="Family", text="1 relative (DEMO-F 99.9%): offer genetic counselling."))
    assert any("deceased relatives: DEMO-F" in p for p in contradictions(broken))


def test_reanalysis_names_a_deceased_relative_as_such(tmp_path: Path) -> None:
    """A re-analysis lists relatives whose risk changed (people a clinician may contact): a deceased one is named as
    deceased, not offered testing. The knowledge change is stood for by the same report with the brother's carrier
    probability moved (as a new penetrance curve would move it)."""
    from charcot.reanalysis.api import compare_reports

    old = build_report(replace(demo_inputs(), ages=_ages_with_dead_brother(tmp_path)))
    new = old.model_copy(deep=True)
    for r in new.family.relatives_risk:
        r.carrier_probability = (r.carrier_probability or 0) + 0.1
    words = {c.item: c.in_words() for c in compare_reports(old, new) if c.area == "relative"}
    assert any(k.startswith("DEMO-S") and "died at 50: not offered testing" in k for k in words), words
    assert not any(k.startswith("DEMO-C1") and "not offered" in k for k in words), words
