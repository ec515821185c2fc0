"""The versioned Report schema: one typed document composing every analysis's results and provenance.

Renderers (HTML, PDF, JSON, Phenopacket) read only this model; nothing here computes. The JSON
schema is generated from these classes (``Report.model_json_schema()``). The only time-dependent
field is ``run.run_time`` (declared): the same inputs and knowledge snapshot give byte-identical
JSON apart from it.

Version policy: bump the minor number when fields are added, the major number when a field is
removed or changes meaning.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from charcot.model import AssessmentStatus, Evidence, InputFile, NotAssessed
from charcot.variants.model import ExcludedCall, VrsAllele

# 1.6.0: VariantFinding.call_quality_flag (probeacmg); parameters.str_sample (probeexport)
# 1.7.0: parameters.sample_map, FamilyMember.vcf_sample, GeneticsSection.restriction (leftfam)
# 1.8.0: Visit.svc_percent (a slow vital capacity is not an FVC)
# 1.9.0: FamilySection.patient_risk (an unaffected patient's own risk of onset: a presymptomatic carrier; probecase)
# 1.10.0: the clinical record's treatments: TherapyItem.receiving and previously_received, TherapySection.receiving
# 1.11.0: TherapySection.record_treatments (each treatment the clinical record states, with its dates: the exports'
#         phenopacket medicalActions and FHIR MedicationStatements); the web workspace's patient chart merged into the
#         clinical record: Header.chart (the chart snapshot a build read), Visit.source, origin, note and
#         alsfrs_r_items (chart); TherapySection.jurisdiction_differs (lead)
REPORT_SCHEMA_VERSION = "1.11.0"
RUN_TIME_FIELD = "run.run_time"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Resource(_Model):
    """A versioned resource the run used (knowledge base, annotation files, catalogues)."""

    name: str
    version: str
    note: str | None = None


class RunInfo(_Model):
    """Declared non-deterministic part: when the report was produced."""

    run_time: datetime


class RunParameters(_Model):
    """The run's options other than input files (those are ``Header.inputs``), so that a stored report can
    be re-analysed with the same question (``charcot reanalyse``)."""

    proband: str | None = None
    sample: str | None = None
    str_sample: str | None = None  # --str-sample: the repeat-caller file's sample mapped to this patient (1.6.0)
    # --sample-map: pedigree ID -> VCF sample, the user's pairs (1.7.0)
    sample_map: dict[str, str] = Field(default_factory=dict)
    build: str | None = None
    sex: str | None = None
    patient_id: str | None = None
    hpo: list[str] = Field(default_factory=list)
    region: str | None = None
    as_of: date | None = None


class ChartSnapshot(_Model):
    """The patient's chart (visits recorded in the web workspace) as a build read it and merged it into the clinical
    record: a report names the chart state it used, so a chart changed afterwards is seen as a difference."""

    visits: int  # visits in the chart when the report was built
    merged: int  # visits of the report with a value the chart gave (alone, beside the record's, or chosen over it)
    last_changed: datetime | None = None  # the chart's last change before the build (UTC)
    sha256: str  # digest of the chart's visit values and the choices made on conflicts
    choices: list[str] = Field(default_factory=list)  # conflicts decided for the chart, in words


class Header(_Model):
    report_id: str
    patient_id: str
    sample_id: str | None
    str_sample_id: str | None = None
    sex: str | None = None
    build: str | None
    inputs: list[InputFile] = Field(default_factory=list)
    software: str = "charcot"
    software_version: str
    knowledge_version: str
    knowledge_snapshot: date
    resources: list[Resource] = Field(default_factory=list)
    hpo_terms: list[str] = Field(default_factory=list)
    hpo_labels: dict[str, str] = Field(default_factory=dict)  # id -> label from the HPO ontology (hpo3)
    diagnosis: str | None = None  # the clinical diagnosis as recorded (case record or input phenopacket)
    diagnosis_id: str | None = None  # its ontology id when the input gave one (e.g. MONDO:0004976)
    death_date: date | None = None  # from the clinical record; the phenopacket's subject.vitalStatus says it too
    parameters: RunParameters | None = None
    chart: ChartSnapshot | None = None  # the web workspace's patient chart merged into the clinical record
    laboratory: str | None = None  # from the configuration (charcot.toml 'laboratory'); printed on the report


class SummaryItem(_Model):
    """One line of the one-screen summary; ``level`` drives emphasis (finding, caution, info)."""

    topic: str
    text: str
    level: str = "info"


class Plot(_Model):
    title: str
    data_uri: str
    alt: str
    caption: str = ""  # what the picture shows, in words


class VariantFinding(_Model):
    key: str
    gene: str | None = None
    chrom: str
    pos: int
    ref: str
    alt: str
    zygosity: str | None = None
    hgvs_c: str | None = None  # with its reference sequence: NM_000454.5:c.14C>T
    hgvs_p: str | None = None
    transcript: str | None = None
    consequence: str | None = None
    classification: str | None = None
    points: float | None = None
    genotype: str | None = None
    filter: str | None = None
    clinvar: str | None = None
    population_frequency: str | None = None
    inheritance: str | None = None
    # whether the zygosity explains disease under the gene's inheritance (None: not on its own, e.g. one
    # heterozygous variant in a recessive gene, or a genotype that does not fit the stated sex)
    inheritance_consistent: bool | None = None
    gene_region: str | None = None
    known_variant: str | None = None
    not_classified: str | None = None  # why the variant has no class (consequence unknown) and how to fix it
    clinvar_discordance: str | None = None  # charcot's class disagrees with a ClinVar assertion of >= 2 stars
    known_variant_id: str | None = None  # knowledge-base id of an exactly matched known variant
    known_variant_name: str | None = None  # its curated name (gene, protein change, legacy name)
    known_prognosis: str | None = None  # the knowledge base's note on the course of disease, cited
    # ClinGen low-penetrance category ("established risk allele" ...) of a risk-gene variant, and why: stated beside
    # the Mendelian class, which alone would read as benign or uncertain for a common risk allele
    risk_allele: str | None = None
    risk_allele_reason: str | None = None
    risk_allele_sources: list[str] = Field(default_factory=list)
    vrs: VrsAllele | None = None  # GA4GH VRS Allele id of the variant in this build (or why there is none)
    tier: int  # 1-3; 0 = not classified (listed apart from the tiers)
    # the sample's reads for the allele and in all (FORMAT/AD), and why a heterozygous call's share needs confirming
    allele_reads: int | None = None
    total_reads: int | None = None
    allele_balance_flag: str | None = None
    call_quality_flag: str | None = None  # QUAL/GQ below 20 on a kept call: confirm it
    evidence: list[Evidence] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)


class Tier(_Model):
    number: int
    label: str
    description: str
    findings: list[VariantFinding] = Field(default_factory=list)


class RecordFinding(_Model):
    """A small-variant result the clinical record states (an outside laboratory's), not assessed by charcot."""

    gene: str
    variant: str
    classification: str
    text: str = Field(description="the result in words, with where it comes from (page 1's line)")


class GeneRestriction(_Model):
    """The small-variant analysis restricted to some of the knowledge base's genes (--genes, --panel, --bed): page 1,
    the genetics section, the left-out genes' items and the not-assessed table all read this one statement (1.7.0)."""

    how: str = Field(description="the selection as made, e.g. panel 'causal' (genes with an established ALS cause "
                                 "only)")
    label: str = Field(default="", description="the genes analysed in a clinician's words (the selection's label)")
    genes: list[str] = Field(default_factory=list, description="the genes analysed")
    not_assessed: list[str] = Field(default_factory=list,
                                    description="the knowledge-base genes left out: not assessed (no result), never "
                                                "'no variant found'")
    reason: str = Field(description="why each left-out gene is not assessed (their items' reason)")
    statement: str = Field(description="page 1's line, in a clinician's words")


class GeneticsSection(_Model):
    status: AssessmentStatus
    restriction: GeneRestriction | None = Field(
        default=None, description="the analysis was restricted to some genes (--genes/--panel/--bed); None: every "
                                  "gene of the knowledge base was analysed")
    record_findings: list[RecordFinding] = Field(
        default_factory=list, description="small-variant results the clinical record states (a laboratory's, not "
                                          "assessed by charcot from data)")
    tiers: list[Tier] = Field(default_factory=list)
    # Variants read in panel genes that are neither coding nor in a splice region (by annotation or the
    # exon tables) and carry no pathogenic evidence: kept for completeness, not tiered or summarised.
    not_reported: list[VariantFinding] = Field(default_factory=list)
    # Variants in coding/splice regions whose consequence is unknown: not classified, never a VUS.
    not_classified: list[VariantFinding] = Field(default_factory=list)
    genes_assessed: list[str] = Field(default_factory=list)
    # panel genes the input cannot speak for (a VCF with no record on their chromosome, a gVCF with no callable
    # base in their exons): not assessed, never "no variant"; why, in the clinician's words
    genes_not_covered: list[str] = Field(default_factory=list)
    not_covered_reason: str = "the VCF has no record on the gene's chromosome"
    # each gene not covered -> its own reason (e.g. the span of the file's records on its chromosome, which it lies
    # outside); ``not_covered_reason`` says the kinds of reason for one gene, for what is said of them all
    not_covered_reasons: dict[str, str] = Field(default_factory=dict)
    # assessed genes whose part outside the span of the VCF's records was not assessed -> why
    genes_partly_covered: dict[str, str] = Field(default_factory=dict)

    @property
    def not_covered_kinds(self) -> list[str]:
        """The kinds of reason, said of several genes (page 1, the genetics section's status line)."""
        from charcot.variants.model import not_covered_kinds

        return not_covered_kinds(self.not_covered_reasons or dict.fromkeys(self.genes_not_covered,
                                                                           self.not_covered_reason))
    # genes a structural-variant record of the sample overlaps (not interpreted; see not_assessed)
    genes_with_structural_records: list[str] = Field(default_factory=list)
    # the sample's ALT alleles in calls the run left out (FILTER, GQ/DP thresholds): not classified; their genes are
    # assessed except at those positions (genes_partly_covered), a known disease variant among them is said on page 1
    excluded_calls: list[ExcludedCall] = Field(default_factory=list)
    records_read: int | None = None
    notes: list[str] = Field(default_factory=list)


class RepeatCall(_Model):
    locus: str
    gene: str | None = None
    repeat_unit: str | None = None
    alleles: list[int | None] = Field(default_factory=list)
    at_least: list[int | None] = Field(
        default_factory=list, description="per allele of ``alleles``: the lower bound when the reads show only that the "
                                          "allele is at least this long (its count is then no measured size); None "
                                          "for a sized allele")
    confidence_intervals: list[str] = Field(default_factory=list)
    status: str
    interpretation: str
    thresholds: str | None = None
    filter: str | None = None
    confidence: str | None = None
    recommendation: str | None = None
    warnings: list[str] = Field(default_factory=list)
    indeterminate_reason: str | None = Field(
        default=None, description="why the locus is indeterminate (the allele or genotype that made it so); None when "
                                  "it is not")
    genotype_findings: list[str] = Field(
        default_factory=list, description="findings about both alleles together, in words (e.g. bi-allelic "
                                          "intermediate ATXN2), which set the status when no single allele does")
    sources: list[str] = Field(default_factory=list)

    def lower_bounds(self) -> list[int | None]:
        """Per allele, the length the reads show it to be at least (None for an allele sized outright)."""
        return [*self.at_least, *[None] * (len(self.alleles) - len(self.at_least))]

    def sizes_text(self) -> str:
        """The allele sizes as every section shows them: '2/≥700' for an allele known only to be at least 700 repeats
        (never the caller's count, which is no size), '?' for an allele not called."""
        return "/".join("?" if a is None else (f"≥{low}" if low is not None else str(a))
                        for a, low in zip(self.alleles, self.lower_bounds(), strict=False))

    def status_words(self) -> str:
        """The locus's category in words ('expanded', never the code 'expanded_at_least_n')."""
        from charcot.repeats.interpret import category_words

        return category_words(self.status)


class RepeatsSection(_Model):
    status: AssessmentStatus
    caller: str | None = None
    record_statuses: dict[str, str] = Field(
        default_factory=dict, description="repeat status the clinical record states (a laboratory's result: expanded "
                                          "or normal) for a locus charcot did not assess from data, by gene")
    calls: list[RepeatCall] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    plots: list[Plot] = Field(default_factory=list)

    def record_status_text(self, gene: str) -> str:
        """The clinical record's repeat status of ``gene``, as every output states it."""
        return (f"{gene} repeat {self.record_statuses[gene]} according to the clinical record (a laboratory result; "
                "charcot did not assess it from data)")


class FamilyMember(_Model):
    """One person as every family section reads them: the PED file with the ages file's status applied."""

    id: str
    relation: str | None = None
    sex: str | None = None
    affected: str
    father: str | None = None
    mother: str | None = None
    age: float | None = None  # current age, or age at death
    deceased: bool | None = None  # None: not recorded
    death_age: float | None = None
    # the VCF sample this person's genotypes were read from (1.7.0); None: not genotyped in the VCF (untested, never a
    # non-carrier)
    vcf_sample: str | None = None


class RelativeRisk(_Model):
    relative: str
    relation: str | None = None
    gene: str | None = None
    status: str | None = None
    tested: str | None = None
    age: float | None = None
    deceased: bool = False
    death_age: float | None = None
    carrier_probability: float | None = None
    risk: float | None = None
    risk_lifetime: float | None = None
    horizon_years: float | None = None
    basis: str
    sources: list[str] = Field(default_factory=list)


class FamilyEvidence(Evidence):
    """A de novo / segregation / phase criterion with the variant it was assessed for (a family with two
    variants has one PS2 and one PP1 each; without the variant the reader cannot tell them apart)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    # gene and HGVS when known, else CHROM-POS-REF-ALT; the defaults read reports written before schema 1.3.0
    variant: str = "variant not recorded"
    variant_key: str | None = None  # CHROM-POS-REF-ALT (chromosome without 'chr'), the findings' key


class FamilySection(_Model):
    status: AssessmentStatus
    proband: str | None = None
    members: list[FamilyMember] = Field(default_factory=list)
    relatives_risk: list[RelativeRisk] = Field(default_factory=list)
    # the patient's own row per gene when the patient is living and unaffected (a presymptomatic carrier): the risk of
    # onset a genetic counsellor discusses with them (1.9.0)
    patient_risk: list[RelativeRisk] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    segregation: list[FamilyEvidence] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    plots: list[Plot] = Field(default_factory=list)


# the clinical measure of the cognitive and behavioural category, and the words of its detail for ALS-FTD (the phenopacket
# export reads them: HPO's Frontotemporal dementia, HP:0002145, checked against the ontology hpo3 bundles)
COGNITION_MEASURE = "Cognition and behaviour (Strong 2017)"
FTD_YES = "ALS-FTD: yes"
FTD_HPO = ("HP:0002145", "Frontotemporal dementia")


class Measure(_Model):
    name: str
    value: str
    detail: str | None = None
    sources: list[str] = Field(default_factory=list)


class Visit(_Model):
    date: date
    alsfrs_r: int | None = None
    fvc_percent: float | None = None  # forced vital capacity, % predicted
    svc_percent: float | None = None  # slow vital capacity, % predicted (never shown or exported as an FVC)
    weight_kg: float | None = None
    alsfrs_r_items: dict[str, int] | None = None  # the 12 items (q1..q12, q5a or q5b) the total is the sum of
    source: str | None = None  # "clinical record", "patient chart" or both (clinical.chart); None: no chart was read
    origin: str | None = None  # where the visit came from in words: the record file, who entered it in the chart
    note: str | None = None


class ClinicalSection(_Model):
    status: AssessmentStatus
    measures: list[Measure] = Field(default_factory=list)
    visits: list[Visit] = Field(default_factory=list)
    alerts: list[str] = Field(default_factory=list)
    plots: list[Plot] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class Criterion(_Model):
    text: str
    state: str  # met | failed | unknown | review | pending
    blocking: bool = True  # False: advisory (e.g. the pivotal trial's population); its failure decides nothing


class TherapyItem(_Model):
    name: str
    kind: str  # therapy | trial
    verdict: str
    relevant: bool = True
    summary: str | None = None
    regulatory_status: str | None = None
    open_to_new_participants: bool | None = None  # trials only; None when the record does not say
    # What the report shows: "now" (can be given now / open trial the patient qualifies for), "check" (a
    # clinician must decide a missing fact), "not_now" (a criterion failed, not approved here, or the trial
    # does not recruit), "receiving" (the clinical record's current treatment). A trial that is not recruiting is
    # never "now".
    group: str = "check"
    eligibility: str = ""  # one line naming what failed or is missing
    approved_in: list[str] = Field(default_factory=list)  # regions where it is marketed for ALS (therapies)
    previously_received: str | None = None  # the clinical record's earlier treatment with it (stopped on a date)
    receiving: str | None = None  # the clinical record's current treatment with it: since when, as the record names it
    criteria: list[Criterion] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)


class RecordedTreatment(_Model):
    """One ALS treatment as the clinical record states it (1.11.0): the words it is written in, the knowledge base's
    therapies they name (none: a name charcot does not hold; more than one: a name read as each form), its dates as
    recorded (None: not recorded), and its state on the matching date."""

    written: str
    therapies: list[str] = Field(default_factory=list, description="the knowledge base's therapy ids it names")
    names: list[str] = Field(default_factory=list, description="their names in the knowledge base")
    started: date | None = None
    stopped: date | None = None
    state: str = Field(description="on the matching date: 'receiving' (started on or before it, or no start date, and "
                                   "not stopped on or before it), 'stopped' (stopped on or before it) or "
                                   "'not_started' (started after it)")


class TherapySection(_Model):
    status: AssessmentStatus
    region: str | None = None
    as_of: date | None = None
    items: list[TherapyItem] = Field(default_factory=list)
    not_shown: int = 0
    # therapies the clinical record says the patient receives on the matching date: never offered ("now"/"check")
    receiving: list[str] = Field(default_factory=list)
    # every treatment the clinical record states, as recorded (1.11.0); the exports carry these
    record_treatments: list[RecordedTreatment] = Field(default_factory=list)
    # the jurisdiction matched is not the one of the patient's country (1.11.0): the sentence page 1 and the section say
    jurisdiction_differs: str | None = None
    notes: list[str] = Field(default_factory=list)


class ItemState(StrEnum):
    """The one status of an analysed item, read by every section, the summary, the alerts and the JSON."""

    ASSESSED = "assessed"
    NOT_ASSESSED = "not_assessed"
    NOT_APPLICABLE = "not_applicable"


class Item(_Model):
    """One analysed item (a gene, a repeat locus, a clinical score, a therapy or trial, an identity check)
    with its single status. ``key`` is ``kind:name`` and unique in a report."""

    key: str
    kind: str  # gene | repeat | score | therapy | trial | check
    name: str
    status: ItemState
    result: str | None = None
    reason: str | None = None


class IdentityCheck(_Model):
    check: str
    status: str  # pass | mismatch | not_assessed | info
    detail: str


class IdentitySection(_Model):
    """Sample-name and sex checks; ``status`` is 'mismatch' if any check failed (red banner, no final report)."""

    status: str = "not_assessed"  # pass | mismatch | not_assessed
    checks: list[IdentityCheck] = Field(default_factory=list)


class SignOff(_Model):
    """Who reviewed the report and whether it is final. A final report cannot carry an identity mismatch."""

    state: str = "draft"  # draft | final
    reviewer: str | None = None
    role: str | None = None
    signed_on: date | None = None


class Reference(_Model):
    key: str
    citation: str
    url: str | None = None


class Report(_Model):
    schema_version: str = REPORT_SCHEMA_VERSION
    run: RunInfo
    header: Header
    summary: list[SummaryItem] = Field(default_factory=list)
    genetics: GeneticsSection
    repeats: RepeatsSection
    not_assessed: list[NotAssessed] = Field(default_factory=list)
    items: list[Item] = Field(default_factory=list)
    identity: IdentitySection = Field(default_factory=IdentitySection)
    signoff: SignOff = Field(default_factory=SignOff)
    family: FamilySection
    clinical: ClinicalSection
    therapies: TherapySection
    methods: list[str] = Field(default_factory=list)
    limitations: list[str] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    statement: str
    # Free-form, JSON-safe detail from each analysis (their own result models, dumped) for tools.
    analyses: dict[str, Any] = Field(default_factory=dict)


def report_json_schema() -> dict[str, Any]:
    return Report.model_json_schema()
