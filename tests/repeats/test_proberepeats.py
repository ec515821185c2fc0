"""proberepeats review (2026-12-02): repeat calls probed as a diagnostic laboratory would.

Every input is a real caller file of tests/data/repeats (SOURCES.md) with one record edited in place (origin named
per test); no field is invented: REPCN/REPCI/SO/ADSP/ADFL/ADIR are ExpansionHunter v5's own FORMAT fields of the
justhusky file, STR_STATUS Stranger's own INFO field of the NIST TRGT and 643594 files.

Defects (before / now):

1. The same locus twice with different genotypes (two complete ExpansionHunter records of C9orf72, 2/2 and 2/≥70):
   before, the first record was taken and the other dropped without a word ("2/2 normal, confidence high" when the
   normal record came first); now the record with the longest allele is shown, the conflict is a warning naming
   both genotypes and lines, the locus is indeterminate (not assessed) unless that longest allele is itself
   pathogenic, and the confidence is low.
2. An allele ExpansionHunter sizes from flanking (or in-repeat) reads only whose lower bound lies between normal and
   pathogenic (C9orf72 FLANKING 27, REPCI 27-29: at least 27, which may be intermediate 24-30 or pathogenic ≥31):
   before, "expanded" (the pathogenic severity; ``is_expansion`` True, counted a carrier); now indeterminate, the
   reason naming the categories sizes from N up span, confirmation by repeat-primed PCR recommended.
3. Stranger's own verdict (STR_STATUS) disagreeing with the sizes charcot reads (NIST TRGT AR record annotated
   full_mutation, sizes 19/27 normal under the same file's limits): before, STR_STATUS was never read and the locus
   was "normal", confidence high; now a warning names STR_STATUS and what the sizes give under the file's own limits,
   a normal locus becomes indeterminate, and the confidence is never high.
4. Two different AR alleles called in a stated male (real NIST TRGT AR 19/27 with --sex male): before, "normal",
   confidence high (the warning said the genotype is impossible for one X chromosome); now confidence low.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

from charcot.repeats.api import assess_repeats, read_repeat_cohort
from charcot.repeats.model import AlleleCategory

DATA = Path(__file__).resolve().parents[1] / "data" / "repeats"
EH5 = DATA / "justhusky_exphun_hugelymodelbat.eh5.vcf"  # ExpansionHunter v5, GRCh37 (Scout demo)
NIST = DATA / "NIST.trgt.stranger.vcf.gz"  # TRGT 3.0 + Stranger, GRCh38 (Scout demo)


def _eh5_c9(tmp_path: Path, *sample_fields: str, name: str = "eh5.vcf") -> Path:
    """The real EH v5 file with its C9orf72 record's sample column replaced; each further field repeats the record
    (the same locus written again) with that sample column."""
    out = []
    for line in EH5.read_text().splitlines():
        if "VARID=C9ORF72;" in line:
            cols = line.split("\t")
            for field in sample_fields:
                out.append("\t".join([*cols[:9], field]))
            continue
        out.append(line)
    path = tmp_path / name
    path.write_text("\n".join(out) + "\n")
    return path


# the real record's own sample column (1/1, SPANNING, REPCN 2/2) and an expanded one written into it
NORMAL = "1/1:SPANNING/SPANNING:2/2:2-2/2-2:31/31:5/5:0/0:28.174689"
EXPANDED = "1/2:SPANNING/FLANKING:2/80:2-2/70-200:31/0:5/10:0/5:28.174689"


def test_same_locus_twice_with_different_genotypes_is_not_silently_the_first(tmp_path: Path) -> None:
    for order in ((NORMAL, EXPANDED), (EXPANDED, NORMAL)):
        c9 = assess_repeats(_eh5_c9(tmp_path, *order)).call("C9ORF72")
        assert c9 is not None
        # the record that may be an expansion is never the one dropped, whatever the order
        assert c9.category == AlleleCategory.EXPANDED_AT_LEAST_N and c9.confidence == "low"
        assert any("2/2" in w and "at least 70" in w and "line" in w for w in c9.warnings)
    # the conflicting call is not normal when the longest allele is short of pathogenic
    c9 = assess_repeats(_eh5_c9(tmp_path, NORMAL, "1/2:SPANNING/SPANNING:2/12:2-2/12-12:31/20:5/5:0/0:28.17"))
    call = c9.call("C9ORF72")
    assert call is not None and call.category == AlleleCategory.INDETERMINATE and call.confidence == "low"
    assert c9.status.value == "partial" and any(n.what.startswith("C9orf72") for n in c9.not_assessed)
    # the same genotype written twice is no conflict
    same = assess_repeats(_eh5_c9(tmp_path, NORMAL, NORMAL)).call("C9ORF72")
    assert same is not None and same.category == AlleleCategory.NORMAL and same.confidence == "high"
    assert not same.warnings


def test_lower_bound_short_of_pathogenic_is_not_an_expansion(tmp_path: Path) -> None:
    path = _eh5_c9(tmp_path, "1/2:SPANNING/FLANKING:2/27:2-2/27-29:31/0:5/12:0/0:28.174689")
    c9 = assess_repeats(path).call("C9ORF72")
    assert c9 is not None and not c9.is_expansion
    assert c9.category == AlleleCategory.INDETERMINATE and c9.confidence == "low"
    big = c9.alleles[1]
    assert big.lower_bound_only and big.at_least == 27  # still told as "at least 27", never as 27
    assert "at least 27" in c9.summary and "intermediate" in big.summary and "pathogenic" in big.summary
    assert "repeat-primed PCR" in (c9.recommendation or "")
    assert "hugelymodelbat_lanes_1_sorted_md" not in read_repeat_cohort(path).carriers("C9ORF72")
    # a lower bound at the pathogenic threshold stays an expansion
    c9 = assess_repeats(_eh5_c9(tmp_path, "1/2:SPANNING/FLANKING:2/33:2-2/31-60:31/0:5/12:0/0:28.17")).call("C9ORF72")
    assert c9 is not None and c9.category == AlleleCategory.EXPANDED_AT_LEAST_N and c9.is_expansion


def _nist_ar_status(tmp_path: Path, status: str) -> Path:
    """The real NIST TRGT+Stranger file with STR_STATUS of its second AR record (./1, AL 115) set to ``status``."""
    with gzip.open(NIST, "rt") as handle:
        lines = handle.read().splitlines()
    out = [line.replace("STR_STATUS=normal", f"STR_STATUS={status}") if "TRID=SBMA_AR" in line and "\t./1:" in line
           else line for line in lines]
    path = tmp_path / "nist.vcf"
    path.write_text("\n".join(out) + "\n")
    return path


def test_stranger_status_disagreeing_with_the_sizes_is_said(tmp_path: Path) -> None:
    as_is = assess_repeats(NIST, sex="female").call("AR")
    assert as_is is not None and as_is.category == AlleleCategory.NORMAL and as_is.confidence == "high"
    ar = assess_repeats(_nist_ar_status(tmp_path, "full_mutation"), sex="female").call("AR")
    assert ar is not None
    assert any("STR_STATUS" in w and "full_mutation" in w for w in ar.warnings)
    assert ar.category == AlleleCategory.INDETERMINATE and ar.confidence == "low"
    assert "STR_STATUS" in (ar.indeterminate_reason or "")


def test_two_different_ar_alleles_in_a_male_are_low_confidence() -> None:
    ar = assess_repeats(NIST, sex="male").call("AR")
    assert ar is not None and [a.size for a in ar.alleles] == [19, 27]
    assert any("one X chromosome" in w for w in ar.warnings)
    assert ar.confidence == "low"


def test_cli_says_the_conflict(tmp_path: Path, run_cli: Callable[..., object]) -> None:
    out = tmp_path / "out.txt"
    result = run_cli("repeats", _eh5_c9(tmp_path, NORMAL, EXPANDED), "--output", out)
    assert result.code == 0  # type: ignore[attr-defined]
    text = out.read_text()
    assert "C9orf72" in text and "confidence low" in text and "different genotypes" in text
