"""Typed results of ``charcot interpret`` (pydantic; JSON is their deterministic dump).

Every model is built lazily (``defer_build``): a run builds the schemas of the models it uses when it first uses
them, and none at import (issue 20: start-up of ``charcot interpret``)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from charcot.model import AcmgClass, Evidence, NotAssessed, Provenance

#: why a panel gene is not assessed (``InterpretationResult.not_covered_reasons``), for one gene; a gene outside the
#: span of the file's records on its chromosome gets its own sentence naming that span (variants.api._genes_covered)
NO_RECORD_ON_CHROMOSOME = "the VCF has no record on the gene's chromosome"
NO_CALLABLE_EXON = "the gVCF has no callable base in the gene's exons"
NO_SAMPLE_CALL = ("the sample has no called genotype in any of the VCF's records in the panel genes (every one is a "
                  "no-call): nothing was genotyped for it there")
#: a gene with records of the VCF in its region, every one a no-call for the sample, when other genes have calls
NO_SAMPLE_CALL_IN_GENE = ("the sample has a no-call ('./.') at every one of the VCF's records in the gene: nothing "
                          "was genotyped for it there")
#: how the sentence for an assessed gene with some no-call records starts (``no_call_sites_reason``)
NO_CALL_SITES_PREFIX = "the sample has a no-call ('./.') at "
#: how the sentence for an assessed gene with variant calls the run left out starts (``excluded_calls_reason``)
EXCLUDED_CALLS_PREFIX = "the sample carries an ALT allele in a call the run left out at "
#: how that sentence starts (``outside_span_reason``), and what is said of several such genes at once
OUTSIDE_SPAN_PREFIX = "the VCF's records on chromosome "
OUTSIDE_SPAN_MANY = "they lie outside the stretch of their chromosome that the VCF's records span"
#: what the not-assessed entry of the genes a --genes/--panel/--bed restriction left out says of them
OUTSIDE_PANEL = "outside the requested panel"


def outside_span_reason(chrom: str, span: tuple[int, int], gene: str, start: int, end: int, wholly: bool) -> str:
    """Why a gene (partly) outside the span of the file's records on its chromosome is (partly) not assessed."""
    return (f"{OUTSIDE_SPAN_PREFIX}{chrom} span {span[0]:,}-{span[1]:,} only: {gene} ({chrom}:{start:,}-{end:,}) "
            f"{'lies outside them' if wholly else 'lies partly outside them'}")


def no_call_sites_reason(gene: str, chrom: str, positions: list[int], called: int) -> str:
    """Why some positions of an assessed gene are not assessed: the sample's genotype there is a no-call."""
    shown = ", ".join(f"{p:,}" for p in positions[:5]) + (f" and {len(positions) - 5} more"
                                                         if len(positions) > 5 else "")
    return (f"{NO_CALL_SITES_PREFIX}{len(positions)} of the {len(positions) + called} VCF records in {gene} "
            f"(chromosome {chrom}, {'position' if len(positions) == 1 else 'positions'} {shown}): a variant at "
            f"{'that position' if len(positions) == 1 else 'those positions'} cannot be told apart from no variant")


def excluded_calls_reason(gene: str, chrom: str, calls: Sequence[ExcludedCall]) -> str:
    """Why some positions of an assessed gene are not assessed: the sample's ALT allele there is in a call the run
    left out (its FILTER, or GQ/DP below the thresholds asked). A call the knowledge base lists is named first. No
    '; ' inside: a gene's partial sentence joins its parts with it (``partly_parts``)."""
    ordered = sorted(calls, key=lambda c: (not c.known_pathogenic, c.known is None, c.pos))
    shown = ", ".join(f"{c.pos:,} {c.ref}>{c.alt} [{c.why}" + (f", listed in the knowledge base as {c.known}" if c.known
                                                               else "") + "]" for c in ordered[:5])
    more = f" and {len(ordered) - 5} more" if len(ordered) > 5 else ""
    one = len(ordered) == 1
    where = len({c.pos for c in ordered})  # a multi-allelic record's alleles share one position
    return (f"{EXCLUDED_CALLS_PREFIX}{where} {'position' if where == 1 else 'positions'} of {gene}, chromosome "
            f"{chrom}: {shown}{more}. {'That call was' if one else 'Those calls were'} not classified, so {gene} is "
            f"not assessed at {'that position' if where == 1 else 'those positions'}")


#: the kinds of part a partly assessed gene's sentence holds, each starting with its prefix, in this order
PARTLY_KINDS = (OUTSIDE_SPAN_PREFIX, NO_CALL_SITES_PREFIX, EXCLUDED_CALLS_PREFIX)


