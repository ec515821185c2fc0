"""charcot repeats on real caller output (tests/data/repeats, copied from ../shared/data/str)."""

from __future__ import annotations

import contextlib
import gzip
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charcot.errors import InputError
from charcot.knowledge import get_knowledge
from charcot.knowledge.schema.repeats import Record as Locus
from charcot.model import AssessmentStatus, Build
from charcot.repeats.api import (
    NOT_ASSESSED_PHRASE,
    assess_repeats,
    match_locus,
    not_assessed,
    read_repeat_cohort,
)
from charcot.repeats.interpret import interpret_allele
from charcot.repeats.model import AlleleCategory, SupportType
from charcot.repeats.readers import RawAllele

DATA = Path(__file__).resolve().parents[1] / "data" / "repeats"
EH5 = DATA / "justhusky_exphun_hugelymodelbat.eh5.vcf"


def _verdicts(text: str) -> str:
    """The text without its parenthesised threshold ranges (which name every category, 'risk allele 31–33'
    included): what is left is what charcot says of the alleles."""
    import re

    return re.sub(r"\([^()]*\)", "", text)


def _loci() -> dict[str, Locus]:
    return {r.id: r for r in get_knowledge().typed("repeats", Locus)}


def _by_set(allele: object) -> dict[str, str | None]:
    return {c.set_id: c.category for c in allele.classifications}  # type: ignore[attr-defined]


# --- ExpansionHunter v5 -------------------------------------------------------------------------

def test_eh5_c9orf72_2_2_is_normal() -> None:
    result = assess_repeats(EH5, sex="male")
    assert result.status == AssessmentStatus.ASSESSED and result.caller == "ExpansionHunter"
    assert result.build == Build.GRCh37
    c9 = result.call("C9ORF72")
    assert c9 is not None and [a.size for a in c9.alleles] == [2, 2]
    assert c9.category == AlleleCategory.NORMAL and c9.recommendation is None and c9.confidence == "high"
    assert all(a.support == SupportType.SPANNING for a in c9.alleles)
    # EH VCF POS 27573526 is the base before the repeat: the repeat is 27573527-27573544 (1-based)
    assert (c9.chrom, c9.start, c9.end) == ("9", 27573527, 27573544)


def test_eh5_atxn2_30_each_source_and_the_default() -> None:
    atxn2 = assess_repeats(EH5).call("ATXN2")
    assert atxn2 is not None and [a.size for a in atxn2.alleles] == [22, 30]
    allele30 = atxn2.alleles[1]
    by_set = _by_set(allele30)
    assert atxn2.default_set == "als_risk_by_length"
    # 30 repeats: OR 1.55, not significant (Neuenschwander 2014): long-normal, not a risk allele
    assert by_set["als_risk_by_length"] == "intermediate"
    assert by_set["stranger_catalog"] == "normal"
    assert by_set["strchive"] == "intermediate"
    assert by_set["gnomad_catalog"] == "intermediate"  # gnomAD's SCA2 intermediate range 29-34
    assert allele30.category == AlleleCategory.INTERMEDIATE
    assert allele30.length_risk is not None and allele30.length_risk.odds_ratio == 1.55
    assert allele30.length_risk.significant is False and "not statistically significant" in allele30.summary
    # only the sources that differ from the default are named; the agreeing ones are not repeated
    assert atxn2.sources_disagree and "Stranger catalog" in (atxn2.disagreement or "")
    assert "STRchive" not in (atxn2.disagreement or "") and "gnomAD" not in (atxn2.disagreement or "")
    assert "22" not in (atxn2.disagreement or "")  # the 22 allele: every source says normal
    assert atxn2.alleles[0].category == AlleleCategory.NORMAL
    assert atxn2.recommendation is not None and "S-Neu14" in atxn2.default_sources
    assert "risk allele" not in _verdicts(atxn2.summary) and "Other sources differ" in atxn2.summary


def test_eh5_ar_by_sex() -> None:
    male = assess_repeats(EH5, sex="male").call("AR")
    assert male is not None and [a.size for a in male.alleles] == [27] and not male.warnings
    assert male.category == AlleleCategory.NORMAL and "male" in (male.sex_note or "")
    female = assess_repeats(EH5, sex="female").call("AR")
    assert female is not None and "carrier" in (female.sex_note or "")
    unknown = assess_repeats(EH5).call("AR")
    assert unknown is not None and "sex not given" in (unknown.sex_note or "")


