"""How a record's consequence annotation becomes ACMG evidence (probeacmg review).

- Another isoform's consequence: SPG11's real Ensembl transcripts as the Scout demo's VEP/SnpEff annotation lists
  them (ENST00000261866 = MANE Select; ENST00000427534, ENST00000535302 = other protein-coding isoforms). A stop
  gained on a minor isoform, while the reference transcript is not annotated, was read as the gene's consequence
  (the canonical flag, else the most severe entry): PVS1 from a transcript that may not be the one that matters.
- SnpEff's ERRORS / WARNINGS / INFO sub-field (the 16th ANN field, as the real Scout demo output writes it, e.g.
  WARNING_TRANSCRIPT_NO_START_CODON) was ignored.
- bcftools csq: the real output of bcftools 1.16 csq (haplotype-aware) on two SNVs in one MRPL39 codon
  (tests/data/variants/bcftools_csq_joint_mrpl39.vcf); a '@POS' pointer was skipped (consequence missing), the
  FORMAT/BCSQ bitmask ignored (another sample's consequence used), a '*' entry read as the allele's own.
Headers: the real Scout demo (VEP CSQ + SnpEff ANN, GRCh37) and Platinum Genomes GRCh38 ones; positions from the
knowledge base's exon table."""

from __future__ import annotations

from pathlib import Path

import cyvcf2

from charcot.model import Build
from charcot.variants.api import interpret
from charcot.variants.model import VariantFinding

from .vcfbuild import DATA, Rec, csq_value, exon, header_lines, mane, write_vcf

SCOUT = DATA / "scout_643594_subset.vcf.gz"
CSQ_JOINT = DATA / "bcftools_csq_joint_mrpl39.vcf"
MINOR = ("ENST00000427534", "ENST00000535302")  # SPG11 protein-coding isoforms other than the MANE Select


def _ann_header() -> str:
    (line,) = [h for h in header_lines(SCOUT) if h.startswith("##INFO=<ID=ANN")]
    return line


def _ann(tx: str, effect: str, impact: str, messages: str = "", allele: str = "T") -> str:
    """One ANN entry in SnpEff's 16 fields (as the Scout demo's SnpEff 4.2 writes them)."""
    return "|".join([allele, effect, impact, "SPG11", "ENSG00000104133", "transcript", tx, "protein_coding", "5/40",
                     "c.100C>A", "p.Tyr34*" if effect == "stop_gained" else "p.Tyr34Ser", "100/7000", "100/7332",
                     "34/2443", "", messages])


def _spg11(tmp_path: Path, info: dict[str, str], ann: bool = False, csq: bool = False) -> VariantFinding:
    chrom, start, end, _strand = exon("SPG11", 5)
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, (start + end) // 2, "G", "T", info=info)], csq=csq,
                    extra_header=[_ann_header()] if ann else [])
    (f,) = [f for f in interpret(vcf).findings if f.gene == "SPG11"]
    return f


def _pvs1(f: VariantFinding) -> bool:
    return any(e.criterion == "PVS1" and e.applied for e in f.evidence)


# 1. another isoform's consequence

def test_a_minor_isoforms_stop_gained_is_not_the_genes_consequence(tmp_path: Path) -> None:
    # VEP: only minor isoforms annotated, one flagged canonical (an older cache) with a stop gained
    entries = [csq_value(Allele="T", SYMBOL="SPG11", Feature_type="Transcript", Feature=MINOR[0],
                         BIOTYPE="protein_coding", Consequence="stop_gained", IMPACT="HIGH", CANONICAL="YES"),
               csq_value(Allele="T", SYMBOL="SPG11", Feature_type="Transcript", Feature=MINOR[1],
                         BIOTYPE="protein_coding", Consequence="synonymous_variant", IMPACT="LOW")]
    f = _spg11(tmp_path, {"CSQ": ",".join(entries)}, csq=True)
    assert f.consequence is None and f.classification is None and not _pvs1(f)
    assert f.not_classified and f.reportable
    assert any(MINOR[0] in n and "reference transcript" in n for n in f.notes)
    # SnpEff (no MANE/canonical flags): the most severe entry on a minor isoform was used
    f = _spg11(tmp_path, {"ANN": ",".join([_ann(MINOR[1], "stop_gained", "HIGH"),
                                           _ann(MINOR[0], "missense_variant", "MODERATE")])}, ann=True)
    assert f.consequence is None and f.classification is None and not _pvs1(f)