def partly_parts(why: str) -> dict[str, str]:
    """A partly assessed gene's sentence (``InterpretationResult.genes_partly_covered``) as its parts by kind (the
    prefix of ``PARTLY_KINDS`` each starts with): the parts are joined with '; ' in that order."""
    parts: dict[str, str] = {}
    kind = None
    for piece in why.split("; "):
        starts = next((k for k in PARTLY_KINDS if piece.startswith(k)), None)
        if starts is not None or kind is None:
            kind = starts or OUTSIDE_SPAN_PREFIX
            parts[kind] = piece
        else:
            parts[kind] = f"{parts[kind]}; {piece}"
    return parts


def add_partly(partly: dict[str, str], gene: str, part: str) -> None:
    """Add one part to a gene's partial sentence, keeping the order of ``PARTLY_KINDS``."""
    parts = partly_parts(partly[gene]) if gene in partly else {}
    parts.update(partly_parts(part))
    partly[gene] = "; ".join(parts[k] for k in PARTLY_KINDS if k in parts)


def reason_kind(reason: str) -> str:
    """A not-covered reason as said of several genes: the per-gene span sentences share one kind (page 1's alerts
    group genes by it); other reasons are already the same for every gene they apply to."""
    return OUTSIDE_SPAN_MANY if reason.startswith(OUTSIDE_SPAN_PREFIX) else reason


def not_covered_kinds(reasons: dict[str, str], *, many: bool = True) -> list[str]:
    """The kinds of reason among ``reasons`` (gene -> reason), said of several genes (``many``) or of one, in a
    fixed order: no record on the chromosome, outside the span of the file's records, no callable exon."""
    found = set(reasons.values())
    kinds = []
    if NO_RECORD_ON_CHROMOSOME in found:
        kinds.append("the VCF has no record on their chromosome" if many else NO_RECORD_ON_CHROMOSOME)
    if NO_SAMPLE_CALL in found:
        kinds.append(NO_SAMPLE_CALL)
    if NO_SAMPLE_CALL_IN_GENE in found:
        kinds.append("the sample has a no-call at every one of the VCF's records in them" if many
                     else NO_SAMPLE_CALL_IN_GENE)
    if found - {NO_RECORD_ON_CHROMOSOME, NO_CALLABLE_EXON, NO_SAMPLE_CALL, NO_SAMPLE_CALL_IN_GENE}:
        kinds.append(OUTSIDE_SPAN_MANY if many else "the gene lies outside the stretch of its chromosome that the VCF's records span")
    if NO_CALLABLE_EXON in found:
        kinds.append("the gVCF has no callable base in their exons" if many else NO_CALLABLE_EXON)
    return kinds


class _Model(BaseModel):
    """Every interpret result model: no field it does not declare, and its schema built on first use."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class Zygosity(StrEnum):
    HETEROZYGOUS = "heterozygous"
    HOMOZYGOUS = "homozygous"
    HEMIZYGOUS = "hemizygous"
    UNKNOWN = "unknown"


class Frequencies(_Model):
    """gnomAD allele frequencies of one allele (never the cohort's own INFO/AF, never VEP's MAX_AF, which
    mixes in small 1000 Genomes/ESP populations).

    ``grpmax`` is gnomAD's group maximum over non-bottlenecked genetic-ancestry groups and ``faf95`` its
    filtering allele frequency (grpmax FAF95, Whiffin et al. 2017); joint exome+genome values are preferred
    where the file has them. ``searched`` says that a population source covering this position was
    consulted, so that absence means absence; ``not_covered`` says why it could not be (not assessed)."""

    af: float | None = None  # overall gnomAD allele frequency
    ac: int | None = None  # overall allele count
    an: int | None = None  # overall allele number at the site
    grpmax_af: float | None = None  # highest non-bottlenecked genetic-ancestry group AF (grpmax, formerly popmax)
    grpmax_ac: int | None = None  # allele count of that group
    grpmax_an: int | None = None  # allele number of that group
    grpmax_group: str | None = None
    faf95: float | None = None  # grpmax filtering allele frequency (lower bound of the 95 % Poisson CI, Whiffin 2017)
    dataset: str | None = None  # "joint", "exomes", "genomes" (gnomAD v4 files), None when unknown
    filtered: str | None = None  # gnomAD FILTER when the site failed gnomAD's QC (frequency not usable)
    source: str | None = None  # where the numbers came from (annotation field or resource file)
    searched: bool = False  # True when a population source covering this variant was consulted
    not_covered: str | None = None  # why no covering source could be consulted (then: not assessed, never absent)
    # what gnomAD's per-base coverage file says at an absent allele's position (None: coverage not checked)
    coverage: str | None = None
    # the highest frequency a non-gnomAD population source of the annotation reports (VEP MAX_AF, 1000 Genomes,
    # ESP): never benign evidence (small groups), only a reason not to call the allele absent from controls (PM2)
    other_max_af: float | None = None
    other_source: str | None = None

    @property
    def present(self) -> bool:
        return self.af is not None or self.grpmax_af is not None or self.faf95 is not None


class LocalFrequency(_Model):
    """The laboratory's own allele frequency of this allele (an in-house sites VCF given with
    ``--local-frequencies``): shown for review (a recurrent artefact, a local polymorphism), never evidence. BA1, BS1
    and PM2 read gnomAD only: an in-house callset is small, often related, and holds patients."""

    af: float | None = None
    ac: int | None = None
    an: int | None = None
    source: str
    note: str = "the laboratory's own frequency: shown for review, never used for BA1/BS1/PM2"


class Predictors(_Model):
    revel: float | None = None
    cadd_phred: float | None = None
    spliceai_max: float | None = None
    alphamissense: float | None = None
    source: str | None = None


class ClinVar(_Model):
    """ClinVar's own assertion: displayed next to the classification, never counted as evidence."""

    significance: str
    review_status: str | None = None
    stars: int | None = None
    variation_id: str | None = None
    source: str


