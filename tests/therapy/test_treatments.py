"""The clinical record's current ALS treatment: a therapy the patient receives is never offered to start.

Real inputs: the example clinical record (tests/data/clinical) with a ``treatments`` entry added, through the real
``charcot therapies`` entry point and the clinical readers (YAML and Phenopacket)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from charcot.clinical.api import load_case

CLINICAL = Path(__file__).resolve().parents[1] / "data" / "clinical"


def _case(tmp_path: Path, treatments: list[dict[str, Any]], **extra: Any) -> Path:
    raw = yaml.safe_load((CLINICAL / "example_case.yaml").read_text())
    raw.update(extra, treatments=treatments)
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def _therapies(run_cli: Any, path: Path) -> dict[str, dict[str, Any]]:
    r = run_cli("therapies", path, "--format", "json", "--all")
    assert r.code == 0, r.stderr
    data = json.loads(r.stdout)
    return {"_": data, **{t["id"]: t for t in [*data["therapies"], *data["trials"]]}}


def test_patient_on_riluzole_is_not_told_to_start_it(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # without the treatment, the example patient in Germany is eligible for riluzole (the control)
    plain = _therapies(run_cli, _case(tmp_path, [], country="DE"))
    assert plain["riluzole"]["verdict"] == "eligible"
    got = _therapies(run_cli, _case(tmp_path, [{"therapy": "riluzole", "started": "2024-11-20"}], country="DE"))
    riluzole = got["riluzole"]
    assert riluzole["verdict"] == "already_receiving"
    assert "since 2024-11-20" in riluzole["summary"] and "not an option to start" in riluzole["summary"]
    table = run_cli("therapies", _case(tmp_path, [{"therapy": "Rilutek"}], country="DE"))
    assert table.code == 0, table.stderr
    assert "Riluzole (Rilutek) -> ALREADY RECEIVING" in table.stdout
    assert "Riluzole (Rilutek) -> ELIGIBLE" not in table.stdout
    assert "start date not recorded" in table.stdout


def test_stopped_treatment_shown_beside_its_verdict(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    got = _therapies(run_cli, _case(tmp_path, [{"therapy": "Riluzole (Rilutek)", "started": "2024-11-20",
                                                 "stopped": "2025-03-01"}], country="DE"))
    riluzole = got["riluzole"]
    assert riluzole["verdict"] == "eligible"  # the clinician decides about restarting
    assert "stopped on 2025-03-01" in riluzole["previously_received"]
    assert any(n.startswith("Previously received") and "2025-03-01" in n for n in riluzole["notes"])


def test_stopped_before_started_is_refused(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _case(tmp_path, [{"therapy": "tofersen", "started": "2025-03-01", "stopped": "2024-12-01"}])
    for command in ("therapies", "clinical"):
        r = run_cli(command, path)
        assert r.code == 2, (command, r.stdout)
        assert "Traceback" not in r.stderr
        assert "treatments.1" in r.stderr and "stopped (2024-12-01) is before started (2025-03-01)" in r.stderr


def test_unknown_therapy_name_kept_and_said(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _case(tmp_path, [{"therapy": "Vitamin E 800 IU", "started": "2025-01-01"}], country="DE")
    assert load_case(path).treatments[0].therapy == "Vitamin E 800 IU"
    got = _therapies(run_cli, path)
    assert any("'Vitamin E 800 IU'" in n and "not a therapy in charcot's knowledge base" in n
               for n in got["_"]["treatment_notes"])
    assert got["riluzole"]["verdict"] == "eligible"  # an unknown name decides nothing
    table = run_cli("therapies", path)
    assert "TREATMENTS ON RECORD" in table.stdout and "Vitamin E 800 IU" in table.stdout


def test_ambiguous_name_reads_every_form(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    got = _therapies(run_cli, _case(tmp_path, [{"therapy": "edaravone"}], country="US"))
    assert got["edaravone_iv"]["verdict"] == got["edaravone_oral"]["verdict"] == "already_receiving"
    assert any("names more than one therapy" in n for n in got["_"]["treatment_notes"])


def test_trial_of_a_received_therapy_gets_a_review_note(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    got = _therapies(run_cli, _case(tmp_path, [{"therapy": "Qalsody", "started": "2025-01-10"}]))
    trials = [t for k, t in got.items() if k != "_" and t["kind"] == "trial"]
    noted = [t for t in trials if any("already receives Tofersen" in n and "prior or concurrent treatment" in n
                                      for n in t["notes"])]
    assert noted, "no tofersen trial carries the review note"
    # a note only: it invents no exclusion criterion
    assert all(not any("treatment" in c["id"] for c in t["criteria"]) for t in noted)


def test_treatment_started_after_matching_date_not_counted(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _case(tmp_path, [{"therapy": "riluzole", "started": "2025-06-01"}], country="DE")
    r = run_cli("therapies", path, "--format", "json", "--as-of", "2025-05-01")
    assert r.code == 0, r.stderr
    data = json.loads(r.stdout)
    assert next(t for t in data["therapies"] if t["id"] == "riluzole")["verdict"] != "already_receiving"
    assert any("after the matching date" in n for n in data["treatment_notes"])


def test_phenopacket_medical_action_read_as_treatment(tmp_path: Path) -> None:
    raw = json.loads((CLINICAL / "example_phenopacket.json").read_text())
    raw["medicalActions"] = [{"treatment": {
        # the Phenopacket v2 Treatment fields (agent, doseIntervals[].interval); the agent's label is the name read
        "agent": {"label": "riluzole"},
        "doseIntervals": [{"interval": {"start": "2025-01-15T00:00:00Z", "end": "2025-04-01T00:00:00Z"}}]}}]
    path = tmp_path / "pp.json"
    path.write_text(json.dumps(raw))
    (t,) = load_case(path).treatments
    assert (t.therapy, t.started.isoformat() if t.started else None, t.stopped.isoformat() if t.stopped else None) \
        == ("riluzole", "2025-01-15", "2025-04-01")


def test_facts_file_blank_treatment_refused(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A facts file's treatment is the clinical record's Treatment: a blank therapy name is refused in words, as in a
    clinical record, not kept as a treatment named '  '."""
    facts = yaml.safe_load((Path(__file__).parents[1] / "data" / "therapy" / "sod1_patient.yaml").read_text())
    facts["clinical"]["treatments"] = [{"therapy": "   "}]
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump(facts))
    r = run_cli("therapies", path)
    assert r.code == 2 and "Traceback" not in r.stderr, r.stderr
    assert "the therapy is empty" in r.stderr, r.stderr