def test_the_reference_transcripts_consequence_wins_over_a_more_severe_isoform(tmp_path: Path) -> None:
    f = _spg11(tmp_path, {"ANN": ",".join([_ann(MINOR[1], "stop_gained", "HIGH"),
                                           _ann(mane("SPG11").split(".")[0], "synonymous_variant", "LOW")])},
               ann=True)
    assert f.consequence == ["synonymous_variant"] and not _pvs1(f)


def test_a_snpeff_protein_feature_entry_is_not_the_transcripts_consequence(tmp_path: Path) -> None:
    # SnpEff writes a 'sequence_feature' entry for a protein domain on the MANE transcript before that transcript's
    # own entry (the Scout demo: 'C|sequence_feature|LOW|SPG11|...|topological_domain:Extracellular|ENST00000261866');
    # it was taken as the transcript's consequence, an unknown term: the missense read "not classified"
    tx = mane("SPG11").split(".")[0]
    feature = _ann(tx, "sequence_feature", "LOW").replace("|transcript|", "|topological_domain:Extracellular|")
    f = _spg11(tmp_path, {"ANN": ",".join([feature, _ann(tx, "missense_variant", "MODERATE")])}, ann=True)
    assert f.consequence == ["missense_variant"] and f.classification is not None


# 2. SnpEff ERRORS / WARNINGS / INFO

def test_snpeff_transcript_warnings_withhold_pvs1(tmp_path: Path) -> None:
    tx = mane("SPG11").split(".")[0]
    control = _spg11(tmp_path, {"ANN": _ann(tx, "stop_gained", "HIGH")}, ann=True)
    assert _pvs1(control)  # the same entry without a warning gives PVS1
    for warning in ("WARNING_TRANSCRIPT_NO_START_CODON", "WARNING_TRANSCRIPT_INCOMPLETE",
                    "WARNING_TRANSCRIPT_NO_STOP_CODON&INFO_REALIGN_3_PRIME", "WARNING_TRANSCRIPT_MULTIPLE_STOP_CODONS"):
        f = _spg11(tmp_path, {"ANN": _ann(tx, "stop_gained", "HIGH", warning)}, ann=True)
        assert f.consequence == ["stop_gained"] and not _pvs1(f), warning
        pvs1 = [e for e in f.evidence if e.criterion == "PVS1"]
        assert pvs1 and warning.split("&")[0] in pvs1[0].reason
        assert any(warning.split("&")[0] in n for n in f.notes)


def test_snpeff_errors_make_the_consequence_unknown(tmp_path: Path) -> None:
    tx = mane("SPG11").split(".")[0]
    for entry in (_ann(tx, "stop_gained", "HIGH", "WARNING_REF_DOES_NOT_MATCH_GENOME"),
                  _ann(tx, "missense_variant", "MODERATE", "ERROR_OUT_OF_CHROMOSOME_RANGE"),
                  "T|||||||||||||||ERROR_CHROMOSOME_NOT_FOUND"):
        f = _spg11(tmp_path, {"ANN": entry}, ann=True)
        assert f.consequence is None and f.classification is None and f.reportable, entry
        code = entry.rsplit("|", 1)[1]
        assert f.not_classified and code in f.not_classified
        assert any(code in n for n in f.notes)


# 3. bcftools csq joint consequences, on its real output

def _real_csq(sample: int) -> dict[int, list[str]]:
    """Each record's consequences for one sample of the real bcftools csq output, as the reader reads them."""
    from charcot.variants.annotation import AnnotationSchema, annotate_allele, resolve_joint

    vcf = cyvcf2.VCF(str(CSQ_JOINT))
    schema = AnnotationSchema(info_ids={"BCSQ"}, has_bcsq=True)
    records = list(vcf)
    joint = {int(v.POS): str(v.INFO.get("BCSQ")).split(",") for v in records}
    out: dict[int, list[str]] = {}
    for v in records:
        gt = v.genotypes[sample]
        haps = tuple(i for i, a in enumerate(gt[:-1]) if a == 1)
        if not haps:
            continue
        mask = [int(x) for x in v.format("BCSQ")[sample].tolist()]
        ann = annotate_allele(v.INFO.get, schema, pos=v.POS, ref=v.REF, alts=v.ALT, alt_index=1, bcsq_mask=mask,
                              haplotypes=haps)
        cons = resolve_joint(ann.consequences, v.POS, v.REF, v.ALT[0], lambda at: joint.get(at))
        out[v.POS] = [f"{'&'.join(c.consequences)} {c.hgvs_p}" for c in cons if c.transcript]
    return out


