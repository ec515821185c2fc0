"""Known recurrent and founder variants (variants.yaml), with positions on both builds.

GRCh38 positions are either read in a cited source (``grch38.how`` says which) or derived by
``scripts/derive_gene_tables.py`` from an anchor (a sourced position of another c. position of the same
transcript) by walking the derived canonical exons. GRCh37 positions are always derived (UCSC chain liftover).
Both derived kinds live in ``derived/variants.json`` and are joined on load by :func:`attach`.

The ACMG engine uses :class:`KnownVariantIndex` (``variant_index(kb)``) for PS1 (same amino-acid change as a
known pathogenic variant) and PM5 (different change at a residue with a known pathogenic missense).

``curated_evidence`` is the laboratory's own documented prior curation of a recurrent variant: ACMG criteria
(e.g. PS4 from many unrelated affected probands, PP1 from published segregation) each with a strength, a reason
and sources. The engine (``charcot.acmg.curated``) applies them only when a called allele matches the record
exactly (build, chrom, pos, ref, alt). The record's ClinVar assertion / classification is never evidence
(PP5/BP6 retired, Biesecker & Harrison 2018), so PP5 and BP6 are refused here.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from charcot.knowledge.base import CitedRecord
from charcot.model import AcmgClass, Build, Confidence

if TYPE_CHECKING:
    from charcot.knowledge import Knowledge
    from charcot.knowledge.loader import Problem

_HGVS_P = re.compile(r"^p\.\(?([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2}|Ter|\*)\)?$")
_HGVS_C_SNV = re.compile(r"^c\.(\d+)([ACGT])>([ACGT])$")
_HGVS_C_SPLICE = re.compile(r"^c\.(\d+)[+-][12][ACGT]>[ACGT]$")  # canonical splice-site SNV


class GenomicAllele(BaseModel):
    """A VCF-style allele: 1-based position, chromosome without 'chr'."""

    model_config = ConfigDict(extra="forbid", defer_build=True, frozen=True)

    chrom: str
    pos: int = Field(ge=1)
    ref: str = Field(pattern=r"^[ACGTN]+$")
    alt: str = Field(pattern=r"^[ACGTN]+$")
    how: str  # where the position comes from: a cited source, an exon-walk derivation or a liftover
    confidence: Confidence = Confidence.VERIFIED


class Anchor(BaseModel):
    """A sourced genomic position of another c. position on the same transcript (for exon-walk derivation)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    c_position: int = Field(ge=1)
    grch38_pos: int = Field(ge=1)
    sources: list[str] = Field(min_length=1)


# Criteria a curation may carry and the strengths each may take. Criteria computed from the allele itself
# (PVS1, PS1, PM1, PM4, PM5, PP2, PP3, BP4, BA1, BS1 ...) are never curated: the engine derives them.
# - PS2/PM6 (de novo): Supporting..VeryStrong by the ClinGen SVI de novo points (FAM-SVIdn).
# - PM3 (in trans, recessive): Supporting..VeryStrong by the ClinGen SVI PM3 points (FAM-SVIpm3).
# - PP1 (segregation): Supporting, Moderate or Strong by the number of informative meioses
#   (Jarvik & Browning 2016, FAM-JB16); never VeryStrong.
# - PS4 (prevalence in affected individuals): Supporting, Moderate or Strong (Richards 2015 allows PS4
#   reduced to Moderate/Supporting when few probands are counted); never VeryStrong.
# - PS3/BS3 (functional): PS3 Supporting..Strong, BS3 Supporting or Strong (Brnich et al. 2019).
# - PM2: Supporting only (ClinGen SVI PM2 recommendation 2020, S-SVI-PM2); it also needs the recorded
#   population allele frequency (``allele_frequency``) so the engine can compare it with the gene's threshold.
# - BS4 (non-segregation): Strong.
CURATED_STRENGTHS: dict[str, tuple[str, ...]] = {
    "PS2": ("Supporting", "Moderate", "Strong", "VeryStrong"),
    "PM6": ("Supporting", "Moderate", "Strong", "VeryStrong"),
    "PM3": ("Supporting", "Moderate", "Strong", "VeryStrong"),
    "PP1": ("Supporting", "Moderate", "Strong"),
    "PS4": ("Supporting", "Moderate", "Strong"),
    "PS3": ("Supporting", "Moderate", "Strong"),
    "BS3": ("Supporting", "Strong"),
    "PM2": ("Supporting",),
    "BS4": ("Strong",),
}
RETIRED_CRITERIA = {"PP5", "BP6"}  # Biesecker & Harrison 2018


