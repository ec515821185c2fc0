"""A C9orf72 genotype with one allele not called ('1/.', REPCN '2/.'), made from the real ExpansionHunter v5 record
of tests/data/repeats (justhusky): the missing allele is the one that may be expanded, so the locus is never
'normal' and the report reads it as not assessed everywhere; lower-bound sizes are described in words."""

from __future__ import annotations

from pathlib import Path

from charcot.repeats.api import assess_repeats
from charcot.repeats.model import AlleleCategory

EH5 = Path(__file__).resolve().parents[1] / "data" / "repeats" / "justhusky_exphun_hugelymodelbat.eh5.vcf"


def _with_c9(tmp_path: Path, sample_columns: str) -> Path:
    lines = EH5.read_text().splitlines()
    out = []
    for line in lines:
        if "VARID=C9ORF72" in line:
            cols = line.split("\t")
            line = "\t".join([*cols[:9], sample_columns])
        out.append(line)
    path = tmp_path / "eh.vcf"
    path.write_text("\n".join(out) + "\n")
    return path


def test_c9orf72_with_an_uncalled_allele_is_not_normal(tmp_path: Path) -> None:
    c9 = assess_repeats(_with_c9(tmp_path, "1/.:SPANNING/.:2/.:2-2/.:31/.:5/.:0/.:28.17"), sex="female").call("C9ORF72")
    assert c9 is not None
    assert c9.category == AlleleCategory.INDETERMINATE and c9.confidence == "low"
    assert "not called" in c9.genotype and any("not called" in w for w in c9.warnings)
    # an X-linked locus in a male has one allele: AR's haploid call stays normal
    ar = assess_repeats(EH5, sex="male").call("AR")
    assert ar is not None and ar.category == AlleleCategory.NORMAL


def test_in_repeat_support_is_written_in_words(tmp_path: Path) -> None:
    c9 = assess_repeats(_with_c9(tmp_path, "0/1:SPANNING/INREPEAT:2/140:2-2/120-900:31/0:5/0:0/20:28.17"),
                        sex="female").call("C9ORF72")
    assert c9 is not None and c9.category == AlleleCategory.EXPANDED_AT_LEAST_N
    text = " ".join(a.summary for a in c9.alleles) + c9.summary
    assert "in-repeat reads" in text and "in_repeat" not in text


def test_expansionhunter_json_with_an_uncalled_allele_is_not_normal(tmp_path: Path) -> None:
    import json

    data = json.loads((EH5.parent / "eh_example_repeats.json").read_text())
    variant = data["LocusResults"]["SNV_AND_STR"]["Variants"]["SNV_AND_STR_chr1:2005-2008"]
    variant["ReferenceRegion"] = "chr9:27573528-27573546"  # GRCh38 catalog region, 0-based half-open
    variant["Genotype"], variant["GenotypeConfidenceInterval"] = "2/.", "2-2/."
    path = tmp_path / "eh.json"
    path.write_text(json.dumps(data))
    c9 = assess_repeats(path).call("C9ORF72")
    assert c9 is not None and c9.category == AlleleCategory.INDETERMINATE and "not called" in c9.genotype


def test_a_haploid_call_at_an_autosomal_locus_sizes_one_allele_only(tmp_path: Path) -> None:
    # probe-gen review: a haploid C9orf72 call ('1', REPCN '2') was 'normal' with high confidence, though a person
    # has two chromosome 9 copies and the unsized one may be the expansion
    for sex in ("female", "male", None):
        c9 = assess_repeats(_with_c9(tmp_path, "1:SPANNING:2:2-2:31:5:0:28.17"), sex=sex).call("C9ORF72")
        assert c9 is not None
        assert c9.category == AlleleCategory.INDETERMINATE and c9.confidence == "low", sex
        assert "not called" in c9.genotype and any("not called" in w for w in c9.warnings)


def test_a_haploid_x_call_keeps_the_callers_ploidy() -> None:
    ar = assess_repeats(EH5).call("AR")  # the fixture's AR call is haploid ('1', REPCN '27')
    assert ar is not None and ar.category == AlleleCategory.NORMAL and "not called" not in ar.genotype


def test_an_apparently_homozygous_call_with_allele_dropout_is_not_normal() -> None:
    # probe-gen review: the real Stranger-annotated TRGT file (NIST sample) flags C9orf72 with STRDROP (coverage
    # drop, possible allele dropout) on a 2/2 call; it was 'normal': the dropped allele may be the expansion
    nist = EH5.parent / "NIST.trgt.stranger.vcf.gz"
    result = assess_repeats(nist)
    c9 = result.call("C9ORF72")
    assert c9 is not None and c9.category == AlleleCategory.INDETERMINATE and c9.confidence == "low"
    assert any("allele dropout" in w and "second allele" in w for w in c9.warnings)
    atxn2 = result.call("ATXN2")  # no dropout flag there: a homozygous call stands
    assert atxn2 is not None and atxn2.category == AlleleCategory.NORMAL
