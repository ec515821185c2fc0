"""``interpret``: one patient's VCF -> typed, classified findings in the ALS panel.

>>> result = interpret(Path("patient.vcf.gz"), hpo=["HP:0007354"])   # doctest: +SKIP
>>> [(f.gene, f.hgvs_p, f.classification.short) for f in result.findings]   # doctest: +SKIP
"""

from __future__ import annotations

import bisect
import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from charcot.acmg.computational import BP7_ACCEPTOR_MIN, BP7_DONOR_MIN, near_splice_site
from charcot.acmg.context import KnownVariant, VariantContext
from charcot.acmg.engine import evaluate
from charcot.acmg.points import label
from charcot.errors import InputError
from charcot.genome.builds import normalise_contig
from charcot.genome.callquality import FILTER_NOT_APPLIED, HEMIZYGOUS_MIN_AB, MIN_DP, MIN_GQ, MIN_QUAL
from charcot.genome.normalise import Allele, variant_key
from charcot.genome.panel import Location, Panel, PanelGene, Region, build_panel
from charcot.model import AcmgClass, Build, Evidence, NotAssessed, Provenance, first_names, provenance
from charcot.variants.annotation import (
    ONE_VALUE_FOR_ALTS,
    SEVERITY,
    most_severe,
    on_gene,
    pick_consequence,
    protein_position_from_hgvs,
    resolve_joint,
    strip_version,
)
from charcot.variants.clinvar import clinvar_discordance
from charcot.variants.consequence import ENGINE
from charcot.variants.model import (
    EXCLUDED_CALLS_PREFIX,
    NO_CALL_SITES_PREFIX,
    NO_CALLABLE_EXON,
    NO_RECORD_ON_CHROMOSOME,
    NO_SAMPLE_CALL,
    NO_SAMPLE_CALL_IN_GENE,
    OUTSIDE_PANEL,
    OUTSIDE_SPAN_PREFIX,
    CompoundHetCandidate,
    ExcludedCall,
    ExonCallability,
    Frequencies,
    GenePosition,
    InheritanceAssessment,
    InterpretationResult,
    OligogenicSummary,
    Predictors,
    ReadingSummary,
    TranscriptConsequence,
    VariantFinding,
    Zygosity,
    add_partly,
    excluded_calls_reason,
    no_call_sites_reason,
    outside_span_reason,
    partly_parts,
)
from charcot.variants.reader import (
    Block,
    Call,
    IndexPrefetch,
    ReadResult,
    environ_threads,
    is_x_nonpar,
    read_calls,
)

if TYPE_CHECKING:
    from charcot.genome.panels import GeneSelection
    from charcot.knowledge.schema.genes import Record as GeneRecord
    from charcot.variants.resources import (
        ClinVarResource,
        GnomadCoverage,
        GnomadResource,
        GnomadSet,
        LocalFrequencies,
        ScoreResources,
    )

# Default GQ for calling a gVCF block "callable" when --min-gq is not given (GATK's usual
# reference-confidence band boundary; stated in the output).
DEFAULT_CALLABLE_GQ = 20
_REPORTABLE_RANK = SEVERITY.index("coding_sequence_variant")
_SEVERITY_RANK = frozenset(SEVERITY)


def _unknown_terms(c: TranscriptConsequence) -> list[str]:
    """The consequence terms of an entry that the classifier does not know (not in ``SEVERITY``)."""
    return [t for t in c.consequences if t not in _SEVERITY_RANK]


def _why_not_classified(f: VariantFinding) -> str | None:
    """Why the annotation's own entry was refused for a finding not classified (the words between
    ``REFUSED_PREFIX`` and ``REFUSED_REMEDY``), or None when it was not refused."""
    text = f.not_classified or ""
    if text.startswith(REFUSED_PREFIX) and text.endswith(REFUSED_REMEDY):
        return text[len(REFUSED_PREFIX):-len(REFUSED_REMEDY)]
    return None


def _other_version(transcript: str | None, preferred: Sequence[str]) -> str | None:
    """The reference transcript id that ``transcript`` matches without its version but not with it (an annotation on
    an older or newer model of the reference transcript, e.g. a GRCh37 VEP cache), else None; an id given without a
    version on either side says nothing."""
    if not transcript or "." not in transcript:
        return None
    base = strip_version(transcript)
    return next((p for p in preferred if p and "." in p and p != transcript and strip_version(p) == base), None)


def _preferred_transcripts(gene: GeneRecord | None, panel_gene: PanelGene) -> list[str]:
    out: list[str] = []
    if gene is not None and gene.mane is not None:
        out += [gene.mane.refseq_nm, gene.mane.ensembl_transcript]
    if panel_gene.transcript:
        out.append(panel_gene.transcript)
    return out


def _zygosity(call: Call, build: Build, sex: str | None) -> tuple[Zygosity, str | None]:
    """The call's zygosity, and what to check when the genotype does not fit the stated sex on chromosome X outside
    the PARs (or Y), or when its reading there depends on a sex not stated, else None."""
    s = (sex or "").lower()
    x_nonpar = call.chrom == "X" and is_x_nonpar(call.chrom, call.allele.pos, build)
    if call.ploidy == 1:
        if s in ("female", "f") and x_nonpar:
            # a haploid X call in a woman is not hemizygosity: the caller was run with a male ploidy
            return Zygosity.UNKNOWN, (
                f"haploid call ({call.genotype}) on chromosome X in a female: the variant caller treated the sample "
                "as male, so the zygosity is unknown; check the stated sex and re-call with ploidy 2")
        if not x_nonpar and call.chrom not in ("Y", "MT"):
            # an autosome, or X's pseudoautosomal regions (two copies in either sex), has two copies: one allele
            # written says nothing of the other (a caller's ploidy setting, or a deletion of the other copy that only
            # an SV/CNV call can show); never 'hemizygous'
            where = " in a pseudoautosomal region" if call.chrom == "X" else ""
            return Zygosity.UNKNOWN, (
                f"haploid call ({call.genotype}) on chromosome {call.chrom}{where}, where two copies are expected: the "
                "other allele is unknown, so the zygosity is unknown; re-call with ploidy 2 (or check for a deletion "
                "of the other copy)")
        if call.chrom == "Y" and s in ("female", "f"):
            return Zygosity.UNKNOWN, _y_in_female(call)
        if x_nonpar and s not in ("male", "m"):
            # sex not stated: the caller's ploidy 1 is its assumption, not a fact about the patient
            return Zygosity.HEMIZYGOUS, (
                f"sex not stated: the haploid call ({call.genotype}) on chromosome X outside the pseudoautosomal "
                "regions is hemizygous only if the patient is male (the variant caller treated the sample as male); "
                "state the sex, and in a female re-call with ploidy 2")
        return Zygosity.HEMIZYGOUS, None
    if call.copies < call.ploidy and _has_uncalled(call.genotype):
        # '1/.': one allele not called; the ALT is carried, but whether once or twice cannot be told
        return Zygosity.UNKNOWN, (
            f"one allele not called ({call.genotype}): the variant is carried, but heterozygous or homozygous "
            "cannot be told; re-genotype the position")
    if s in ("male", "m") and (x_nonpar or call.chrom == "Y"):
        if call.copies >= call.ploidy:
            return Zygosity.HEMIZYGOUS, None
        # a diploid call with one ALT copy in a man is a heterozygous call where one copy is expected: reported as
        # called, with a note, never as hemizygous
        return Zygosity.HETEROZYGOUS, (
            f"heterozygous call ({call.genotype}) on chromosome {call.chrom} outside the pseudoautosomal regions in a "
            "male, who has one copy there: check for mosaicism, sample contamination, a sample swap or a wrong sex "
            "before acting on it")
    if call.chrom == "Y" and s in ("female", "f"):
        return Zygosity.UNKNOWN, _y_in_female(call)
    if call.copies >= 2:
        if x_nonpar and not s:
            return Zygosity.HOMOZYGOUS, (
                f"sex not stated: the call ({call.genotype}) on chromosome X outside the pseudoautosomal regions is "
                "homozygous in a female and hemizygous in a male; state the sex")
        return Zygosity.HOMOZYGOUS, None
    if call.copies == 1:
        return Zygosity.HETEROZYGOUS, None
    return Zygosity.UNKNOWN, None


def _y_in_female(call: Call) -> str:
    return (f"call ({call.genotype}) on chromosome Y in a female, who has no Y chromosome: check the stated sex and the "
            "sample's identity (or a mapping artefact in X-Y homologous sequence) before acting on it; zygosity unknown")


_UNCALLED: dict[str, bool] = {}


def _has_uncalled(genotype: str) -> bool:
    """Whether a genotype text has an allele not called ('1/.'), remembered per text (a genome has a handful)."""
    found = _UNCALLED.get(genotype)
    if found is None:
        found = "." in genotype.replace("|", "/").split("/")
        if len(_UNCALLED) < 4096:
            _UNCALLED[genotype] = found
    return found


def _inheritance(gene: GeneRecord | None, zyg: Zygosity, sex: str | None) -> InheritanceAssessment:
    if gene is None:
        return InheritanceAssessment(gene_modes=[], zygosity=zyg, consistent=None,
                                     summary="gene not in the knowledge base: mode of inheritance unknown")
    modes = [m.value for m in gene.inheritance]
    dominant = {"AD", "XLD", "SD", "XL", "risk", "UD"}
    if zyg in (Zygosity.HOMOZYGOUS, Zygosity.HEMIZYGOUS):
        return InheritanceAssessment(gene_modes=modes, zygosity=zyg, consistent=True,
                                     summary=f"{zyg.value}: consistent with the gene's mode(s) {', '.join(modes)}")
    x_linked = bool({"XLR", "XLD", "XL"} & set(modes))
    if zyg == Zygosity.HETEROZYGOUS and x_linked and (sex or "").lower() in ("male", "m"):
        return InheritanceAssessment(
            gene_modes=modes, zygosity=zyg, consistent=None,
            summary="heterozygous call in a male, who has one X chromosome: the genotype must be checked (mosaicism, "
                    "contamination, sample swap or wrong sex) before the inheritance can be judged")
    if zyg == Zygosity.HETEROZYGOUS:
        if set(modes) & dominant:
            extra = ""
            if x_linked:
                extra = " (X-linked: in a female, skewed X-inactivation and variable expression apply)"
            return InheritanceAssessment(gene_modes=modes, zygosity=zyg, consistent=True,
                                         summary=f"heterozygous: consistent with {', '.join(modes)} inheritance{extra}")
        return InheritanceAssessment(
            gene_modes=modes, zygosity=zyg, consistent=None,
            summary=f"heterozygous in a gene with {', '.join(modes)} inheritance: a second variant in trans is needed "
                    "to explain disease (see compound heterozygous candidates); otherwise a carrier")
    return InheritanceAssessment(gene_modes=modes, zygosity=zyg, consistent=None, summary="zygosity unknown")


def known_variants(build: Build) -> list[KnownVariant]:
    """Known variants of the knowledge base with their allele in ``build`` (PS1/PM5 and curated evidence)."""
    from charcot.knowledge import get_knowledge
    from charcot.knowledge.schema.variants import Record

    out: list[KnownVariant] = []
    for r in get_knowledge().typed("variants", Record):
        allele = r.allele(build)
        key = f"{allele.chrom}-{allele.pos}-{allele.ref}-{allele.alt}" if allele is not None else ""
        out.append(KnownVariant(key=key, gene=r.gene, hgvs_p=r.hgvs_p, hgvs_c=r.hgvs_c, transcript=r.transcript,
                                classification=r.classification.value if r.classification else "",
                                source="knowledge base", sources=tuple(r.sources), record_id=r.id,
                                basis=r.classification_basis, curated=tuple(r.curated_evidence)))
    return out