class ClinVarDiscordance(_Model):
    """charcot's class disagrees with a ClinVar assertion of >= 2 review stars (flagged for review; never evidence).
    ``direction`` is "ClinVar more pathogenic" or "ClinVar more benign"."""

    clinvar_significance: str
    clinvar_stars: int
    charcot_class: str
    direction: str
    note: str


class TranscriptConsequence(_Model):
    gene: str | None
    transcript: str | None
    mane_select: bool = False
    canonical: bool = False
    consequences: list[str]
    impact: str | None = None
    hgvs_c: str | None = None
    hgvs_p: str | None = None
    protein_position: int | None = None
    protein_length: int | None = None
    exon: str | None = None
    intron: str | None = None
    source: str  # "VEP CSQ", "SnpEff ANN", "bcftools BCSQ"
    # why the annotator's own messages make this entry unfit as evidence (SnpEff ERROR_*, WARNING_REF_DOES_NOT_MATCH_
    # GENOME; a bcftools csq consequence '*' downstream of a stop on the same haplotype): its consequence is unknown
    untrusted: str | None = None
    # the annotator says its model of this transcript is incomplete (SnpEff WARNING_TRANSCRIPT_INCOMPLETE/NO_START_
    # CODON/NO_STOP_CODON/MULTIPLE_STOP_CODONS): a truncation or length change on it gives no PVS1/PM4
    incomplete_transcript: str | None = None
    # bcftools csq: the other changes of a joint (haplotype) consequence ("25587789T>A"); the position of the record
    # holding this allele's joint consequence while it is not yet found there ('@POS')
    joint_with: str | None = None
    joint_at: int | None = None


class GenePosition(_Model):
    """Position in the canonical transcript from the knowledge base's derived exon table."""

    transcript: str | None
    region: str
    description: str
    exon: int | None = None
    intron: int | None = None
    exon_count: int | None = None
    # the variant's own position is in the last exon or the last 50 nt of the penultimate exon; a frameshift's NMD
    # prediction (where its new stop falls, charcot.acmg.nmd) is stated in its PVS1 evidence
    nmd_escape: bool = False


class InheritanceAssessment(_Model):
    gene_modes: list[str]
    zygosity: Zygosity
    consistent: bool | None  # None = cannot tell (e.g. one heterozygous hit in a recessive gene)
    summary: str


class RiskAllele(_Model):
    """A variant in a risk or modifier gene, reported in the ClinGen low-penetrance / risk-allele scheme (Schmidt
    et al. 2024) instead of a Mendelian class: established, likely or uncertain risk allele."""

    category: Literal["established risk allele", "likely risk allele", "uncertain risk allele"]
    reason: str
    sources: list[str] = Field(default_factory=list)


