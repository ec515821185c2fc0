"""FILTER '.' is "filters not applied", not PASS (VCF 4.3 section 1.6.1: PASS when every filter passed, the missing
value when no filter was applied).

Defect (2026-12-02 review of the earlier notes): the reader wrote every record with FILTER '.' as ``filter="PASS"``,
so a call from an unfiltered VCF (``bcftools call`` without ``bcftools filter``, a pipeline that skips
VariantFiltration/VQSR) was reported as one that had passed the caller's filters. The call is still interpreted (an
unfiltered VCF would otherwise assess nothing), but it now says what it is: the finding's filter is '.', it carries a
note and a confirmation flag, and the reading summary counts such calls for the report's methods line.
Header: the real Platinum Genomes GRCh38 one; positions from the knowledge base's exon table."""

from __future__ import annotations

from pathlib import Path

from charcot.model import Build
from charcot.variants.api import interpret, to_tsv

from .vcfbuild import Rec, exon, write_vcf


def _run(tmp_path: Path, recs: list[Rec], **kw: object):  # type: ignore[no-untyped-def]
    return interpret(write_vcf(tmp_path / "p.vcf.gz", recs, build=Build.GRCh38), sex="female", **kw)


def test_filter_missing_is_kept_but_not_reported_as_pass(tmp_path: Path) -> None:
    chrom, start, end, _strand = exon("SOD1", 2, Build.GRCh38)
    pos = (start + end) // 2
    result = _run(tmp_path, [Rec(chrom, pos, "G", "T", filter="."), Rec(chrom, start + 5, "C", "A")])
    by_pos = {f.pos: f for f in result.findings if f.gene == "SOD1"}
    unfiltered, passed = by_pos[pos], by_pos[start + 5]
    assert unfiltered.filter == "." and passed.filter == "PASS"
    assert unfiltered.call_quality_flag is not None and "FILTER '.'" in unfiltered.call_quality_flag
    assert passed.call_quality_flag is None
    assert any("not applied" in n for n in unfiltered.notes)
    assert not any("FILTER" in n for n in passed.notes)
    assert result.reading.unfiltered_calls == 1 and result.reading.filtered_out == 0
    assert not result.excluded_calls  # kept, as before: only a named filter leaves a call out
    # the TSV's filter column says '.', not PASS
    rows = [r.split("\t") for r in to_tsv(result).splitlines()]
    col = rows[0].index("filter")
    key = rows[0].index("key")
    assert {r[col] for r in rows[1:] if r[key] == unfiltered.key} == {"."}
    assert {r[col] for r in rows[1:] if r[key] == passed.key} == {"PASS"}


def test_a_named_filter_is_still_left_out_and_ft_still_applies(tmp_path: Path) -> None:
    chrom, start, end, _strand = exon("SOD1", 2, Build.GRCh38)
    pos = (start + end) // 2
    result = _run(tmp_path, [Rec(chrom, pos, "G", "T", filter="LowQual")])
    assert not [f for f in result.findings if f.gene == "SOD1"]
    assert [e.why for e in result.excluded_calls] == ["FILTER LowQual"]
    assert result.reading.unfiltered_calls == 0


def test_the_report_says_the_calls_were_not_filtered(tmp_path: Path) -> None:
    # the demo's real NA12878 chr21 calls (and the spiked SOD1 A5V) as an unfiltered caller writes them: FILTER '.'
    import html

    import pysam

    from charcot.report.build import CaseInputs, build_report
    from charcot.report.consistency import contradictions
    from charcot.report.demo import demo_dir
    from charcot.report.render_html import render_html

    plain = tmp_path / "unfiltered.vcf"
    with pysam.VariantFile(str(demo_dir() / "demo.vcf.gz")) as source:
        lines = [str(source.header)]
        for rec in source:
            fields = str(rec).split("\t")
            fields[6] = "."
            lines.append("\t".join(fields))
    plain.write_text("".join(lines))
    report = build_report(CaseInputs(vcf=plain))
    assert contradictions(report) == []
    a5v = [f for t in report.genetics.tiers for f in t.findings if f.gene == "SOD1"]
    assert a5v and all(f.call_quality_flag and "FILTER '.'" in f.call_quality_flag for f in a5v)
    text = html.unescape(render_html(report))
    assert "kept with FILTER '.' (the caller's filters were not applied" in text
    assert "unfiltered call, FILTER '.'" in text
