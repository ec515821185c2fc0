"""VCFs whose contigs carry NCBI accession names (NC_000021.9, CM000683.2) instead of 21/chr21.

Some pipelines (NCBI's own, RefSeq-based aligners, GATK on the NCBI analysis set) name the primary chromosomes by their
RefSeq or GenBank accession. Before, such a file's build could not be detected ("the header has no contig lengths of
GRCh37 or GRCh38", although every contig line had its length), and with --build every gene read "the VCF has no
record on the gene's chromosome" next to records on it. The accession tables come from NCBI's assembly reports
(scripts/sources); the renaming below reads those reports directly, not charcot's derived table, and the records are
real (tests/data/variants/SOURCES.md). Each renamed file must read exactly as the original does."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DATA, REPO, CliResult

SOURCES = REPO / "scripts" / "sources"
REPORTS = {"GRCh37": SOURCES / "GCF_000001405.25_GRCh37.p13_assembly_report.primary.txt",
           "GRCh38": SOURCES / "GCF_000001405.39_GRCh38.p13_assembly_report.primary.txt"}
VARIANTS = DATA / "variants"


def _rename(src: Path, out: Path, build: str, column: int, *, keep_lengths: bool = True) -> Path:
    """``src`` with its contigs renamed to the assembly report's accession (column 6 RefSeq, 4 GenBank), bgzipped and
    indexed; without ``keep_lengths`` the ##contig lines lose their length."""
    mapping = out.parent / f"{out.name}.map"
    rows = []
    for line in REPORTS[build].read_text().splitlines():
        if line.startswith("#"):
            continue
        f = line.split("\t")
        for name in (f[0], f"chr{f[0]}", f[9]):
            rows.append(f"{name}\t{f[column]}")
    mapping.write_text("\n".join(dict.fromkeys(rows)) + "\n")
    renamed = out.parent / f"{out.name}.tmp.vcf"
    subprocess.run(["bcftools", "annotate", "--rename-chrs", str(mapping), "-Ov", "-o", str(renamed), str(src)],
                   check=True, capture_output=True)
    text = renamed.read_text()
    if not keep_lengths:
        import re

        text = re.sub(r"^(##contig=<ID=[^,>]+)[^\n]*>$", r"\1>", text, flags=re.M)
    renamed.write_text(text)
    subprocess.run(["bcftools", "view", "-Oz", "-o", str(out), str(renamed)], check=True, capture_output=True)
    subprocess.run(["bcftools", "index", "-t", str(out)], check=True, capture_output=True)
    return out


def _findings(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text())
    for key in ("input", "provenance"):
        data.pop(key)
    return data


CASES = [
    ("pfeiffer_panel.vcf.gz", "GRCh37", ()),  # "1".."22" names, one sample, 100 records
    ("na12878_hg38_chr21_30-35Mb.vcf.gz", "GRCh38", ()),  # "chr21", 6,628 records around SOD1
    ("scout_643594_subset.vcf.gz", "GRCh37", ("--sample", "ADM1059A1")),  # a trio's multi-sample VCF
]


def _plain(src: Path, out: Path) -> Path:
    subprocess.run(["bcftools", "view", "-Ov", "-o", str(out), str(src)], check=True, capture_output=True)
    return out


def _indexed(src: Path, out: Path) -> Path:
    subprocess.run(["bcftools", "view", "-Oz", "-o", str(out), str(src)], check=True, capture_output=True)
    subprocess.run(["bcftools", "index", "-t", str(out)], check=True, capture_output=True)
    return out


@pytest.mark.parametrize(("name", "build", "extra"), CASES)
@pytest.mark.parametrize("column", [6, 4], ids=["refseq", "genbank"])
def test_accession_named_contigs_read_as_the_original(tmp_path: Path, run_cli: Callable[..., CliResult], name: str,
                                                       build: str, extra: tuple[str, ...], column: int) -> None:
    original = _indexed(VARIANTS / name, tmp_path / "original.vcf.gz")
    renamed = _rename(original, tmp_path / "renamed.vcf.gz", build, column)
    header = subprocess.run(["bcftools", "view", "-h", str(renamed)], check=True, capture_output=True, text=True).stdout
    assert "##contig=<ID=NC_0000" in header or "##contig=<ID=CM0006" in header
    # indexed (region queries) and plain text (the streaming reader) name the contigs the same way
    for tag, copy in (("indexed", lambda p, o: p), ("plain", _plain)):
        a = run_cli("interpret", copy(original, tmp_path / f"o.{tag}.vcf"), "-o", tmp_path / f"a.{tag}.json", *extra)
        b = run_cli("interpret", copy(renamed, tmp_path / f"r.{tag}.vcf"), "-o", tmp_path / f"b.{tag}.json", *extra)
        assert b.code == a.code, b.stderr
        before, after = _findings(tmp_path / f"a.{tag}.json"), _findings(tmp_path / f"b.{tag}.json")
        assert after == before, tag
        assert after["records_read"] and after["genes_assessed"]


def test_accession_versions_name_the_build_when_the_header_has_no_lengths(
        tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    original = _indexed(VARIANTS / "na12878_hg38_chr21_30-35Mb.vcf.gz", tmp_path / "original.vcf.gz")
    renamed = _rename(original, tmp_path / "nolen.vcf.gz", "GRCh38", 6, keep_lengths=False)
    assert "length=" not in subprocess.run(["bcftools", "view", "-h", str(renamed)], check=True,
                                           capture_output=True, text=True).stdout
    a = run_cli("interpret", original, "-o", tmp_path / "a.json")
    b = run_cli("interpret", renamed, "-o", tmp_path / "b.json")
    assert b.code == a.code, b.stderr
    assert _findings(tmp_path / "b.json") == _findings(tmp_path / "a.json")
    # NC_000021.9 is GRCh38's chromosome 21: reading it as GRCh37 would put every record on other bases
    wrong = run_cli("interpret", renamed, "--build", "GRCh37", "-o", tmp_path / "w.json")
    assert wrong.code == 2 and "Traceback" not in wrong.stderr
    assert "accession" in wrong.stderr and "GRCh38" in wrong.stderr
    assert not (tmp_path / "w.json").exists()


def test_unknown_accession_like_names_stay_as_they_are() -> None:
    from charcot.genome.builds import accession_build, contig_in_file, normalise_contig

    assert normalise_contig("NC_000021.9") == "21" and normalise_contig("NC_000021.8") == "21"
    assert normalise_contig("NC_012920.1") == "MT" and normalise_contig("CM000683.2") == "21"
    # a patch or an unplaced scaffold is not a primary chromosome; an unknown version is not guessed
    assert normalise_contig("NW_009646194.1") == "NW_009646194.1"
    assert normalise_contig("NC_000021.7") == "NC_000021.7"
    assert contig_in_file("21", ["NC_000020.11", "NC_000021.9"]) == "NC_000021.9"
    assert contig_in_file("21", ["NC_000021.7"]) is None
    assert accession_build(["NC_000021.9", "NC_012920.1"]) is not None
    assert accession_build(["NC_000021.9", "NC_000022.10"]) is None  # one of each build: not decided
    assert accession_build(["NC_012920.1"]) is None  # the mitochondrion's accession is the same in both