class _KnownIndex:
    """The known variants by gene (upper case) and by key, in list order: built once per list, so each
    classified allele looks its own up instead of scanning the whole list (issue 20: ~9,000 alleles in a
    genome's panel)."""

    _last: tuple[int, Any] | None = None

    def __init__(self, known: Sequence[KnownVariant]) -> None:
        self.by_gene: dict[str, list[KnownVariant]] = {}
        self.by_key: dict[str, list[KnownVariant]] = {}
        for k in known:
            self.by_gene.setdefault(k.gene.upper(), []).append(k)
            self.by_key.setdefault(k.key, []).append(k)

    @classmethod
    def of(cls, known: Sequence[KnownVariant]) -> _KnownIndex:
        last = cls._last
        if last is not None and last[0] == id(known) and last[1][0] is known:
            index: _KnownIndex = last[1][1]
            return index
        index = cls(known)
        cls._last = (id(known), (known, index))
        return index


def _kb_entry(known: Sequence[KnownVariant], key: str) -> dict[str, Any] | None:
    for k in _KnownIndex.of(known).by_key.get(key, ()):
        if k.key == key:
            return {"id": k.record_id, "key": k.key, "gene": k.gene, "hgvs_p": k.hgvs_p,
                    "classification": k.classification or None, "classification_basis": k.basis,
                    "sources": list(k.sources),
                    "note": "knowledge-base entry shown for reference; its classification is not counted as evidence"}
    return None


_CODON_DEPENDENT = (Region.EXON, Region.SPLICE_REGION_EXONIC, Region.UNKNOWN)
# the words of a finding whose annotation entry was refused (an annotator's error, an unknown term, another isoform
# only): the reason sits between these two, where the run's not-assessed item reads it back (_why_not_classified)
REFUSED_PREFIX = "not classified (consequence unknown: "
REFUSED_REMEDY = ("): re-annotate the VCF (VEP --mane_select, or SnpEff with a database matching the VCF's genome "
                   "build), or give the reference FASTA and Ensembl GFF3 (--reference/--transcripts)")
HOW_TO_GET_CONSEQUENCES = ("give the reference FASTA and Ensembl GFF3 (--reference/--transcripts, or a resource "
                           "bundle with --resources) so bcftools csq computes them, or annotate the VCF with VEP "
                           "(--vcf --hgvs --mane_select) or SnpEff")


def _engine_consequences(calls: Sequence[Call], known_kb: Sequence[KnownVariant], reference: Path | None,
                         transcripts: Path | None, vcf: Path, build: Build) -> dict[int, list[TranscriptConsequence]]:
    """REF check of every panel record against the FASTA, then bcftools csq for the calls that have neither an
    annotation nor a knowledge-base entry (charcot.variants.consequence)."""
    if reference is None and transcripts is None:
        return {}
    if reference is None:
        raise InputError("transcript models (GFF3) were given without the reference FASTA",
                         hint="give --reference FASTA too (or --resources BUNDLE)")
    from charcot.variants.consequence import ConsequenceEngine

    engine = ConsequenceEngine(Path(reference), Path(transcripts) if transcripts is not None else None)
    engine.check_build(build)
    engine.check_ref([(c.chrom, c.vcf_pos, c.vcf_ref, c.line) for c in calls], vcf)
    if transcripts is None:  # REF check only
        return {}
    kb_keys = {k.key for k in known_kb if k.key}
    todo = [i for i, c in enumerate(calls)
            if not c.annotation.consequences and variant_key(c.chrom, c.allele) not in kb_keys]
    done = engine.annotate([(calls[i].chrom, calls[i].vcf_pos, calls[i].vcf_ref, calls[i].vcf_alt) for i in todo])
    return {todo[j]: csq for j, csq in done.items()}


def _kb_consequence(k: KnownVariant, gene: GeneRecord | None) -> TranscriptConsequence | None:
    """The knowledge base's curated HGVS for an exact allele match, as a consequence on the MANE transcript."""
    from charcot.variants.consequence import consequence_from_hgvs

    terms = consequence_from_hgvs(k.hgvs_c, k.hgvs_p)
    if not terms:
        return None
    tx = k.transcript
    return TranscriptConsequence(
        gene=k.gene, transcript=tx, mane_select=bool(gene and gene.mane and tx == gene.mane.refseq_nm),
        consequences=terms, hgvs_c=f"{tx}:{k.hgvs_c}" if tx and k.hgvs_c else k.hgvs_c, hgvs_p=k.hgvs_p,
        protein_position=protein_position_from_hgvs(k.hgvs_p), source="knowledge base (curated HGVS)")


_NOT_CODING_PLACES = (Region.INTRON, Region.UPSTREAM, Region.DOWNSTREAM, Region.UNKNOWN)


def _reportable(consequences: list[str] | None, position: Region, spliceai: float | None,
                cls: AcmgClass | None) -> bool:
    if cls is not None and cls.at_least_likely_pathogenic:
        return True
    if spliceai is not None and spliceai >= 0.2:
        return True
    if consequences is not None:
        return any(SEVERITY.index(t) <= _REPORTABLE_RANK for t in consequences if t in SEVERITY)
    return position not in _NOT_CODING_PLACES


def _genes_covered(panel: Panel, read: ReadResult, callability: Sequence[ExonCallability] | None = None,
                   called: Sequence[VariantFinding] = (),
                   intervals: Mapping[str, Sequence[tuple[int, int]]] | None = None
                   ) -> tuple[list[str], list[str], dict[str, str], dict[str, str]]:
    """Panel genes split by whether the input can speak for them, with the reason for each gene it cannot.

    A VCF speaks for a gene when the span of its records on the gene's chromosome (first record's POS to last
    record's POS, ``ReadResult.spans``) holds the gene's whole region: a file cut to a region or holding records
    around a few genes says nothing of a gene wholly outside them: not assessed. A gene the span ends inside is
    assessed on its part inside, and its part outside is named as not assessed (the last mapping, gene -> why), as a
    gVCF's gene with some callable exons is assessed and its other exons named: a targeted-panel VCF holds records
    only inside its genes, so its first and last gene of each chromosome always reach past its span, and calling
    them not assessed would leave no gene of a panel VCF assessed. A whole-genome or exome VCF has records before
    the first and after the last panel gene of every chromosome, so nothing changes for it.

    Returns (assessed genes, genes not assessed, why each is not, why part of an assessed gene is not).

    A gVCF is judged by its callability table: a gene none of whose exons has a callable base (no reference
    block or call with enough GQ) and no coding or splice-region call of the sample is not assessed, never
    "no variant" (an intronic call says nothing of the exons); a gene without an exon table is judged on its span."""
    reasons: dict[str, str] = {}
    partly: dict[str, str] = {}
    if read.gvcf:
        speaks = {c.gene for c in callability or () if c.callable_bases > 0} | {f.gene for f in called if f.reportable}
        for g in panel.genes:
            if not g.exons and any(s <= g.end and e >= g.start for s, e in (intervals or {}).get(g.chrom, ())):
                speaks.add(g.symbol)
        for g in panel.genes:
            if g.symbol not in speaks:
                reasons[g.symbol] = NO_CALLABLE_EXON
        return (sorted(g.symbol for g in panel.genes if g.symbol in speaks),
                sorted(g.symbol for g in panel.genes if g.symbol not in speaks), reasons, partly)
    # records in the panel genes whose every genotype of the sample is a no-call ('./.'): the file has records there,
    # but none says anything of this sample (a sample that failed in a joint call set), so no gene is assessed
    silent = read.panel_records > 0 and read.no_call >= read.panel_records
    for g in panel.genes:
        chrom = normalise_contig(g.chrom)
        span = read.spans.get(chrom)
        if silent and chrom in read.contigs_with_records:
            reasons[g.symbol] = NO_SAMPLE_CALL
        elif chrom not in read.contigs_with_records:
            reasons[g.symbol] = NO_RECORD_ON_CHROMOSOME
        elif span is not None and (g.region_start < span[0] or g.region_end > span[1]):
            wholly = g.region_end < span[0] or g.region_start > span[1]
            why = outside_span_reason(chrom, span, g.symbol, g.region_start, g.region_end, wholly)
            (reasons if wholly else partly)[g.symbol] = why
    _no_call_genes(panel, read, reasons, partly)
    return (sorted(g.symbol for g in panel.genes if g.symbol not in reasons),
            sorted(g.symbol for g in panel.genes if g.symbol in reasons), reasons, partly)


def _no_call_genes(panel: Panel, read: ReadResult, reasons: dict[str, str], partly: dict[str, str]) -> None:
    """A gene whose every record in the file is a no-call for the sample (a sample that failed in that stretch of a
    joint call set, a capture that missed the gene) is not assessed; one with some no-call records is assessed
    except at those positions, named. Changes ``reasons`` and ``partly`` (gene -> why) in place; a gene already not
    assessed keeps its reason, a gene already partly assessed gets the no-call sentence added to its own."""
    if not read.no_call_sites:
        return
    by_chrom: dict[str, list[int]] = {}
    for chrom, pos in read.no_call_sites:
        by_chrom.setdefault(chrom, []).append(pos)
    called: dict[str, list[int]] = {}
    for chrom, pos in read.called_sites:
        if chrom in by_chrom:
            called.setdefault(chrom, []).append(pos)
    for g in panel.genes:
        if g.symbol in reasons:
            continue
        chrom = normalise_contig(g.chrom)
        missing = sorted(p for p in by_chrom.get(chrom, ()) if g.region_start <= p <= g.region_end)
        if not missing:
            continue
        n_called = sum(1 for p in called.get(chrom, ()) if g.region_start <= p <= g.region_end)
        if n_called == 0:
            reasons[g.symbol] = NO_SAMPLE_CALL_IN_GENE
            partly.pop(g.symbol, None)
            continue
        why = no_call_sites_reason(g.symbol, chrom, missing, n_called)
        add_partly(partly, g.symbol, why)


# A heterozygous germline call carries about half of the reads; a share this unlikely at the call's depth (binomial,
# two-sided, p = 0.5) suggests mosaicism, contamination, a paralogous or copy-number artefact: confirm the call
ALLELE_BALANCE_P = 0.001


# A homozygous or hemizygous call carries (nearly) only the allele's reads; below this share, with enough reads to
# tell (the de novo check's depth), it may be a heterozygous call, a duplication or mosaicism (its hemizygous bound)
HOMOZYGOUS_MIN_SHARE = HEMIZYGOUS_MIN_AB
HOMOZYGOUS_MIN_READS = MIN_DP


def allele_balance_flag(alt_reads: int, total_reads: int, copies: int, ploidy: int) -> str | None:
    """Why a call's read share needs confirming, or None. A diploid heterozygous call: a share a germline heterozygote
    gives with two-sided binomial p < ALLELE_BALANCE_P at this depth (exact, in integers: no float overflow). A
    homozygous or hemizygous call: a share below HOMOZYGOUS_MIN_SHARE with at least HOMOZYGOUS_MIN_READS reads."""
    if total_reads <= 0 or not 0 <= alt_reads <= total_reads or copies < 1:
        return None
    if copies == ploidy:
        share = alt_reads / total_reads
        if total_reads < HOMOZYGOUS_MIN_READS or share >= HOMOZYGOUS_MIN_SHARE:
            return None
        kind = "homozygous" if ploidy == 2 else "hemizygous" if ploidy == 1 else f"{copies}-copy"
        return (f"allele balance {share:.2f} ({alt_reads} of {total_reads} reads) for a {kind} call (expected at "
                f"least {HOMOZYGOUS_MIN_SHARE:g}): possibly a heterozygous call, a duplication, mosaicism or an "
                "artefact: confirm by an orthogonal method")
    if ploidy != 2 or copies != 1:
        return None
    n, k = total_reads, alt_reads
    m = min(k, n - k)
    if 2 * m >= n - 1:  # the middle of the distribution: p = 1
        return None
    term, tail = 1, 1  # comb(n, 0); the sum of comb(n, i) for i <= m
    for i in range(1, m + 1):
        term = term * (n - i + 1) // i
        tail += term
    # p = 2 * tail / 2**n < ALLELE_BALANCE_P  <=>  2 * tail * 1000 < 2**n
    if 2 * tail * round(1 / ALLELE_BALANCE_P) >= 2 ** n:
        return None
    share = k / n
    return (f"allele balance {share:.2f} ({k} of {n} reads): a heterozygous germline call gives about half at this "
            f"depth (binomial p < {ALLELE_BALANCE_P:g}); {'low' if share < 0.5 else 'high'} balance suggests "
            + ("mosaicism, contamination or an artefact" if share < 0.5 else
               "a homozygous or hemizygous call, a deletion of the other allele, or an artefact")
            + ": confirm by an orthogonal method")


