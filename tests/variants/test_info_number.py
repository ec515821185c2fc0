"""A multi-allelic record's INFO values are read by the header's Number (VCF 4.3 1.4.2: A one per ALT, R one per
allele REF first, 1 / '.' not attributable to one ALT).

Defect (2026-12-02 session): ``annotation._info_value`` took a value per ALT only when the tuple's length equalled the
number of ALTs; otherwise the whole value went on, and ``_float`` of a tuple is its maximum. On a record REF/ALT1/ALT2
where the sample carries the rare ALT2:
* Number=R gnomAD frequencies (REF's ~0.8 first) read as 0.8 -> BA1 -> the rare allele **Benign**;
* a Number=1 value (an annotator re-declaring gnomAD's per-allele field, as slivar's gnotate `gnomad_popmax_af` is)
  is ALT1's frequency, read as ALT2's -> BA1 -> **Benign**.
Now a Number=R value is indexed from REF, a Number=A one per ALT, and a per-allele field given as one value for
several ALTs (Number=1 or '.') is not attributable: the allele's frequency is "not assessed" (never absent, so no
PM2) and the finding says why. A site-level count (AN, Number=1) still applies to every ALT.
Header: gnomAD v4.0 exomes' real AF_joint / AF_grpmax_joint / fafmax_faf95_max_joint / AN_joint lines (Number
rewritten where the case needs it) on the nf-core/sarek VEP CSQ header; positions from the knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest

from charcot.model import AcmgClass, Build
from charcot.variants.api import interpret

from .resourcebuild import GNOMAD_V4, _header, vep_csq, vep_csq_header
from .vcfbuild import Rec, exon, mane, write_vcf

FIELDS = ("AF_joint", "AF_grpmax_joint", "fafmax_faf95_max_joint", "AN_joint")


def _lines(number: str) -> list[str]:
    """gnomAD's own INFO lines of FIELDS; the per-allele ones with Number=``number`` (AN_joint stays Number=1)."""
    out = []
    for line in _header(GNOMAD_V4):
        name = line.split("ID=")[1].split(",")[0] if line.startswith("##INFO=<ID=") else None
        if name in FIELDS:
            out.append(line if name == "AN_joint" else line.replace("Number=A", f"Number={number}"))
    assert len(out) == len(FIELDS)
    return out


def _sod1(tmp_path: Path, number: str, values: dict[str, str], gt: str = "0/2"):  # type: ignore[no-untyped-def]
    chrom, start, _end, _ = exon("SOD1", 4, Build.GRCh38)
    tx = mane("SOD1")
    csq = ",".join(vep_csq(Allele=alt, Consequence="missense_variant", IMPACT="MODERATE", SYMBOL="SOD1",
                           Feature_type="Transcript", Feature=tx, BIOTYPE="protein_coding", MANE_SELECT="NM_000454.5",
                           HGVSc=f"{tx}:c.300G>{alt}", HGVSp=f"ENSP00000270142.7:p.Leu100{aa}", Protein_position="100")
                   for alt, aa in (("T", "Phe"), ("C", "Leu")))
    info = {"CSQ": csq, **values}
    vcf = write_vcf(tmp_path / f"p{number}.vcf.gz", [Rec(chrom, start + 5, "G", "T,C", gt=gt, info=info)],
                    build=Build.GRCh38, extra_header=[vep_csq_header(), *_lines(number)])
    return [f for f in interpret(vcf).findings if f.gene == "SOD1"]


def _applied(f) -> set[str]:  # type: ignore[no-untyped-def]
    return {e.criterion for e in f.evidence if e.applied}


def test_number_r_values_are_read_from_the_alts_place(tmp_path: Path) -> None:
    # REF 0.8, ALT1 (T) 0.2, ALT2 (C) 0.00001: the sample's C is rare
    (f,) = _sod1(tmp_path, "R", {"AF_joint": "0.79999,0.2,0.00001", "AF_grpmax_joint": "0.85,0.25,0.00002",
                                 "fafmax_faf95_max_joint": "0.8,0.2,0.000005", "AN_joint": "1500000"})
    assert f.alt == "C"
    assert f.frequencies.af == pytest.approx(0.00001) and f.frequencies.grpmax_af == pytest.approx(0.00002)
    assert f.frequencies.an == 1500000
    assert not _applied(f) & {"BA1", "BS1"} and f.classification not in (AcmgClass.BENIGN, AcmgClass.LIKELY_BENIGN)


