"""Reviewer probe (probe-clin): a Phenopacket subject marked DECEASED is never read as alive.

Before the fix 'vitalStatus: {status: DECEASED}' without a timestamp (or with only an age at death) was dropped:
the patient was assessed as alive (predictions, care alerts, therapy matches). Through the real command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "clinical" / "example_phenopacket.json"


@pytest.mark.parametrize(("vital", "words"), [
    ({"status": "DECEASED"}, "DECEASED but gives no date of death"),
    ({"status": "DECEASED", "timeOfDeath": {"age": {"iso8601duration": "P70Y"}}}, "DECEASED but gives no date"),
    ({"status": "ALIVE", "timeOfDeath": {"timestamp": "2025-08-01T00:00:00Z"}}, "ALIVE but gives a time of death"),
])
def test_vital_status_without_a_usable_date_is_refused(run_cli: Any, tmp_path: Path, vital: dict[str, Any],
                                                       words: str) -> None:
    packet = json.loads(EXAMPLE.read_text())
    packet["subject"]["vitalStatus"] = vital
    path = tmp_path / "p.json"
    path.write_text(json.dumps(packet))
    for command in (["clinical", path], ["therapies", path]):
        r = run_cli(*command)
        assert r.code == 2 and "Traceback" not in r.stderr and words in r.stderr, command


def test_dated_death_is_read(run_cli: Any, tmp_path: Path) -> None:
    packet = json.loads(EXAMPLE.read_text())
    packet["subject"]["vitalStatus"] = {"status": "DECEASED", "timeOfDeath": {"timestamp": "2025-08-01T00:00:00Z"}}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(packet))
    r = run_cli("clinical", path, "--format", "json")
    assert r.code == 0, r.stderr
    a = json.loads(r.stdout)
    assert a["today_source"] == "death" and a["kings_clinical"]["stage"] == "5"
