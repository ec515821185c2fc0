"""What every criterion looks at: one allele in one panel gene, with its annotations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from charcot.genome.normalise import Allele
from charcot.genome.panel import Location, PanelGene
from charcot.variants.model import Frequencies, Predictors

if TYPE_CHECKING:
    from charcot.knowledge.schema.genes import Record as GeneRecord

LOF_TERMS = {"stop_gained", "frameshift_variant", "splice_donor_variant", "splice_acceptor_variant",
             "start_lost", "transcript_ablation"}
MISSENSE_TERMS = {"missense_variant"}
INFRAME_TERMS = {"inframe_insertion", "inframe_deletion", "stop_lost"}
SYNONYMOUS_TERMS = {"synonymous_variant", "stop_retained_variant", "start_retained_variant"}
NONCODING_TERMS = {"intron_variant", "5_prime_UTR_variant", "3_prime_UTR_variant", "upstream_gene_variant",
                   "downstream_gene_variant", "non_coding_transcript_exon_variant"}


@dataclass(frozen=True)
class KnownVariant:
    """A previously classified variant (knowledge base or ClinVar) used by PS1/PM5."""

    key: str  # CHROM-POS-REF-ALT in the input's build
    gene: str
    hgvs_p: str | None
    classification: str  # e.g. "Pathogenic", "Likely pathogenic"
    source: str  # "knowledge base" / "ClinVar resource"
    sources: tuple[str, ...] = ()
    stars: int | None = None
    record_id: str | None = None
    basis: str | None = None
    # knowledge-base curated ACMG evidence (charcot.knowledge.schema.variants.CuratedCriterion), applied only
    # when this entry is the exact allele of the finding (VariantContext.exact_known)
    curated: tuple[Any, ...] = ()
    hgvs_c: str | None = None  # knowledge base: the curated HGVS c. on ``transcript`` (MANE Select)
    transcript: str | None = None
    splice: bool = False  # ClinVar lists a splice consequence for it (PS1 then needs care)

    @property
    def pathogenic(self) -> bool:
        text = self.classification.lower().replace("_", " ")
        return ("pathogenic" in text and "conflicting" not in text and "benign" not in text
                and "uncertain" not in text)


@dataclass
class VariantContext:
    key: str
    chrom: str
    allele: Allele
    gene_symbol: str
    gene: GeneRecord | None
    location: Location
    consequences: list[str] | None  # None = not annotated
    hgvs_p: str | None
    protein_position: int | None
    protein_length: int | None
    frequencies: Frequencies
    predictors: Predictors
    known: Sequence[KnownVariant] = ()  # known variants at the same codon / residue
    hpo: Sequence[str] = ()
    diagnosis: str | None = None  # the clinical record's diagnosis (text or an ontology id), used by PP4
    onset_age: float | None = None  # the patient's age at symptom onset (years), used by PP4 for onset-specific genes
    known_hgvs_p: str | None = None  # protein change of a knowledge-base entry for this exact allele
    exact_known: KnownVariant | None = None  # the knowledge-base entry for exactly this allele (curated evidence)
    notes: list[str] = field(default_factory=list)
    # the canonical transcript's exon table in the input's build (where a frameshift's new stop falls, acmg.nmd)
    panel_gene: PanelGene | None = None
    # the annotator says its model of the consequence's transcript is incomplete (SnpEff WARNING_TRANSCRIPT_*): a
    # truncation or length change read on it gives no PVS1/PM4
    transcript_warning: str | None = None

    def has(self, terms: set[str]) -> bool:
        return bool(self.consequences) and any(t in terms for t in (self.consequences or []))

    @property
    def is_missense(self) -> bool:
        return self.has(MISSENSE_TERMS)

    @property
    def is_lof(self) -> bool:
        return self.has(LOF_TERMS)


def _norm_p(text: str) -> str:
    return text.split(":")[-1].replace("(", "").replace(")", "").strip().lower()


def exception_applies_to(exc: object, criterion: str) -> bool:
    """Whether a knowledge-base RuleException names ``criterion`` in ``applies_to`` ('BS1/BA1, inheritance')."""
    import re

    tokens = {t.upper() for t in re.split(r"[^A-Za-z0-9]+", str(getattr(exc, "applies_to", ""))) if t}
    return criterion.upper() in tokens


def exception_matches(exc: object, ctx: VariantContext) -> bool:
    """Whether an exception covers this variant: by named variants, else exons, else protein region,
    else the whole gene."""
    variants = [str(v) for v in getattr(exc, "variants", []) or []]
    if variants:
        names = {_norm_p(v) for v in variants} | {v.lower() for v in variants}
        mine = {ctx.key.lower()}
        for p in (ctx.hgvs_p, ctx.known_hgvs_p):
            if p:
                mine.add(_norm_p(p))
        return bool(names & mine)
    exons = list(getattr(exc, "exons", []) or [])
    if exons:
        return ctx.location.exon in exons or ctx.location.skipped_exon_number in exons
    region = getattr(exc, "region", None)
    if region is not None:
        return ctx.protein_position is not None and region.start <= ctx.protein_position <= region.end
    return True
