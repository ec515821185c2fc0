"""De novo calls from trio genotypes (PS2 / PM6) with parental genotype quality.

Scoring follows the ClinGen SVI de novo recommendation as points per event: confirmed parentage
(here: trio genotypes Mendelian-consistent genome-wide in the VCF) counts double an assumed one;
points map to strength (0.5 Supporting, 1 Moderate, 2 Strong, 4 Very strong). The table values
are carried as unverified in charcot (the reference notes do not reproduce the SVI table).
"""

from __future__ import annotations

from dataclasses import dataclass

# Genotype quality thresholds for a call to count, and the share of reads a hemizygous call (a son's X outside the
# PARs) needs: below it the call is a post-zygotic mosaic, contamination, a duplication or an artefact, never a clean
# germline de novo (one place for every check of a call: charcot.genome.callquality)
from charcot.genome.callquality import HEMIZYGOUS_MIN_AB, MIN_DP, MIN_GQ

MAX_PARENT_ALT_READS = 1
CHILD_AB = (0.2, 0.8)

# SVI de novo points: (confirmed, assumed) per phenotype-specificity level.
SVI_POINTS = {"highly_specific": (2.0, 1.0), "consistent": (1.0, 0.5), "heterogeneous": (0.5, 0.25)}


def points_to_strength(points: float) -> str | None:
    if points >= 4:
        return "VeryStrong"
    if points >= 2:
        return "Strong"
    if points >= 1:
        return "Moderate"
    if points >= 0.5:
        return "Supporting"
    return None


TAVTIGIAN = {"Supporting": 1.0, "Moderate": 2.0, "Strong": 4.0, "VeryStrong": 8.0}


@dataclass
class Call:
    gt: int  # 0 hom-ref, 1 het, 3 hom-alt, 2 unknown (cyvcf2 gt_types)
    gq: float  # negative: not recorded in the VCF (likewise dp and the read counts)
    dp: int
    ref_reads: int
    alt_reads: int
    partial: bool = False  # a half-call ('0/.', './1'): one allele missing, so gt is 2 (no call), never hom-ref
    # the sample's own genotype filter (FORMAT/FT) when it is not PASS: the caller does not trust this genotype
    sample_filter: str | None = None

    @property
    def confident(self) -> bool:
        return self.gt != 2 and self.gq >= MIN_GQ and self.dp >= MIN_DP and self.sample_filter is None

    @property
    def balance(self) -> float | None:
        if self.ref_reads < 0 or self.alt_reads < 0:
            return None
        total = self.ref_reads + self.alt_reads
        return self.alt_reads / total if total > 0 else None


GENOTYPE_WORDS = {0: "no variant (homozygous reference)", 1: "heterozygous", 3: "homozygous for the variant",
                  2: "no genotype call"}


def genotype_words(gt: int) -> str:
    """A cyvcf2 genotype code in words (0 hom-ref, 1 het, 3 hom-alt, 2 no call)."""
    return GENOTYPE_WORDS.get(gt, "no genotype call")


def _no_call(call: Call) -> str:
    return ("a partly called genotype (one allele missing, as in '0/.')" if call.partial
            else "no genotype call")


def describe(who: str, call: Call, hemizygous: bool = False) -> str:
    gq = f"genotype quality {call.gq:g}" if call.gq >= 0 else "genotype quality not recorded"
    dp = f"depth {call.dp}" if call.dp >= 0 else "depth not recorded"
    reads = (f"{call.alt_reads} variant read{'s' if call.alt_reads != 1 else ''}" if call.alt_reads >= 0
             else "read counts not recorded")
    words = _no_call(call) if call.gt == 2 else genotype_words(call.gt)
    if hemizygous and call.gt == 3:
        words = "hemizygous for the variant (one X)"
    return f"{who} {words} ({gq}, {dp}, {reads})"


def _below(call: Call) -> str:
    if call.sample_filter is not None:
        return f"filtered for this person by the caller (FT {call.sample_filter})"
    if call.gq < 0 or call.dp < 0:
        return f"without genotype quality or depth in the VCF (needs GQ {MIN_GQ} and DP {MIN_DP})"
    return f"below GQ {MIN_GQ}/DP {MIN_DP}"