def _with_reads(finding: VariantFinding, call: Call) -> VariantFinding:
    """The finding with the call's read counts and its allele-balance flag (a copy: a quiet finding may be the template
    others are copied from)."""
    assert call.alt_reads is not None and call.total_reads is not None
    return finding.model_copy(update={
        "allele_reads": call.alt_reads, "total_reads": call.total_reads,
        "allele_balance_flag": allele_balance_flag(call.alt_reads, call.total_reads, call.copies, call.ploidy)})


def _same_allele_calls(calls: Sequence[Call]) -> tuple[dict[int, list[Call]], set[int]]:
    """Calls of one allele written by more than one record (overlapping chunks concatenated, a substitution written
    both padded and bare): per first call's index the later ones, and the later ones' indices. Usually empty."""
    first: dict[tuple[str, Allele], int] = {}
    repeated: dict[int, list[Call]] = {}
    later: set[int] = set()
    for i, call in enumerate(calls):
        j = first.setdefault((call.chrom, call.allele), i)
        if j != i:
            repeated.setdefault(j, []).append(call)
            later.add(i)
    return repeated, later


def _with_repeats(finding: VariantFinding, calls: Sequence[Call], build: Build, sex: str | None,
                  gene: GeneRecord | None) -> VariantFinding:
    """The finding of an allele that several records write: one finding (never two, nor a compound heterozygote of
    the allele with itself), saying which records and genotypes; genotypes that disagree leave the zygosity
    unknown. A copy, as ``_with_reads``."""
    written = "; ".join(f"{c.chrom}:{c.vcf_pos} {c.vcf_ref}>{c.vcf_alt} GT {c.genotype}" for c in calls)
    agree = len({_zygosity(c, build, sex)[0] for c in calls}) == 1
    said = (f"the same allele is written by {len(calls)} records ({written}): duplicate records (overlapping "
            "chunks joined, or one change written in two ways); reported once"
            + ("" if agree else ", and their genotypes disagree, so the zygosity is unknown"))
    flag = (f"allele written by {len(calls)} records" + ("" if agree else " with genotypes that disagree")
            + ": deduplicate the VCF (bcftools norm -m- -f REF.fa, then bcftools norm -d exact), check the reads "
              "and confirm it by an orthogonal method")
    update: dict[str, Any] = {"notes": [*finding.notes, said],
                              "call_quality_flag": f"{finding.call_quality_flag}; {flag}" if finding.call_quality_flag
                              else flag}
    if not agree:
        update["zygosity"] = Zygosity.UNKNOWN
        update["inheritance"] = _inheritance(gene, Zygosity.UNKNOWN, sex)
    return finding.model_copy(update=update)


def _resolve_joint_consequences(read: ReadResult) -> None:
    """Each call whose bcftools csq annotation points to a joint (haplotype) consequence at another record ('@POS')
    gets that consequence from the record at POS (kept by the reader, ``ReadResult.bcsq_joint``); a pointer whose
    record was not read stays, saying so (consequence unknown). Calls are changed in place, once, before any
    finding is made."""
    for call in read.calls:
        consequences = call.annotation.consequences
        if not any(c.joint_at is not None for c in consequences):
            continue
        chrom = call.chrom
        call.annotation.consequences = resolve_joint(
            consequences, call.vcf_pos, call.vcf_ref, call.vcf_alt,
            lambda at, chrom=chrom: read.bcsq_joint.get((chrom, at)))  # type: ignore[misc]


def _excluded_calls(panel: Panel, read: ReadResult, reasons: dict[str, str], partly: dict[str, str],
                    known: Sequence[KnownVariant]) -> list[ExcludedCall]:
    """The sample's ALT alleles in calls the run left out (FILTER, GQ/DP thresholds), one per panel gene they lie in,
    each with the knowledge base's entry for the allele if it has one; an assessed gene with such a call in an exon or
    splice region (or a listed variant) gets its sentence added to its partial one (``partly``, changed in place): it
    is not assessed at that position. A call off them is listed only, as a kept one would not be reported."""
    index = _KnownIndex.of(known)
    out: list[ExcludedCall] = []
    by_gene: dict[str, list[ExcludedCall]] = {}
    for chrom, allele, genotype, why in read.excluded:
        key = variant_key(chrom, allele)
        for pg in panel.genes_at(chrom, allele.pos, allele.end):
            entry = next((k for k in index.by_key.get(key, ()) if k.gene.upper() == pg.symbol.upper()), None)
            said = None
            if entry is not None:
                hgvs_c = entry.hgvs_c
                if hgvs_c and entry.transcript and ":" not in hgvs_c:
                    hgvs_c = f"{entry.transcript}:{hgvs_c}"
                names = " ".join(x for x in (hgvs_c, entry.hgvs_p) if x)
                said = (entry.classification or "listed, unclassified") + (f": {names}" if names else "")
            region = pg.locate_allele(allele).region
            call = ExcludedCall(gene=pg.symbol, chrom=chrom, pos=allele.pos, ref=allele.ref, alt=allele.alt,
                                genotype=genotype, why=why, known=said,
                                known_pathogenic=entry is not None and entry.pathogenic, region=region.value,
                                coding_or_splice=entry is not None or region not in (
                                    Region.INTRON, Region.UPSTREAM, Region.DOWNSTREAM))
            out.append(call)
            # a call off the exons and splice regions would not be reported if kept (deep intronic, flanking): it is
            # listed, and its gene's status is unchanged
            if pg.symbol not in reasons and call.coding_or_splice:
                by_gene.setdefault(pg.symbol, []).append(call)
    for gene, calls in by_gene.items():
        add_partly(partly, gene, excluded_calls_reason(gene, calls[0].chrom, calls))
    return out


def _chrom_order(chrom: str) -> tuple[int, str]:
    if chrom.isdigit():
        return int(chrom), ""
    return {"X": 23, "Y": 24, "MT": 25}.get(chrom, 26), chrom


def _callable_intervals(blocks: Sequence[Block], min_gq: int) -> dict[str, list[tuple[int, int]]]:
    """Per chromosome, the merged intervals of reference blocks and calls with GQ >= ``min_gq``."""
    by_chrom: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for b in blocks:
        if b.gq is None or b.gq >= min_gq:
            by_chrom[b.chrom].append((b.start, b.end))
    merged: dict[str, list[tuple[int, int]]] = {}
    for chrom, ivs in by_chrom.items():
        ivs.sort()
        out: list[tuple[int, int]] = []
        for s, e in ivs:
            if out and s <= out[-1][1] + 1:
                out[-1] = (out[-1][0], max(out[-1][1], e))
            else:
                out.append((s, e))
        merged[chrom] = out
    return merged


def _callability(panel: Panel, merged: Mapping[str, Sequence[tuple[int, int]]]) -> list[ExonCallability]:
    result = []
    for gene in panel.genes:
        ivs = merged.get(gene.chrom, [])
        for exon in sorted(gene.exons, key=lambda e: e.number):
            covered = sum(max(0, min(e, exon.end) - max(s, exon.start) + 1) for s, e in ivs
                          if s <= exon.end and e >= exon.start)
            status = ("callable" if covered >= exon.length else "not callable" if covered == 0
                      else "partially callable")
            result.append(ExonCallability(gene=gene.symbol, exon=exon.number, chrom=gene.chrom, start=exon.start,
                                          end=exon.end, status=status, callable_bases=covered, length=exon.length))
    return result


def interpret(
    vcf: Path,
    *,
    sample: str | None = None,
    build: str = "auto",
    clinvar: Path | None = None,
    gnomad: Path | None = None,
    hpo: Sequence[str] = (),
    diagnosis: str | None = None,
    str_path: Path | None = None,
    sex: str | None = None,
    extra_evidence: Mapping[str, Sequence[Evidence]] | None = None,
    str_sample: str | None = None,
    min_gq: int | None = None,
    min_dp: int | None = None,
    include_filtered: bool = False,
    genes: GeneSelection | None = None,
    reference: Path | None = None,
    transcripts: Path | None = None,
    clinvar_summary: Path | None = None,
    resources: Path | None = None,
    gnomad_coverage: Path | None = None,
    onset_age: float | None = None,
    local_frequencies: Path | None = None,
    str_name: str | None = None,
) -> InterpretationResult:
    """Interpret one sample's VCF/BCF against the ALS panel of the knowledge base.

    ``genes``: restrict the panel (``charcot.genome.panels.select_genes``: --genes, --panel, --bed); the
    genes left out are listed as not examined.

    ``resources``: a bundle built by ``charcot resources build`` (charcot.variants.bundle): its gnomAD, ClinVar,
    reference and transcript files are used unless given one by one, and its version is named in the provenance.
    ``reference`` + ``transcripts``: the reference FASTA and Ensembl GFF3 the VCF was called against; with them
    the REF alleles are checked and variants without an annotation get their consequence and HGVS from
    ``bcftools csq`` (charcot.variants.consequence).

    ``gnomad_coverage``: gnomAD's per-base coverage summary TSV; an allele absent from gnomAD counts as absent (PM2)
    only where it shows gnomAD covered the position (``variants.resources.GnomadCoverage``).

    ``local_frequencies``: the laboratory's own frequency VCF (INFO AF or AC/AN); each finding shows its frequency
    there (``VariantFinding.local_frequency``), which no criterion reads.

    ``onset_age``: the patient's age at symptom onset (years); PP4 for a gene whose ALS form is juvenile (or adult)
    needs it, or an HPO onset term.

    ``str_name``: the repeat-caller file as the user gave it where ``str_path`` is charcot's copy of it ("standard
    input" for a stream), so the repeat notes name it.

    ``hpo``: the patient's HPO terms (checked against the HPO ontology; an unknown id is an InputError).
    ``diagnosis``: the clinical record's diagnosis (free text such as "ALS" or an id such as MONDO:0004976); with
    ``hpo`` it decides PP4 (charcot.acmg.phenotype)."""

    vcf = Path(vcf)
    # An unindexed bgzipped WGS gets a temporary index, built while the rest is prepared.
    prefetch = IndexPrefetch(vcf) if IndexPrefetch.wanted(vcf) else None
    try:
        return _interpret(vcf, prefetch, sample=sample, build=build, clinvar=clinvar, gnomad=gnomad, hpo=hpo,
                          diagnosis=diagnosis, str_path=str_path, str_sample=str_sample, sex=sex,
                          extra_evidence=extra_evidence, min_gq=min_gq, min_dp=min_dp,
                          include_filtered=include_filtered, reference=reference, transcripts=transcripts,
                          clinvar_summary=clinvar_summary, resources=resources, selection=genes,
                          gnomad_coverage=gnomad_coverage, onset_age=onset_age,
                          local_frequencies=local_frequencies, str_name=str_name)
    finally:
        if prefetch is not None:
            prefetch.cleanup()


