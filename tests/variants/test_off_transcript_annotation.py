"""An annotation that names only another transcript of the gene, or says nothing (probe-gen review). A VEP CSQ whose one entry is
a retained-intron isoform of SPG11 (ENST00000560299, as in the Scout demo's real CSQ), on which the allele is
'intron_variant', while the allele lies in an exon of SPG11's canonical transcript: before the fix the finding was
'intronic', not reportable and a VUS hidden among the non-reported variants; the annotation says nothing of the
transcript that matters, so the consequence is unknown there ("not classified", reported). An entry on the
canonical transcript, or a coding consequence on another, is used as before. Header: the real VEP v104 CSQ line
of the Scout fixture on the Exomiser GRCh37 header; positions from the knowledge base's exon table."""

from __future__ import annotations

from pathlib import Path

from charcot.variants.api import interpret
from charcot.variants.model import VariantFinding

from .vcfbuild import Rec, csq_value, exon, mane, write_vcf

RETAINED_INTRON = "ENST00000560299"


def _finding(tmp_path: Path, **csq: str) -> VariantFinding:
    chrom, start, end, _strand = exon("SPG11", 5)
    info = {"CSQ": csq_value(Allele="T", SYMBOL="SPG11", Feature_type="Transcript", **csq)}
    vcf = write_vcf(tmp_path / "p.vcf.gz", [Rec(chrom, (start + end) // 2, "G", "T", info=info)], csq=True)
    (f,) = [f for f in interpret(vcf).findings if f.gene == "SPG11"]
    return f


def test_another_transcripts_intron_is_not_the_genes_consequence(tmp_path: Path) -> None:
    f = _finding(tmp_path, Consequence="intron_variant", IMPACT="MODIFIER", Feature=RETAINED_INTRON,
                 BIOTYPE="retained_intron")
    assert f.position.region == "exon"
    assert f.consequence is None and f.classification is None and f.not_classified
    assert f.reportable
    assert any(RETAINED_INTRON in n and "consequence unknown" in n for n in f.notes)


def test_the_canonical_transcripts_entry_is_used_and_another_isoforms_coding_entry_is_not(tmp_path: Path) -> None:
    f = _finding(tmp_path, Consequence="intron_variant", IMPACT="MODIFIER", Feature=mane("SPG11"),
                 BIOTYPE="protein_coding", CANONICAL="YES")
    assert f.consequence == ["intron_variant"]  # the annotation's word on the reference transcript stands
    # probeacmg review: a coding word on another isoform is not the reference transcript's (it was used before)
    f = _finding(tmp_path, Consequence="missense_variant", IMPACT="MODERATE", Feature=RETAINED_INTRON,
                 BIOTYPE="protein_coding")
    assert f.consequence is None and f.classification is None and f.not_classified and f.reportable
    assert any(RETAINED_INTRON in n and "reference transcript" in n for n in f.notes)


def test_an_empty_or_unknown_consequence_field_is_consequence_unknown(tmp_path: Path) -> None:
    # probe-gen review: a canonical-transcript entry whose Consequence is empty (or only an SV term the classifier
    # does not know) made the exonic allele a hidden, 'not reportable' VUS
    for consequence in ("", "feature_truncation"):
        f = _finding(tmp_path, Consequence=consequence, Feature=mane("SPG11"), BIOTYPE="protein_coding",
                     CANONICAL="YES")
        assert f.consequence is None and f.classification is None and f.reportable, consequence
        assert any("consequence unknown" in n for n in f.notes)


def test_another_version_of_the_reference_transcript_is_said(tmp_path: Path) -> None:
    # regression: the reference transcript is matched without its version, so an annotation on an older model of it
    # (a GRCh37 VEP cache names ENST00000261866.7 where the MANE Select is .12) was used as if it were the reference
    # one, with no word; its exons (so the HGVS and the consequence) may differ. Now it is used and said.
    reference = mane("SPG11")
    base, version = reference.rsplit(".", 1)
    older = f"{base}.{int(version) - 5}"
    f = _finding(tmp_path, Consequence="missense_variant", IMPACT="MODERATE", Feature=older, BIOTYPE="protein_coding")
    assert f.consequence == ["missense_variant"]
    assert any(older in n and reference in n and "version" in n for n in f.notes)
    same = _finding(tmp_path, Consequence="missense_variant", IMPACT="MODERATE", Feature=reference,
                    BIOTYPE="protein_coding")
    assert not any("version" in n for n in same.notes)
    unversioned = _finding(tmp_path, Consequence="missense_variant", IMPACT="MODERATE", Feature=base,
                           BIOTYPE="protein_coding")
    assert not any("version" in n for n in unversioned.notes)  # an id without a version says nothing either way