class CuratedCriterion(BaseModel):
    """One ACMG criterion from the knowledge base's own documented curation of a known variant."""

    model_config = ConfigDict(extra="forbid", defer_build=True, frozen=True)

    criterion: str
    strength: str
    reason: str = Field(min_length=10)
    sources: list[str] = Field(min_length=1)
    confidence: Confidence = Confidence.VERIFIED
    confidence_note: str | None = None
    # PM2 only: the population allele frequency recorded for the variant (e.g. gnomAD AF); compared by the
    # engine (and by ``check``) with the gene's PM2 maximum, never assumed to be below it.
    allele_frequency: float | None = Field(default=None, ge=0, le=1)
    frequency_source: str | None = None  # which population data the recorded frequency is from

    @field_validator("criterion")
    @classmethod
    def _criterion(cls, value: str) -> str:
        if value in RETIRED_CRITERIA:
            raise ValueError(f"{value} is retired (Biesecker & Harrison 2018): a database assertion is never "
                             "curated evidence")
        if value not in CURATED_STRENGTHS:
            raise ValueError(f"criterion {value!r} cannot be curated; allowed: {', '.join(sorted(CURATED_STRENGTHS))}")
        return value

    @model_validator(mode="after")
    def _check(self) -> CuratedCriterion:
        legal = CURATED_STRENGTHS[self.criterion]
        if self.strength not in legal:
            raise ValueError(f"{self.criterion} cannot be {self.strength!r}; legal strengths: {', '.join(legal)}")
        if self.criterion == "PM2":
            if self.allele_frequency is None or not self.frequency_source:
                raise ValueError("curated PM2 needs allele_frequency and frequency_source (the engine compares the "
                                 "recorded frequency with the gene's PM2 maximum)")
        elif self.allele_frequency is not None:
            raise ValueError("allele_frequency is only used by a curated PM2")
        if self.confidence == Confidence.UNVERIFIED and not self.confidence_note:
            raise ValueError("unverified curated evidence needs a confidence_note saying what is not verified")
        return self

    @property
    def label(self) -> str:
        default = {"PS": "Strong", "PM": "Moderate", "PP": "Supporting", "BS": "Strong"}
        return self.criterion if default.get(self.criterion[:2]) == self.strength else f"{self.criterion}_{self.strength}"


class Record(CitedRecord):
    id: str = Field(pattern=r"^[A-Za-z0-9]+-[A-Za-z0-9]+$")
    gene: str
    transcript: str = Field(pattern=r"^NM_\d+\.\d+$")  # the MANE Select transcript
    hgvs_c: str
    hgvs_p: str
    legacy_name: str | None = None
    rsid: str | None = None
    clinvar: str | None = None
    classification: AcmgClass | None = None  # None: no classification retrieved (never guessed)
    classification_basis: str | None = None  # e.g. "ClinVar 2 stars, multiple submitters" or "literature"
    inheritance: list[str] = Field(min_length=1)
    inheritance_note: str | None = None
    penetrance_note: str | None = None
    phenotype: str | None = None
    prognosis: str | None = None
    populations: str | None = None
    grch38: GenomicAllele | None = None
    anchor: Anchor | None = None
    # ClinVar VariationID: both builds' alleles and the HGVS are then derived from the ClinVar-derived table by
    # scripts/derive_known_variants.py (derived/clinvar_missense.json), and checked against hgvs_c / hgvs_p
    clinvar_variation: int | None = Field(default=None, ge=1)
    # canonical splice-site SNVs (c.N-1/-2, c.N+1/+2): both builds' positions derived from the HGVS by
    # scripts/derive_known_variants.py (exon boundary located with the ClinVar-derived coding offset)
    position_from_hgvs: bool = False
    grch37: GenomicAllele | None = None  # filled from derived/variants.json (never typed)
    curated_evidence: list[CuratedCriterion] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Record:
        if self.hgvs_p == "p.?":
            if _HGVS_C_SPLICE.match(self.hgvs_c) is None:
                raise ValueError("hgvs_p 'p.?' is only for canonical splice-site variants (c.N+/-1 or 2)")
        elif _HGVS_P.match(self.hgvs_p) is None:
            raise ValueError(f"hgvs_p {self.hgvs_p!r} is not a p.(Xxx123Yyy) substitution (or p.? for a splice site)")
        if self.position_from_hgvs and _HGVS_C_SPLICE.match(self.hgvs_c) is None:
            raise ValueError("position_from_hgvs is for canonical splice-site SNVs (c.N+/-1 or 2)")
        if self.grch38 is None and self.anchor is None and self.clinvar_variation is None \
                and not self.position_from_hgvs:
            raise ValueError("give grch38 (sourced position), anchor (to derive it) or clinvar_variation (derived "
                             "from the ClinVar table)")
        seen = [c.criterion for c in self.curated_evidence]
        dupes = sorted({c for c in seen if seen.count(c) > 1})
        if dupes:
            raise ValueError(f"curated_evidence names {', '.join(dupes)} more than once (one strength per criterion)")
        if {"PS2", "PM6"} <= set(seen):
            raise ValueError("curated_evidence has both PS2 and PM6: the de novo evidence is one criterion")
        return self

    @property
    def key(self) -> str:
        return self.id

    @property
    def protein_position(self) -> int | None:
        """Residue of the protein change; None for a splice-site variant (p.?)."""
        m = _HGVS_P.match(self.hgvs_p)
        return int(m.group(2)) if m is not None else None

    @property
    def ref_aa(self) -> str | None:
        m = _HGVS_P.match(self.hgvs_p)
        return m.group(1) if m is not None else None

    @property
    def alt_aa(self) -> str | None:
        m = _HGVS_P.match(self.hgvs_p)
        return m.group(3) if m is not None else None

    def allele(self, build: Build) -> GenomicAllele | None:
        return self.grch38 if build == Build.GRCh38 else self.grch37