def _interpret(
    vcf: Path,
    prefetch: IndexPrefetch | None,
    *,
    sample: str | None,
    build: str,
    clinvar: Path | None,
    gnomad: Path | None,
    hpo: Sequence[str],
    diagnosis: str | None,
    str_path: Path | None,
    sex: str | None,
    extra_evidence: Mapping[str, Sequence[Evidence]] | None,
    str_sample: str | None = None,
    min_gq: int | None,
    min_dp: int | None,
    include_filtered: bool,
    selection: GeneSelection | None = None,
    reference: Path | None = None,
    transcripts: Path | None = None,
    clinvar_summary: Path | None = None,
    resources: Path | None = None,
    gnomad_coverage: Path | None = None,
    onset_age: float | None = None,
    local_frequencies: Path | None = None,
    str_name: str | None = None,
) -> InterpretationResult:
    from charcot.knowledge import get_knowledge

    if sex is not None and sex.lower() not in ("male", "female", "m", "f", "unknown"):
        raise InputError(f"unknown sex {sex!r}", hint="use male, female or unknown")
    sex_norm = {"m": "male", "f": "female", "unknown": None}.get((sex or "").lower(), (sex or "").lower() or None)
    hpo_terms = [t.strip().upper() for t in hpo if t.strip()]
    hpo_labels: dict[str, str] = {}
    hpo_release: str | None = None
    if hpo_terms:
        from charcot.acmg.phenotype import check_hpo_terms, ontology_version

        hpo_labels = dict(check_hpo_terms(hpo_terms))  # unknown ids are an error, before any file is read
        hpo_release = ontology_version()
    diagnosis = diagnosis.strip() if diagnosis and diagnosis.strip() else None
    if onset_age is not None and not 0 <= onset_age <= 120:
        raise InputError(f"age at onset {onset_age:g} is not a possible age", hint="give the age in years, e.g. 54")
    kb = get_knowledge()
    genes = kb.genes
    left_out: list[str] = []
    if selection is not None:
        left_out = sorted(g.symbol for g in genes if g.symbol not in selection.symbols)
        genes = [g for g in genes if g.symbol in selection.symbols]
    gene_by_symbol = {g.symbol: g for g in genes}
    clinvar_res: ClinVarResource | None = None
    gnomad_res: GnomadResource | GnomadSet | None = None
    bundle = None
    scores: ScoreResources | None = None
    if resources is not None:
        from charcot.variants.bundle import Bundle

        bundle = Bundle(Path(resources))
        label = f"bundle {bundle.manifest.version}"
        # each file covers exactly the regions its manifest entry names: outside them "not assessed", never absent
        if clinvar is None and (p := bundle.path("clinvar")) is not None:
            from charcot.variants.resources import ClinVarResource

            clinvar_res = ClinVarResource(p, label=f"{p.name} ({label})", build=bundle.build,
                                          regions=bundle.regions_of(p))
        if gnomad is None and bundle.paths("gnomad"):
            from charcot.variants.resources import GnomadResource, GnomadSet

            gnomad_res = GnomadSet([GnomadResource(p, label=f"{p.name} ({label})", build=bundle.build,
                                                   regions=bundle.regions_of(p)) for p in bundle.paths("gnomad")])
        if clinvar_summary is None:
            clinvar_summary = bundle.path("clinvar_summary")
        score_files = {e.kind: bundle.folder / e.file for e in bundle.manifest.resources
                       if e.kind in ("alphamissense", "revel", "cadd", "spliceai")}
        if score_files:
            from charcot.variants.resources import ScoreResources

            scores = ScoreResources(score_files, label)
        if reference is None and transcripts is None:
            reference, transcripts = bundle.path("reference"), bundle.path("transcripts")
    if clinvar is not None or gnomad is not None:
        from charcot.variants.resources import ClinVarResource, GnomadResource

        if clinvar is not None:
            clinvar_res = ClinVarResource(Path(clinvar))
        if gnomad is not None:
            gnomad_res = GnomadResource(Path(gnomad))

    local = None
    if local_frequencies is not None:
        from charcot.variants.resources import LocalFrequencies

        local = LocalFrequencies(Path(local_frequencies))
    coverage = None
    if gnomad_coverage is None and bundle is not None:
        gnomad_coverage = bundle.path("gnomad_coverage")
    if gnomad_coverage is not None:
        from charcot.variants.resources import GnomadCoverage

        declared = bundle.build if bundle is not None and gnomad_coverage == bundle.path("gnomad_coverage") else None
        coverage = GnomadCoverage(Path(gnomad_coverage), build=declared)
    panels: dict[Build, Panel] = {}

    def panel_for(b: Build) -> Panel:
        if b not in panels:
            panels[b] = build_panel(genes, b)
        return panels[b]

    extra = dict(extra_evidence or {})
    memo_ok = (_QUIET_MEMO and clinvar_res is None and gnomad_res is None and scores is None and coverage is None
               and local is None)
    read = read_calls(vcf, panel_for, sample=sample, build=build, sex=sex_norm, min_gq=min_gq, min_dp=min_dp,
                      include_filtered=include_filtered, threads=environ_threads(), prefetch=prefetch)
    panel = panel_for(read.build)
    if bundle is not None and bundle.build != read.build:
        raise InputError(f"the resource bundle is {bundle.build.value} but the patient's VCF is {read.build.value}",
                         path=resources, hint=f"build a {read.build.value} bundle with 'charcot resources build "
                                              f"--build {read.build.value}'")
    for res in (clinvar_res, gnomad_res, local, coverage):
        if res is not None:
            res.check_build(read.build)
    if clinvar_summary is not None:
        if clinvar_res is None:
            raise InputError("a ClinVar variant_summary was given without the ClinVar VCF", path=clinvar_summary,
                             hint="give --clinvar clinvar.vcf.gz too (the summary only adds protein changes)")
        from charcot.variants.clinvar import read_variant_summary

        clinvar_res.protein_changes.update(read_variant_summary(Path(clinvar_summary), read.build.value,
                                                                [g.symbol for g in genes]))
    _resolve_joint_consequences(read)
    _unreached_annotation(read.calls, read.schema.frequency_fields)
    known_kb = known_variants(read.build)
    engine_csq = _engine_consequences(read.calls, known_kb, reference, transcripts, vcf, read.build)
    findings: list[VariantFinding] = []
    memo: _QuietMemo | None = _QuietMemo() if memo_ok else None
    repeated, later = _same_allele_calls(read.calls)
    for i, call in enumerate(read.calls):
        if i in later:
            continue  # the allele of an earlier record again: one finding, which says so (_with_repeats)
        key = variant_key(call.chrom, call.allele)
        for pg in panel.genes_at(call.chrom, call.allele.pos, call.allele.end):
            found = classify_allele(call, key, pg, gene_by_symbol.get(pg.symbol), read.build, sex_norm, hpo_terms,
                                    known_kb, clinvar_res, gnomad_res, extra.get(key, ()), read.schema.annotated,
                                    diagnosis=diagnosis, engine=engine_csq.get(i, ()),
                                    engine_ran=transcripts is not None, scores=scores, memo=memo,
                                    coverage=coverage, onset_age=onset_age, local=local)
            if call.total_reads is not None and (found.reportable or found.classification is None):
                found = _with_reads(found, call)
            if i in repeated:
                found = _with_repeats(found, [call, *repeated[i]], read.build, sex_norm,
                                      gene_by_symbol.get(pg.symbol))
            findings.append(found)
    order = {c: _chrom_order(c) for c in {f.chrom for f in findings}}  # a few dozen names for ~9,000 findings
    findings.sort(key=lambda f: (order[f.chrom], f.pos, f.ref, f.alt, f.gene))

    # the candidates picked once (not once each in _compound_het and _carriers, which pick the same from them; issue 20)
    candidates = [f for f in findings if _compound_het_candidate(f)]
    comphet = _compound_het(candidates, gene_by_symbol, _carriers(read.calls, candidates), sex_norm)
    oligo = _oligogenic(findings)
    not_assessed: list[NotAssessed] = [
        NotAssessed(what="structural variants and copy-number variants (exon deletions/duplications) in ALS genes",
                    reason="a small-variant VCF does not represent them",
                    how_to_assess="run an SV/CNV caller (e.g. Manta, GATK gCNV) and review ALS genes"),
    ]
    sv_genes: set[str] = set()
    for chrom, start, end, alt in read.symbolic:
        hit = sorted({pg.symbol for pg in panel.genes_at(chrom, start, end)})
        sv_genes.update(hit)
        if hit:
            not_assessed.append(NotAssessed(
                what=f"a structural-variant record {alt} at {chrom}:{start}-{end} overlapping {', '.join(hit)}",
                reason="the VCF carries it for this sample, but charcot's small-variant classification does not "
                       "interpret structural variants",
                how_to_assess="review it with an SV/CNV interpretation (ACMG/ClinGen CNV standards, Riggs et al. "
                              "2020) and confirm by an orthogonal method"))
    if read.alternate_loci:
        alternates = read.alternate_loci
        not_assessed.append(NotAssessed(
            what=f"small variants on {len(alternates)} alternate-locus contig(s) of the reference that the VCF has "
                 f"records on: {first_names(alternates)}",
            reason="the ALS genes are examined on the chromosomes only; a read aligner that used the reference's "
                   "alternate loci or patches without ALT-aware processing can place a gene's reads, and so its "
                   "variants, on such a contig instead of the chromosome, where this analysis does not see them",
            how_to_assess="align with ALT-aware mapping (bwa-mem with the reference's .alt file and bwa-postalt, "
                          "DRAGEN) or to an analysis set without ALT contigs, or review the records on these contigs"))
    if left_out:
        not_assessed.append(NotAssessed(
            what=f"{len(left_out)} knowledge-base gene(s) {OUTSIDE_PANEL}: {', '.join(left_out)}",
            reason=f"the analysis was restricted to the {selection.how if selection else 'requested genes'}",
            how_to_assess="re-run without --genes/--panel/--bed to examine every ALS gene"))
    callability: list[ExonCallability] | None = None
    if read.gvcf:
        callable_gq = min_gq if min_gq is not None else DEFAULT_CALLABLE_GQ
        callable_at = _callable_intervals(read.blocks, callable_gq)
        callability = _callability(panel, callable_at)
        missing = [c for c in callability if c.status != "callable"]
        if missing:
            genes_missing = sorted({c.gene for c in missing})
            not_assessed.append(NotAssessed(
                what=f"{len(missing)} panel exon(s) not fully callable in the gVCF (genes: {', '.join(genes_missing)})",
                reason=f"no reference block or call with GQ >= {callable_gq} covers them",
                how_to_assess="review coverage of these exons or confirm by Sanger/targeted sequencing"))
    else:
        not_assessed.append(NotAssessed(
            what="callability of the panel exons",
            reason="the input is not a gVCF: a missing variant cannot be told apart from a region without coverage",
            how_to_assess="give the gVCF (GATK -ERC GVCF, DeepVariant --output_gvcf) to get per-exon callability"))
    covered_genes, not_covered, not_covered_reasons, partly = _genes_covered(panel, read, callability, findings,
                                                                             callable_at if read.gvcf else None)
    excluded = _excluded_calls(panel, read, not_covered_reasons, partly, known_kb)
    # a VCF's genes not covered split by their reason: no record on the chromosome, or outside the span of its records
    not_covered_chrom = [g for g in not_covered if not_covered_reasons[g] == NO_RECORD_ON_CHROMOSOME]
    outside = [g for g in not_covered if not_covered_reasons[g] not in (
        NO_RECORD_ON_CHROMOSOME, NO_CALLABLE_EXON, NO_SAMPLE_CALL, NO_SAMPLE_CALL_IN_GENE)]
    no_sample_call = [g for g in not_covered if not_covered_reasons[g] == NO_SAMPLE_CALL]
    no_call_in_gene = [g for g in not_covered if not_covered_reasons[g] == NO_SAMPLE_CALL_IN_GENE]
    if no_call_in_gene:
        not_assessed.append(NotAssessed(
            what=f"small variants in {len(no_call_in_gene)} panel gene(s): " + first_names(no_call_in_gene),
            reason="the sample has a no-call ('./.') at every one of the VCF's records in "
                   + ("this gene" if len(no_call_in_gene) == 1 else "each of these genes")
                   + ", though it is called elsewhere: no variant there cannot be told apart from a stretch where "
                     "the sample was not genotyped",
            how_to_assess="review the coverage and the variant calling of these genes, or sequence them again "
                          "(targeted sequencing)"))
    if no_sample_call:
        not_assessed.append(NotAssessed(
            what=f"small variants in {len(no_sample_call)} panel gene(s): " + first_names(no_sample_call),
            reason=f"the sample has a no-call ('./.') at every one of the {read.panel_records} records "
                   "in the panel genes: no variant cannot be told apart from a sample that was not genotyped",
            how_to_assess="check that --sample names the patient's column and that the sample passed variant "
                          "calling; give the patient's own VCF"))
    if not_covered and read.gvcf:
        not_assessed.append(NotAssessed(
            what=f"small variants in {len(not_covered)} panel gene(s) with no callable exon in the gVCF: "
                 + first_names(not_covered),
            reason=f"no reference block or call with GQ >= {callable_gq} covers any base of their exons, and the "
                   "sample has no coding or splice-region call in them: no variant there cannot be told apart from no "
                   "coverage",
            how_to_assess="review the coverage of these genes, or sequence them again (targeted sequencing)"))
    if not_covered_chrom:
        chroms = sorted({g.chrom for g in panel.genes if g.symbol in not_covered_chrom}, key=_chrom_order)
        not_assessed.append(NotAssessed(
            what=f"small variants in {len(not_covered_chrom)} panel gene(s) on chromosomes the file has no record on: "
                 + first_names(not_covered_chrom),
            reason=f"the VCF has no record at all on chromosome {', '.join(chroms)} (a file cut to some "
                   "chromosomes or regions): no variant there cannot be told apart from a region the file does "
                   "not cover",
            how_to_assess="give the whole-genome or exome VCF (or the gVCF) from the variant caller"))
    if outside:
        spans = sorted({normalise_contig(g.chrom) for g in panel.genes if g.symbol in outside}, key=_chrom_order)
        not_assessed.append(NotAssessed(
            what=f"small variants in {len(outside)} panel gene(s) outside the stretch of their chromosome that the "
                 "file's records span: " + first_names(outside),
            reason="the VCF's records span only " + "; ".join(
                f"{read.spans[c][0]:,}-{read.spans[c][1]:,} on chromosome {c}" for c in spans)
                   + " (a file cut to a region or holding records around a few genes): no variant outside that "
                     "stretch cannot be told apart from a region the file does not cover; variants read inside it "
                     "are reported",
            how_to_assess="give the whole-genome or exome VCF (or the gVCF) from the variant caller"))
    # a gene's partial sentence may hold several kinds (span, no-calls, calls left out: PARTLY_KINDS); each kind's
    # item quotes its own part
    parts = {g: partly_parts(why) for g, why in partly.items()}
    span_part = {g: p[OUTSIDE_SPAN_PREFIX] for g, p in parts.items() if OUTSIDE_SPAN_PREFIX in p}
    no_call_part = {g: p[NO_CALL_SITES_PREFIX] for g, p in parts.items() if NO_CALL_SITES_PREFIX in p}
    excluded_part = {g: p[EXCLUDED_CALLS_PREFIX] for g, p in parts.items() if EXCLUDED_CALLS_PREFIX in p}
    if span_part:
        not_assessed.append(NotAssessed(
            what="the part outside the span of the file's records of " + first_names(sorted(span_part)),
            reason="; ".join(span_part[g] for g in sorted(span_part)) + ". Each is assessed on its part inside the "
                   "span; no variant in the part outside cannot be told apart from a region the file does not cover",
            how_to_assess="give the whole-genome or exome VCF (or the gVCF) from the variant caller"))
    if no_call_part:
        not_assessed.append(NotAssessed(
            what="the positions of " + first_names(sorted(no_call_part)) + " where the sample has a no-call",
            reason="; ".join(no_call_part[g] for g in sorted(no_call_part)) + ". Each gene is assessed at its "
                   "called records only",
            how_to_assess="review the coverage and the variant calling at these positions, or confirm by Sanger or "
                          "targeted sequencing"))
    if excluded_part:
        not_assessed.append(NotAssessed(
            what="the positions of " + first_names(sorted(excluded_part)) + " where the sample's call was left out "
                 "(its FILTER, below the GQ/DP thresholds, or a half-call)",
            reason="; ".join(excluded_part[g] for g in sorted(excluded_part)) + ". Each gene is assessed at its other "
                   "records only",
            how_to_assess="review these calls (FILTER, GQ, depth, the reads); `charcot interpret --include-filtered` "
                          "classifies filtered calls, lower --min-gq/--min-dp keep the others; confirm any variant "
                          "kept by Sanger or targeted sequencing"))
    if not read.schema.annotated and transcripts is None:
        not_assessed.append(NotAssessed(
            what="variant consequences (HGVS, missense/truncating effect) of variants the knowledge base does not list",
            reason="the VCF carries no VEP CSQ, SnpEff ANN or bcftools BCSQ annotation and no reference FASTA + "
                   "transcript models were given",
            how_to_assess=HOW_TO_GET_CONSEQUENCES))
    unknown = [f for f in findings if f.classification is None]
    if unknown:
        # each variant's own reason: an annotated VCF is never said to have no annotation (its entry may have been
        # refused: an unknown term, an annotator's error, another isoform only; or it has none for the allele)
        whys = [(f, _why_not_classified(f)) for f in unknown]
        reasons = [f"{f.gene} {f.key}: {why}" for f, why in whys if why is not None]
        rest = [f for f, why in whys if why is None]
        if rest:
            reasons.append(
                (f"{first_names(sorted(f'{f.gene} {f.key}' for f in rest))}: "
                 if reasons else "")
                + ("the VCF's annotation gives no consequence for the allele on the gene's reference transcript"
                   if read.schema.annotated else "no annotation in the VCF")
                + ", no knowledge-base entry for the allele"
                + (", and the engine gave no consequence on the gene (or the reference FASTA does not "
                   "cover the position)" if transcripts is not None
                   else ", and no reference FASTA + transcript models were given to compute it"))
        not_assessed.append(NotAssessed(
            what=f"{len(unknown)} variant(s) not classified (consequence unknown) in "
                 f"{', '.join(sorted({f.gene for f in unknown}))}",
            reason="; ".join(reasons),
            how_to_assess=HOW_TO_GET_CONSEQUENCES))
    if not read.schema.frequency_fields and gnomad_res is None:
        not_assessed.append(NotAssessed(
            what="population allele frequency (BA1, BS1, PM2)",
            reason="no gnomAD annotation in the VCF and no --gnomad resource",
            how_to_assess="pass --gnomad gnomad.sites.vcf.gz (tabix-indexed) or annotate with VEP --af_gnomade"))
    uncovered = sorted({f.gene for f in findings if f.frequencies.not_covered is not None})
    if uncovered:
        # every distinct reason, each with its own remedy: a position the data do not cover, or a multi-allelic
        # record whose frequency fields give one value for several ALTs (annotation._frequencies)
        reasons = list(dict.fromkeys(f.frequencies.not_covered for f in findings
                                     if f.frequencies.not_covered is not None))
        remedies = []
        if any(ONE_VALUE_FOR_ALTS not in r for r in reasons if r):
            remedies.append("give a gnomAD file (or resource bundle) that covers these chromosomes" if bundle is None
                            else "give the gnomAD file itself with --gnomad, or rebuild the bundle with a wider "
                                 "--gnomad-padding ('charcot resources build'; the bundle keeps gnomAD near the panel "
                                 "exons only)")
        if any(ONE_VALUE_FOR_ALTS in r for r in reasons if r):
            remedies.append("split multi-allelic records (bcftools norm -m-) before annotating, or annotate with "
                            "per-allele (Number=A) fields")
        not_assessed.append(NotAssessed(
            what=f"population frequency (BA1, BS1, PM2) of the variants in {', '.join(uncovered)}",
            reason="the population data consulted cannot speak for them (" + "; ".join(r for r in reasons if r) + ")",
            how_to_assess="; or ".join(remedies)))
    clinvar_consulted = clinvar_res is not None or bool(read.schema.clinvar_fields)
    if not clinvar_consulted:
        not_assessed.append(NotAssessed(
            what="ClinVar assertions for the variants found",
            reason="no ClinVar file or resource bundle was given and the VCF carries no ClinVar annotation (CLNSIG); "
                   "ClinVar is shown for reference only, and PS1/PM5 drew on the knowledge base alone",
            how_to_assess="give ClinVar's clinvar.vcf.gz of the patient's build with its index (--clinvar), or a "
                          "resource bundle made from it (--resources)"))
    no_clinvar = [f for f in findings if f.clinvar_not_covered is not None]
    if no_clinvar:
        not_assessed.append(NotAssessed(
            what="ClinVar assertions (and PS1/PM5 from ClinVar) for the variants in "
                 + ", ".join(sorted({f.gene for f in no_clinvar})),
            reason="the ClinVar file given does not cover their position ("
                   + "; ".join(dict.fromkeys(f.clinvar_not_covered or "" for f in no_clinvar)) + ")",
            how_to_assess="give ClinVar's full clinvar.vcf.gz of the patient's build (or a resource bundle made from it) "
                          "with its index"))
    repeats = _repeats(str_path, read.build, sex_norm, patient=read.sample, str_sample=str_sample, name=str_name)
    for item in getattr(repeats, "not_assessed", None) or []:
        if isinstance(item, NotAssessed) and item not in not_assessed:
            not_assessed.append(item)

    inputs = {"vcf": str(vcf)}
    if bundle is not None:
        inputs["resources"] = str(bundle.folder / "manifest.json")
    if clinvar is not None:
        inputs["clinvar"] = str(clinvar)
    if gnomad is not None:
        inputs["gnomad"] = str(gnomad)
    if gnomad_coverage is not None:
        inputs["gnomad_coverage"] = str(gnomad_coverage)
    if local_frequencies is not None:
        inputs["local_frequencies"] = str(local_frequencies)
    if str_path is not None:
        inputs["str"] = str(str_path)
    reading = ReadingSummary(
        records_read=read.records_read, panel_records=read.panel_records,
        alleles_considered=read.alleles_considered, filtered_out=read.filtered_out,
        unfiltered_calls=sum(1 for c in read.calls if c.filter == FILTER_NOT_APPLIED),
        below_quality=read.below_quality, no_call=read.no_call, reference_blocks=len(read.blocks),
        not_left_aligned=read.not_left_aligned, indexed=read.indexed, temporary_index=read.temporary_index,
        index_note=read.index_note, gvcf=read.gvcf,
        annotation_sources=read.schema.sources)
    return InterpretationResult(
        sample=read.sample, build=read.build.value, sex=sex_norm, hpo=hpo_terms, hpo_labels=hpo_labels,
        hpo_release=hpo_release, diagnosis=diagnosis, input=str(vcf),
        status="not_assessed" if not covered_genes else "partial" if not_covered else "assessed",
        genes_assessed=covered_genes, genes_not_covered=not_covered, not_covered_reasons=not_covered_reasons,
        genes_partly_covered=partly, excluded_calls=excluded,
        clinvar_consulted=clinvar_consulted,
        genes_with_structural_records=sorted(sv_genes & set(covered_genes)), records_read=read.records_read,
        findings=findings, compound_heterozygous=comphet,
        oligogenic=oligo, callability=callability, not_assessed=not_assessed, repeats=repeats, reading=reading,
        provenance=_with_releases(provenance(inputs, resource_bundle=bundle.describe() if bundle is not None else None)))