class VariantFinding(_Model):
    key: str  # CHROM-POS-REF-ALT, chromosome without 'chr', build of the input
    chrom: str
    pos: int
    ref: str
    alt: str
    build: str
    gene: str
    transcript: str | None = None
    hgvs_c: str | None = None
    hgvs_p: str | None = None
    consequence: list[str] | None = None  # None = not annotated (see notes)
    consequence_source: str | None = None
    position: GenePosition
    reportable: bool  # coding or splice region (by annotation or exon table)
    genotype: str
    phased: bool = False
    phase_set: int | None = None
    zygosity: Zygosity
    genotype_quality: int | None = None
    depth: int | None = None
    filter: str = "PASS"
    frequencies: Frequencies
    predictors: Predictors
    clinvar: ClinVar | None = None
    # the ClinVar file consulted at this position (with ``clinvar`` None: the allele is not in that file); None when
    # no ClinVar file was given or it cannot speak for the position
    clinvar_searched: str | None = None
    # why the ClinVar file given cannot speak for this position (not assessed, never "not in ClinVar")
    clinvar_not_covered: str | None = None
    clinvar_discordance: ClinVarDiscordance | None = None
    known_variant: dict[str, Any] | None = None  # knowledge-base entry for this exact variant
    local_frequency: LocalFrequency | None = None  # the lab's own frequency (--local-frequencies): never evidence
    # risk and modifier genes: the risk-allele category (their ``classification`` is never P/LP)
    risk_allele: RiskAllele | None = None
    evidence: list[Evidence]
    points: float
    # None = not classified: the consequence is unknown (no annotation, no knowledge-base match, no engine run);
    # ``not_classified`` then says why and how to fix it. Such a finding is never a VUS.
    classification: AcmgClass | None
    not_classified: str | None = None
    inheritance: InheritanceAssessment
    notes: list[str] = Field(default_factory=list)
    # the sample's reads for this allele and for all alleles of the record (FORMAT/AD), given on the findings written
    # in full (reportable or not classified); None when the VCF has no AD for the call
    allele_reads: int | None = None
    total_reads: int | None = None
    # a heterozygous call whose share of reads a germline heterozygote would seldom give at its depth: why to confirm it
    allele_balance_flag: str | None = None
    # a call the caller itself gives low confidence without filtering it (QUAL or GQ below 20, i.e. below 99 %): why to
    # confirm it before acting on it
    call_quality_flag: str | None = None


class CompoundHetCandidate(_Model):
    gene: str
    variants: list[str]
    phase: str  # "in trans (phased genotypes)", "in trans (one genotype with both alleles)", "in trans (the two
    # changes overlap)", "in cis (phased genotypes)", "phase unknown"
    note: str


class OligogenicSummary(_Model):
    genes: list[str]
    variants: list[str]
    oligogenic: bool
    note: str


class ExonCallability(_Model):
    gene: str
    exon: int
    chrom: str
    start: int
    end: int
    status: str  # "callable", "partially callable", "not callable"
    callable_bases: int
    length: int


class ReadingSummary(_Model):
    records_read: int
    panel_records: int
    alleles_considered: int
    filtered_out: int  # FILTER not PASS (unless include_filtered)
    # alleles kept whose record's FILTER is '.' (the caller's filters were not applied): kept, and said so
    unfiltered_calls: int = 0
    below_quality: int  # GQ/DP below thresholds
    no_call: int
    reference_blocks: int
    not_left_aligned: int
    indexed: bool
    temporary_index: bool = False  # an unindexed bgzipped input was indexed in a temporary directory
    index_note: str | None = None  # an index older than the data: how it was checked, or why it was not used
    gvcf: bool
    annotation_sources: list[str]


class ExcludedCall(_Model):
    """An ALT allele the sample carries in a call the run left out: FILTER not PASS (without --include-filtered), or
    GQ/DP below --min-gq/--min-dp, or a half-call ('./1': the genotype is unknown). It is not classified. In an exon or splice region, or listed in the knowledge base,
    its gene is assessed except at its position (named in the gene's partial sentence and in what was not assessed),
    and a listed P/LP call is said on page 1; elsewhere (deep intronic, flanking: a kept call there would not be
    reported) it is only listed here."""

    gene: str
    chrom: str
    pos: int
    ref: str
    alt: str
    genotype: str
    why: str  # "FILTER LowQual", "GQ 5 below --min-gq 20", "DP 4 below --min-dp 10"
    known: str | None = None  # the knowledge base's entry for this allele: "Pathogenic (NM_000454.5:c.14C>T p.(Ala5Val))"
    known_pathogenic: bool = False  # that entry is pathogenic or likely pathogenic
    # where the allele lies on the gene's transcript (exon table; "unknown" for a gene without one)
    region: str = "unknown"
    # it may change the protein (exon, splice region, a gene without an exon table, or a listed variant): a criterion
    # on its gene (a gene-targeted therapy's) cannot be decided while it is not classified
    coding_or_splice: bool = True


