"""The relatives' risk reads the relatives' VCF calls (probe-fam2).

Before, on main: the family section's de novo / segregation lines said "the father carries the variant" (his
confident call in the VCF), while the relatives' risk table beside them listed the same father as "untested" with a
carrier probability from the pedigree alone: two carrier statuses for one person in one section. The risk model
took test results from the ages file only.

The VCF is the real Scout trio (GATK exome calls, real header and records) with ONE added record: the knowledge base's
SOD1 p.(Ala5Val) (A4V) at its own GRCh37 coordinates (never typed here), flagged SPIKED in INFO as the demo's is, since
no real trio here carries a pathogenic ALS variant. The son (ADM1059A2) and the father (ADM1059A1) are heterozygous,
the mother (ADM1059A3) homozygous reference, each with GQ, DP and AD."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pysam
from typer.testing import CliRunner

from charcot.cli import app
from charcot.knowledge import get_knowledge
from charcot.model import Build

DATA = Path(__file__).resolve().parents[1] / "data" / "report"
SCOUT = DATA / "scout_643594_trio.vcf.gz"
PED = DATA / "scout_643594.ped"


def _known(variant_id: str) -> tuple[str, int, str, str]:
    record = next(r for r in get_knowledge().records("variants") if getattr(r, "id", None) == variant_id)
    allele = record.allele(Build.GRCh37)  # type: ignore[attr-defined]
    return allele.chrom, allele.pos, allele.ref, allele.alt


def _trio_with_a4v(tmp_path: Path, father: str = "0/1:22,19:41:99") -> tuple[Path, str]:
    calls = {"ADM1059A1": father, "ADM1059A2": "0/1:20,18:38:99", "ADM1059A3": "0/0:35,0:35:99"}
    return _trio_with(tmp_path, "SOD1-A5V", calls)


def _trio_with(tmp_path: Path, variant_id: str, calls: dict[str, str]) -> tuple[Path, str]:
    with gzip.open(SCOUT, "rt") as handle:
        lines = [line.rstrip("\n") for line in handle]
    header = [line for line in lines if line.startswith("##")]
    header.append('##INFO=<ID=SPIKED,Number=0,Type=Flag,Description="record added for a test, not a call">')
    chrom_line = next(line for line in lines if line.startswith("#CHROM"))
    samples = chrom_line.split("\t")[9:]
    chrom, pos, ref, alt = _known(variant_id)
    spiked = "\t".join([chrom, str(pos), ".", ref, alt, "500", "PASS", "SPIKED", "GT:AD:DP:GQ",
                        *(calls[s] for s in samples)])
    body = [line for line in lines if not line.startswith("#")] + [spiked]
    order = {c: i for i, c in enumerate([*map(str, range(1, 23)), "X", "Y", "MT"])}
    body.sort(key=lambda line: (order.get(line.split("\t")[0], 99), int(line.split("\t")[1])))
    plain = tmp_path / f"trio_{variant_id}.vcf"
    plain.write_text("\n".join([*header, chrom_line, *body]) + "\n")
    out = tmp_path / f"trio_{variant_id}.vcf.gz"
    pysam.tabix_compress(str(plain), str(out), force=True)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    return out, f"{chrom}-{pos}-{ref}-{alt}"


def test_relatives_genotyped_in_the_vcf_are_tested_in_the_risk_table(tmp_path: Path) -> None:
    vcf, key = _trio_with_a4v(tmp_path)
    out = tmp_path / "rep"
    result = CliRunner().invoke(app, ["report", "--vcf", str(vcf), "--ped", str(PED), "--proband", "ADM1059A2",
                                      "--sample", "ADM1059A2", "--no-pdf", "--outdir", str(out)])
    assert result.exit_code == 0, result.output
    family = json.loads((out / "report.json").read_text())["family"]
    ps2 = next(e for e in family["segregation"] if e["variant_key"] == key and e["criterion"] == "PS2")
    assert ps2["reason"].startswith("not a de novo call: the father carries the variant")
    risk = {r["relative"]: r for r in family["relatives_risk"] if r["gene"] == "SOD1"}
    assert risk["ADM1059A1"]["tested"] == "carrier" and risk["ADM1059A1"]["carrier_probability"] == 1.0
    assert risk["ADM1059A3"]["tested"] == "noncarrier" and risk["ADM1059A3"]["carrier_probability"] == 0.0
    assert any("confident VCF calls of " + key in n for n in family["notes"]), family["notes"]


def test_a_de_novo_variant_gives_the_parents_and_sibs_the_population_risk(tmp_path: Path) -> None:
    """The same trio with the father homozygous reference too (AD 41,0): the variant is de novo in the son (PM6/PS2
    applied beside it). Before: the relatives' risk table gave both parents 'untested', carrier probability 50%,
    beside the de novo line; with the VCF calls as test results the peeling model (no mutation) found the data
    impossible and the risk was 'not assessed'. Now the variant arises in the patient: both parents non-carriers
    (0%), said in a note."""
    vcf, key = _trio_with_a4v(tmp_path, father="0/0:41,0:41:99")
    out = tmp_path / "rep"
    result = CliRunner().invoke(app, ["report", "--vcf", str(vcf), "--ped", str(PED), "--proband", "ADM1059A2",
                                      "--sample", "ADM1059A2", "--no-pdf", "--outdir", str(out)])
    assert result.exit_code == 0, result.output
    family = json.loads((out / "report.json").read_text())["family"]
    denovo = next(e for e in family["segregation"] if e["variant_key"] == key and e["criterion"] in ("PS2", "PM6"))
    assert denovo["applied"] and denovo["reason"].startswith("de novo in the proband")
    risk = {r["relative"]: r for r in family["relatives_risk"] if r["gene"] == "SOD1"}
    for parent in ("ADM1059A1", "ADM1059A3"):
        assert risk[parent]["tested"] == "noncarrier" and risk[parent]["carrier_probability"] == 0.0, risk[parent]
    assert any("de novo in ADM1059A2" in n for n in family["notes"]), family["notes"]
    assert not any("not assessed" in n for n in family["notes"]), family["notes"]


def test_a_sons_hemizygous_x_de_novo_is_called_from_his_mothers_call(tmp_path: Path) -> None:
    """The positive case of the X de novo, end to end: the knowledge base's UBQLN2 p.(Pro497His) (X, outside the PARs)
    added to the real Scout trio, the son ADM1059A2 hemizygous (haploid '1', AD 0,31, GQ 99), his mother 0/0 (AD
    36,0), the father not genotyped there ('.'). Before: 'not assessed: de novo calls on chromosome X ... in a male
    proband are not made by charcot'. Now de novo from the mother's call; maternity is checked on the trio file's few
    autosomal sites, too few to confirm, so PM6 (assumed), not PS2."""
    from charcot.family.pedigree import read_pedigree
    from charcot.family.segregation import family_evidence

    calls = {"ADM1059A1": ".", "ADM1059A2": "1:0,31:31:99", "ADM1059A3": "0/0:36,0:36:99"}
    vcf, key = _trio_with(tmp_path, "UBQLN2-P497H", calls)
    ev = {e.criterion: e for e in family_evidence(vcf, read_pedigree(PED), "ADM1059A2", [key])[key]}
    assert "PS2" not in ev and ev["PM6"].applied, ev
    assert ev["PM6"].reason.startswith("de novo in the proband on chromosome X, absent from his mother")
    assert "proband hemizygous for the variant (one X)" in ev["PM6"].reason
    assert "maternity not confirmed" in ev["PM6"].reason
