"""The panel records of an indexed, unannotated single-sample VCF are read as text through the system's htslib
(charcot.variants.tabix_text, issue 20) instead of cyvcf2's parsed records. These tests read real VCFs (and real
records edited one field at a time) both ways and require the same result: the same calls, counts and notes, or the
same error; a record the text reader does not take sends the whole file to cyvcf2 (tests/data/variants/SOURCES.md
names the files)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pysam
import pytest

from charcot.errors import InputError
from charcot.genome.panel import build_panel
from charcot.knowledge import get_knowledge
from charcot.variants import reader, tabix_text
from charcot.variants.reader import read_calls

DATA = Path(__file__).resolve().parents[1] / "data" / "variants"
NA12878_38 = DATA / "na12878_hg38_panel.vcf.gz"  # Platinum calls of NA12878 (GT only), GRCh38, one sample
# GATK calls (GT:AD:DP:GQ:PL, VQSR filters) of the GIAB Ashkenazi trio, GRCh37 (tests/data/family/SOURCES.md)
TRIO = Path(__file__).resolve().parents[1] / "data" / "family" / "ashk_trio_subset.vcf.gz"


def _panel_for(build: Any) -> Any:
    return build_panel(get_knowledge().genes, build)


def _indexed(tmp_path: Path, name: str, header: list[str], records: list[str]) -> Path:
    plain = tmp_path / f"{name}.vcf"
    plain.write_text("\n".join([*header, *records]) + "\n")
    path = tmp_path / f"{name}.vcf.gz"
    pysam.tabix_compress(str(plain), str(path), force=True)
    pysam.tabix_index(str(path), preset="vcf", force=True)
    return path


def _lines(path: Path) -> tuple[list[str], list[str]]:
    text = pysam.BGZFile(str(path)).read().decode() if path.suffix == ".gz" else path.read_text()
    lines = text.splitlines()
    return [x for x in lines if x.startswith("#")], [x for x in lines if x and not x.startswith("#")]


def _gatk(count: int = 60) -> tuple[list[str], list[str]]:
    """The trio's header and first ``count`` records with HG002's column only, moved into the first GRCh37 panel
    region of chromosome 1 (positions derived from the knowledge base, 37 bp apart, in the file's order)."""
    from charcot.genome.panel import knowledge_panel
    from charcot.model import Build

    header, records = _lines(TRIO)
    header = [x for x in header if not x.startswith("##INFO=<ID=BCSQ,")]  # slivar's annotation: none in these records
    _, start, _ = next(r for r in knowledge_panel(Build.GRCh37).regions() if r[0] == "1")
    header[-1] = "\t".join(header[-1].split("\t")[:10])
    moved = []
    for i, record in enumerate(records[:count]):
        cols = record.split("\t")[:10]
        cols[0], cols[1] = "1", str(start + 10 + 37 * i)
        moved.append("\t".join(cols))
    return header, moved


def _both(path: Path, monkeypatch: pytest.MonkeyPatch, **options: Any) -> tuple[Any, Any, int]:
    """(text-path outcome, cyvcf2 outcome, records the text reader took): a ReadResult or the error's text."""
    taken = [0]
    record = tabix_text.TabixText.record

    def counted(self: tabix_text.TabixText, line: str) -> tabix_text.TextRecord:
        found = record(self, line)
        taken[0] += 1
        return found

    monkeypatch.setattr(tabix_text.TabixText, "record", counted)
    outcomes = []
    for text in (True, False):
        monkeypatch.setattr(reader, "_TEXT_RECORDS", text)
        try:
            outcomes.append(read_calls(path, _panel_for, **options))
        except InputError as exc:
            outcomes.append(f"{exc.__class__.__name__}: {exc}")
    return outcomes[0], outcomes[1], taken[0]


@pytest.mark.parametrize("name", ["na12878_hg38_panel.vcf.gz", "pfeiffer_panel.vcf.gz", "na12878_hg19_panel.vcf.gz",
                                  "na12878_hg38_chr21_30-35Mb.vcf.gz", "glnexus_na12878_gvcf_subset.g.vcf.gz",
                                  "scout_643594_subset.vcf.gz", "scout_643594_sv_one_del.vcf"])
def test_real_vcfs_read_the_same_both_ways(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    header, records = _lines(DATA / name)
    path = _indexed(tmp_path, "in", header, records)
    samples = header[-1].split("\t")[9:]
    text, cyvcf2, taken = _both(path, monkeypatch, sample=samples[0])
    assert text == cyvcf2
    if name.startswith(("na12878_hg", "na12878_hg38_chr21")):  # plain GATK calls: the text reader took them
        assert taken >= len(text.calls) > 0
    if name.startswith("pfeiffer"):  # its GQ is declared a Float: cyvcf2 reads it
        assert taken == 0


def test_gatk_calls_read_the_same_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    header, records = _gatk(400)
    path = _indexed(tmp_path, "in", header, records)
    for options in ({}, {"min_gq": 50}, {"min_dp": 20}, {"include_filtered": True}, {"sex": "male"}):
        text, cyvcf2, taken = _both(path, monkeypatch, **options)
        assert text == cyvcf2 and taken > 0, options


def _edit(record: str, column: int, value: str) -> str:
    cols = record.split("\t")
    cols[column] = value
    return "\t".join(cols)


def _sample_edit(record: str, key: str, value: str) -> str:
    cols = record.split("\t")
    keys = cols[8].split(":")
    values = cols[9].split(":")
    values[keys.index(key)] = value
    cols[9] = ":".join(values)
    return "\t".join(cols)


EDITS: dict[str, Any] = {
    "GQ not a number": lambda r: _sample_edit(r, "GQ", "abc"),
    "GQ a decimal": lambda r: _sample_edit(r, "GQ", "9.5"),
    "GQ negative": lambda r: _sample_edit(r, "GQ", "-3"),
    "GQ missing": lambda r: _sample_edit(r, "GQ", "."),
    "DP two values": lambda r: _sample_edit(r, "DP", "12,13"),
    "AD not a number": lambda r: _sample_edit(r, "AD", "0,x"),
    "GT ./1": lambda r: _sample_edit(r, "GT", "./1"),
    "GT .|1": lambda r: _sample_edit(r, "GT", ".|1"),
    "GT 1/.": lambda r: _sample_edit(r, "GT", "1/."),
    "GT 0|1": lambda r: _sample_edit(r, "GT", "0|1"),
    "GT haploid": lambda r: _sample_edit(r, "GT", "1"),
    "GT missing": lambda r: _sample_edit(r, "GT", "."),
    "GT ./.": lambda r: _sample_edit(r, "GT", "./."),
    "GT triploid": lambda r: _sample_edit(r, "GT", "0/1/1"),
    "GT beyond the ALTs": lambda r: _sample_edit(r, "GT", "0/2"),
    "GT not alleles": lambda r: _sample_edit(r, "GT", "a/b"),
    "sample column short": lambda r: _edit(r, 9, r.split("\t")[9].split(":")[0]),
    "sample column long": lambda r: _edit(r, 9, r.split("\t")[9] + ":5"),
    "FILTER undeclared": lambda r: _edit(r, 6, "Weird"),
    "FILTER two": lambda r: _edit(r, 6, "LowQual;Weird"),
    "FILTER with a space": lambda r: _edit(r, 6, "PASS "),
    "FILTER PASS and another": lambda r: _edit(r, 6, "PASS;LowQual"),
    "QUAL not a number": lambda r: _edit(r, 5, "abc"),
    "INFO END": lambda r: _edit(r, 7, f"END={int(r.split(chr(9))[1]) + 5}"),
    "INFO empty": lambda r: _edit(r, 7, "."),
    "INFO not a number": lambda r: _edit(r, 7, "DP=abc"),
    "REF lower case": lambda r: _edit(_edit(r, 3, r.split("\t")[3].lower()), 4, r.split("\t")[4].lower()),
    "ALT same as REF": lambda r: _edit(r, 4, r.split("\t")[3]),
    "ALT star": lambda r: _edit(r, 4, r.split("\t")[4] + ",*"),
    "ALT symbolic": lambda r: _edit(r, 4, "<DEL>"),
    "ALT two": lambda r: _edit(r, 4, r.split("\t")[4] + ",G" if r.split("\t")[4] != "G" else r.split("\t")[4] + ",T"),
    "POS not a number": lambda r: _edit(r, 1, r.split("\t")[1] + "x"),
    "FORMAT without GQ": lambda r: _edit(_edit(r, 8, "GT"), 9, r.split("\t")[9].split(":")[0]),
    "FORMAT GT second": lambda r: _edit(_edit(r, 8, "DP:GT"), 9, "7:" + r.split("\t")[9].split(":")[0]),
    "FORMAT undeclared key": lambda r: _edit(_edit(r, 8, r.split("\t")[8] + ":ZZ"), 9, r.split("\t")[9] + ":q"),
    "columns missing": lambda r: "\t".join(r.split("\t")[:9]),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_edited_records_read_or_fail_the_same_both_ways(edit: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    header, records = _gatk()
    records[7] = EDITS[edit](records[7])
    path = _indexed(tmp_path, "in", header, records)
    text, cyvcf2, taken = _both(path, monkeypatch)
    assert text == cyvcf2 and taken >= 7


def test_without_the_system_htslib_cyvcf2_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    header, records = _lines(NA12878_38)
    path = _indexed(tmp_path, "in", header, records)
    monkeypatch.setattr(tabix_text, "_LIB", [None])
    text, cyvcf2, taken = _both(path, monkeypatch)
    assert text == cyvcf2 and taken == 0


def test_a_doubt_midway_reads_the_whole_file_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A record the text reader does not take, after others it took: the result holds each call once."""
    header, records = _lines(NA12878_38)
    records[-1] = EDITS["INFO END"](records[-1])
    path = _indexed(tmp_path, "in", header, records)
    text, cyvcf2, taken = _both(path, monkeypatch)
    assert text == cyvcf2 and taken > 0
    keys = [(c.chrom, c.vcf_pos, c.vcf_ref, c.vcf_alt) for c in text.calls]
    assert len(keys) == len(set(keys))
