"""A VCF cut to a region of a chromosome speaks only inside the span of its records there: a panel gene outside it
is 'not assessed' with the span named, never 'assessed: no reportable variant' (regression: coverage was judged per
chromosome only). The same on every reading path: indexed, streamed whole, the text and gzip prefilter, the
unindexed bgzip selection pass and its temporary-index fallback. Real records: NA12878 Platinum Genomes hg38 calls
of chr21:30-35 Mb (tests/data/variants/SOURCES.md), cut here with pysam; SOD1 lies at chr21:31.66 Mb."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pysam
import pytest

from charcot.genome.panel import knowledge_panel
from charcot.model import Build
from charcot.variants import prefilter, reader
from charcot.variants.api import interpret

DATA = Path(__file__).parents[1] / "data" / "variants"
CHR21 = DATA / "na12878_hg38_chr21_30-35Mb.vcf.gz"


def _cut(tmp_path: Path, name: str, keep: Any, kind: str = "bgzip", index: bool = False) -> Path:
    """The records of CHR21 whose POS ``keep`` accepts, with the full header: plain text, plain gzip or bgzip."""
    with pysam.VariantFile(str(CHR21)) as source:
        text = str(source.header) + "".join(str(r) for r in source if keep(r.pos))
    if kind == "text":
        out = tmp_path / f"{name}.vcf"
        out.write_text(text)
        return out
    if kind == "gzip":
        out = tmp_path / f"{name}.vcf.gz"
        out.write_bytes(gzip.compress(text.encode()))
        return out
    plain = tmp_path / f"{name}.vcf"
    plain.write_text(text)
    out = tmp_path / f"{name}.vcf.gz"
    pysam.tabix_compress(str(plain), str(out), force=True)
    plain.unlink()
    if index:
        pysam.tabix_index(str(out), preset="vcf", force=True)
    return out


def _positions(path: Path) -> list[int]:
    with pysam.VariantFile(str(path)) as vcf:
        return [r.pos for r in vcf]


def _span(path: Path) -> tuple[int, int]:
    """First record's POS to last record's POS, widened to the end of the calls in the panel (every Platinum
    Genomes truth record is a PASS call of the sample)."""
    regions = [(s, e) for c, s, e in knowledge_panel(Build.GRCh38).regions() if c == "21"]
    with pysam.VariantFile(str(path)) as vcf:
        records = [(r.pos, r.stop) for r in vcf]
    reach = [stop for pos, stop in records if any(pos <= e and stop >= s for s, e in regions)]
    return records[0][0], max([records[-1][0], *reach])


def test_a_gene_past_the_last_record_of_a_cut_file_is_not_assessed(tmp_path: Path) -> None:
    """bcftools view -r chr21:1-31000000 of a genome: SOD1 (31.66 Mb) lies past every record on chr21."""
    cut = _cut(tmp_path, "before_sod1", lambda pos: pos < 31_000_000, index=True)
    first, last = _span(cut)
    result = interpret(cut)
    assert "SOD1" in result.genes_not_covered and "SOD1" not in result.genes_assessed
    reason = result.not_covered_reasons["SOD1"]
    assert f"span {first:,}-{last:,} only" in reason and "SOD1" in reason
    assert "lies outside them" in reason and "chromosome 21" in reason
    assert result.status == "not_assessed"  # chr21 holds the only panel genes with records around them here
    assert any("SOD1" in n.what and "span" in n.reason for n in result.not_assessed)


def test_a_gene_the_span_ends_inside_is_assessed_on_its_part_inside_and_the_rest_named(tmp_path: Path) -> None:
    """As a gVCF gene with some callable exons: assessed on what was read, the part outside named as not assessed
    (a targeted-panel VCF's first and last gene per chromosome always reach past its span)."""
    cut = _cut(tmp_path, "mid_sod1", lambda pos: pos < 31_664_000, index=True)
    first, last = _span(cut)
    result = interpret(cut)
    assert "SOD1" in result.genes_assessed and "SOD1" not in result.genes_not_covered
    why = result.genes_partly_covered["SOD1"]
    assert f"span {first:,}-{last:,} only" in why and "lies partly outside them" in why
    assert any(why in n.reason and "SOD1" in n.what for n in result.not_assessed)
    # the three NA12878 calls in SOD1 before the cut are read and listed
    assert {f.pos for f in result.findings if f.gene == "SOD1"} == {31660688, 31662579, 31663118}


def test_a_gene_inside_the_span_stays_assessed(tmp_path: Path) -> None:
    result = interpret(_cut(tmp_path, "whole", lambda pos: True, index=True))
    assert "SOD1" in result.genes_assessed and "SOD1" not in result.not_covered_reasons
    assert "SOD1" not in result.genes_partly_covered
    assert "CFAP410" in result.genes_not_covered  # 44.3 Mb: past the file's last record at 35 Mb
    assert "lies outside them" in result.not_covered_reasons["CFAP410"]


@pytest.mark.parametrize("keep", [lambda pos: pos < 31_000_000, lambda pos: pos < 31_664_000,
                                  lambda pos: pos > 31_664_000, lambda pos: True],
                         ids=["before-SOD1", "mid-SOD1", "after-mid-SOD1", "whole"])
def test_every_reading_path_finds_the_same_span(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keep: Any) -> None:
    """Each pass's span of the records on chr21 is that of the records themselves (read here with pysam); the indexed
    paths ask for the last record exactly only where a panel gene lies past what they found (always here: CFAP410
    lies past 35 Mb)."""
    indexed = _cut(tmp_path, "indexed", keep, index=True)
    exact = _span(indexed)
    spans: dict[str, Any] = {}
    # indexed
    spans["indexed"] = reader.read_calls(indexed, knowledge_panel).spans
    # small files read whole (text, bgzip without index)
    spans["streamed text"] = reader.read_calls(_cut(tmp_path, "t", keep, "text"), knowledge_panel).spans
    bgzip = _cut(tmp_path, "b", keep)
    spans["streamed bgzip"] = reader.read_calls(bgzip, knowledge_panel).spans
    # the text and plain-gzip prefilter (bcftools selection + numpy facts)
    monkeypatch.setattr(prefilter, "MIN_BYTES", 0)
    for kind in ("text", "gzip"):
        path = _cut(tmp_path, f"p{kind}", keep, kind)
        assert reader._prefilter_kind(path) == kind
        spans[f"prefilter {kind}"] = reader._read_calls(path, knowledge_panel, select=kind).spans
    # the unindexed bgzip selection pass, and the whole file's temporary index when it is off
    monkeypatch.setattr(reader, "TEMP_INDEX_MIN_BYTES", 0)
    chosen: list[bool] = []
    real = reader.IndexPrefetch.selected

    def spy(self: Any, *args: Any) -> Any:
        got = real(self, *args)
        chosen.append(got is not None)
        return got

    monkeypatch.setattr(reader.IndexPrefetch, "selected", spy)
    spans["bgzf selection"] = reader.read_calls(bgzip, knowledge_panel).spans
    assert chosen == [True]
    monkeypatch.setattr(reader, "SELECTION_PASS", False)
    spans["temporary index"] = reader.read_calls(bgzip, knowledge_panel).spans
    for path_name in ("streamed text", "streamed bgzip", "prefilter text", "prefilter gzip"):
        assert spans[path_name] == {"21": exact}, path_name
    for path_name in ("indexed", "bgzf selection", "temporary index"):
        first, last = spans[path_name]["21"]
        assert first == exact[0], path_name
        # exact where a gene lies outside the span, else a record past the panel's last chr21 gene (none here)
        assert last == exact[1], path_name


def test_the_command_says_so(tmp_path: Path) -> None:
    """`charcot interpret` (its own process, as a user runs it) on an indexed cut file: the span travels with the
    reading's summary, and a run that can speak for no gene ends with exit code 3."""
    import json
    import os
    import subprocess
    import sys

    cut = _cut(tmp_path, "before_sod1", lambda pos: pos < 31_000_000, index=True)
    first, last = _span(cut)
    out = tmp_path / "findings.json"
    run = subprocess.run([sys.executable, "-m", "charcot.cli", "interpret", str(cut), "-o", str(out), "-q"],
                         capture_output=True, text=True, env=dict(os.environ), timeout=300)
    assert run.returncode == 3, run.stderr
    data = json.loads(out.read_text())
    assert data["genes_assessed"] == [] and "SOD1" in data["genes_not_covered"]
    assert f"span {first:,}-{last:,} only" in data["not_covered_reasons"]["SOD1"]