# A chromosome's panel alleles of which none has a gnomAD value in the VCF's own annotation, from this many on: the
# annotation did not reach them (see _unreached_annotation)
UNREACHED_ANNOTATION_CALLS = 5


def _unreached_annotation(calls: Sequence[Call], fields: Sequence[str]) -> None:
    """Where the VCF's gnomAD annotation (INFO fields added by bcftools annotate or vcfanno, or VEP --custom fields)
    gives no value to any of a chromosome's panel alleles, though there are at least ``UNREACHED_ANNOTATION_CALLS``
    of them, the annotation did not reach that chromosome: a gnomAD file of other chromosomes, or chromosome names
    that did not match ("chr21" against "21": bcftools annotate and vcfanno then annotate nothing, silently). A
    person carries common gnomAD alleles in every gene, so an empty field there is not "absent from gnomAD": those
    alleles' population frequency is not assessed (no PM2), said with the reason. Changes the calls' annotation in
    place."""
    if not fields:
        return
    counts: dict[str, int] = {}
    reached: set[str] = set()
    for call in calls:
        counts[call.chrom] = counts.get(call.chrom, 0) + 1
        freq = call.annotation.frequencies
        if freq.present or freq.filtered is not None:
            reached.add(call.chrom)
    unreached = {c for c, n in counts.items() if n >= UNREACHED_ANNOTATION_CALLS and c not in reached}
    for call in calls:
        freq = call.annotation.frequencies
        if call.chrom in unreached and freq.searched and freq.not_covered is None:
            why = (f"the VCF's gnomAD annotation ({', '.join(fields[:3])}) gives no value to any of its "
                   f"{counts[call.chrom]} alleles in the panel genes on chromosome {call.chrom}, which a person's "
                   "common variants would have: the annotation did not reach this chromosome (a gnomAD file of other "
                   "chromosomes, or chromosome names such as 'chr21' and '21' that did not match)")
            call.annotation = dataclasses.replace(call.annotation, frequencies=freq.model_copy(update={
                "searched": False, "not_covered": why, "source": None}))


