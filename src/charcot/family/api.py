"""Public API of charcot.family (other packages call only these)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from charcot.family.drawing import draw_pedigree, pedigree_svg
from charcot.family.model import RiskResult
from charcot.family.pedigree import Pedigree, read_observations
from charcot.family.pedigree import read_pedigree as _read

if TYPE_CHECKING:
    from charcot.model import Build, Evidence

__all__ = [
    "Pedigree",
    "RiskResult",
    "draw_pedigree",
    "family_evidence",
    "pedigree_svg",
    "read_observations",
    "read_pedigree",
    "relative_risks",
]


def read_pedigree(path: str | Path, *, repair: bool = False) -> Pedigree:
    """PED file or Phenopacket Family JSON, validated (InputError on problems)."""
    return _read(path, repair=repair)


def relative_risks(pedigree: Pedigree, gene: str, carrier: str | None = None,
                   ages: Mapping[str, float] | None = None, nonpenetrance: float | None = None,
                   horizon_years: float = 10, **options: object) -> RiskResult:
    """See charcot.family.risk.relative_risks (options: observations, curve, sex_specific,
    phenocopy, carrier_frequency, sensitivity)."""
    from charcot.family.risk import relative_risks as _risks

    return _risks(pedigree, gene, carrier, ages, nonpenetrance, horizon_years, **options)  # type: ignore[arg-type]


def family_evidence(vcf: Path, pedigree: Pedigree, proband: str, variant_keys: Sequence[str] | None = None,
                    build: Build | None = None, notes: list[str] | None = None,
                    genes: Mapping[str, str] | None = None) -> dict[str, list[Evidence]]:
    """ACMG evidence from the family, keyed "CHROM-POS-REF-ALT" (chrom without 'chr'): PS2/PM6
    (de novo), PP1/BS4 (segregation Bayes factor), PM3/BP2 (phase in recessive genes). ``notes`` collects what was
    skipped or could not be used (records not PASS, pedigree members who are not VCF samples). ``genes`` names the gene
    of each key as the caller's findings do (the penetrance model of the co-segregation factor is that gene's)."""
    from charcot.family.segregation import family_evidence as _evidence

    return _evidence(vcf, pedigree, proband, variant_keys, build, notes=notes, genes=genes)
