"""scripts/derive_gene_tables.py on real-table subsets: conversions, liftover, exon walk, determinism."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charcot.knowledge.validate import _load_derive_script

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "src" / "charcot" / "knowledge" / "data"


@pytest.fixture(scope="module")
def derive() -> Any:
    module = _load_derive_script()
    assert module is not None
    return module


@pytest.fixture(scope="module")
def derived(derive: Any, subset_dir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    genes, variants = derive.derive_all(subset_dir, derive.curated_genes(DATA / "genes.yaml"), DATA / "variants.yaml",
                                        with_checksums=False)
    return genes, variants


@pytest.fixture(scope="module")
def subset_dir() -> Path:
    return REPO / "tests" / "data" / "knowledge" / "shared"


def test_subset_derivation_reproduces_the_committed_table(derived: tuple[dict[str, Any], dict[str, Any]]) -> None:
    committed = json.loads((DATA / "derived" / "genes.json").read_text(encoding="utf-8"))
    assert derived[0]["genes"] == committed["genes"]
    committed_v = json.loads((DATA / "derived" / "variants.json").read_text(encoding="utf-8"))
    assert derived[1]["variants"] == committed_v["variants"]


def test_output_is_deterministic(derive: Any, derived: tuple[dict[str, Any], dict[str, Any]]) -> None:
    assert derive.dumps(derived[0]) == derive.dumps(json.loads(derive.dumps(derived[0])))


@pytest.mark.parametrize(("variant", "chrom", "pos"), [
    # the research notes' derived GRCh38 positions (marked as derived there) are reproduced independently
    ("SOD1-D91A", "21", 31667290),
    ("TARDBP-M337V", "1", 11022418), ("TARDBP-A382T", "1", 11022553),
])
def test_exon_walk_reproduces_positions(derived: tuple[dict[str, Any], dict[str, Any]], variant: str, chrom: str,
                                        pos: int) -> None:
    entry = next(v for v in derived[1]["variants"] if v["id"] == variant)
    assert (entry["grch38"]["chrom"], entry["grch38"]["pos"]) == (chrom, pos)


def test_exon_walk_checks_against_a_second_sourced_position(derive: Any,
                                                            derived: tuple[dict[str, Any], dict[str, Any]]) -> None:
    # H47R (c.140) is sourced at 31663857 by ClinVar; walking from the A5V anchor (c.14) must land there too.
    exons = derived[0]["genes"]["SOD1"]["coordinates"]["GRCh38"]["exons"]
    assert derive.exon_walk(exons, "+", 14, 31659783, 140) == 31663857
    # and G93C (c.280, ClinVar 31667298)
    assert derive.exon_walk(exons, "+", 14, 31659783, 280) == 31667298


def test_liftover_matches_manifest_checks(derive: Any, subset_dir: Path) -> None:
    chains = derive.read_chain(subset_dir / "liftover" / "hg38ToHg19.over.chain.gz", {"21"})
    assert derive.lift_position(chains, "21", 31659622) == ("21", 33031935, "+")
    assert derive.lift_position(chains, "21", 31659783) == ("21", 33032096, "+")


def test_minus_strand_exon_numbering_and_zero_based_conversion(derive: Any) -> None:
    tx = derive.TranscriptRow("X1", "9", "-", 99, 500, [99, 299], [200, 500])
    assert derive.exons_1based(tx) == [{"number": 1, "start": 300, "end": 500}, {"number": 2, "start": 100, "end": 200}]


def test_ambiguous_span_is_an_error(derive: Any) -> None:
    entry = derive.HgncEntry("HGNC:1", "G", "g", "Approved", [], [], "ENSG1")
    rows = [derive.GeneRow("ENSG1", "G", "1", 10, 20, "+"), derive.GeneRow("ENSG1", "G", "2", 10, 20, "+"),
            derive.GeneRow("ENSG1", "G", "CHR_PATCH", 10, 20, "+")]
    with pytest.raises(derive.DerivationError):
        derive.gene_span(rows, entry, "GRCh38")
    assert derive.gene_span(rows[::2], entry, "GRCh38").chrom == "1"  # patch contigs ignored


@settings(deadline=None)  # timing-free: on a shared 2-core machine one example can exceed the 200 ms default
@given(st.lists(st.tuples(st.integers(1, 50), st.integers(1, 300)), min_size=1, max_size=8), st.sampled_from("+-"),
       st.data())
def test_exon_walk_round_trips_any_transcript(derive: Any, shapes: list[tuple[int, int]], strand: str,
                                              data: st.DataObject) -> None:
    # build a transcript of non-overlapping exons (gap, length) with 0-based starts, as in the SpliceAI table
    starts, ends, cursor = [], [], 1000
    for gap, length in shapes:
        cursor += gap
        starts.append(cursor)
        ends.append(cursor + length)
        cursor += length
    tx = derive.TranscriptRow("T", "1", strand, starts[0], ends[-1], starts, ends)
    exons = derive.exons_1based(tx)
    assert sum(e["end"] - e["start"] + 1 for e in exons) == sum(e - s for s, e in zip(starts, ends, strict=True))
    total = sum(e["end"] - e["start"] + 1 for e in exons)
    a, b = data.draw(st.integers(1, total)), data.draw(st.integers(1, total))
    pos_a = derive.exon_walk(exons, strand, 1, exons[0]["start"] if strand == "+" else exons[0]["end"], a)
    assert derive.exon_walk(exons, strand, a, pos_a, b) == derive.exon_walk(exons, strand, 1, derive.exon_walk(
        exons, strand, a, pos_a, 1), b)
    with pytest.raises(derive.DerivationError):  # an intronic / outside anchor is refused, not guessed
        derive.exon_walk(exons, strand, 1, min(starts) - 5, 1)
