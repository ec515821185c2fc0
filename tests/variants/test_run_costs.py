"""The interpret command's garbage-collection tuning (issue 20) stays inside the command: same findings, and the
collector's thresholds and frozen generation are as they were afterwards (the command also runs inside larger
processes, such as this test session or a notebook)."""

from __future__ import annotations

import gc
import json
from pathlib import Path

from charcot.cli import main
from charcot.variants.api import interpret, to_json
from charcot.variants.cli import fewer_collections

DATA = Path(__file__).resolve().parents[1] / "data" / "variants"


def test_fewer_collections_restores_the_collector() -> None:
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    with fewer_collections():
        assert gc.get_threshold() != before
        assert gc.get_freeze_count() > frozen
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_fewer_collections_restores_after_an_error() -> None:
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    try:
        with fewer_collections():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_interpret_command_same_findings_and_collector_restored(tmp_path: Path) -> None:
    vcf = DATA / "na12878_hg38_panel.vcf.gz"
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    out = tmp_path / "findings.json"
    assert main(["interpret", str(vcf), "-o", str(out), "-q"]) == 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen
    # the library call without the tuning writes the same findings JSON
    assert json.loads(out.read_text()) == json.loads(to_json(interpret(vcf)))