def _with_releases(prov: Provenance) -> Provenance:
    """The provenance with each resource file's release (ClinVar fileDate, gnomAD version), so the findings say which
    releases the assertions and frequencies come from (a bundle's are in ``resource_bundle``)."""
    from charcot.variants.bundle import release_label, vcf_release_label

    for i in prov.inputs:
        if i.role in ("clinvar", "gnomad", "local_frequencies", "gnomad_coverage"):
            label = vcf_release_label(Path(i.path)) if i.role != "gnomad_coverage" else release_label(Path(i.path))
            i.release = "not stated in the file" if label == "unknown" else label
    return prov


def _repeats(str_path: Path | None, build: Build, sex: str | None, *,
             patient: str | None = None, str_sample: str | None = None, name: str | None = None) -> Any:
    """The repeat-caller file's calls for the VCF's sample (``patient``): a file whose sample is another name is
    refused unless ``str_sample`` (--str-sample) names it."""
    if str_path is None and str_sample is not None:
        raise InputError("--str-sample names a sample of the repeat-caller file, but no --str file was given",
                         hint="give the repeat-caller file with --str, or leave out --str-sample")
    if str_path is None:
        # the placeholder alone: without --str the repeat-caller readers are not imported (issue 20)
        from charcot.repeats.none_given import not_assessed as repeats_not_assessed

        return repeats_not_assessed()
    from charcot.repeats import api as repeats_api

    return repeats_api.assess_repeats(Path(str_path), sample=str_sample, build=build, sex=sex,
                                      patient={"the VCF's sample": patient}, name=name)


# Findings of "quiet" alleles are made once per kind (issue 20). A whole genome has about 9,000 calls in the panel
# genes' spans, nearly all intronic or flanking and unannotated; classifying each from scratch took most of the run.
# An allele is quiet when nothing about it can depend on which allele it is: no annotated or computed consequence,
# no knowledge-base entry for it, no ClinVar/gnomAD/score resource and no population frequency, no extra
# evidence, and not at a canonical splice site (PVS1's gene exceptions may name variants). Every criterion then sees
# the same inputs for two quiet alleles of one gene, location, zygosity, filter and annotation fields, so the first
# such allele is classified in full (classify_allele) and the others copy its finding with their own identity and
# genotype. tests/variants/test_quiet_memo.py compares this with the full path on real VCFs.
_QUIET_MEMO = True
_SPLICE_SITE = (Region.SPLICE_DONOR, Region.SPLICE_ACCEPTOR)


def _quiet_signature(call: Call, key: str, pg: PanelGene, gene: GeneRecord | None, build: Build, sex: str | None,
                     hpo: Sequence[str], known_kb: Sequence[KnownVariant], extra: Sequence[Evidence],
                     annotated: bool, diagnosis: str | None, engine: Sequence[TranscriptConsequence],
                     engine_ran: bool, memo: _QuietMemo) -> tuple[tuple[Any, ...], GenePosition] | None:
    """(what a quiet allele's finding depends on besides the allele itself, its position in the gene), or None when the
    allele is not quiet."""
    ann = call.annotation
    if ann.consequences or engine or extra or ann.clinvar is not None or ann.clinvar_unattributed or \
            ann.frequencies.present or \
            key in _KnownIndex.of(known_kb).by_key:
        return None
    place = _place(pg, call.allele, memo)
    if place is None:
        return None
    where, position = place
    return (id(pg), id(gene), where, _zygosity(call, build, sex), call.filter, call_quality_flag(call),
            call.not_left_aligned, call.opposite_deletion, *_field_values(ann.frequencies, ann.predictors), annotated,
            engine_ran, build, sex, tuple(hpo), diagnosis, id(known_kb)), position


# Off the exons, a quiet allele's finding depends on its location only through the region, the intron number (the
# position's words) and which side of BP7's +7/-21 bounds it is on: every allele deeper than this in one intron, or
# wholly before the first or after the last exon, has the same (issue 20: most of a genome's panel alleles)
_DEEP = max(8, BP7_DONOR_MIN, BP7_ACCEPTOR_MIN) + 2


def _place(pg: PanelGene, allele: Allele, memo: _QuietMemo) -> tuple[tuple[Any, ...], GenePosition] | None:
    """(what a quiet allele's finding reads of its location, its GenePosition), or None at a canonical splice site
    (remembered in ``memo`` for the deep-intronic and flanking places, by gene and stretch between two exons)."""
    stretch = None
    starts = pg.exon_starts
    if starts:
        exons = pg.exons
        lo, hi = allele.pos, max(allele.end, allele.pos + 1)  # a pure insertion also touches the next base
        i = bisect.bisect_right(starts, lo) - 1
        if i < 0:
            stretch = -1 if hi < starts[0] - _DEEP else None
        elif lo > exons[i].end + _DEEP and (hi < starts[i + 1] - _DEEP if i + 1 < len(starts) else True):
            stretch = i
        if stretch is not None:
            found = memo.places.get((id(pg), stretch))
            if found is not None:
                return found
    location = pg.locate_allele(allele)
    if location.region in _SPLICE_SITE:
        return None
    # the intron number is left out: off the canonical splice sites no criterion reads it (only the position does,
    # and _quiet_finding sets that per allele); of the intronic offset BP7 reads only which side of +7/-21 it is on
    where = (location.region, location.exon, location.exon_count, location.last_exon, location.nmd_escape,
             location.skipped_exon_length, location.skipped_exon_number, location.notes,
             near_splice_site(location.intron_offset))
    place = where, memo.position(pg, location)
    if stretch is not None:
        memo.places[(id(pg), stretch)] = place
    return place


_VALUES: tuple[Any, Any, tuple[tuple[Any, ...], tuple[Any, ...]]] = (None, None, ((), ()))


def _field_values(frequencies: Any, predictors: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The field values of an allele's frequency and predictor objects (an unannotated file's alleles share one of
    each, so the last pair asked is remembered; issue 20)."""
    global _VALUES
    last = _VALUES
    if last[0] is frequencies and last[1] is predictors:
        return last[2]
    values = (tuple(frequencies.__dict__.values()), tuple(predictors.__dict__.values()))
    _VALUES = (frequencies, predictors, values)
    return values


def _gene_position(pg: PanelGene, location: Location) -> GenePosition:
    return GenePosition(transcript=pg.transcript, region=location.region.value, description=pg.describe(location),
                        exon=location.exon, intron=location.intron, exon_count=location.exon_count,
                        nmd_escape=location.nmd_escape)


class _QuietMemo:
    """One run's memo of quiet findings (by _quiet_signature) and of gene positions (by gene and location: the
    findings of one position share one GenePosition, as copies share their template's other sub-objects)."""

    def __init__(self) -> None:
        self.findings: dict[tuple[Any, ...], VariantFinding] = {}
        self.positions: dict[tuple[Any, ...], GenePosition] = {}
        self.places: dict[tuple[int, int], tuple[tuple[Any, ...], GenePosition]] = {}

    def position(self, pg: PanelGene, location: Location) -> GenePosition:
        # keyed by what _gene_position reads (region, exon, intron, exon count, NMD escape): the intronic offset, which
        # makes nearly every intronic Location distinct, is not among them (issue 20: one GenePosition per intron)
        key = (id(pg), location.region, location.exon, location.intron, location.exon_count, location.nmd_escape)
        found = self.positions.get(key)
        if found is None:
            found = self.positions[key] = _gene_position(pg, location)
        return found


# every field of Location but the intron number (and the offset, as near_splice_site) is in a quiet signature (a new
# field must be added there)
assert {f.name for f in dataclasses.fields(Location)} == {
    "region", "exon", "intron", "exon_count", "last_exon", "nmd_escape", "skipped_exon_length",
    "skipped_exon_number", "notes", "intron_offset"}, "update _quiet_signature's 'where' for the new Location field"


def _quiet_finding(template: VariantFinding, call: Call, key: str, pg: PanelGene, position: GenePosition,
                   memo: _QuietMemo) -> VariantFinding:
    """``template``'s finding for another quiet allele of the same kind (see _quiet_signature): what
    ``template.model_copy(update=...)`` makes (a shallow copy, the per-allele fields replaced, no validation), without
    its generic overhead (issue 20: ~8,600 copies in a genome)."""
    allele = call.allele
    data = template.__dict__.copy()
    # item by item: a third faster than data.update(key=..., ...), which builds a keyword dict first
    data["key"] = key
    data["chrom"] = call.chrom
    data["pos"] = allele.pos
    data["ref"] = allele.ref
    data["alt"] = allele.alt
    data["genotype"] = call.genotype
    data["phased"] = call.phased
    data["phase_set"] = call.phase_set
    data["genotype_quality"] = call.gq
    data["depth"] = call.dp
    data["evidence"] = list(template.evidence)
    data["notes"] = list(template.notes)
    data["position"] = position
    copied = VariantFinding.__new__(VariantFinding)
    _set = object.__setattr__
    _set(copied, "__dict__", data)
    _set(copied, "__pydantic_extra__", None)  # extra="forbid"
    _set(copied, "__pydantic_fields_set__", template.__pydantic_fields_set__ | _QUIET_UPDATED)
    _set(copied, "__pydantic_private__", None)
    return copied


_QUIET_UPDATED = frozenset(("key", "chrom", "pos", "ref", "alt", "genotype", "phased", "phase_set", "genotype_quality",
                            "depth", "evidence", "notes", "position"))