def test_number_a_values_stay_per_alt(tmp_path: Path) -> None:
    (f,) = _sod1(tmp_path, "A", {"AF_joint": "0.2,0.00001", "AF_grpmax_joint": "0.25,0.00002",
                                 "fafmax_faf95_max_joint": "0.2,0.000005", "AN_joint": "1500000"})
    assert f.frequencies.af == pytest.approx(0.00001) and not _applied(f) & {"BA1", "BS1"}
    # and the common ALT1 carried instead reads its own 0.2: BA1
    (t,) = _sod1(tmp_path, "A", {"AF_joint": "0.2,0.00001", "AF_grpmax_joint": "0.25,0.00002",
                                 "fafmax_faf95_max_joint": "0.2,0.000005", "AN_joint": "1500000"}, gt="0/1")
    assert t.alt == "T" and "BA1" in _applied(t)


@pytest.mark.parametrize("number", ["1", "."])
def test_one_value_for_several_alts_is_not_this_alleles_frequency(tmp_path: Path, number: str) -> None:
    # ALT1's frequency written once for the record: before, read as the sample's ALT2's -> BA1 -> Benign
    (f,) = _sod1(tmp_path, number, {"AF_joint": "0.2", "AF_grpmax_joint": "0.25", "fafmax_faf95_max_joint": "0.2",
                                    "AN_joint": "1500000"})
    assert f.frequencies.af is None and f.frequencies.grpmax_af is None and f.frequencies.faf95 is None
    assert not _applied(f) & {"BA1", "BS1", "PM2"}  # not benign, and not "absent" either
    assert f.classification not in (AcmgClass.BENIGN, AcmgClass.LIKELY_BENIGN)
    assert f.frequencies.not_covered is not None and "AF_joint" in f.frequencies.not_covered
    assert not f.frequencies.searched


def test_the_run_says_why_and_how_to_fix_it(tmp_path: Path) -> None:
    chrom, start, _end, _ = exon("SOD1", 4, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start + 5, "G", "T,C", gt="0/2", info={"AF_joint": "0.2"})],
                    build=Build.GRCh38, extra_header=_lines("1"))
    (item,) = [n for n in interpret(vcf).not_assessed if n.what.startswith("population frequency")]
    assert "SOD1" in item.what and "one value for the record" in item.reason
    assert "cover" not in item.reason  # not a coverage gap: the remedy is to split the record
    assert item.how_to_assess.startswith("split multi-allelic records")


def test_a_clinvar_value_given_once_for_two_alts_is_not_this_alleles(tmp_path: Path) -> None:
    # ClinVar's own CLNSIG/CLNREVSTAT lines (Number=.) copied onto a multi-allelic record with one value: before this
    # session the value was ALT1's shown for ALT2; reading by Number made it absent, which the report said as "no
    # assertion in the VCF's ClinVar annotation". It is neither: ClinVar is not assessed for this allele.
    from .resourcebuild import CLINVAR_HEADER

    lines = [h for h in _header(CLINVAR_HEADER) if h.startswith(("##INFO=<ID=CLNSIG,", "##INFO=<ID=CLNREVSTAT,"))]
    assert len(lines) == 2
    chrom, start, _end, _ = exon("SOD1", 4, Build.GRCh38)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, start + 5, "G", "T,C", gt="0/2", info={
        "CLNSIG": "Benign", "CLNREVSTAT": "criteria_provided,_multiple_submitters,_no_conflicts"})],
                    build=Build.GRCh38, extra_header=lines)
    (f,) = [f for f in interpret(vcf).findings if f.gene == "SOD1"]
    assert f.clinvar is None
    assert f.clinvar_not_covered is not None and "CLNSIG" in f.clinvar_not_covered