def test_eh5_cli_text_and_json(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("repeats", EH5, "--sex", "male")
    assert result.code == 0, result.stderr
    assert "C9orf72 GGGGCC" in result.stdout and "ALS risk by repeat length" in result.stdout
    out = tmp_path / "r.json"
    result = run_cli("repeats", EH5, "--format", "json", "-o", out)
    assert result.code == 0 and result.stdout == ""
    data = json.loads(out.read_text())
    assert {c["locus_id"] for c in data["calls"]} == {"C9ORF72", "ATXN2", "ATXN1", "AR"}


# --- Stranger / Scout trio ----------------------------------------------------------------------

def test_scout_trio_only_proband_genotyped() -> None:
    result = assess_repeats(DATA / "643594.clinical.str.vcf")
    assert result.sample == "ADM1059A2" and any("only sample" in w for w in result.warnings)
    atxn2 = result.call("ATXN2")  # split over two records (OLD_MULTIALLELIC): 1/. and ./1
    assert atxn2 is not None and sorted(a.size for a in atxn2.alleles) == [8, 24]
    c9 = result.call("C9ORF72")
    assert c9 is not None and [a.size for a in c9.alleles] == [2, 2]
    assert any("REPCN used" in w for w in c9.warnings)  # the fixture's ALT <STR4> disagrees with REPCN 2/2
    parent = assess_repeats(DATA / "643594.clinical.str.vcf", sample="ADM1059A1")
    assert parent.status == AssessmentStatus.NOT_ASSESSED and not parent.calls
    assert all("no genotype" in n.reason for n in parent.not_assessed)


def test_unknown_sample_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="not in the file"):
        assess_repeats(DATA / "643594.clinical.str.vcf", sample="nobody")


def test_stranger_annotated_trio_as_cohort() -> None:
    cohort = read_repeat_cohort(DATA / "643594.clinical.str.stranger.vcf.gz")
    assert cohort.samples == ["ADM1059A1", "ADM1059A2", "ADM1059A3"]
    a1 = cohort.assessments["ADM1059A1"].call("AR")
    assert a1 is not None and [a.size for a in a1.alleles] == [23]
    a3 = cohort.assessments["ADM1059A3"].call("AR")
    assert a3 is not None and sorted(a.size for a in a3.alleles) == [19, 27]
    atxn2 = cohort.assessments["ADM1059A2"].call("ATXN2")
    assert atxn2 is not None
    file_annotation = [c for c in atxn2.alleles[1].classifications if c.set_id == "file_stranger_annotation"]
    assert file_annotation and file_annotation[0].category == "normal"  # STR_NORMAL_MAX=31 in this file
    assert cohort.carriers("C9ORF72") == []


def test_ar_two_alleles_in_a_male_is_a_warning() -> None:
    result = assess_repeats(DATA / "643594.clinical.str.stranger.vcf.gz", sample="ADM1059A3", sex="male")
    ar = result.call("AR")
    assert ar is not None and any("two different AR alleles" in w for w in ar.warnings)


# --- TRGT ---------------------------------------------------------------------------------------

def test_trgt_stranger_grch38() -> None:
    result = assess_repeats(DATA / "NIST.trgt.stranger.vcf.gz")
    assert result.caller == "TRGT + Stranger" and result.build == Build.GRCh38
    assert result.sex == "female"  # trgt --karyotype XX
    atxn2 = result.call("ATXN2")
    assert atxn2 is not None and all(a.support == SupportType.LONG_READ for a in atxn2.alleles)
    assert atxn2.category == AlleleCategory.NORMAL
    c9 = result.call("C9ORF72")  # Strdrop flags a coverage drop at C9orf72
    assert c9 is not None and c9.confidence == "low" and any("Strdrop" in w for w in c9.warnings)
    ar = result.call("AR")
    assert ar is not None and "carrier" in (ar.sex_note or "")


def test_trgt_locus_present_without_genotype() -> None:
    result = assess_repeats(DATA / "HG002_Revio.sort.vcf.gz")
    assert result.status == AssessmentStatus.NOT_ASSESSED and result.sex == "male"
    reasons = {n.what.split()[0]: n.reason for n in result.not_assessed}
    assert "no genotype" in reasons["AR"] and "does not contain" in reasons["C9orf72"]
    assert NOT_ASSESSED_PHRASE in result.summary


def test_trgt_grch37_sample_without_charcot_loci() -> None:
    result = assess_repeats(DATA / "sample.trgt.vcf")
    assert result.caller == "TRGT" and result.status == AssessmentStatus.NOT_ASSESSED


# --- TRTools: EH, GangSTR, HipSTR, LongTR -------------------------------------------------------

@pytest.mark.parametrize(("name", "caller", "n_samples"), [
    ("NA12878_chr21_eh.head.vcf", "ExpansionHunter", 1),
    ("trio_chr21_gangstr.head.vcf", "GangSTR", 3),
    ("ceu_ex.gangstr.head.vcf.gz", "GangSTR", 98),
    ("trio_chr21_hipstr.head.vcf", "HipSTR", 3),
    ("HG002_htt_test.longtr.vcf.gz", "LongTR", 1),
])
def test_trtools_files_read_and_say_not_assessed(name: str, caller: str, n_samples: int) -> None:
    cohort = read_repeat_cohort(DATA / name)
    assert cohort.caller == caller and len(cohort.samples) == n_samples
    for assessment in cohort.assessments.values():
        assert assessment.status == AssessmentStatus.NOT_ASSESSED and len(assessment.not_assessed) == 4


