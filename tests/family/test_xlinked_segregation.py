"""Co-segregation (PP1/BS4) of a variant on X in an X-linked gene.

Defect: every variant on chromosome X outside the pseudoautosomal regions got "PP1 not assessed: the co-segregation
model is autosomal", UBQLN2 (X-linked dominant ALS) included, although the peeling engine already carries X-linked
transmission (relatives' risk uses it). A family where the variant passes from a carrier grandmother to an affected
son and, through an unaffected carrier daughter, to her affected son is textbook X-linked segregation, and the report
said nothing of it. Now a gene the knowledge base records as X-linked is assessed with X-linked transmission
(hemizygous men; a father's X to his daughters only), checked here against an independent brute-force likelihood; a
son who carries the variant while his mother confidently does not is named (a son's X is his mother's), and a family
member of unknown sex makes PP1 "not assessed" with the reason.

The VCF: the real header of the Scout GRCh37 trio (tests/data/report/scout_643594_trio.vcf.gz: contigs, FORMAT
GT/GQ/DP) with one record placed inside UBQLN2's exon as the knowledge base's GRCh37 table gives it (the position is
derived, never typed; the C>A alleles are a placeholder: only the genotypes matter to segregation).
"""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import numpy as np
import pysam
import pytest

from charcot.family.model import Sex, Status, TestResult
from charcot.family.pedigree import Pedigree, read_pedigree
from charcot.family.penetrance import POPULATION_LIFETIME_RISK
from charcot.family.risk import DEFAULT_CARRIER_FREQUENCY
from charcot.family.segregation import family_evidence, segregation_bayes_factor
from charcot.knowledge import get_knowledge
from tests.family.test_xlinked import x_configurations

HEADER_SOURCE = Path(__file__).resolve().parents[1] / "data" / "report" / "scout_643594_trio.vcf.gz"
# grandmother GM (carrier) x GF; their affected son U and unaffected daughter M (carrier); M x D (non-carrier);
# their affected son P (the proband) and unaffected son B (non-carrier)
PED = ("fx\tGF\t0\t0\t1\t1\nfx\tGM\t0\t0\t2\t1\nfx\tU\tGF\tGM\t1\t2\nfx\tM\tGF\tGM\t2\t1\n"
       "fx\tD\t0\t0\t1\t1\nfx\tP\tD\tM\t1\t2\nfx\tB\tD\tM\t1\t1\n")
CALLS = {"GM": "0/1", "U": "1", "M": "0/1", "D": "0", "P": "1", "B": "0"}


def _ubqln2_site() -> tuple[str, int]:
    coords = get_knowledge().gene("UBQLN2").coords("GRCh37")
    assert coords is not None and coords.span.chrom == "X"
    exon = coords.exons[0]
    return coords.span.chrom, (exon.start + exon.end) // 2


def _vcf(folder: Path, calls: dict[str, str]) -> tuple[Path, str]:
    header = subprocess.run(["bcftools", "view", "-h", str(HEADER_SOURCE)], capture_output=True, text=True,
                            check=True).stdout.splitlines()
    chrom, pos = _ubqln2_site()
    samples = list(calls)
    lines = [*header[:-1], "\t".join(header[-1].split("\t")[:9] + samples)]
    lines.append("\t".join([chrom, str(pos), ".", "C", "A", "900", "PASS", ".", "GT:GQ:DP"]
                           + [f"{calls[s]}:99:40" for s in samples]))
    plain = folder / "family_x.vcf"
    plain.write_text("\n".join(lines) + "\n")
    out = folder / "family_x.vcf.gz"
    pysam.tabix_compress(str(plain), str(out), force=True)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    return out, f"{chrom}-{pos}-C-A"


def _ped(folder: Path, text: str = PED) -> Path:
    path = folder / "fx.ped"
    path.write_text(text)
    return path


def _brute_log_likelihood(father: list[int], mother: list[int], male: list[bool], like: np.ndarray,
                          q: float) -> float:
    """log P(data) summed over every genotype configuration with X-linked transmission (independent of peeling)."""
    return math.log(sum(w for _, w in x_configurations(father, mother, male, like, q)))