def de_novo_status(child: Call, father: Call, mother: Call) -> tuple[bool, str]:
    """(is a confident de novo, explanation with the parental genotype qualities). When not, the explanation starts
    with "not a de novo call" only if the genotypes show it (a parent confidently carries the variant, the proband
    does not carry it once); a no-call, a low-quality call, parental alt reads or a skewed proband allele balance
    leave it undecided ("cannot decide whether de novo"), never "not de novo" and never read as homozygous reference."""
    desc = "; ".join((describe("proband", child), describe("father", father), describe("mother", mother)))
    undecided = "cannot decide whether de novo"
    if child.gt == 2:
        return False, f"{undecided}: the proband has {_no_call(child)} ({desc})"
    for name, parent in (("father", father), ("mother", mother)):
        if parent.gt in (1, 3) and parent.confident:
            return False, f"not a de novo call: the {name} carries the variant ({desc})"
    if child.gt == 3 and child.confident and all(p.gt == 0 and p.confident for p in (father, mother)):
        # homozygous with two confidently hom-ref parents breaks Mendel's rules: not a clean 'not de novo'
        return False, (f"{undecided}: the proband is homozygous and both parents homozygous reference, which no "
                       "inheritance explains (a genotyping error, a deletion of the other copy or uniparental disomy); "
                       f"check the reads by hand ({desc})")
    if child.gt != 1:
        return False, f"not a de novo call: the proband is not heterozygous ({desc})"
    if not child.confident:
        return False, f"{undecided}: the proband's call is {_below(child)} ({desc})"
    for name, parent in (("father", father), ("mother", mother)):
        why = _absence_not_shown(name, parent)
        if why:
            return False, f"{undecided}: {why} ({desc})"
    ab = child.balance
    if ab is None:
        return False, f"{undecided}: {_NO_CHILD_READS} ({desc})"
    if not CHILD_AB[0] <= ab <= CHILD_AB[1]:
        return False, (f"{undecided}: the proband's allele balance {ab:.2f} is outside {CHILD_AB[0]}-{CHILD_AB[1]} "
                       f"(a post-zygotic mosaic de novo or an artefact; confirm by another method) ({desc})")
    return True, desc


_NO_CHILD_READS = ("the VCF records no allele depths (AD) for the proband, so the share of variant reads (an artefact, "
                   "a mosaic) cannot be checked")


def _absence_not_shown(name: str, parent: Call) -> str | None:
    """Why a parent's call (not a confident carrier) does not show the variant absent in that parent, or None when it
    does: a no-call is never read as homozygous reference; a carrier or homozygous-reference call below the quality
    thresholds decides nothing; a confident homozygous-reference call still needs its read counts (_parent_reads)."""
    if parent.gt == 2:
        return f"the {name} has {_no_call(parent)} here (never read as homozygous reference)"
    if parent.gt != 0:
        return f"the {name}'s carrier call is {_below(parent)}"
    if not parent.confident:
        return f"the {name}'s homozygous-reference call is {_below(parent)}"
    return _parent_reads(name, parent)


def _parent_reads(name: str, parent: Call) -> str | None:
    """Why a confident homozygous-reference parent still does not show the variant absent, or None. A parent whose
    read counts the VCF does not record is never read as having no variant reads: parental mosaicism (a few variant
    reads under a homozygous-reference call) could not be checked, so the de novo claim is undecided, as it is for a
    parent with variant reads."""
    if parent.alt_reads < 0:
        return (f"the VCF records no allele depths (AD) for the {name}, so variant reads in the {name} (parental "
                "mosaicism or a missed call) cannot be ruled out; a de novo claim needs them")
    if parent.alt_reads > MAX_PARENT_ALT_READS:
        return (f"the {name} has {parent.alt_reads} variant reads despite a homozygous-reference call: possible "
                "parental mosaicism or a missed call")
    informative = parent.alt_reads + max(parent.ref_reads, 0)
    if informative < MIN_DP:
        # DP counts reads that support neither allele (a split multi-allelic site, reads that do not span an indel):
        # 'no variant read' among a handful of informative reads is no evidence that the variant is absent
        return (f"only {informative} of the {name}'s reads support either allele here (allele depths; depth "
                f"{parent.dp}), fewer than {MIN_DP}: the absence of variant reads in the {name} is not shown")
    return None


def hemizygous_de_novo_status(child: Call, mother: Call) -> tuple[bool, str]:
    """A son's variant on X outside the pseudoautosomal regions: his X comes from his mother alone, so the variant is
    de novo when he carries it hemizygously (a haploid or homozygous call, nearly all reads variant) and his mother,
    confidently genotyped with read counts, carries no variant read. The father is irrelevant there. A heterozygous
    call in a son is not handled here (it is itself doubtful). Returns (is a confident de novo, explanation)."""
    desc = "; ".join((describe("proband", child, hemizygous=True), describe("mother", mother)))
    undecided = "cannot decide whether de novo"
    if child.gt == 2:
        return False, f"{undecided}: the proband has {_no_call(child)} ({desc})"
    if mother.gt in (1, 3) and mother.confident:
        return False, f"not a de novo call: the mother carries the variant, and a son's X comes from her ({desc})"
    if child.gt == 0:
        return False, f"not a de novo call: the proband does not carry the variant ({desc})"
    if not child.confident:
        return False, f"{undecided}: the proband's call is {_below(child)} ({desc})"
    why = _absence_not_shown("mother", mother)
    if why:
        return False, f"{undecided}: {why} ({desc})"
    ab = child.balance
    if ab is None:
        return False, f"{undecided}: {_NO_CHILD_READS} ({desc})"
    if ab < HEMIZYGOUS_MIN_AB:
        return False, (f"{undecided}: only {ab:.2f} of the proband's reads carry the variant where a son has one X "
                       f"(expected at least {HEMIZYGOUS_MIN_AB}): a mosaic, contamination, a duplication or an "
                       f"artefact; confirm by another method ({desc})")
    return True, desc