DERIVED_FILE = Path("derived") / "variants.json"
CLINVAR_FILE = Path("derived") / "clinvar_missense.json"


def _load_derived(data_dir: Path) -> dict[str, Any] | None:
    path = data_dir / DERIVED_FILE
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _clinvar_table(data_dir: Path, part: str = "variants") -> dict[str, Any]:
    path = data_dir / CLINVAR_FILE
    if not path.exists():
        return {}
    table: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")).get(part, {})
    return table


def attach(records: list[Record], data_dir: Path) -> None:
    """Join derived GRCh38 (anchored records) and GRCh37 (all records) positions; records naming a ClinVar
    VariationID get both builds from the ClinVar-derived table where no other derivation gave them."""
    derived = _load_derived(data_dir) or {}
    table = _clinvar_table(data_dir)
    splice = _clinvar_table(data_dir, "splice")
    by_id = {v["id"]: v for v in derived.get("variants", [])}
    for record in records:
        sp = splice.get(record.id) if record.position_from_hgvs else None
        if sp is not None and sp.get("hgvs_c") == record.hgvs_c:
            how = (f"derived from {record.hgvs_c} at the exon {sp['exon']} boundary of the canonical exon table "
                   "(scripts/derive_known_variants.py)")
            record.grch38 = record.grch38 or GenomicAllele(**sp["grch38"], how=how)
            record.grch37 = record.grch37 or GenomicAllele(**sp["grch37"], how=how)
        row = table.get(str(record.clinvar_variation)) if record.clinvar_variation else None
        if row is not None:
            how = (f"ClinVar VariationID {record.clinvar_variation} in InterVar's ClinVar-derived table "
                   "(scripts/derive_known_variants.py)")
            if record.grch38 is None and record.anchor is None and row.get("grch38"):
                record.grch38 = GenomicAllele(**row["grch38"], how=how)
            if row.get("grch37") and record.id not in by_id:
                record.grch37 = GenomicAllele(**row["grch37"], how=how)
        entry = by_id.get(record.id)
        if entry is None:
            continue
        if record.grch38 is None and entry.get("grch38"):
            record.grch38 = GenomicAllele(**entry["grch38"], how=entry.get("grch38_method", "derived"))
        if entry.get("grch37"):
            record.grch37 = GenomicAllele(**entry["grch37"], how=entry.get("method", "lifted"))


