"""A case read while its report finishes (integration of the 2026-12-02 probeweb branch; found by the full suite).

A case uploaded without a patient is filed under a placeholder patient until its clinical record is read; when the
report is recorded (Store.finish_run) the case moves to the record's patient and the placeholder, left empty, is
deleted. ``GET /api/cases/{id}`` read the case and then, in a second statement, its patient: a report finishing
between the two left the case pointing at the deleted placeholder, and the page got an internal error (seen as a
failure of test_probeweb_visits under load). Here the report is made to finish exactly between the two reads: the
case row's load (SQLAlchemy's ``load`` event) runs the real ``finish_run`` in another thread and waits for it."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import event

from charcot.web.store import Case, Store


def test_a_case_read_while_its_report_moves_it_to_its_patient_keeps_its_patient(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    store.migrate()
    case_id = store.create_case("", {}, None, [])
    placeholder = store.get_case(case_id)["patient"]  # type: ignore[index]
    assert placeholder.startswith("case-")
    findings = {"genes": [], "variants": [], "classes": [], "repeats": [], "stage": None, "eligible_trials": None,
                "identity_status": None}
    fired: list[bool] = []

    def finish_now(target: Case, context: object) -> None:
        if fired or target.id != case_id:
            return
        fired.append(True)
        worker = threading.Thread(target=store.finish_run, args=(case_id,), kwargs={
            "patient_key": "P-RACE", "visits": [], "source": "report", "findings": findings, "summary": "",
            "report_id": "r1"})
        worker.start()
        worker.join()

    event.listen(Case, "load", finish_now)
    try:
        case = store.get_case(case_id)
    finally:
        event.remove(Case, "load", finish_now)
    assert fired, "the race was not staged"
    assert case is not None and case["patient"] in (placeholder, "P-RACE")
    assert store.get_case(case_id)["patient"] == "P-RACE"  # type: ignore[index]