# --- expanded alleles built from the real formats -------------------------------------------------

def _eh5_with_c9(tmp_path: Path, sample_field: str, alt: str = "<STR2>,<STR349>") -> Path:
    lines = []
    for line in EH5.read_text().splitlines():
        if "REPID=C9ORF72" in line:
            cols = line.split("\t")
            cols[4], cols[9] = alt, sample_field
            line = "\t".join(cols)
        lines.append(line)
    out = tmp_path / "eh5_c9_expanded.vcf"
    out.write_text("\n".join(lines) + "\n")
    return out


def _eh5_with_atxn2(tmp_path: Path, small: int, large: int) -> Path:
    """The real EH v5 ATXN2 record with its two spanning allele sizes replaced."""
    lines = []
    for line in EH5.read_text().splitlines():
        if "REPID=ATXN2" in line:
            cols = line.split("\t")
            gt = "1/1" if small == large else "1/2"
            cols[4] = f"<STR{small}>" if small == large else f"<STR{small}>,<STR{large}>"
            cols[9] = f"{gt}:SPANNING/SPANNING:{small}/{large}:{small}-{small}/{large}-{large}:7/3:32/37:0/0:21.9"
            line = "\t".join(cols)
        lines.append(line)
    out = tmp_path / f"eh5_atxn2_{small}_{large}.vcf"
    out.write_text("\n".join(lines) + "\n")
    return out