def check(records: list[Record], kb: Knowledge) -> list[Problem]:
    from charcot.knowledge.loader import Problem

    path = "knowledge/data/variants.yaml"
    problems: list[Problem] = []
    for record in records:
        gene = kb.find_gene(record.gene)
        if gene is None:
            problems.append(Problem(path, record.id, f"gene {record.gene!r} is not in genes.yaml"))
            continue
        if gene.symbol != record.gene:
            problems.append(Problem(path, record.id, f"use the approved symbol {gene.symbol!r}, not {record.gene!r}"))
        if gene.mane is not None and gene.mane.refseq_nm != record.transcript:
            problems.append(Problem(path, record.id, f"transcript {record.transcript} is not the MANE Select "
                                                     f"{gene.mane.refseq_nm}"))
        for build in Build:
            allele = record.allele(build)
            if allele is None:
                problems.append(Problem(path, record.id, f"no {build} position (derive script not re-run?)"))
                continue
            coords = gene.coords(build)
            if coords is not None and not coords.span.contains(allele.chrom, allele.pos):
                problems.append(Problem(path, record.id, f"{build} {allele.chrom}:{allele.pos} lies outside "
                                                         f"{gene.symbol} ({coords.span.chrom}:{coords.span.start}-{coords.span.end})"))
        problems += _check_curated_pm2(path, record, gene)
        if record.clinvar_variation is not None:
            row = _clinvar_table(kb.data_dir).get(str(record.clinvar_variation))
            if row is None:
                problems.append(Problem(path, record.id, f"ClinVar VariationID {record.clinvar_variation} is not in "
                                                         "derived/clinvar_missense.json (re-run "
                                                         "scripts/derive_known_variants.py)"))
            else:
                if (row["gene"], row["hgvs_c"], row["hgvs_p"]) != (record.gene, record.hgvs_c, record.hgvs_p):
                    problems.append(Problem(path, record.id, f"ClinVar {record.clinvar_variation} is {row['gene']} "
                                                             f"{row['hgvs_c']} {row['hgvs_p']}, not {record.gene} "
                                                             f"{record.hgvs_c} {record.hgvs_p}"))
                for build, key in ((Build.GRCh38, "grch38"), (Build.GRCh37, "grch37")):
                    mine, theirs = record.allele(build), row.get(key)
                    if mine is not None and theirs is not None and \
                            (mine.chrom, mine.pos, mine.ref, mine.alt) != (theirs["chrom"], theirs["pos"],
                                                                           theirs["ref"], theirs["alt"]):
                        problems.append(Problem(path, record.id, f"{build} {mine.chrom}:{mine.pos} {mine.ref}>"
                                                                 f"{mine.alt} disagrees with ClinVar "
                                                                 f"{record.clinvar_variation} ({theirs})"))
        m = _HGVS_C_SNV.match(record.hgvs_c)
        if m and record.grch38 is not None and gene.coords(Build.GRCh38) is not None:
            strand = gene.coords(Build.GRCh38).span.strand  # type: ignore[union-attr]
            ref, alt = m.group(2), m.group(3)
            if strand == "-":
                ref, alt = ref.translate(_COMPLEMENT), alt.translate(_COMPLEMENT)
            if (record.grch38.ref, record.grch38.alt) != (ref, alt):
                problems.append(Problem(path, record.id, f"GRCh38 alleles {record.grch38.ref}>{record.grch38.alt} do not "
                                                         f"match {record.hgvs_c} on the {strand} strand"))
    return problems


_COMPLEMENT = str.maketrans("ACGT", "TGCA")


def _check_curated_pm2(path: str, record: Record, gene: Any) -> list[Problem]:
    """A curated PM2 must hold against the gene's PM2 maximum: the comparison is computed, not assumed."""
    from charcot.knowledge.loader import Problem

    out: list[Problem] = []
    for c in record.curated_evidence:
        if c.criterion != "PM2" or c.allele_frequency is None:
            continue
        rules = getattr(gene, "acmg", None)
        thresholds = getattr(rules, "frequency", None) if rules is not None else None
        if thresholds is None:
            out.append(Problem(path, record.id, f"curated PM2 but {record.gene} has no PM2 threshold"))
        elif c.allele_frequency > thresholds.pm2_max:
            out.append(Problem(path, record.id, f"curated PM2: recorded AF {c.allele_frequency:g} is above "
                                                f"{record.gene}'s PM2 maximum {thresholds.pm2_max:g}"))
    return out


class KnownVariantIndex:
    """Lookups of the curated known variants for PS1/PM5 and for annotating a called variant."""

    def __init__(self, records: list[Record]) -> None:
        self.records = records
        self._by_allele: dict[tuple[Build, str, int, str, str], Record] = {}
        self._by_residue: dict[tuple[str, int], list[Record]] = defaultdict(list)
        for record in records:
            for build in Build:
                allele = record.allele(build)
                if allele is not None:
                    self._by_allele[(build, allele.chrom, allele.pos, allele.ref, allele.alt)] = record
            if record.protein_position is not None:
                self._by_residue[(record.gene.upper(), record.protein_position)].append(record)

    def at(self, build: Build | str, chrom: str, pos: int, ref: str, alt: str) -> Record | None:
        """The known variant with exactly this allele (chromosome with or without 'chr')."""
        return self._by_allele.get((Build(build), chrom.removeprefix("chr"), pos, ref.upper(), alt.upper()))

    def at_residue(self, gene: str, protein_position: int) -> list[Record]:
        """Known variants changing this residue of the gene's MANE protein."""
        return list(self._by_residue.get((gene.upper(), protein_position), []))

    def pathogenic_at_residue(self, gene: str, protein_position: int) -> list[Record]:
        """Known pathogenic / likely pathogenic variants at the residue (PS1 if same change, PM5 if different)."""
        return [r for r in self.at_residue(gene, protein_position)
                if r.classification is not None and r.classification.at_least_likely_pathogenic]


@lru_cache(maxsize=4)
def _index_for(kb_id: int, kb: Knowledge) -> KnownVariantIndex:
    return KnownVariantIndex(kb.typed("variants", Record))


def variant_index(kb: Knowledge | None = None) -> KnownVariantIndex:
    """The (cached) known-variant index of a knowledge base (default: ``get_knowledge()``)."""
    if kb is None:
        from charcot.knowledge import get_knowledge

        kb = get_knowledge()
    return _index_for(id(kb), kb)