def _brute_factor(ped: Pedigree, typed: dict[str, TestResult], proband: str) -> float:
    """Thompson's conditioned factor under the affected-status-only model (UBQLN2 has no age curve): affected
    carriers 1 - x (x = 0.2), affected non-carriers the population risk, unaffected relatives uninformative."""
    ids = ped.ids
    index = {iid: k for k, iid in enumerate(ids)}
    father = [index.get(ped[i].father or "", -1) for i in ids]
    mother = [index.get(ped[i].mother or "", -1) for i in ids]
    male = [ped[i].sex is Sex.MALE for i in ids]
    x = 0.2
    pheno = np.ones((len(ids), 3))
    geno = np.ones((len(ids), 3))
    for k, iid in enumerate(ids):
        if ped.status_of(iid) is Status.AFFECTED:
            pheno[k] = [POPULATION_LIFETIME_RISK, 1 - x, 1 - x]
        if typed.get(iid) is TestResult.CARRIER:
            geno[k] = [0.0, 1.0, 1.0]
        elif typed.get(iid) is TestResult.NONCARRIER:
            geno[k] = [1.0, 0.0, 0.0]
    q = DEFAULT_CARRIER_FREQUENCY

    def log_factor(ge: np.ndarray) -> float:
        return (_brute_log_likelihood(father, mother, male, pheno * ge, q)
                - _brute_log_likelihood(father, mother, male, ge, q)
                - _brute_log_likelihood(father, mother, male, pheno, q))

    only = np.ones_like(geno)
    only[index[proband]] = geno[index[proband]]
    return math.exp(log_factor(geno) - log_factor(only))


def test_x_linked_segregation_in_ubqln2_is_assessed_and_exact(tmp_path: Path) -> None:
    vcf, key = _vcf(tmp_path, CALLS)
    ped = read_pedigree(_ped(tmp_path))
    typed: dict[str, dict[str, TestResult]] = {}
    ev = {e.criterion: e for e in family_evidence(vcf, ped, "P", [key], genotypes=typed)[key]}
    pp1 = ev["PP1"]
    assert "not assessed" not in pp1.reason, pp1.reason
    assert "X-linked transmission" in pp1.reason and "affected carriers besides the proband: U" in pp1.reason
    expected = _brute_factor(ped, typed[key], "P")
    flb, _ = segregation_bayes_factor(ped, "UBQLN2", typed[key], proband="P", x_linked=True)
    assert flb == pytest.approx(expected, rel=1e-9)
    assert f"co-segregation Bayes factor {flb:.3g}" in pp1.reason


def test_a_carrier_fathers_daughter_is_no_informative_meiosis(tmp_path: Path) -> None:
    """Affected carrier grandfather, his unaffected carrier daughter, her affected carrier son: under X-linked
    transmission the daughter has her father's X for certain, so only one meiosis (daughter to son) is informative,
    where the autosomal model would count two. The factor equals the brute force and is well below the autosomal one."""
    text = ("fx\tGF\t0\t0\t1\t2\nfx\tGM\t0\t0\t2\t1\nfx\tM\tGF\tGM\t2\t1\n"
            "fx\tD\t0\t0\t1\t1\nfx\tP\tD\tM\t1\t2\n")
    vcf, key = _vcf(tmp_path, {"GF": "1", "M": "0/1", "D": "0", "P": "1"})
    _ped(tmp_path, text)
    ped = read_pedigree(tmp_path / "fx.ped")
    typed: dict[str, dict[str, TestResult]] = {}
    ev = {e.criterion: e for e in family_evidence(vcf, ped, "P", [key], genotypes=typed)[key]}
    assert "X-linked transmission" in ev["PP1"].reason, ev["PP1"].reason
    flb, _ = segregation_bayes_factor(ped, "UBQLN2", typed[key], proband="P", x_linked=True)
    assert flb == pytest.approx(_brute_factor(ped, typed[key], "P"), rel=1e-9)
    autosomal, _ = segregation_bayes_factor(ped, "UBQLN2", typed[key], proband="P")
    assert flb < 0.75 * autosomal, (flb, autosomal)


def test_a_son_carrying_the_variant_his_mother_does_not_carry_is_named(tmp_path: Path) -> None:
    calls = dict(CALLS, M="0/0", D="1")  # the father carries, the mother does not: a son cannot have it from him
    vcf, key = _vcf(tmp_path, calls)
    ev = {e.criterion: e for e in family_evidence(vcf, read_pedigree(_ped(tmp_path)), "P", [key])[key]}
    assert ev["PP1"].reason.startswith("not assessed: P carries the variant and his mother M (a son has his X from "
                                       "his mother alone) does not"), ev["PP1"].reason


def test_unknown_sex_in_the_family_is_not_assessed_with_the_reason(tmp_path: Path) -> None:
    vcf, key = _vcf(tmp_path, CALLS)
    ped = read_pedigree(_ped(tmp_path, PED.replace("fx\tD\t0\t0\t1\t1", "fx\tD\t0\t0\t0\t1")))
    ev = {e.criterion: e for e in family_evidence(vcf, ped, "P", [key])[key]}
    assert ev["PP1"].reason.startswith("not assessed: the variant is on chromosome X in an X-linked gene"), \
        ev["PP1"].reason
    assert "unknown for D" in ev["PP1"].reason
