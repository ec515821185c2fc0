"""Reviewer probe (probe-fam): an intermediate C9orf72 repeat does not make the C9orf72 programmes the patient's.

Before: with `repeats: {C9orf72: intermediate}` the default list showed BIIB078, WVE-004, CRISPR editing and three
C9orf72 trials as relevant, each "not eligible" (their criterion needs an expansion), and the gene-targeted
programmes block listed C9orf72 as the patient's gene. The C9orf72 disease form is the expansion; programmes and
trials enrol expansion carriers. ATXN2 (a risk factor) is different: its intermediate allele is the risk form the
ATXN2 programme enrolled, and stays listed. Through the real command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_HEAD = "id: probe\nclinical: {affected: true, age: 60, country: US}\ngenotype:\n  genetic_testing_done: true\n"


def _matches(run_cli: Any, tmp_path: Path, repeats: str) -> dict[str, Any]:
    case = tmp_path / "case.yaml"
    case.write_text(_HEAD + f"  repeats: {{{repeats}}}\n")
    r = run_cli("therapies", case, "--format", "json")
    assert r.code == 0, r.stderr
    return json.loads(r.stdout)


def _relevant_targets(data: dict[str, Any]) -> set[str]:
    return {m["id"] for m in [*data["therapies"], *data["trials"]] if m["relevant"]}


def test_c9orf72_intermediate_lists_no_c9orf72_programme(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = _matches(run_cli, tmp_path, "C9orf72: intermediate")
    shown = _relevant_targets(data)
    expanded = _relevant_targets(_matches(run_cli, tmp_path, "C9orf72: expanded"))
    c9_items = {"biib078", "wve004", "NCT03626012"}
    assert c9_items <= expanded  # the same records are the patient's with an expansion
    assert not shown & c9_items, shown
    notes = " ".join(data["gene_notes"])
    assert "C9orf72: the repeat is intermediate, not an expansion" in notes
    assert "current programmes" not in notes


def test_atxn2_intermediate_keeps_the_atxn2_programme(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shown = _relevant_targets(_matches(run_cli, tmp_path, "ATXN2: intermediate"))
    assert {"biib105", "NCT04494256"} <= shown
