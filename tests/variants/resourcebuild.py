"""Build gnomAD and ClinVar resource files at run time from real release headers
(tests/data/variants/resources, see SOURCES.md): the field names and header lines are gnomAD's and ClinVar's
own; the records are placed at test positions with the values each test needs."""

from __future__ import annotations

import gzip
from collections.abc import Mapping, Sequence
from pathlib import Path

import pysam

from charcot.model import Build

RES = Path(__file__).resolve().parents[1] / "data" / "variants" / "resources"
GNOMAD_V4 = RES / "gnomad.exomes.v4.0.sites.chr1-PCSK9.vcf.bgz"  # GRCh38, chr1 only, no ##contig lines
GNOMAD_V2_37 = RES / "gnomad.exomes.r2.1.sites.grch37-subset.vcf.bgz"  # GRCh37 contig lengths
CLINVAR_HEADER = RES / "clinvar_vcf_header.txt"  # ##reference=GRCh37
VEP_CSQ_HEADER = RES / "vep_csq_header_sarek.txt"


def _header(path: Path) -> list[str]:
    opener = gzip.open if path.suffix in (".gz", ".bgz") else open
    with opener(path, "rt") as handle:  # type: ignore[operator]
        return [line.rstrip("\n") for line in handle if line.startswith("#")]


def _order(chrom: str) -> tuple[int, str]:
    c = chrom.removeprefix("chr")
    return (int(c), "") if c.isdigit() else ({"X": 23, "Y": 24}.get(c, 25), c)


def write_indexed(path: Path, header: list[str], lines: list[str]) -> Path:
    """Header and (already sorted) record lines as a bgzipped, tabix-indexed VCF at ``path`` (*.vcf.gz, *.vcf.bgz)."""
    plain = path.with_suffix("")
    plain.write_text("\n".join(header + lines) + "\n")
    pysam.tabix_compress(str(plain), str(path), force=True)
    plain.unlink()
    pysam.tabix_index(str(path), preset="vcf", force=True)
    return path


def gnomad_vcf(path: Path, rows: Sequence[tuple[str, int, str, str, Mapping[str, object]]], *,
               build: Build = Build.GRCh38, filters: Mapping[int, str] | None = None) -> Path:
    """A gnomAD sites VCF with the real v4.0 exomes header (GRCh38) or v2.1 exomes header (GRCh37); each row
    is (chrom, pos, ref, alt, INFO values by gnomAD field name)."""
    header = _header(GNOMAD_V4 if build == Build.GRCh38 else GNOMAD_V2_37)
    declared = {h.split("ID=")[1].split(",")[0] for h in header if h.startswith("##INFO=<ID=")}
    prefix = "chr" if build == Build.GRCh38 else ""
    lines = []
    for i, (chrom, pos, ref, alt, info) in enumerate(sorted(rows, key=lambda r: (_order(r[0]), r[1]))):
        unknown = set(info) - declared
        assert not unknown, f"not gnomAD fields: {unknown}"
        text = ";".join(f"{k}={v}" for k, v in info.items()) or "."
        filt = (filters or {}).get(i, "PASS")
        lines.append("\t".join([prefix + chrom.removeprefix("chr"), str(pos), ".", ref, alt, ".", filt, text]))
    return write_indexed(path, header, lines)


def clinvar_vcf(path: Path, rows: Sequence[tuple[str, int, str, str, str, Mapping[str, str]]], *,
                build: Build = Build.GRCh38, file_date: str | None = None) -> Path:
    """A ClinVar VCF with ClinVar's real header (##reference set to ``build``); rows are
    (chrom, pos, ref, alt, Variation ID, INFO values by ClinVar field name). ``file_date``: the release's
    ``##fileDate=`` line, which ClinVar writes after ``##fileformat`` (SOURCES.md)."""
    header = [("##reference=" + build.value) if h.startswith("##reference=") else h
              for h in _header(CLINVAR_HEADER)]
    if file_date is not None:
        header.insert(1, f"##fileDate={file_date}")
    declared = {h.split("ID=")[1].split(",")[0] for h in header if h.startswith("##INFO=<ID=")}
    lines = []
    for chrom, pos, ref, alt, vid, info in sorted(rows, key=lambda r: (_order(r[0]), r[1])):
        unknown = set(info) - declared
        assert not unknown, f"not ClinVar fields: {unknown}"
        lines.append("\t".join([chrom.removeprefix("chr"), str(pos), vid, ref, alt, ".", ".",
                                ";".join(f"{k}={v}" for k, v in info.items())]))
    return write_indexed(path, header, lines)


def vep_csq_header() -> str:
    return VEP_CSQ_HEADER.read_text().strip()


def vep_csq(**values: str) -> str:
    """One CSQ entry of the real VEP header (sarek), fields not given left empty."""
    fields = vep_csq_header().split("Format: ")[1].rstrip('">').split("|")
    unknown = set(values) - set(fields)
    assert not unknown, unknown
    return "|".join(values.get(f, "") for f in fields)


def sod1_missense_vcf(tmp_path: Path, csq_extra: dict[str, str]) -> Path:
    """A GRCh38 VCF with one VEP-annotated SOD1 missense call (exon 4), with ``csq_extra`` CSQ fields."""
    from .vcfbuild import Rec, exon, mane, write_vcf

    chrom, start, _end, _ = exon("SOD1", 4, Build.GRCh38)
    tx = mane("SOD1")
    csq = vep_csq(Allele="T", Consequence="missense_variant", IMPACT="MODERATE", SYMBOL="SOD1",
                  Feature_type="Transcript", Feature=tx, BIOTYPE="protein_coding", MANE_SELECT="NM_000454.5",
                  HGVSc=f"{tx}:c.300G>T", HGVSp="ENSP00000270142.7:p.Leu100Phe", Protein_position="100",
                  **csq_extra)
    return write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start + 5, "G", "T", info={"CSQ": csq})], build=Build.GRCh38,
                     extra_header=[vep_csq_header()])
