"""The report of a patient already on tofersen (the demo case, its record given a ``treatments`` entry): page 1 and
the therapy section never tell them to start it, and the consistency checker refuses a report that does."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from charcot.report.build import build_report
from charcot.report.consistency import contradictions
from charcot.report.demo import demo_dir, demo_inputs
from charcot.report.model import Report, SummaryItem
from charcot.report.render_html import render_html


def _demo_with(tmp_path: Path, treatments: str) -> Report:
    path = tmp_path / "demo_case.yaml"
    path.write_text((demo_dir() / "demo_case.yaml").read_text() + "treatments:\n" + treatments)
    return build_report(replace(demo_inputs(), clinical=path))


@pytest.fixture(scope="module")
def on_tofersen(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return _demo_with(tmp_path_factory.mktemp("tofersen"), "  - {therapy: tofersen, started: 2026-01-15}\n")


def test_patient_on_tofersen_not_told_can_receive_tofersen(on_tofersen: Report) -> None:
    page1 = [s.text for s in on_tofersen.summary if s.topic == "Therapy"]
    offers = [t for t in page1 if t.startswith(("Can receive now", "Eligible where approved"))]
    assert offers and not any("Tofersen" in t for t in offers), page1
    assert any(t.startswith("Already receives") and "Tofersen" in t and "2026-01-15" in t for t in page1), page1
    tofersen = next(t for t in on_tofersen.therapies.items if t.kind == "therapy" and t.name.startswith("Tofersen"))
    assert (tofersen.group, tofersen.verdict) == ("receiving", "already_receiving")
    assert "since 2026-01-15" in tofersen.eligibility
    assert on_tofersen.therapies.receiving == [tofersen.name]
    assert contradictions(on_tofersen) == []


def test_consistency_refuses_offering_a_received_therapy(on_tofersen: Report) -> None:
    items = [t.model_copy(update={"group": "now", "verdict": "eligible_where_approved"})
             if t.name.startswith("Tofersen (") else t for t in on_tofersen.therapies.items]
    offered = on_tofersen.model_copy(update={"therapies": on_tofersen.therapies.model_copy(update={"items": items})})
    assert any("already receives it" in p for p in contradictions(offered))
    summary = [*on_tofersen.summary, SummaryItem(topic="Therapy", level="finding",
                                                  text="Can receive now: Tofersen (Qalsody)")]
    told = on_tofersen.model_copy(update={"summary": summary})
    assert any(p.startswith("page 1 offers Tofersen (Qalsody)") for p in contradictions(told))


def test_previous_treatment_said_on_page_1_and_in_section(tmp_path: Path) -> None:
    report = _demo_with(tmp_path, "  - {therapy: Rilutek, started: 2025-12-01, stopped: 2026-02-01}\n")
    riluzole = next(t for t in report.therapies.items if t.name.startswith("Riluzole"))
    assert riluzole.group == "now"  # its normal verdict: restarting is the clinician's decision
    assert riluzole.previously_received == "previously received, stopped on 2026-02-01"
    assert any(n.startswith("Previously received") for n in riluzole.notes)
    page1 = " ".join(s.text for s in report.summary if s.topic == "Therapy")
    assert "Riluzole (Rilutek) (US, EU; previously received, stopped on 2026-02-01)" in page1
    assert contradictions(report) == []


def test_html_shows_the_received_therapy_in_its_own_group(on_tofersen: Report) -> None:
    html = render_html(on_tofersen)
    received = html.index("Already receiving (clinical record)")
    assert received < html.index("Tofersen (Qalsody)", received) < html.index("Available now / enrolling now")
