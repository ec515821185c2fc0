"""ALS gene specifications of the ACMG/AMP criteria (gene_specs.yaml), in the spirit of ClinGen VCEP CSpecs.

One record per gene. Each record says, with its sources:

* ``pvs1``: whether PVS1 (a loss-of-function criterion) applies to the gene's disease, and for which disease;
  this is the one place the engine reads it (it overrides ``genes.yaml`` ``acmg.lof_is_mechanism``), and the
  validator checks it against the gene's recorded disease mechanism (no "LoF mechanism, but PVS1 never" or
  "PVS1, but no LoF mechanism" without a written reason);
* ``rules``: variant-class rules. Each matches variants by type (nonsense, frameshift, canonical splice ...),
  exon of the canonical transcript (the exon a canonical splice site flanks counts too) and/or protein residues,
  and either withholds a criterion (``not_applicable``) or applies it at a strength. Examples: KIF5A N-terminal
  truncations are not PVS1 for ALS; FUS exon 14-15 truncations are a gain-of-function class (PM1_Strong);
* ``hotspots``: PM1 regions or residues published as mutational hotspots / critical regions;
* ``frequency``: gene-specific BA1 / BS1 / PM2_Supporting thresholds with their derivation (Whiffin et al. 2017
  maximum credible allele frequency), read by :func:`charcot.acmg.genespecs.frequency_thresholds`;
* ``phenotype``: the MND forms (ALS, PLS, PMA, PBP) and age at onset (juvenile / adult / any) of the gene's
  disease, which PP4 matches against the patient's (charcot.acmg.phenotype);
* ``risk_scheme``: for risk and modifier genes, the risk-allele classes (established / likely / uncertain risk
  allele, ClinGen Low Penetrance/Risk Allele Working Group 2024) instead of a Mendelian class.

Each rule's ``reason`` is the sentence a clinician reads; it states the fact, the sources carry the citation.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from charcot.knowledge.base import CitedRecord
from charcot.knowledge.schema.genes import FrequencyThresholds, MaxCredibleAf, ResidueRange
from charcot.model import Confidence

if TYPE_CHECKING:
    from charcot.knowledge import Knowledge
    from charcot.knowledge.loader import Problem

VariantType = Literal["nonsense", "frameshift", "canonical_splice", "start_lost", "missense", "inframe", "stop_lost"]
STRENGTHS = ("Supporting", "Moderate", "Strong", "VeryStrong")
# Criteria a gene rule may set; frequency criteria come from ``frequency``, family/functional evidence from the case.
RULE_CRITERIA = {"PVS1", "PM1", "PM4", "PP2", "BP1", "PS1", "PM5", "PP3", "BP4"}


class RiskCategory(StrEnum):
    """ClinGen Low Penetrance/Risk Allele Working Group terminology (Schmidt et al. 2024)."""

    ESTABLISHED = "established risk allele"
    LIKELY = "likely risk allele"
    UNCERTAIN = "uncertain risk allele"


class VariantMatch(BaseModel):
    """Which variants a rule covers. All given conditions must hold; ``outside`` inverts the exon/residue test."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    variant_types: list[VariantType] = Field(min_length=1)
    exons: list[int] = Field(default_factory=list)  # canonical-transcript exon numbers (exon 1 = 5')
    residues: tuple[int, int] | None = None  # MANE protein residues, inclusive
    hgvs_p: list[str] = Field(default_factory=list)  # named protein changes, e.g. p.(Arg261His)
    outside: bool = False

    @model_validator(mode="after")
    def _check(self) -> VariantMatch:
        if self.outside and not (self.exons or self.residues):
            raise ValueError("outside: true needs exons or residues to be outside of")
        if self.residues is not None and self.residues[0] > self.residues[1]:
            raise ValueError("residues must be (start, end) with start <= end")
        return self