def test_atxn2_27_is_not_a_risk_allele_and_shows_only_the_default(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # issue 15: 27 repeats was labelled "risk allele" although the cited meta-analysis found ORs < 1 at 25-28
    atxn2 = assess_repeats(_eh5_with_atxn2(tmp_path, 22, 27)).call("ATXN2")
    assert atxn2 is not None and atxn2.category == AlleleCategory.NORMAL
    assert [a.category for a in atxn2.alleles] == [AlleleCategory.NORMAL, AlleleCategory.NORMAL]
    assert atxn2.alleles[1].length_risk is not None and atxn2.alleles[1].length_risk.significant is False
    # unambiguous normal: no source list, no disagreement, no recommendation, no genotype finding
    assert not atxn2.sources_disagree and atxn2.disagreement is None and atxn2.recommendation is None
    assert atxn2.genotype_findings == [] and "risk allele" not in _verdicts(atxn2.summary)
    assert "Default thresholds" not in atxn2.summary
    result = run_cli("repeats", _eh5_with_atxn2(tmp_path, 22, 27))
    block = result.stdout.split("ATXN2 CAG")[1].split("\n\n")[0]
    assert "risk allele" not in _verdicts(block) and "other sources differ" not in block
    assert block.count("    * ") == 2 and block.count("      ") == 0  # the default line per allele, nothing else


@pytest.mark.parametrize(("size", "odds_ratio"), [(31, 2.70), (32, 11.09), (33, 5.76)])
def test_atxn2_risk_allele_carries_its_per_length_odds_ratio(size: int, odds_ratio: float) -> None:
    locus = _loci()["ATXN2"]
    allele = interpret_allele(locus, RawAllele(size, None, SupportType.SPANNING), {})
    assert allele.category == AlleleCategory.RISK_ALLELE
    assert allele.length_risk is not None and allele.length_risk.odds_ratio == odds_ratio
    assert allele.length_risk.significant and f"{odds_ratio:.2f}" in allele.summary


def test_atxn2_category_never_milder_for_a_longer_allele() -> None:
    # issue 15: 34 repeats ranked "intermediate", below the "risk allele" of 31-33
    from charcot.repeats.model import SEVERITY

    locus = _loci()["ATXN2"]
    categories = [interpret_allele(locus, RawAllele(n, None, SupportType.SPANNING), {}).category for n in range(13, 60)]
    ranks = [SEVERITY[c] for c in categories]
    assert ranks == sorted(ranks)
    at_34 = interpret_allele(locus, RawAllele(34, None, SupportType.SPANNING), {})
    assert SEVERITY[at_34.category] > SEVERITY[AlleleCategory.RISK_ALLELE]
    assert "SCA2" in at_34.summary and "S-Seq10" in at_34.default_band_sources


def test_atxn2_default_bands_each_name_their_source() -> None:
    default = _loci()["ATXN2"].default
    assert all(rng.sources for rng in default.ranges)
    normal = default.classify(28)
    assert normal is not None and normal.category.value == "normal" and normal.sources == ["S-Neu14"]
    for size in (27, 28):  # the meta-analysis found odds ratios below 1 there: never a risk allele
        allele = interpret_allele(_loci()["ATXN2"], RawAllele(size, None, SupportType.SPANNING), {})
        assert allele.category == AlleleCategory.NORMAL and "risk allele" not in allele.summary


def test_every_threshold_set_is_monotone_and_a_reversed_one_is_refused() -> None:
    from charcot.knowledge.schema.repeats import RepeatCategory, SizeRange, ThresholdSet

    for locus in _loci().values():
        for tset in locus.threshold_sets:
            assert tset.check_ranges() is None and tset.check_monotone() is None, (locus.id, tset.id)
    reversed_set = ThresholdSet(id="x", label="x", context="x", sources=["S-Neu14"], ranges=[
        SizeRange(category=RepeatCategory.NORMAL, max=28), SizeRange(category=RepeatCategory.RISK_ALLELE, min=29, max=33),
        SizeRange(category=RepeatCategory.INTERMEDIATE, min=34, max=34),
        SizeRange(category=RepeatCategory.PATHOGENIC, min=35)])
    assert reversed_set.check_ranges() is None  # ordered and not overlapping ...
    problem = reversed_set.check_monotone()  # ... but 34 is milder than 29-33
    assert problem is not None and "milder" in problem and "34" in problem


@pytest.mark.parametrize(("small", "large", "expected"), [
    (27, 27, True), (27, 33, True), (31, 32, True), (26, 30, False), (27, 34, False), (22, 31, False)])
def test_atxn2_biallelic_intermediate_genotype(tmp_path: Path, small: int, large: int, expected: bool) -> None:
    atxn2 = assess_repeats(_eh5_with_atxn2(tmp_path, small, large)).call("ATXN2")
    assert atxn2 is not None
    found = [f for f in atxn2.genotype_findings if f.rule_id == "biallelic_intermediate"]
    assert bool(found) is expected
    if expected:
        assert found[0].unverified and "S-Demaegd26" in found[0].sources
        assert "recessive" in atxn2.summary and atxn2.category != AlleleCategory.NORMAL
        assert atxn2.recommendation is not None  # confirm both sizes


def test_expanded_c9_built_from_real_eh5_record_inrepeat(tmp_path: Path) -> None:
    # the ExpansionHunter documentation's C9orf72 example genotype, written into the real EH v5 record
    path = _eh5_with_c9(tmp_path, "1/2:SPANNING/INREPEAT:2/349:2-2/323-376:19/0:3/6:0/459:28.17")
    c9 = assess_repeats(path, sex="male").call("C9ORF72")
    assert c9 is not None and c9.category == AlleleCategory.EXPANDED_AT_LEAST_N
    big = c9.alleles[1]
    assert big.lower_bound_only and big.at_least == 323 and big.default_category == "pathogenic"
    assert _by_set(big)["mayo_current"] == "pathogenic" and _by_set(big)["sanden2021_tsv"] == "pathogenic"
    assert "at least 323" in c9.summary and "Southern blot" in (c9.recommendation or "")
    assert c9.is_expansion


def test_expanded_c9_built_from_real_eh5_record_flanking_ambiguous(tmp_path: Path) -> None:
    path = _eh5_with_c9(tmp_path, "1/2:SPANNING/FLANKING:2/27:2-2/25-40:19/0:3/6:0/0:28.17", "<STR2>,<STR27>")
    big = assess_repeats(path).call("C9ORF72").alleles[1]  # type: ignore[union-attr]
    # ≥25 spans intermediate and pathogenic under the default: indeterminate, never "expanded" (proberepeats review)
    assert big.category == AlleleCategory.INDETERMINATE and big.at_least == 25 and big.lower_bound_only
    assert big.default_category is None
    assert _by_set(big)["mayo_current"] is None and _by_set(big)["stripy_comparison"] == "pathogenic"


def test_flanking_allele_with_normal_ci_is_normal(tmp_path: Path) -> None:
    path = _eh5_with_c9(tmp_path, "1/2:SPANNING/FLANKING:2/8:2-2/6-10:19/0:3/6:0/0:28.17", "<STR2>,<STR8>")
    call = assess_repeats(path).call("C9ORF72")
    assert call is not None and call.category == AlleleCategory.NORMAL and call.confidence == "moderate"


def test_expanded_c9_built_from_real_gangstr_record(tmp_path: Path) -> None:
    src = (DATA / "trio_chr21_gangstr.head.vcf").read_text().splitlines()
    header = [line for line in src if line.startswith("#")]
    cols = next(line for line in src if not line.startswith("#")).split("\t")
    # GangSTR: POS..END is the repeat itself (1-based), here C9orf72 GRCh37 27573527-27573544
    cols[0], cols[1], cols[3] = "chr9", "27573527", "ggccccggccccggcccc"
    cols[7] = "END=27573544;RU=ggcccc;PERIOD=6;REF=3;GRID=1,5;STUTTERUP=0.05;STUTTERDOWN=0.05;STUTTERP=0.9;EXPTHRESH=-1"
    fields = cols[9].split(":")
    fields[0], fields[3], fields[4], fields[5], fields[6] = "0/1", "2,150", "2-2,120-400", "20,10,12,3", "2,20"
    cols[9] = ":".join(fields)
    path = tmp_path / "gangstr_c9_expanded.vcf"
    path.write_text("\n".join([*header, "\t".join(cols)]) + "\n")
    result = assess_repeats(path, sample="NA12878", build="GRCh37")
    c9 = result.call("C9ORF72")
    assert c9 is not None and (c9.start, c9.end) == (27573527, 27573544)
    assert c9.alleles[1].support == SupportType.FRAGMENT and c9.alleles[1].at_least == 120
    assert c9.category == AlleleCategory.EXPANDED_AT_LEAST_N
    cohort = read_repeat_cohort(path, build="GRCh37")
    assert "NA12878" in cohort.carriers("C9ORF72")


def test_atxn2_risk_allele_built_from_real_hipstr_record(tmp_path: Path) -> None:
    src = (DATA / "trio_chr21_hipstr.head.vcf").read_text().splitlines()
    header = [line for line in src if line.startswith("#")]
    cols = next(line for line in src if not line.startswith("#")).split("\t")
    # HipSTR: INFO START..END is the repeat (1-based inclusive): ATXN2 GRCh37 112036754-112036822, 23 CAG
    cols[0], cols[1] = "chr12", "112036754"
    cols[7] = "START=112036754;END=112036822;PERIOD=3"
    fmt = cols[8].split(":")
    fields = ["."] * len(fmt)
    fields[fmt.index("GT")], fields[fmt.index("GB")] = "0|1", "0|27"
    cols[9] = ":".join(fields)
    path = tmp_path / "hipstr_atxn2.vcf"
    path.write_text("\n".join([*header, "\t".join(cols)]) + "\n")
    atxn2 = assess_repeats(path, sample="NA12878").call("ATXN2")
    assert atxn2 is not None and [a.size for a in atxn2.alleles] == [23, 32]
    assert atxn2.category == AlleleCategory.RISK_ALLELE


def test_ar_expansion_built_from_real_eh5_record(tmp_path: Path) -> None:
    lines = []
    for line in EH5.read_text().splitlines():
        if "REPID=AR" in line:
            cols = line.split("\t")
            cols[4], cols[9] = "<STR41>", "1:SPANNING:41:40-42:6:14:0:12.65"
            line = "\t".join(cols)
        lines.append(line)
    path = tmp_path / "eh5_ar_expanded.vcf"
    path.write_text("\n".join(lines) + "\n")
    male = assess_repeats(path, sex="male").call("AR")
    assert male is not None and male.category == AlleleCategory.PATHOGENIC and male.recommendation
    female = assess_repeats(path, sex="female").call("AR")
    assert female is not None and "(carrier status)" in female.summary


# --- boundaries of every source --------------------------------------------------------------------

# (locus, set id, size, expected category): the published limits of each source, both sides.
BOUNDARIES = [
    ("C9ORF72", "gnomad_catalog", 23, "normal"), ("C9ORF72", "gnomad_catalog", 24, "intermediate"),
    ("C9ORF72", "gnomad_catalog", 30, "intermediate"), ("C9ORF72", "gnomad_catalog", 31, "pathogenic"),
    ("C9ORF72", "strchive", 23, "normal"), ("C9ORF72", "strchive", 24, "intermediate"),
    ("C9ORF72", "strchive", 30, "intermediate"), ("C9ORF72", "strchive", 31, "pathogenic"),
    ("C9ORF72", "stranger_catalog", 25, "normal"), ("C9ORF72", "stranger_catalog", 26, "intermediate"),
    ("C9ORF72", "stranger_catalog", 39, "intermediate"), ("C9ORF72", "stranger_catalog", 40, "pathogenic"),
    ("C9ORF72", "stripy_comparison", 19, "normal"), ("C9ORF72", "stripy_comparison", 20, "intermediate"),
    ("C9ORF72", "stripy_comparison", 23, "intermediate"), ("C9ORF72", "stripy_comparison", 24, "pathogenic"),
    ("C9ORF72", "mayo_older", 19, "normal"), ("C9ORF72", "mayo_older", 20, "intermediate"),
    ("C9ORF72", "mayo_older", 29, "intermediate"), ("C9ORF72", "mayo_older", 30, "pathogenic"),
    ("C9ORF72", "mayo_current", 19, "normal"), ("C9ORF72", "mayo_current", 20, "indeterminate"),
    ("C9ORF72", "mayo_current", 100, "indeterminate"), ("C9ORF72", "mayo_current", 101, "pathogenic"),
    ("C9ORF72", "depienne2021_tsv", 25, "normal"), ("C9ORF72", "depienne2021_tsv", 31, "pathogenic"),
    ("C9ORF72", "ibanez2020_tsv", 30, "normal"), ("C9ORF72", "ibanez2020_tsv", 59, "intermediate"),
    ("C9ORF72", "ibanez2020_tsv", 60, "pathogenic"),
    ("C9ORF72", "sanden2021_tsv", 249, "intermediate"), ("C9ORF72", "sanden2021_tsv", 250, "pathogenic"),
    ("ATXN2", "als_risk_by_length", 27, "normal"), ("ATXN2", "als_risk_by_length", 28, "normal"),
    ("ATXN2", "als_risk_by_length", 29, "intermediate"), ("ATXN2", "als_risk_by_length", 30, "intermediate"),
    ("ATXN2", "als_risk_by_length", 31, "risk_allele"), ("ATXN2", "als_risk_by_length", 33, "risk_allele"),
    ("ATXN2", "als_risk_by_length", 34, "reduced_penetrance"), ("ATXN2", "als_risk_by_length", 35, "pathogenic"),
    ("ATXN2", "strchive", 28, "normal"), ("ATXN2", "strchive", 29, "intermediate"),
    ("ATXN2", "strchive", 34, "intermediate"), ("ATXN2", "strchive", 35, "pathogenic"),
    ("ATXN1", "strchive", 35, "normal"), ("ATXN1", "strchive", 36, "intermediate"), ("ATXN1", "strchive", 39, "pathogenic"),
    ("AR", "strchive", 34, "normal"), ("AR", "strchive", 35, None), ("AR", "strchive", 36, "intermediate"),
    ("AR", "strchive", 38, "pathogenic"),
    ("ATXN2", "gnomad_catalog", 28, "normal"), ("ATXN2", "gnomad_catalog", 29, "intermediate"),
    ("ATXN2", "gnomad_catalog", 34, "intermediate"), ("ATXN2", "gnomad_catalog", 35, "pathogenic"),
    ("ATXN2", "stranger_catalog", 31, "normal"), ("ATXN2", "stranger_catalog", 32, "intermediate"),
    ("ATXN2", "stranger_catalog", 33, "pathogenic"),
    ("ATXN2", "stripy_comparison", 31, "normal"), ("ATXN2", "stripy_comparison", 32, "intermediate"),
    ("ATXN2", "stripy_comparison", 35, "pathogenic"),
    ("ATXN2", "depienne2021_tsv", 31, "normal"), ("ATXN2", "depienne2021_tsv", 32, "pathogenic"),
    ("ATXN2", "ibanez2020_tsv", 32, "intermediate"), ("ATXN2", "ibanez2020_tsv", 33, "pathogenic"),
    ("ATXN2", "sanden2021_tsv", 34, "intermediate"), ("ATXN2", "sanden2021_tsv", 35, "pathogenic"),
    ("ATXN1", "als_risk_33", 32, "normal"), ("ATXN1", "als_risk_33", 33, "risk_allele"),
    ("ATXN1", "als_risk_33", 38, "risk_allele"), ("ATXN1", "als_risk_33", 39, "pathogenic"),
    ("ATXN1", "gnomad_catalog", 35, "normal"), ("ATXN1", "gnomad_catalog", 36, "intermediate"),
    ("ATXN1", "gnomad_catalog", 38, "intermediate"), ("ATXN1", "gnomad_catalog", 39, "pathogenic"),
    ("ATXN1", "stranger_catalog", 35, "normal"), ("ATXN1", "stranger_catalog", 40, "pathogenic"),
    ("ATXN1", "stripy_comparison", 32, "normal"), ("ATXN1", "stripy_comparison", 33, "intermediate"),
    ("ATXN1", "depienne2021_tsv", 38, "normal"), ("ATXN1", "depienne2021_tsv", 39, "pathogenic"),
    ("AR", "gnomad_catalog", 34, "normal"), ("AR", "gnomad_catalog", 35, "intermediate"),
    ("AR", "gnomad_catalog", 37, "intermediate"), ("AR", "gnomad_catalog", 38, "pathogenic"),
    ("AR", "stranger_catalog", 35, "normal"), ("AR", "stranger_catalog", 36, "intermediate"),
    ("AR", "stranger_catalog", 38, "pathogenic"),
    ("AR", "stripy_comparison", 35, "normal"), ("AR", "stripy_comparison", 39, "intermediate"),
    ("AR", "stripy_comparison", 40, "pathogenic"),
    ("AR", "depienne2021_tsv", 36, "normal"), ("AR", "depienne2021_tsv", 37, "intermediate"),
    ("AR", "depienne2021_tsv", 38, "pathogenic"),
    ("AR", "ibanez2020_tsv", 34, "normal"), ("AR", "ibanez2020_tsv", 47, "intermediate"),
    ("AR", "ibanez2020_tsv", 48, "pathogenic"),
]


@pytest.mark.parametrize(("locus_id", "set_id", "size", "expected"), BOUNDARIES)
def test_boundary(locus_id: str, set_id: str, size: int, expected: str) -> None:
    locus = _loci()[locus_id]
    allele = interpret_allele(locus, RawAllele(size, None, SupportType.SPANNING), {})
    assert _by_set(allele)[set_id] == expected
    if set_id == locus.default_set:
        assert allele.category.value == expected


def test_every_range_edge_of_every_set_is_tested() -> None:
    covered = {(locus, set_id) for locus, set_id, _, _ in BOUNDARIES}
    for locus in _loci().values():
        for tset in locus.threshold_sets:
            assert (locus.id, tset.id) in covered, (locus.id, tset.id)


def test_ci_crossing_a_threshold_is_not_a_category(tmp_path: Path) -> None:
    # an intermediate estimate whose interval reaches pathogenic: no category stands (the interval policy,
    # src/charcot/repeats/interval_policy.yaml; before the repeats session it kept 'intermediate', moderate)
    path = _eh5_with_c9(tmp_path, "1/2:SPANNING/SPANNING:2/28:2-2/26-33:19/5:3/6:0/0:28.17", "<STR2>,<STR28>")
    c9 = assess_repeats(path).call("C9ORF72")
    assert c9 is not None and c9.alleles[1].ci_crosses_threshold and c9.confidence == "low"
    assert c9.category == AlleleCategory.INDETERMINATE and c9.recommendation
    assert "intermediate or pathogenic" in c9.alleles[1].summary


@pytest.mark.parametrize("ci", ["20-26", "15-45"])
def test_normal_estimate_whose_ci_reaches_beyond_normal_is_not_normal(tmp_path: Path, ci: str) -> None:
    """Before: 22 (CI 20-26) and 20 (CI 15-45, into the pathogenic range) were 'normal'; the interval does not
    rule the longer size out, so the allele is indeterminate (the rule lower-bound alleles already follow)."""
    size = int(ci.split("-")[0]) + 2
    path = _eh5_with_c9(tmp_path, f"1/2:SPANNING/SPANNING:2/{size}:2-2/{ci}:19/5:3/6:0/0:28.17",
                        f"<STR2>,<STR{size}>")
    c9 = assess_repeats(path).call("C9ORF72")
    assert c9 is not None
    assert c9.category == AlleleCategory.INDETERMINATE and c9.confidence == "low" and c9.recommendation
    assert "confidence interval reaches" in c9.alleles[1].summary


# --- coordinates -----------------------------------------------------------------------------------

def test_match_both_builds_and_conventions() -> None:
    loci = list(_loci().values())
    # EH VCF GRCh38 POS 27573528 (0-based start) -> 1-based 27573529-27573546
    found = match_locus("9", 27573529, 27573546, loci, Build.GRCh38)
    assert found is not None and found[0].id == "C9ORF72" and found[1] == 0
    # GRCh37 region is 2 bp left of GRCh38: matched in both, but exactly only in GRCh37
    exact37 = match_locus("9", 27573527, 27573544, loci, Build.GRCh37)
    assert exact37 is not None and exact37[1] == 0
    # TRGT/STRchive's wider C9orf72 region still denotes the locus
    wide = match_locus("9", 27573485, 27573546, loci, Build.GRCh38)
    assert wide is not None and wide[0].id == "C9ORF72"
    assert match_locus("12", 111598950, 111599018, loci, Build.GRCh37) is None
    assert match_locus("X", 66765159, 66765227, loci, Build.GRCh37) is not None


def test_eh_json_reference_region_is_zero_based(tmp_path: Path) -> None:
    data = json.loads((DATA / "eh_example_repeats.json").read_text())
    variant = data["LocusResults"]["SNV_AND_STR"]["Variants"]["SNV_AND_STR_chr1:2005-2008"]
    variant["ReferenceRegion"] = "chr9:27573528-27573546"  # GRCh38 catalog region, 0-based half-open
    variant["Genotype"], variant["GenotypeConfidenceInterval"] = "2/10", "2-2/10-10"
    path = tmp_path / "eh.json"
    path.write_text(json.dumps(data))
    result = assess_repeats(path)
    c9 = result.call("C9ORF72")
    assert result.build == Build.GRCh38 and c9 is not None and (c9.start, c9.end) == (27573529, 27573546)
    assert result.sex == "female" and [a.size for a in c9.alleles] == [2, 10]


# --- not assessed, malformed input ---------------------------------------------------------------

def test_not_assessed_says_so() -> None:
    result = not_assessed()
    assert result.status == AssessmentStatus.NOT_ASSESSED and NOT_ASSESSED_PHRASE in result.summary
    assert len(result.not_assessed) == 4


def test_truncated_gzip_gives_file_and_line(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    raw = (DATA / "ceu_ex.gangstr.head.vcf.gz").read_bytes()
    path = tmp_path / "cut.vcf.gz"
    path.write_bytes(raw[: len(raw) // 2])
    result = run_cli("repeats", path)
    assert result.code == 2 and "Traceback" not in result.stderr
    assert str(path) in result.stderr and "truncated" in result.stderr and "line" in result.stderr


def test_short_line_gives_line_number(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    lines = EH5.read_text().splitlines()
    lines[-1] = "\t".join(lines[-1].split("\t")[:5])
    path = tmp_path / "short.vcf"
    path.write_text("\n".join(lines) + "\n")
    result = run_cli("repeats", path)
    assert result.code == 2 and f"line {len(lines)}" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("content", ["hello\n", "##fileformat=VCFv4.2\n", "{\"LocusResults\": ", "[]",
                                     "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"])
def test_bad_files_are_input_errors(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.vcf"
    path.write_text(content)
    with pytest.raises(InputError):
        assess_repeats(path)


def test_small_variant_vcf_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "snv.vcf.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("##fileformat=VCFv4.2\n##INFO=<ID=AF,Number=A,Type=Float,Description=\"x\">\n"
                     "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n1\t100\t.\tA\tG\t.\tPASS\tAF=0.1\tGT\t0/1\n")
    with pytest.raises(InputError, match="not a recognised repeat-caller VCF"):
        assess_repeats(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet="0123456789./:;,=\tACGTSPANINGREPCNchr9<>-", max_size=120), max_size=4))
def test_fuzzed_c9_sample_field_never_crashes(tmp_path: Path, extra: list[str]) -> None:
    lines = EH5.read_text().splitlines()
    for i, line in enumerate(lines):
        if "REPID=C9ORF72" in line:
            cols = line.split("\t")
            cols[9] = ":".join(extra) if extra else "."
            lines[i] = "\t".join(cols)
    path = tmp_path / "fuzz.vcf"
    path.write_text("\n".join(lines) + "\n")
    with contextlib.suppress(InputError):
        assess_repeats(path)


@pytest.mark.parametrize(("small", "large"), [(22, 33), (27, 27), (22, 34)])
def test_repeat_text_names_categories_in_words(tmp_path: Path, run_cli, small: int, large: int) -> None:  # type: ignore[no-untyped-def]
    # was "genotype 22/33  → risk_allele" and "…: risk_allele [31–33]" in the clinician text
    result = run_cli("repeats", _eh5_with_atxn2(tmp_path, small, large))
    assert result.code == 0, result.stderr
    block = result.stdout.split("ATXN2 CAG")[1].split("\n\n")[0]
    assert "→ risk allele" in block or "→ intermediate" in block or "→ reduced penetrance" in block
    for identifier in ("risk_allele", "reduced_penetrance", "expanded_at_least_n", "risk_factor"):
        assert identifier not in result.stdout


def test_report_line_names_the_biallelic_finding(tmp_path: Path) -> None:
    # the report's page-1 line read "ATXN2 27/27 repeats: risk allele (default thresholds normal ≤28; …)":
    # a verdict its own thresholds contradict, because the bi-allelic finding that set it was dropped
    from charcot.report.build import _repeat_call, repeat_line

    atxn2 = assess_repeats(_eh5_with_atxn2(tmp_path, 27, 27)).call("ATXN2")
    assert atxn2 is not None
    line = repeat_line(_repeat_call(atxn2))
    assert line.startswith("ATXN2 27/27 repeats: risk allele: bi-allelic intermediate ATXN2 (reported recessive ALS)")
    single = assess_repeats(_eh5_with_atxn2(tmp_path, 22, 31)).call("ATXN2")
    assert single is not None and "bi-allelic" not in repeat_line(_repeat_call(single))


@pytest.mark.parametrize(("small", "large"), [(27, 27), (28, 28), (27, 28)])
def test_verdict_set_only_by_an_unverified_genotype_rule_is_not_high_confidence(tmp_path: Path, small: int,
                                                                                 large: int) -> None:
    # 28/28: both alleles normal by the default thresholds; the locus verdict "risk allele" comes only from the
    # bi-allelic rule, whose one report is marked unverified, yet the call read "[confidence high]"
    atxn2 = assess_repeats(_eh5_with_atxn2(tmp_path, small, large)).call("ATXN2")
    assert atxn2 is not None and atxn2.category == AlleleCategory.RISK_ALLELE
    assert all(a.category == AlleleCategory.NORMAL for a in atxn2.alleles)
    assert atxn2.confidence == "moderate"
    normal = assess_repeats(_eh5_with_atxn2(tmp_path, 22, 26)).call("ATXN2")
    assert normal is not None and normal.confidence == "high"