def classify_allele(call: Call, key: str, pg: PanelGene, gene: GeneRecord | None, build: Build, sex: str | None,
                    hpo: Sequence[str], known_kb: Sequence[KnownVariant], clinvar_res: ClinVarResource | None,
                    gnomad_res: GnomadResource | GnomadSet | None, extra: Sequence[Evidence], annotated: bool,
                    diagnosis: str | None = None, engine: Sequence[TranscriptConsequence] = (),
                    engine_ran: bool = False, scores: ScoreResources | None = None,
                    memo: _QuietMemo | None = None,
                    coverage: GnomadCoverage | None = None, onset_age: float | None = None,
                    local: LocalFrequencies | None = None) -> VariantFinding:
    """Annotate and classify one allele of one call in one panel gene: the single place a finding is made,
    used by ``interpret`` for a patient and by the cohort P/LP step for each site.

    ``memo``: one dict per run, given only when no ClinVar/gnomAD/score resource is used; quiet alleles (see
    ``_quiet_signature``) then reuse the finding of the first allele of their kind."""
    if memo is not None and scores is None:
        quiet = _quiet_signature(call, key, pg, gene, build, sex, hpo, known_kb, extra, annotated, diagnosis, engine,
                                 engine_ran, memo)
        if quiet is not None:
            sig, position = quiet
            template = memo.findings.get(sig)
            if template is not None:
                return _quiet_finding(template, call, key, pg, position, memo)
            memo.findings[sig] = finding = classify_allele(call, key, pg, gene, build, sex, hpo, known_kb, None, None, extra,
                                                  annotated, diagnosis=diagnosis, engine=engine, engine_ran=engine_ran,
                                                  onset_age=onset_age)
            return finding
    ann = call.annotation
    predictors = ann.predictors
    if scores is not None:
        # the VCF's own scores first; the bundle fills in the ones it lacks
        more = scores.predictors(call.chrom, call.vcf_pos, call.vcf_ref, call.vcf_alt)
        if more.source is not None:
            p = predictors
            predictors = Predictors(
                revel=p.revel if p.revel is not None else more.revel,
                cadd_phred=p.cadd_phred if p.cadd_phred is not None else more.cadd_phred,
                spliceai_max=p.spliceai_max if p.spliceai_max is not None else more.spliceai_max,
                alphamissense=p.alphamissense if p.alphamissense is not None else more.alphamissense,
                source=", ".join(s for s in (p.source, more.source) if s))
    preferred = _preferred_transcripts(gene, pg)
    previous = list(gene.previous_symbols) if gene is not None else []
    # sources in order: the VCF's own annotation, the knowledge base's curated HGVS for this exact allele, the engine
    picked = pick_consequence(ann.consequences, pg.symbol, preferred, previous)
    location = pg.locate_allele(call.allele)
    off_transcript: list[TranscriptConsequence] = []
    if picked is None and preferred:
        # the annotation gives the gene's consequence only on other transcripts than its reference (MANE Select)
        # one: another isoform's word (a stop gained on a minor isoform) is not the gene's, so the consequence on the
        # reference transcript is unknown (the engine or the knowledge base may still give it, below)
        off_transcript = [c for c in on_gene(ann.consequences, pg.symbol, preferred, previous) if c.transcript]
    elif picked is not None and not picked.mane_select and not picked.canonical and not picked.untrusted and \
            location.region not in _NOT_CODING_PLACES and not _reportable(picked.consequences, Region.UNKNOWN, None, None):
        # a gene without a known reference transcript: the annotation names only another transcript (a retained
        # intron, a non-coding isoform), on which the allele is not coding, while it lies in an exon or splice site of
        # the gene's canonical transcript: it says nothing of the transcript that matters (never a quiet "intronic")
        off_transcript, picked = [picked], None
    untrusted: TranscriptConsequence | None = None
    if picked is not None and picked.untrusted:
        # the annotator's own message makes the entry unfit as evidence (a SnpEff ERROR, its REF not matching
        # SnpEff's genome; a bcftools csq consequence downstream of a stop on the same haplotype, or a pointer to a
        # joint consequence not found): consequence unknown, never the entry's word
        untrusted, picked = picked, None
    unrecognised: TranscriptConsequence | None = None
    if picked is not None and (not picked.consequences or not all(t in _SEVERITY_RANK for t in picked.consequences)):
        # an entry whose consequence field is empty, or holds a term the classifier does not know (a SnpEff
        # 'exon_loss_variant', an SV's 'feature_truncation'), alone or beside known ones ('exon_loss_variant&
        # splice_region_variant'): the known words are not the whole consequence, so it is unknown
        unrecognised, picked = picked, None
    kb_index = _KnownIndex.of(known_kb)
    exact = next((k for k in kb_index.by_key.get(key, ()) if k.gene.upper() == pg.symbol.upper()), None)
    if picked is None and exact is not None:
        picked = _kb_consequence(exact, gene)
    if picked is None and engine:
        picked = pick_consequence(engine, pg.symbol, preferred, previous)
    notes: list[str] = []
    consequences: list[str] | None = None
    if picked is not None and picked.source != "VEP CSQ" and picked.source != "SnpEff ANN" and \
            picked.source != "bcftools BCSQ":
        consequences = picked.consequences
        if picked.source == ENGINE and not picked.mane_select:
            notes.append(f"MANE Select transcript not in the transcript models; {picked.transcript} used")
    elif picked is not None:
        consequences = picked.consequences
        if picked.mane_select:
            other = _other_version(picked.transcript, preferred)
            if other is not None:
                notes.append(f"annotated on {picked.transcript}, another version of the reference transcript {other}: "
                             f"its exons may differ, so the HGVS and consequence may not be those on {other}; "
                             f"re-annotate with a release carrying {other} to be sure")
        elif picked.canonical:
            notes.append(f"no reference transcript known for {pg.symbol}; the annotation's canonical "
                         f"{picked.transcript} used")
        else:
            notes.append(f"no reference transcript known for {pg.symbol} and none marked canonical in the annotation; "
                         f"{picked.transcript} used")
        if picked.joint_with:
            notes.append(f"bcftools csq consequence ({', '.join(picked.consequences)}) given jointly with "
                         f"{picked.joint_with} on the same haplotype (haplotype-aware: the changes act together)")
        if picked.incomplete_transcript:
            notes.append(f"{picked.incomplete_transcript} for {picked.transcript}: a truncation or length change read "
                         "on it is not used as evidence (no PVS1/PM4)")
    if picked is None and untrusted is not None:
        notes.append(f"the annotation's entry for {untrusted.transcript or pg.symbol} is not used: "
                     f"{untrusted.untrusted}: consequence unknown")
    elif picked is None and off_transcript:
        shown = ", ".join(f"{c.transcript} ({'&'.join(c.consequences) or 'no consequence'})" for c in off_transcript[:4])
        others = f" and {len(off_transcript) - 4} more" if len(off_transcript) > 4 else ""
        ref_tx = next((t for t in preferred if t), None)
        notes.append(f"the annotation gives {pg.symbol} only on {shown}{others}, not on its reference transcript"
                     + (f" ({', '.join(t for t in preferred if t)})" if ref_tx else "")
                     + f", on which the allele lies in {pg.symbol} {location.region.value.replace('_', ' ')}: "
                       "consequence unknown on the reference transcript")
    elif picked is not None:
        pass
    elif engine_ran:
        elsewhere = [c for c in on_gene(engine, pg.symbol, preferred, previous) if c.transcript]
        notes.append(f"bcftools csq gave no consequence on {pg.symbol}'s reference transcript for this allele"
                     + (f" (only on {', '.join(str(c.transcript) for c in elsewhere[:4])}: the transcript models lack "
                        "the reference transcript)" if elsewhere else "") + ": consequence unknown")
    elif unrecognised is not None:
        notes.append(f"the annotation's consequence for {unrecognised.transcript or pg.symbol} is "
                     + (f"'{'&'.join(unrecognised.consequences)}', holding "
                        f"{', '.join(repr(t) for t in _unknown_terms(unrecognised))}, a term charcot does not classify"
                        if unrecognised.consequences else "empty") + ": consequence unknown")
    elif annotated:
        notes.append(f"the annotation has no consequence on {pg.symbol} for this allele: consequence unknown")
    else:
        notes.append("consequence unknown (VCF not annotated; position from the exon table)")
    frequencies = ann.frequencies
    if gnomad_res is not None:
        # the gnomAD file carries FAF95 and allele numbers; an annotation in the VCF is used only where the file
        # does not cover the position
        from_resource = gnomad_res.frequencies(call.chrom, call.allele, (pg.symbol, pg.start, pg.end))
        if from_resource.not_covered is None or not (frequencies.present or frequencies.searched):
            # the annotation's non-gnomAD population data (PM2 only) stay; gnomAD files never carry any, so the
            # copy (about 12 us an allele) is made only when there is something to keep
            frequencies = from_resource if frequencies.other_max_af is None else from_resource.model_copy(
                update={"other_max_af": frequencies.other_max_af, "other_source": frequencies.other_source})
    if frequencies.searched and not frequencies.present and frequencies.dataset == "exomes" and \
            location.region in (Region.INTRON, Region.UPSTREAM, Region.DOWNSTREAM, Region.UNKNOWN):
        # absence from gnomAD exomes says nothing about a position outside the exome capture
        frequencies = frequencies.model_copy(update={
            "searched": False, "not_covered": "only gnomAD exome data were consulted and exome sequencing does not "
                                              f"cover this {location.region.value} position"})
    if coverage is not None and frequencies.searched and not frequencies.present:
        # absent from gnomAD: absent only where gnomAD's own coverage shows it could have seen the allele
        ok, said = coverage.covered(call.chrom, call.allele.pos, call.allele.end)
        frequencies = frequencies.model_copy(update={"coverage": said} if ok else {"searched": False,
                                                                                    "not_covered": said})
    clinvar = ann.clinvar
    known: list[KnownVariant] = list(kb_index.by_gene.get(pg.symbol.upper(), ()))
    clinvar_searched = None
    # the VCF's ClinVar field gives one value for the record's several ALTs: not assessed (unless a file says more)
    clinvar_not_covered = ann.clinvar_unattributed
    if clinvar_res is not None:
        # a ClinVar file that cannot speak for the position (a subset, a file of other chromosomes) leaves the allele
        # not assessed there: never "not in ClinVar", and PS1/PM5 cannot draw on ClinVar for it
        clinvar_not_covered = clinvar_res.not_covered(call.chrom, call.allele.pos, call.allele.end)
        if clinvar_not_covered is None:
            clinvar_searched = clinvar_res.label
            hit = clinvar_res.assertion(call.chrom, call.allele)
            if hit is not None:
                clinvar = hit
        for rec in clinvar_res.nearby(call.chrom, call.allele.pos, pg.symbol, preferred=preferred):
            k = variant_key(rec["chrom"], rec["allele"])
            known.append(KnownVariant(key=k, gene=pg.symbol, hgvs_p=rec["hgvs_p"],
                                      classification=rec["significance"], source="ClinVar resource",
                                      stars=rec["stars"], record_id=rec["variation_id"], splice=rec["splice"]))
    ctx = VariantContext(
        key=key, chrom=call.chrom, allele=call.allele, gene_symbol=pg.symbol, gene=gene, location=location,
        consequences=consequences, hgvs_p=picked.hgvs_p if picked else None,
        protein_position=picked.protein_position if picked else None,
        protein_length=picked.protein_length if picked else None, frequencies=frequencies,
        predictors=predictors, known=known, hpo=hpo, diagnosis=diagnosis, onset_age=onset_age,
        known_hgvs_p=(_kb_entry(known_kb, key) or {}).get("hgvs_p"),
        exact_known=next(iter(kb_index.by_key.get(key, ())), None), panel_gene=pg,
        transcript_warning=picked.incomplete_transcript if picked is not None else None)
    result = evaluate(ctx, extra)
    classification: AcmgClass | None = result.classification
    not_classified = None
    if consequences is None and location.region in _CODON_DEPENDENT and \
            not any(e.applied and e.criterion == "BA1" for e in result.evidence):
        # in an exon the effect depends on the codon (missense, stop, synonymous, UTR): without a consequence PVS1,
        # PS1/PM5, PM4, PP3/BP4 and BP7 cannot be judged, so a VUS would be a guess. Canonical splice sites and
        # intronic positions are placed by the exon table and keep their class.
        classification = None
        not_classified = f"not classified (consequence unknown): {HOW_TO_GET_CONSEQUENCES}"
    # the annotation's own entry was refused (an annotator error, a consequence downstream of a stop) or it spoke only
    # of other isoforms, with a coding word there: whatever the exon table says of the place, the effect is unknown
    refused = consequences is None and (untrusted is not None or bool(unrecognised and unrecognised.consequences)
                                        or any(_reportable(c.consequences, Region.UNKNOWN, None, None)
                                               for c in off_transcript))
    if refused and not any(e.applied and e.criterion == "BA1" for e in result.evidence):
        classification = None
        why = (untrusted.untrusted if untrusted is not None else
               f"the annotation's consequence '{'&'.join(unrecognised.consequences)}' holds a term charcot does not "
               f"classify ({', '.join(_unknown_terms(unrecognised))})" if unrecognised is not None else
               "the annotation gives the consequence only on other transcripts than the gene's reference transcript")
        not_classified = f"{REFUSED_PREFIX}{why}{REFUSED_REMEDY}"
    discordance = clinvar_discordance(classification, clinvar)
    notes += ctx.notes
    if call.not_left_aligned:
        notes.append("this indel is not left-aligned (it can shift left); normalise with 'bcftools norm -f REF.fa' "
                     "so it matches databases")
    if call.filter == FILTER_NOT_APPLIED:
        notes.append("FILTER '.': the caller's filters were not applied to this record (kept; it is not a PASS call)")
    elif call.filter != "PASS":
        notes.append(f"FILTER={call.filter}: included because filtered records were requested")
    if gene is None:
        notes.append(f"{pg.symbol} has no curated record in the knowledge base")
    if clinvar is not None:
        notes.append("ClinVar's assertion is shown for reference and not counted as evidence (PP5/BP6 retired)")
    elif clinvar_not_covered is not None:
        notes.append(f"ClinVar not assessed for this variant: {clinvar_not_covered}; PS1/PM5 could use the knowledge "
                     "base only")
    zyg, zyg_note = _zygosity(call, build, sex)
    if zyg_note is not None:
        notes.append(zyg_note)
    if call.opposite_deletion:
        notes.append(f"the genotype's other allele is '*' ({call.genotype}): this position is deleted on the other "
                     "chromosome by a deletion written in its own record, so this allele is the position's only copy; "
                     "read it together with that deletion")
    position = _gene_position(pg, location)
    applied = ", ".join(label(e) for e in result.evidence if e.applied) or "none"
    notes.append(f"criteria applied: {applied}")
    return VariantFinding(
        key=key, chrom=call.chrom, pos=call.allele.pos, ref=call.allele.ref, alt=call.allele.alt, build=build.value,
        gene=pg.symbol, transcript=picked.transcript if picked else pg.transcript,
        hgvs_c=picked.hgvs_c if picked else None, hgvs_p=picked.hgvs_p if picked else None,
        consequence=consequences, consequence_source=picked.source if picked else None, position=position,
        reportable=refused or _reportable(consequences, location.region, predictors.spliceai_max, classification),
        genotype=call.genotype, phased=call.phased, phase_set=call.phase_set, zygosity=zyg,
        genotype_quality=call.gq, depth=call.dp, filter=call.filter,
        frequencies=frequencies if isinstance(frequencies, Frequencies) else Frequencies(),
        predictors=predictors, clinvar=clinvar, clinvar_searched=clinvar_searched,
        clinvar_not_covered=clinvar_not_covered if clinvar is None else None, known_variant=_kb_entry(known_kb, key),
        local_frequency=local.lookup(call.chrom, call.allele) if local is not None else None,
        risk_allele=result.risk_allele, evidence=result.evidence,
        points=result.points, classification=classification, not_classified=not_classified,
        clinvar_discordance=discordance,
        inheritance=_inheritance(gene, zyg, sex), notes=notes, call_quality_flag=call_quality_flag(call))