class GeneRule(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str = Field(pattern=r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)+$")
    criterion: str
    match: VariantMatch
    strength: Literal["Supporting", "Moderate", "Strong", "VeryStrong"] | None = None
    not_applicable: bool = False
    reason: str = Field(min_length=20)
    sources: list[str] = Field(min_length=1)
    confidence: Confidence = Confidence.VERIFIED
    confidence_note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> GeneRule:
        if self.criterion not in RULE_CRITERIA:
            raise ValueError(f"criterion {self.criterion!r} cannot be set by a gene rule; allowed: "
                             f"{', '.join(sorted(RULE_CRITERIA))}")
        if self.not_applicable == (self.strength is not None):
            raise ValueError("give exactly one of strength (apply at it) or not_applicable: true (withhold)")
        if self.confidence == Confidence.UNVERIFIED and not self.confidence_note:
            raise ValueError("an unverified rule needs a confidence_note saying what is not verified")
        return self


class Pvs1Applicability(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    applicable: bool
    disease: str  # the disease the gene's variants are classified for (ALS, or the mimic's own disease)
    reason: str = Field(min_length=20)
    sources: list[str] = Field(min_length=1)


class SpecFrequency(BaseModel):
    """Gene-specific frequency thresholds. BS1 = the maximum credible AF of ``bs1_model`` (Whiffin 2017);
    PM2_Supporting at or below a tenth of it; BA1 = the larger of ``ba1_floor`` and the maximum credible AF of
    ``ba1_model`` (the most lenient credible assumptions), so that BA1 never undercuts a real founder allele."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    bs1_model: MaxCredibleAf
    ba1_model: MaxCredibleAf
    ba1_floor: float = Field(gt=0, le=0.05)
    derivation: str = Field(min_length=40)
    sources: list[str] = Field(min_length=1)
    confidence: Confidence = Confidence.VERIFIED
    confidence_note: str | None = None

    @property
    def bs1(self) -> float:
        return float(f"{self.bs1_model.max_af:.2g}")

    @property
    def pm2_max(self) -> float:
        return float(f"{self.bs1_model.max_af / 10:.2g}")

    @property
    def ba1(self) -> float:
        return max(self.ba1_floor, float(f"{self.ba1_model.max_af:.2g}"))

    def thresholds(self) -> FrequencyThresholds:
        """As the genes-schema type that charcot.acmg.frequency reads."""
        text = (f"{' '.join(self.derivation.split())} [BA1 {self.ba1:g}, BS1 {self.bs1:g}, PM2_Supporting at or "
                f"below {self.pm2_max:g}]")
        return FrequencyThresholds(ba1=self.ba1, bs1=self.bs1, pm2_max=self.pm2_max, derivation=text,
                                   sources=list(self.sources), confidence=self.confidence,
                                   confidence_note=self.confidence_note)

    @model_validator(mode="after")
    def _check(self) -> SpecFrequency:
        if not self.ba1 > self.bs1:
            raise ValueError(f"BA1 ({self.ba1:g}) must be above BS1 ({self.bs1:g})")
        return self


class RiskClass(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str = Field(pattern=r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)+$")
    match: VariantMatch
    category: RiskCategory
    reason: str = Field(min_length=20)
    sources: list[str] = Field(min_length=1)


class RiskScheme(BaseModel):
    """Risk-allele reporting for a risk or modifier gene: no Mendelian P/LP, a risk-allele category instead."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    summary: str = Field(min_length=20)
    classes: list[RiskClass] = Field(default_factory=list)
    default: RiskCategory = RiskCategory.UNCERTAIN
    sources: list[str] = Field(min_length=1)


MndForm = Literal["als", "pls", "pma", "pbp"]


class PhenotypeSpec(BaseModel):
    """Which motor-neuron-disease forms and which age at onset the gene's ALS-spectrum disease has, for PP4 (the
    patient's phenotype must match the gene's). A gene without one: ALS, any onset."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    forms: list[MndForm] = Field(min_length=1)
    onset: Literal["juvenile", "adult", "any"] = "any"  # juvenile: onset before 25 (JALS)
    # the onset ages a source reports for the gene's carriers, in words with its numbers (shown with PP4; it does
    # not gate PP4: a range seen in a small series is not a limit)
    reported_onset: str | None = None
    reason: str = Field(min_length=20)
    sources: list[str] = Field(min_length=1)
    confidence: Confidence = Confidence.VERIFIED
    confidence_note: str | None = None


class Record(CitedRecord):
    gene: str
    pvs1: Pvs1Applicability | None = None
    phenotype: PhenotypeSpec | None = None
    rules: list[GeneRule] = Field(default_factory=list)
    hotspots: list[ResidueRange] = Field(default_factory=list)
    frequency: SpecFrequency | None = None
    risk_scheme: RiskScheme | None = None

    @property
    def key(self) -> str:
        return self.gene

    @model_validator(mode="after")
    def _unique_rules(self) -> Record:
        ids = [r.id for r in self.rules] + [c.id for c in (self.risk_scheme.classes if self.risk_scheme else [])]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"rule ids used twice: {', '.join(dupes)}")
        return self


def check(records: list[Record], kb: Knowledge) -> list[Problem]:
    """Cross-checks with genes.yaml: the gene exists; PVS1 agrees with the recorded disease mechanism (or a rule
    says where it does not apply); risk and modifier genes have a risk scheme and no PVS1 for a Mendelian class;
    every exon a rule names exists in the derived canonical transcript."""
    from charcot.knowledge.loader import Problem
    from charcot.knowledge.schema.genes import DiseaseMechanism, GeneRole
    from charcot.model import Build

    path = "knowledge/data/gene_specs.yaml"
    problems: list[Problem] = []
    for spec in records:
        gene = kb.find_gene(spec.gene)
        if gene is None or gene.symbol != spec.gene:
            problems.append(Problem(path, spec.gene, "not an approved symbol of a genes.yaml record"))
            continue
        lof = DiseaseMechanism.LOSS_OF_FUNCTION in gene.disease_mechanism
        if spec.pvs1 is not None:
            if spec.pvs1.applicable and not lof:
                problems.append(Problem(path, spec.gene, "PVS1 applicable but genes.yaml does not record loss of "
                                                         "function as a disease mechanism"))
            only_lof = set(gene.disease_mechanism) == {DiseaseMechanism.LOSS_OF_FUNCTION}
            if not spec.pvs1.applicable and only_lof and gene.role in (GeneRole.CAUSAL, GeneRole.MIMIC) \
                    and not any(r.criterion == "PVS1" and r.strength is not None for r in spec.rules):
                problems.append(Problem(path, spec.gene, "loss of function is the only recorded mechanism but PVS1 "
                                                         "is never applicable: give the reason in genes.yaml's "
                                                         "disease_mechanism or limit PVS1 with a rule"))
        risk_gene = gene.role in (GeneRole.RISK_FACTOR, GeneRole.MODIFIER)
        if risk_gene and spec.risk_scheme is None:
            problems.append(Problem(path, spec.gene, f"{gene.role.value} gene needs a risk_scheme (risk-allele "
                                                     "classes), never a Mendelian class"))
        if not risk_gene and spec.risk_scheme is not None:
            problems.append(Problem(path, spec.gene, f"risk_scheme on a gene whose role is {gene.role.value}"))
        coords = gene.coords(Build.GRCh38)
        count = len(coords.exons) if coords is not None else 0
        rules: list[GeneRule | RiskClass] = [*spec.rules, *(spec.risk_scheme.classes if spec.risk_scheme else [])]
        for rule in rules:
            bad = [e for e in rule.match.exons if not 1 <= e <= count]
            if bad:
                problems.append(Problem(path, spec.gene, f"rule {rule.id}: exon(s) {bad} not in the canonical "
                                                         f"transcript ({count} exons)"))
            utr = coords.mane_utr if coords is not None else None
            if rule.match.exons and utr is not None and not utr.numbers_agree:
                # rules cite exon numbers as the literature does (MANE/RefSeq); the table must number them alike
                problems.append(Problem(path, spec.gene, f"rule {rule.id}: exon numbers of the exon table differ "
                                                         "from MANE Select's (coordinates.GRCh38.mane_utr), so "
                                                         "the rule's exons cannot be matched by number"))
    decided = {s.gene for s in records if s.pvs1 is not None}
    for gene in kb.genes:
        lof = DiseaseMechanism.LOSS_OF_FUNCTION in gene.disease_mechanism
        pvs1 = bool(gene.acmg and gene.acmg.lof_is_mechanism)
        if gene.symbol not in decided and lof != pvs1 and gene.role != GeneRole.REFUTED:
            problems.append(Problem(path, gene.symbol, "mechanism and PVS1 disagree in genes.yaml (loss of function "
                                                       f"{'recorded' if lof else 'not recorded'}, PVS1 "
                                                       f"{'applicable' if pvs1 else 'not applicable'}): add a pvs1 "
                                                       "decision with its reason here"))
    return problems