def test_real_bcftools_csq_pointer_and_bitmask() -> None:
    from charcot.variants.annotation import bcsq_selected

    assert bcsq_selected([34], (1,)) == {0, 2} and bcsq_selected([17], (0,)) == {0, 2}
    # S1 carries both SNVs in cis (0|1, 0|1): the codon's joint change p.Thr324Tyr at both records; before, the
    # first record read the single-change entry (p.Thr324Asn), which is S2's
    s1 = _real_csq(0)
    assert s1[25587788] == s1[25587789] == ["splice_region_variant&missense_variant p.(Thr324Tyr)"]
    # S2 carries them in trans (0|1, 1|0): each change alone
    s2 = _real_csq(1)
    assert s2[25587788] == ["splice_region_variant&missense_variant p.(Thr324Asn)"]
    assert s2[25587789] == ["splice_region_variant&missense_variant p.(Thr324Ser)"]


def _tbk1_pair(tmp_path: Path, second: bool = True, star: bool = False) -> list[VariantFinding]:
    chrom, start, _end, _strand = exon("TBK1", 3, Build.GRCh38)
    p1, p2 = start + 10, start + 11
    tx = mane("TBK1").split(".")[0]
    header = [h for h in header_lines(CSQ_JOINT) if h.startswith(("##INFO=<ID=BCSQ", "##FORMAT=<ID=BCSQ"))]
    joint = f"stop_gained|TBK1|{tx}|protein_coding|+|100Q>100*|{p1}C>T+{p2}A>G"
    recs = [Rec(chrom, p1, "C", "T", gt="0|1", info={"BCSQ": f"@{p2}"})]
    if second:
        first = "*missense" if star else "stop_gained"
        recs.append(Rec(chrom, p2, "A", "G", gt="0|1",
                        info={"BCSQ": joint if not star else f"{first}|TBK1|{tx}|protein_coding|+|101K>101E|{p2}A>G"}))
    vcf = write_vcf(tmp_path / "t.vcf.gz", recs, build=Build.GRCh38, extra_header=header)
    return [f for f in interpret(vcf).findings if f.gene == "TBK1"]


def test_a_bcsq_pointer_takes_the_joint_consequence(tmp_path: Path) -> None:
    first, second = _tbk1_pair(tmp_path)
    assert first.consequence == ["stop_gained"] == second.consequence  # was: no consequence, not classified
    assert first.hgvs_p == second.hgvs_p and first.hgvs_p
    assert any("jointly with" in n for n in first.notes)


def test_an_unresolved_pointer_and_a_star_entry_are_consequence_unknown(tmp_path: Path) -> None:
    (only,) = _tbk1_pair(tmp_path, second=False)
    assert only.consequence is None and only.classification is None and only.not_classified
    assert any("jointly with another variant" in n for n in only.notes)
    _first, starred = _tbk1_pair(tmp_path, star=True)
    assert starred.consequence is None and starred.classification is None
    assert any("downstream of a stop codon" in n for n in starred.notes)


def test_clinvar_neighbours_protein_change_is_read_on_the_reference_transcript(tmp_path: Path) -> None:
    # PS1/PM5 compare residues: a ClinVar record's protein change read from its own annotation was the most severe
    # entry's, another isoform's residue number when the reference transcript's entry came second
    from charcot.variants.resources import ClinVarResource

    from .resourcebuild import CLINVAR_HEADER, _header, vep_csq, vep_csq_header, write_indexed

    chrom, start, end, _strand = exon("SPG11", 5, Build.GRCh38)
    pos = (start + end) // 2
    tx = mane("SPG11")
    entries = [vep_csq(Allele="T", SYMBOL="SPG11", Feature=MINOR[1], Consequence="stop_gained",
                       HGVSp=f"{MINOR[1]}.1:p.Tyr90Ter"),
               vep_csq(Allele="T", SYMBOL="SPG11", Feature=tx, Consequence="missense_variant",
                       HGVSp="ENSP00000261866.7:p.Asp120Tyr")]
    header = [("##reference=GRCh38" if h.startswith("##reference=") else h) for h in _header(CLINVAR_HEADER)]
    header.insert(-1, vep_csq_header())
    line = "\t".join([chrom, str(pos), "1", "G", "T", ".", ".",
                      "CLNSIG=Pathogenic;CLNREVSTAT=criteria_provided,_single_submitter;CSQ=" + ",".join(entries)])
    cv = ClinVarResource(write_indexed(tmp_path / "cv.vcf.gz", header, [line]))
    (rec,) = cv.nearby(chrom, pos, "SPG11", preferred=[tx])
    assert rec["hgvs_p"] and "Asp120Tyr" in rec["hgvs_p"]