class InterpretationResult(_Model):
    sample: str
    build: str
    sex: str | None = None
    hpo: list[str] = Field(default_factory=list)
    hpo_labels: dict[str, str] = Field(default_factory=dict)  # HPO id -> label, from the HPO ontology (hpo3)
    hpo_release: str | None = None  # the HPO release the ids were checked against
    diagnosis: str | None = None  # the clinical diagnosis given for PP4
    input: str
    status: str = "assessed"
    genes_assessed: list[str]
    # Panel genes the file cannot speak for (no record on their chromosome, outside the span of its records there, no
    # callable exon in a gVCF): not assessed (not "no variant").
    genes_not_covered: list[str] = Field(default_factory=list)
    # each of them -> why, in the clinician's words (no record on the chromosome; outside the span of the file's
    # records there; no callable base in a gVCF)
    not_covered_reasons: dict[str, str] = Field(default_factory=dict)
    # assessed genes the span of the file's records on their chromosome ends inside (assessed on the part inside)
    # -> why the part outside is not assessed
    genes_partly_covered: dict[str, str] = Field(default_factory=dict)
    # panel genes overlapped by a structural-variant record the sample carries (<DEL>, <DUP>...): small variants
    # assessed, the structural record not interpreted (named in not_assessed)
    genes_with_structural_records: list[str] = Field(default_factory=list)
    # ALT alleles the sample carries in calls the run left out (FILTER, GQ/DP thresholds), by gene and position
    excluded_calls: list[ExcludedCall] = Field(default_factory=list)
    records_read: int = 0
    # ClinVar was consulted: a ClinVar file or resource bundle was given, or the VCF carries ClinVar annotation
    # fields. False: no ClinVar data at all (the findings' ClinVar is "not searched", not "not listed"); None in
    # results written before this was recorded.
    clinvar_consulted: bool | None = None
    findings: list[VariantFinding]
    compound_heterozygous: list[CompoundHetCandidate]
    oligogenic: OligogenicSummary
    callability: list[ExonCallability] | None = None  # None when the input is not a gVCF
    not_assessed: list[NotAssessed]
    repeats: Any = None  # charcot.repeats.api.RepeatAssessment when that package is present
    reading: ReadingSummary
    provenance: Provenance


class BundleResource(_Model):
    """One file of a resource bundle: what it was cut from and how to recognise it."""

    kind: str  # reference, transcripts, gnomad, clinvar, clinvar_summary, alphamissense, revel, spliceai, cadd
    file: str  # name inside the bundle folder
    source: str  # the downloaded file it was cut from (file name only)
    source_sha256: str
    version: str  # release label read from the header or the file name ("unknown" when neither says)
    date: str  # the source file's modification date (YYYY-MM-DD)
    sha256: str  # of the bundled file
    records: int | None = None
    covers: str  # name of the manifest's region set this file holds every source record of (and nothing outside)
    fields: list[str] = []  # INFO fields / columns kept from the source (the ones charcot reads); [] = all
    size: int = 0  # bytes of the file and its index


class BundleRegionSet(_Model):
    """A named set of regions a bundle file covers: outside them the file cannot speak ("not assessed")."""

    description: str  # how it was made ("panel exons +- 100 bp")
    padding: int  # bases added on each side of the panel genes or exons
    regions: list[tuple[str, int, int]]  # 1-based inclusive, merged, sorted


class BundleManifest(_Model):
    """``manifest.json`` of a ``charcot resources build`` bundle."""

    format: str
    version: str  # build-date-digest: named in every run's provenance
    build: str
    created: str
    knowledge_version: str
    padding: int
    region_sets: dict[str, BundleRegionSet]  # regions covered, by name; each resource names the set it covers
    resources: list[BundleResource]


class VrsAllele(BaseModel):
    """A reported variant's GA4GH VRS 2.0 Allele identifier (computed by the ga4gh.vrs library), or why there
    is none. ``start``/``end`` are VRS interbase (0-based) coordinates of the normalised allele on the
    chromosome's refget sequence (``refget_accession``, per build: ``genome/data/refget.json``)."""

    model_config = ConfigDict(defer_build=True)

    status: str  # "computed" | "not computed"
    id: str | None = None  # ga4gh:VA.<digest>
    location_id: str | None = None  # ga4gh:SL.<digest>
    refget_accession: str | None = None  # SQ.<digest> of the chromosome in this build
    build: str | None = None
    start: int | None = None
    end: int | None = None
    sequence: str | None = None  # the normalised allele's literal state
    reason: str | None = None  # why not computed
