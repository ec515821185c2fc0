"""Segregation and de novo evidence per ALT allele (probe-gen review), on the real GIAB trio calls of
tests/data/family with one record made multi-allelic (ALT G,T; the genotypes edited, AD and PL widened to match).

Before the fixes: cyvcf2's genotype code says 'het' for 0/2 as for 0/1, so a mother carrying only the second ALT
counted as a carrier of the first (no de novo, an affected carrier for PP1); the second ALT was never assessed; and
a requested variant the proband does not carry got PP1 from the relatives who do (Bayes factor 303)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pysam

from charcot.family.pedigree import read_pedigree
from charcot.family.segregation import family_evidence
from charcot.model import Evidence

DATA = Path(__file__).resolve().parents[1] / "data" / "family"
VCF = DATA / "ashk_trio_subset.vcf.gz"
SITE = "1\t900298\t"  # HG002 0/1, HG003 0/0, HG004 0/1 (C>G), a real PASS call
HG004_ONLY = "1-879317-C-T"  # real call: HG002 0/0, HG003 0/0, HG004 0/1


def _trio(tmp_path: Path) -> Path:
    ped = tmp_path / "trio.ped"  # affected proband HG002 and affected mother HG004
    ped.write_text("ash\tHG002\tHG003\tHG004\t1\t2\nash\tHG003\t0\t0\t1\t1\nash\tHG004\t0\t0\t2\t2\n")
    return ped


def _multiallelic(tmp_path: Path) -> Path:
    lines = []
    with gzip.open(VCF, "rt") as handle:
        for line in handle:
            if line.startswith(SITE):
                c = line.rstrip("\n").split("\t")
                assert c[4] == "G" and c[8] == "GT:AD:DP:GQ:PGT:PID:PL"
                c[4] = "G,T"
                c[9] = "0/1:38,39,0:77:99:.:.:1095,0,1150,1200,1200,1200"
                c[10] = "0/0:67,0,0:67:99:.:.:0,120,1800,120,1800,1800"
                c[11] = "0/2:51,0,43:94:99:.:.:1069,1200,1200,0,1200,1588"  # the mother carries T only
                line = "\t".join(c) + "\n"
            lines.append(line)
    plain = tmp_path / "ma.vcf"
    plain.write_text("".join(lines))
    out = tmp_path / "ma.vcf.gz"
    pysam.tabix_compress(str(plain), str(out), force=True)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    return out


def _by(evidence: list[Evidence], criterion: str) -> Evidence:
    return next(e for e in evidence if e.criterion == criterion)


def test_each_alt_of_a_multiallelic_record_is_read_with_its_own_carriers(tmp_path: Path) -> None:
    ev = family_evidence(_multiallelic(tmp_path), read_pedigree(_trio(tmp_path)), "HG002",
                         ["1-900298-C-G", "1-900298-C-T"])
    g = ev["1-900298-C-G"]
    # neither parent carries G: a de novo call (the mother's T is another allele), never 'mother not hom-ref'
    assert "mother is not homozygous reference" not in _by(g, "PS2").reason
    assert "de novo in the proband" in _by(g, "PS2").reason
    assert "affected carriers besides the proband: HG004" not in " ".join(e.reason for e in g)
    # the second ALT is assessed too: the proband does not carry it
    t = _by(ev["1-900298-C-T"], "PP1")
    assert not t.applied and "proband does not carry" in t.reason


def test_a_variant_the_proband_does_not_carry_gets_no_co_segregation(tmp_path: Path) -> None:
    pp1 = _by(family_evidence(VCF, read_pedigree(_trio(tmp_path)), "HG002", [HG004_ONLY])[HG004_ONLY], "PP1")
    assert not pp1.applied and pp1.points == 0 and "proband does not carry" in pp1.reason
