"""Reviewer probe (probe-clin): a gene-targeted therapy's 'why' must agree with the patient's genotype.

Before the fix a SOD1 variant of uncertain significance left tofersen explained as "not specific to a genotype",
and an intermediate C9orf72 repeat made the C9orf72 antisense programmes "fit this genotype" while their own
criterion (C9orf72 expanded) failed. Through the real command line, on unseen cases written here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _why(run_cli: Any, tmp_path: Path, text: str) -> dict[str, list[str]]:
    case = tmp_path / "case.yaml"
    case.write_text(text)
    r = run_cli("therapies", case, "--all", "--format", "json")
    assert r.code == 0, r.stderr
    data = json.loads(r.stdout)
    return {m["id"]: [e["text"] for e in m["mechanisms"]] for m in [*data["therapies"], *data["trials"]]}


_HEAD = "id: probe\nclinical: {affected: true, age: 60, country: US}\n"


def test_sod1_vus_is_not_called_genotype_unspecific(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    why = _why(run_cli, tmp_path, _HEAD + "genotype:\n  genetic_testing_done: true\n  findings:\n"
               "    - {gene: SOD1, classification: Uncertain significance, hgvs_p: p.Val119Ile}\n")
    text = " ".join(why["tofersen"])
    assert "not specific to a genotype" not in text and "fits this genotype" not in text.replace("not fit", "")
    assert "aimed at SOD1" in text and "Uncertain significance" in text and "does not fit this genotype" in text


def test_c9orf72_intermediate_does_not_fit_expansion_programmes(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    why = _why(run_cli, tmp_path, _HEAD + "genotype:\n  genetic_testing_done: true\n  repeats: {C9orf72: intermediate}\n")
    for key in ("biib078", "wve004", "NCT03626012"):
        text = " ".join(why[key])
        assert "so it fits this genotype" not in text, key
        assert "intermediate, not an expansion" in text, key


def test_untested_gene_cannot_be_said_and_expansion_fits(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    why = _why(run_cli, tmp_path, _HEAD)  # no genetic result at all
    assert "whether it fits this genotype cannot be said" in " ".join(why["tofersen"])
    assert "cannot be said" in " ".join(why["biib078"])
    why = _why(run_cli, tmp_path, _HEAD + "genotype:\n  repeats: {C9orf72: expanded}\n")
    assert "the patient carries a C9orf72 repeat expansion, so it fits this genotype" in " ".join(why["biib078"])


def test_modifier_gene_target_is_not_read_as_a_cause(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    why = _why(run_cli, tmp_path, _HEAD + "genotype:\n  genetic_testing_done: true\n  repeats: {ATXN2: intermediate}\n")
    text = " ".join(why["biib105"])
    assert "ATXN2 causes ALS" not in text and "not a cause of ALS" in text
