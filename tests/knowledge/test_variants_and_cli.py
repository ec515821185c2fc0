"""Known-variant lookups (PS1/PM5) and the 'charcot knowledge' commands through the real entry point."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from charcot.knowledge import Knowledge, get_knowledge
from charcot.knowledge.schema.variants import variant_index
from charcot.model import AcmgClass, Build


def test_lookup_by_allele_on_both_builds() -> None:
    index = variant_index(Knowledge())
    assert index.at(Build.GRCh38, "chr21", 31659783, "C", "T").id == "SOD1-A5V"  # type: ignore[union-attr]
    assert index.at("GRCh37", "21", 33032096, "c", "t").id == "SOD1-A5V"  # type: ignore[union-attr]
    assert index.at(Build.GRCh38, "21", 31659783, "C", "G") is None
    d91a = index.at(Build.GRCh38, "21", 31667290, "A", "C")
    assert d91a is not None and d91a.legacy_name == "D90A" and set(d91a.inheritance) == {"AR", "AD"}


def test_lookup_by_residue_for_ps1_pm5() -> None:
    index = variant_index(Knowledge())
    assert {r.id for r in index.at_residue("SOD1", 94)} == {"SOD1-G94A", "SOD1-G94C"}
    # both now carry the cautious Likely pathogenic of their ClinVar P/LP listing (VariationIDs 29799, 29798)
    assert {r.id for r in index.pathogenic_at_residue("SOD1", 94)} == {"SOD1-G94A", "SOD1-G94C"}
    p525 = index.pathogenic_at_residue("fus", 525)
    assert [r.hgvs_p for r in p525] == ["p.(Pro525Leu)"] and p525[0].classification == AcmgClass.PATHOGENIC
    assert p525[0].protein_position == 525 and p525[0].alt_aa == "Leu"


def test_cli_gene_alias_and_unknown(run_cli: Callable[..., Any]) -> None:
    result = run_cli("knowledge", "gene", "C21orf2")
    assert result.code == 0 and result.stdout.startswith("CFAP410") and "resolved from: C21orf2" in result.stdout
    result = run_cli("knowledge", "gene", "TDP-43", "--format", "json")
    assert result.code == 0 and json.loads(result.stdout)["symbol"] == "TARDBP"
    result = run_cli("knowledge", "gene", "NOTAGENE")
    assert result.code == 2 and "not in the charcot knowledge base" in result.stderr and "hint" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_cli_genes_filters_and_formats(run_cli: Callable[..., Any]) -> None:
    result = run_cli("knowledge", "genes", "--role", "causal", "--format", "json")
    rows = json.loads(result.stdout)
    assert result.code == 0 and rows and all(r["role"] == "causal" for r in rows)
    assert {"SOD1", "TARDBP", "FUS", "C9orf72"} <= {r["symbol"] for r in rows}
    tsv = run_cli("knowledge", "genes", "--format", "tsv")
    assert tsv.code == 0 and len(tsv.stdout.strip().splitlines()) == 1 + len(Knowledge().genes)
    table = run_cli("knowledge", "genes")
    assert table.code == 0 and "NIPA1 ⚠" in table.stdout  # unverified records visibly marked
    bad = run_cli("knowledge", "genes", "--role", "wizard")
    assert bad.code == 2 and "unknown role" in bad.stderr


def test_cli_variants_sources_summary(run_cli: Callable[..., Any]) -> None:
    result = run_cli("knowledge", "variants", "--gene", "TDP-43", "--format", "json")
    assert result.code == 0 and {r["id"] for r in json.loads(result.stdout)} == {"TARDBP-G298S", "TARDBP-M337V",
                                                                                  "TARDBP-A382T", "TARDBP-A315T",
                                                                                  "TARDBP-G348C", "TARDBP-Q331K"}
    result = run_cli("knowledge", "sources", "S-CG25")
    assert result.code == 0 and "2025-07-01" in result.stdout
    assert run_cli("knowledge", "sources", "S-Nope").code == 2
    result = run_cli("knowledge", "summary")
    kb = get_knowledge()
    assert result.code == 0 and kb.meta.version in result.stdout
    assert f"genes: {len(kb.records('genes'))} records" in result.stdout


def test_cli_validate_passes_on_the_committed_base(run_cli: Callable[..., Any]) -> None:
    subset = Path(__file__).resolve().parents[1] / "data" / "knowledge" / "shared"
    result = run_cli("knowledge", "validate", "--shared", str(subset))
    assert result.code == 0, result.stderr
    assert "knowledge base OK" in result.stdout