def call_quality_flag(call: Call) -> str | None:
    """Why a kept call (FILTER PASS or not applied, above any --min-gq) needs confirming: the caller's own QUAL or GQ
    says it is less than 99 % sure of it; None otherwise. A run without --min-gq kept a GQ 3 call silently."""
    said = []
    if call.qual is not None and call.qual < MIN_QUAL:
        said.append(f"QUAL {call.qual:g} (below {MIN_QUAL:g}: the caller is less than 99 % sure the variant is present)")
    if call.gq is not None and call.gq < MIN_GQ:
        said.append(f"GQ {call.gq} (below {MIN_GQ}: the caller is less than 99 % sure of the genotype)")
    parts = ["low-confidence call, " + " and ".join(said)] if said else []
    if call.filter == FILTER_NOT_APPLIED:
        parts.append("unfiltered call, FILTER '.' (the caller's filters were not applied to it)")
    if not parts:
        return None
    return "; ".join(parts) + ": check the reads and confirm it by an orthogonal method"


def _qualifies(f: VariantFinding) -> bool:
    # not classified (consequence unknown) stays a candidate: it may be anything from benign to pathogenic
    return f.reportable and (f.classification is None or f.classification in (
        AcmgClass.PATHOGENIC, AcmgClass.LIKELY_PATHOGENIC, AcmgClass.VUS))


class _Carrier(NamedTuple):
    record: tuple[str, int, str, str]  # the VCF record it came from: CHROM, POS, REF, genotype
    haplotypes: tuple[int, ...]  # the haplotypes carrying this ALT
    ploidy: int


def _carriers(calls: Sequence[Call], findings: Sequence[VariantFinding] | None = None) -> dict[str, _Carrier]:
    """Per variant key: the record it came from (CHROM, POS, REF, genotype), the haplotypes carrying this ALT
    and the ploidy. A finding's genotype text is the record's (``1|2``), which alone cannot say which
    haplotype carries which ALT of a multi-allelic record. With ``findings``: only the calls of those that can be
    compound heterozygous candidates (the keys ``_compound_het`` asks; a genome has ~9,000 calls, issue 20)."""
    if findings is not None:
        wanted = {(f.chrom, f.pos) for f in findings if _compound_het_candidate(f)}
        calls = [c for c in calls if (c.chrom, c.allele.pos) in wanted]
    out: dict[str, _Carrier] = {}
    for c in calls:  # an allele written by two records: the first, whose finding is reported (_same_allele_calls)
        out.setdefault(variant_key(c.chrom, c.allele),
                       _Carrier((c.chrom, c.vcf_pos, c.vcf_ref, c.genotype), c.haplotypes, c.ploidy))
    return out


def _haplotypes(f: VariantFinding) -> set[int]:
    return {k for k, x in enumerate(f.genotype.split("|")) if x not in ("0", ".")}


def _phase(a: VariantFinding, b: VariantFinding,
           carriers: Mapping[str, _Carrier]) -> str:
    ca, cb = carriers.get(a.key), carriers.get(b.key)
    if ca is not None and cb is not None and ca.record == cb.record and ca.ploidy == 2 and \
            len(ca.haplotypes) == len(cb.haplotypes) == 1:
        # two ALTs of one diploid genotype (1/2, 1|2), one copy each: on different chromosomes, phased or not
        return "in trans (phased genotypes)" if a.phased else "in trans (one genotype with both alleles)"
    if a.phased and b.phased and a.phase_set == b.phase_set:
        ia = set(ca.haplotypes) if ca is not None else _haplotypes(a)
        ib = set(cb.haplotypes) if cb is not None else _haplotypes(b)
        return "in cis (phased genotypes)" if ia & ib else "in trans (phased genotypes)"
    if ca is not None and cb is not None and ca.ploidy == cb.ploidy == 2 and \
            len(ca.haplotypes) == len(cb.haplotypes) == 1 and _changed_bases(a) & _changed_bases(b):
        # a chromosome cannot both lose a base and carry a change of it (an SNV inside a deletion, written '1/*'
        # or '0/1'): one copy of each in a diploid genotype puts them on different chromosomes
        return "in trans (the two changes overlap)"
    return "phase unknown"


def _changed_bases(f: VariantFinding) -> set[int]:
    """The reference positions a (trimmed) allele changes: a deletion's after its anchor base, none for an insertion
    (it lies between two bases), every REF base of a substitution or delins."""
    ref, alt = f.ref, f.alt
    if len(ref) > 1 and len(alt) == 1 and ref[0] == alt[0]:
        return set(range(f.pos + 1, f.pos + len(ref)))
    if len(ref) == 1 and len(alt) > 1 and ref[0] == alt[0]:
        return set()
    return set(range(f.pos, f.pos + len(ref)))


def _compound_het_candidate(f: VariantFinding) -> bool:
    """A finding that can be one of two hits of a recessive gene (``_compound_het``; ``_carriers`` keeps their calls)."""
    return _qualifies(f) and f.zygosity == Zygosity.HETEROZYGOUS


def _compound_het(findings: Sequence[VariantFinding], genes: Mapping[str, GeneRecord],
                  carriers: Mapping[str, _Carrier] | None = None, sex: str | None = None,
                  ) -> list[CompoundHetCandidate]:
    """Pairs of heterozygous hits in a recessive gene: AR or SD, and X-linked recessive unless the patient is male
    (a woman has two X chromosomes, so two hits in trans are biallelic as in an autosome; a man's heterozygous X calls
    are a genotype to check, ``_zygosity``)."""
    carriers = carriers or {}
    recessive = {"AR", "SD"} if (sex or "").lower() in ("male", "m") else {"AR", "SD", "XLR"}
    by_gene: dict[str, list[VariantFinding]] = defaultdict(list)
    for f in findings:
        if _compound_het_candidate(f):
            by_gene[f.gene].append(f)
    out: list[CompoundHetCandidate] = []
    for symbol, hits in sorted(by_gene.items()):
        g = genes.get(symbol)
        modes = {m.value for m in g.inheritance} if g is not None else set()
        if not modes & recessive or len(hits) < 2:
            continue
        for i in range(len(hits)):
            for j in range(i + 1, len(hits)):
                a, b = hits[i], hits[j]
                phase = _phase(a, b, carriers)
                note = (f"two heterozygous variants in {symbol} ({', '.join(sorted(modes))}): "
                        + ("consistent with recessive disease" if phase.startswith("in trans")
                           else "not a second hit (same chromosome)" if phase.startswith("in cis")
                           else "test the parents (or read-backed phasing) to establish whether they are in trans"))
                out.append(CompoundHetCandidate(gene=symbol, variants=[a.key, b.key], phase=phase, note=note))
    return out


def _oligogenic(findings: Sequence[VariantFinding]) -> OligogenicSummary:
    hits = [f for f in findings if _qualifies(f)]
    genes = sorted({f.gene for f in hits})
    unannotated = sum(1 for f in hits if f.consequence is None)
    if len(genes) > 1:
        note = (f"{len(hits)} P/LP/VUS or unclassified variant(s) in {len(genes)} ALS genes ({', '.join(genes)}). Carrying variants "
                "in more than one ALS gene is reported in about 4-13 % of patients and has been linked to earlier "
                "onset; the combined effect is not established and each variant is judged on its own evidence.")
        if unannotated:
            note += f" {unannotated} of them are not classified (consequence unknown), which inflates this count."
    elif genes:
        note = f"P/LP/VUS variants in one ALS gene only ({genes[0]})."
    else:
        note = "no P/LP/VUS variant in the ALS genes assessed."
    return OligogenicSummary(genes=genes, variants=[f.key for f in hits], oligogenic=len(genes) > 1, note=note)


TSV_COLUMNS = ["sample", "key", "gene", "transcript", "hgvs_c", "hgvs_p", "consequence", "position", "zygosity",
               "genotype", "gq", "dp", "alt_reads", "total_reads", "filter", "gnomad_af", "gnomad_grpmax_af", "gnomad_faf95", "revel",
               "cadd_phred", "spliceai_max", "clinvar", "clinvar_stars", "criteria", "points", "classification",
               "risk_allele", "inheritance", "notes"]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return text.replace("\t", " ").replace("\n", " ")


def to_tsv(result: InterpretationResult) -> str:
    lines = ["\t".join(TSV_COLUMNS)]
    for f in result.findings:
        row = [result.sample, f.key, f.gene, f.transcript, f.hgvs_c, f.hgvs_p,
               "&".join(f.consequence) if f.consequence else "unknown (see notes)", f.position.description,
               f.zygosity.value, f.genotype, f.genotype_quality, f.depth, f.allele_reads, f.total_reads, f.filter,
               f.frequencies.af,
               f.frequencies.grpmax_af, f.frequencies.faf95, f.predictors.revel, f.predictors.cadd_phred,
               f.predictors.spliceai_max, f.clinvar.significance if f.clinvar else None,
               f.clinvar.stars if f.clinvar else None,
               ",".join(label(e) for e in f.evidence if e.applied), f"{f.points:g}",
               f.classification.value if f.classification is not None else "not classified (consequence unknown)",
               f.risk_allele.category if f.risk_allele is not None else None,
               f.inheritance.summary,
               "; ".join([*f.notes, *([f.allele_balance_flag] if f.allele_balance_flag else []),
                          *([f.call_quality_flag] if f.call_quality_flag else [])])]
        lines.append("\t".join(_cell(c) for c in row))
    return "\n".join(lines) + "\n"


def to_json(result: InterpretationResult) -> str:
    """The findings JSON (format 2: reportable findings in full, the others as a table; read it back with
    ``charcot.variants.findings_json.load``)."""
    from charcot.variants.findings_json import dump

    return dump(result)


__all__ = ["InterpretationResult", "VariantFinding", "interpret", "most_severe", "to_json", "to_tsv"]
