"""Interpret repeat sizes against the knowledge base's per-source thresholds.

Rules (clinical safety: never more certain than the evidence):
* an allele sized from spanning, long or fragment reads gets the category of the default set's range only where its
  confidence interval establishes it: an interval reaching another category, or a size the record gives with no
  interval and no read type (a genotype-only record), follows the cited interval policy (interval_policy.yaml:
  indeterminate, the categories the interval allows named, the confirmatory test recommended);
* an allele supported only by flanking, in-repeat or fragment evidence is longer than the reads can show:
  it is "expanded, at least N" (N = lower confidence bound) once N is beyond the normal range, normal only
  when its whole confidence interval is normal, and indeterminate otherwise;
* every source's classification is kept; in words, only the sources that differ from the default are
  named (an allele every source calls normal gets the default verdict alone);
* where a source measured ALS risk at an allele's length (per-length odds ratios), the allele says so;
* genotype rules look at both alleles together (bi-allelic intermediate ATXN2);
* anything not normal carries the locus's confirmation recommendation.
"""

from __future__ import annotations

from charcot.knowledge.schema.repeats import Record as Locus
from charcot.knowledge.schema.repeats import RepeatCategory, SizeRange, ThresholdSet
from charcot.model import Confidence
from charcot.repeats.model import (
    SEVERITY,
    AlleleCall,
    AlleleCategory,
    GenotypeFinding,
    LengthRiskNote,
    LocusCall,
    SourceClassification,
    SupportType,
)
from charcot.repeats.readers import RawAllele, RawCall

LOWER_BOUND_SUPPORT = (SupportType.FLANKING, SupportType.IN_REPEAT, SupportType.FRAGMENT)
_STRANGER_STATUS = {"normal": "normal", "pre_mutation": "intermediate", "full_mutation": "pathogenic"}
_WORDS = {
    "normal": "normal", "intermediate": "intermediate", "risk_allele": "risk allele",
    "reduced_penetrance": "reduced penetrance", "pathogenic": "pathogenic",
    "expanded_at_least_n": "expanded", "indeterminate": "indeterminate",
}


def category_words(value: str | None) -> str:
    """A repeat category or locus role as a clinician reads it ('risk_allele' -> 'risk allele')."""
    if value is None:
        return "not classified"
    return _WORDS.get(value, value.replace("_", " "))


def _normal_max(tset: ThresholdSet) -> int | None:
    values = [r.max for r in tset.ranges if r.category == RepeatCategory.NORMAL and r.max is not None]
    return max(values) if values else None


def _classify_all(locus: Locus, size: int, at_least: int | None) -> list[SourceClassification]:
    out = []
    for tset in locus.threshold_sets:
        rng = tset.classify_at_least(at_least) if at_least is not None else tset.classify(size)
        out.append(SourceClassification(
            set_id=tset.id, label=tset.label, context=tset.context,
            category=rng.category.value if rng else None, range=rng.render() if rng else None,
            range_label=rng.label if rng else None, range_sources=list(rng.sources) if rng else [],
            thresholds=tset.describe(), sources=list(tset.sources), confidence=tset.confidence.value,
            is_default=tset.id == locus.default_set, comparison=tset.comparison))
    return out


def _stranger_classification(annotation: dict[str, str], size: int, at_least: int | None) -> SourceClassification | None:
    normal_max, pathologic_min = annotation.get("STR_NORMAL_MAX"), annotation.get("STR_PATHOLOGIC_MIN")
    if not (normal_max and pathologic_min and normal_max.isdigit() and pathologic_min.isdigit()):
        return None
    nmax, pmin = int(normal_max), int(pathologic_min)
    value = at_least if at_least is not None else size
    if value >= pmin:
        category: str | None = "pathogenic"
    elif at_least is not None:
        category = None
    elif value <= nmax:
        category = "normal"
    else:
        category = "intermediate"
    disease = annotation.get("Disease", "")
    return SourceClassification(
        set_id="file_stranger_annotation", label=f"Stranger annotation in the input file{f' ({disease})' if disease else ''}",
        context=disease or "as annotated", category=category,
        thresholds=f"normal ≤{nmax}; premutation {nmax + 1}–{pmin - 1}; full mutation ≥{pmin}",
        sources=[], confidence="unverified")


def interpret_allele(locus: Locus, raw: RawAllele, annotation: dict[str, str]) -> AlleleCall:
    default = locus.default
    low, high = raw.ci if raw.ci else (raw.size, raw.size)
    low, high = min(low, raw.size), max(high, raw.size)
    call = AlleleCall(size=raw.size, ci_low=raw.ci[0] if raw.ci else None, ci_high=raw.ci[1] if raw.ci else None,
                      support=raw.support, reads=raw.reads, length_bp=raw.length_bp,
                      category=AlleleCategory.INDETERMINATE)
    at_least: int | None = None
    policy_reason: str | None = None  # the interval policy's words when it made the allele indeterminate
    if raw.support in LOWER_BOUND_SUPPORT:
        normal_max = _normal_max(default)
        low_rng, high_rng = default.classify(low), default.classify(high)
        # without the caller's confidence interval a lower-bound size has no upper end: never normal
        if raw.ci is not None and low_rng is not None and low_rng == high_rng \
                and low_rng.category == RepeatCategory.NORMAL:
            call.category = AlleleCategory.NORMAL
            call.default_category = RepeatCategory.NORMAL.value
        elif normal_max is not None and low > normal_max:
            at_least = low
            call.lower_bound_only = True
            call.at_least = low
            rng = default.classify_at_least(low)
            call.default_category = rng.category.value if rng else None
            # "expanded" only when every size from N up is in one category; a lower bound short of it (at least 27
            # where 24-30 is intermediate and ≥31 pathogenic) may be either: the reads cannot tell which
            call.category = AlleleCategory.EXPANDED_AT_LEAST_N if rng is not None else AlleleCategory.INDETERMINATE
        else:
            call.category = AlleleCategory.INDETERMINATE
            call.at_least = low
    else:
        rng = default.classify(raw.size)
        call.category = AlleleCategory(rng.category.value) if rng else AlleleCategory.INDETERMINATE
        call.default_category = rng.category.value if rng else None
        low_rng, high_rng = default.classify(low), default.classify(high)
        call.ci_crosses_threshold = low_rng != high_rng
        policy_reason = _interval_policy(call, raw, default, rng, low_rng, high_rng, low, high)
    if at_least is None and raw.support not in LOWER_BOUND_SUPPORT and policy_reason is None:
        risk = locus.length_risk(raw.size)
        if risk is not None:
            call.length_risk = LengthRiskNote(
                text=risk.text, odds_ratio=risk.odds_ratio, ci_low=risk.ci_low, ci_high=risk.ci_high,
                significant=risk.significant, sources=list(risk.sources),
                unverified=risk.confidence is Confidence.UNVERIFIED)
    call.classifications = _classify_all(locus, raw.size, at_least)
    band = next((c for c in call.classifications if c.is_default and c.category is not None), None)
    if band is not None and band.range_sources:
        call.default_band, call.default_band_sources = band.range_label, list(band.range_sources)
    extra = _stranger_classification(annotation, raw.size, at_least)
    if extra is not None:
        call.classifications.append(extra)
    call.summary = (f"{_size_text(call)} repeats: indeterminate ({policy_reason})" if policy_reason is not None
                    else allele_summary(call, locus))
    return call


def _interval_policy(call: AlleleCall, raw: RawAllele, default: ThresholdSet, rng: SizeRange | None,
                     low_rng: SizeRange | None, high_rng: SizeRange | None, low: int, high: int) -> str | None:
    """Apply the interval policy (``interval_policy.yaml``) to an allele sized from spanning, long or fragment reads:
    a category stands only where the caller's interval establishes it. Returns the rule's words when it makes the
    allele indeterminate (``call`` changed in place), None when the estimate's category stands."""
    from charcot.repeats.policy import interval_rules

    if raw.ci is None and raw.support is SupportType.UNKNOWN:
        rule_id = "no_interval_no_read_type"  # a size the record names, no interval, no read type: not weighable
    elif not call.ci_crosses_threshold:
        return None
    elif rng is not None and rng.category == RepeatCategory.NORMAL:
        rule_id = "normal_estimate_interval_beyond_normal"
    elif low_rng is None or low_rng.category == RepeatCategory.NORMAL:
        rule_id = "expanded_estimate_interval_reaches_normal"
    else:
        rule_id = "interval_spans_categories_beyond_normal"
    rule = interval_rules()[rule_id]
    if not rule.indeterminate:
        return None
    # the categories of the default set the interval holds, from its low end to its far end
    spanned = [r for r in default.ranges if (r.max is None or r.max >= low) and (r.min is None or r.min <= high)]
    words = [_WORDS.get(r.category.value, r.category.value) for r in spanned]
    call.category = AlleleCategory.INDETERMINATE
    return rule.words(estimate=_WORDS.get(rng.category.value, rng.category.value) if rng else "no category",
                      categories=" or ".join(dict.fromkeys(words)) or "without a category",
                      reach=_WORDS.get(high_rng.category.value, high_rng.category.value) if high_rng
                      else "sizes without a category", thresholds=default.label)


def _size_text(call: AlleleCall) -> str:
    if call.lower_bound_only:
        return f"at least {call.at_least}"
    text = str(call.size)
    if call.ci_low is not None and call.ci_high is not None and (call.ci_low, call.ci_high) != (call.size, call.size):
        text += f" (CI {call.ci_low}–{call.ci_high})"
    return text


def allele_summary(call: AlleleCall, locus: Locus) -> str:
    default = locus.default
    if call.category == AlleleCategory.EXPANDED_AT_LEAST_N:
        meaning = (f"{_WORDS[call.default_category]} under {default.label}" if call.default_category
                   else f"sizes from {call.at_least} up span several categories of {default.label}")
        text = (f"expanded, at least {call.at_least} repeats ({call.support.words} reads only; the true size "
                f"cannot be measured from these reads): {meaning}")
    elif call.category == AlleleCategory.INDETERMINATE and call.lower_bound_only:
        spanned = [r.category.value for r in default.ranges if r.max is None or r.max >= (call.at_least or 0)]
        text = (f"beyond normal, at least {call.at_least} repeats ({call.support.words} reads only; the true size "
                f"cannot be measured from these reads): indeterminate — sizes from {call.at_least} up are "
                f"{' or '.join(dict.fromkeys(_WORDS.get(c, c) for c in spanned))} under {default.label}")
    elif call.category == AlleleCategory.INDETERMINATE and call.at_least is not None:
        why = (f"the confidence interval spans categories of {default.label}" if call.ci_low is not None
               else "the caller gave no confidence interval, and these reads show only a lower bound")
        text = (f"{call.size} repeats estimated from {call.support.words} reads, at least {call.at_least}: "
                f"indeterminate ({why})")
    elif call.category == AlleleCategory.INDETERMINATE:
        text = f"{_size_text(call)} repeats: indeterminate (falls where {default.label} defines no category)"
    else:
        text = f"{_size_text(call)} repeats: {_WORDS[call.category.value]} under {default.label}"
        if call.default_band and call.category != AlleleCategory.NORMAL:
            text += f" — {call.default_band}"
        if call.ci_crosses_threshold:
            text += " (the confidence interval crosses a threshold)"
    if call.length_risk is not None and call.category != AlleleCategory.NORMAL:
        text += f" — at {call.size} repeats: {call.length_risk.text}"
    return text


def differing(allele: AlleleCall) -> list[SourceClassification]:
    """The sources whose category for this allele differs from the default set's."""
    default = next((c.category for c in allele.classifications if c.is_default), None)
    return [c for c in allele.classifications if not c.is_default and c.category != default]


def _disagreement(alleles: list[AlleleCall]) -> str | None:
    """Only the sources that differ from the default, grouped by their category, per allele (an allele
    every source agrees on is not mentioned; a homozygous genotype is described once)."""
    parts: list[str] = []
    for allele in alleles:
        groups: dict[str, list[str]] = {}
        for item in differing(allele):
            key = item.category or "not classified"
            groups.setdefault(key, []).append(item.label)
        if groups:
            desc = "; ".join(f"{_WORDS.get(k, k)} under {', '.join(v)}" for k, v in groups.items())
            part = f"{_size_text(allele)}: {desc}"
            if part not in parts:
                parts.append(part)
    return " | ".join(parts) if parts else None


def _genotype_findings(locus: Locus, alleles: list[AlleleCall]) -> list[GenotypeFinding]:
    """Rules on both alleles together; only established sizes count (a lower-bound allele is not sized, and an
    indeterminate one - its interval crossing a threshold, or no interval at all - has no size to count)."""
    if len(alleles) != 2 or any(a.lower_bound_only or a.support in LOWER_BOUND_SUPPORT
                                or a.category == AlleleCategory.INDETERMINATE for a in alleles):
        return []
    sizes = [a.size for a in alleles]
    return [GenotypeFinding(rule_id=rule.id, label=rule.label, category=AlleleCategory(rule.category.value),
                            finding=rule.finding, sources=list(rule.sources),
                            unverified=rule.confidence is Confidence.UNVERIFIED, unverified_note=rule.confidence_note)
            for rule in locus.genotype_rules if rule.matches(sizes)]


def _stranger_status_note(raw: RawCall, alleles: list[AlleleCall]) -> str | None:
    """Stranger's own verdict in the file (STR_STATUS on the sample's ALT alleles) when it is not what the sizes read
    here give under the same file's limits (Stranger counted other sizes: the ALT's <STRn>, TRGT's motif count over the
    caller's region, another sample's allele); None when they agree or the file states no status."""
    stated = [s for s in raw.stranger_status if s in _STRANGER_STATUS]
    if not stated:
        return None
    file_sets = [c for a in alleles for c in a.classifications if c.set_id == "file_stranger_annotation"]
    ours = [c.category for c in file_sets]
    worst_stated = max(stated, key=lambda s: SEVERITY[AlleleCategory(_STRANGER_STATUS[s])])
    if not ours or any(c is None for c in ours):
        return None  # no limits in the file, or a lower-bound size they cannot place: nothing to compare
    worst_ours = max((AlleleCategory(c) for c in ours if c is not None), key=lambda c: SEVERITY[c])
    if AlleleCategory(_STRANGER_STATUS[worst_stated]) == worst_ours:
        return None
    limits = file_sets[0].thresholds  # the file's own limits, as _stranger_classification states them
    sizes = "/".join(_size_text(a) for a in alleles)
    return (f"the file's Stranger annotation says STR_STATUS={','.join(dict.fromkeys(stated))}, but the sizes read here "
            f"({sizes}) are {_WORDS[worst_ours.value]} under the file's own limits ({limits}): Stranger counted other "
            "sizes (the ALT alleles' <STRn>, TRGT's motif count over the caller's region, or another sample's allele); "
            "check the sizes before relying on either")


def interpret_locus(locus: Locus, raw: RawCall, sex: str | None, sex_source: str | None) -> LocusCall:
    warnings = list(raw.warnings)
    alleles_raw = raw.called
    sex_note = None
    impossible_in_male = False  # two different X alleles in a male: wrong sex, contamination or the caller's setting
    if locus.x_linked:
        if sex == "male":
            if len(alleles_raw) == 2:
                if alleles_raw[0].size != alleles_raw[1].size:
                    impossible_in_male = True
                    warnings.append(
                        f"two different {locus.gene} alleles ({alleles_raw[0].size} and {alleles_raw[1].size}) were "
                        "called in a male, who has one X chromosome: check the sample's sex, contamination or the "
                        "caller's sex setting")
                else:
                    warnings.append(f"diploid {locus.gene} genotype in a male (caller run without the sample's sex?); "
                                    "interpreted as one allele")
                    alleles_raw = alleles_raw[:1]
            sex_note = (f"male ({sex_source}): one X chromosome, one {locus.gene} allele; the Kennedy disease "
                        "(SBMA) interpretation applies")
        elif sex == "female":
            sex_note = (f"female ({sex_source}): Kennedy disease (SBMA) affects males; in a female an expanded "
                        f"{locus.gene} allele means carrier status, not a diagnosis")
        else:
            haploid = len(raw.alleles) == 1
            sex_note = ("sex not given: Kennedy disease (SBMA) interpretation applies to males, and to females only "
                        "as carrier status; give --sex"
                        + (" (the caller wrote a haploid call, as it does for a male sample)" if haploid else ""))
    alleles = [interpret_allele(locus, a, raw.annotation) for a in alleles_raw]
    findings = _genotype_findings(locus, alleles)
    category = max([*(a.category for a in alleles), *(f.category for f in findings)], key=lambda c: SEVERITY[c],
                   default=AlleleCategory.INDETERMINATE)
    # a genotype with an uncalled allele ('1/.', REPCN '2/.') where the person has two copies: the missing allele is
    # the one that may be expanded (callers fail on long alleles), so the known ones cannot make the locus normal
    two_copies = not (locus.x_linked and sex == "male")
    # a haploid call ('1', REPCN '2') at an autosomal locus sized one of the person's two alleles: the other is as
    # unknown as in '1/.'. An X-linked locus keeps the caller's ploidy unless the person is stated female: a haploid X
    # call in a woman (the caller run with a male ploidy, or the sex is wrong) sized one of her two X alleles only
    copies = 2 if not locus.x_linked or sex == "female" else len(raw.alleles)
    uncalled = max(len(raw.alleles), copies) - len(raw.called)
    # the longer indeterminate allele says why (it is the one that may be an expansion)
    why_indeterminate = max(((a.size, a.summary) for a in alleles if a.category == AlleleCategory.INDETERMINATE),
                            default=(0, None))[1]
    if uncalled and two_copies and SEVERITY[category] < SEVERITY[AlleleCategory.PATHOGENIC]:
        warnings.append(f"{'one allele was' if uncalled == 1 else 'the alleles were'} not called (genotype "
                        f"{raw.genotype}): its size is unknown and may be an expansion; size the locus again"
                        + (" (a haploid call on chromosome X in a female: the caller was run with a male ploidy, "
                           "or the stated sex is wrong)" if locus.x_linked and len(raw.alleles) == 1 else ""))
        if category == AlleleCategory.NORMAL:
            category = AlleleCategory.INDETERMINATE
            why_indeterminate = warnings[-1]
    elif raw.dropout and two_copies and len(alleles) == 2 and alleles[0].size == alleles[1].size \
            and category == AlleleCategory.NORMAL:
        # an apparently homozygous call where Strdrop saw a coverage drop: the one size seen may be both alleles,
        # or one allele while the other (an expansion too long or GC-rich for the reads) dropped out
        warnings.append("apparently homozygous, but Strdrop reports possible allele dropout: the second allele may be "
                        "an expansion the reads did not show; size the locus by another method")
        category = AlleleCategory.INDETERMINATE
        why_indeterminate = warnings[-1]
    if raw.conflicting:
        warnings.append(f"the file has {len(raw.conflicting)} records of this locus for the sample with different "
                        f"genotypes ({'; '.join(raw.conflicting)}): the one with the longest allele is shown; the file "
                        "cannot say which is right; size the locus again")
        if SEVERITY[category] < SEVERITY[AlleleCategory.PATHOGENIC]:
            category = AlleleCategory.INDETERMINATE
            why_indeterminate = warnings[-1]
    stranger_note = _stranger_status_note(raw, alleles)
    if stranger_note is not None:
        warnings.append(stranger_note)
        if category == AlleleCategory.NORMAL and any(
                SEVERITY[AlleleCategory(_STRANGER_STATUS[s])] > SEVERITY[AlleleCategory.NORMAL]
                for s in raw.stranger_status if s in _STRANGER_STATUS):
            category = AlleleCategory.INDETERMINATE
            why_indeterminate = stranger_note
    disagreement = _disagreement(alleles)
    # Categories the default set gives may differ from other sources: that is what 'sources_disagree' flags.
    confidence = "high"
    allele_worst = max((SEVERITY[a.category] for a in alleles), default=-1)
    # a verdict raised only by a genotype rule marked unverified is never called with high confidence
    raised_by_unverified = any(f.unverified and SEVERITY[f.category] > allele_worst for f in findings)
    if any(a.ci_crosses_threshold or a.support in LOWER_BOUND_SUPPORT for a in alleles) or disagreement \
            or raised_by_unverified or stranger_note is not None:
        confidence = "moderate"
    if category == AlleleCategory.INDETERMINATE or (raw.filter not in (None, "PASS")) or (uncalled and two_copies) \
            or raw.conflicting or impossible_in_male:
        confidence = "low"
    if raw.filter not in (None, "PASS"):
        warnings.append(f"the caller flagged this call: FILTER={raw.filter}")
    recommendation = None
    if category != AlleleCategory.NORMAL:
        recommendation = locus.confirmation
        if any(a.lower_bound_only for a in alleles):
            recommendation = locus.short_read_note + " " + locus.confirmation
    default = locus.default
    # the genotype keeps the caller's ploidy on X (a haploid call is what the report's identity check reads as male)
    padding = uncalled if two_copies and not (locus.x_linked and len(raw.alleles) == 1) else 0
    genotype = "/".join([*(_size_text(a) if a.lower_bound_only else str(a.size) for a in alleles),
                         *(["not called"] * padding)]) or raw.genotype
    head = f"{locus.gene} {locus.display_motif} repeat: {genotype}"
    if len(alleles) == 1 and locus.x_linked and category not in (AlleleCategory.NORMAL, AlleleCategory.INDETERMINATE) \
            and sex == "female":
        head += " (carrier status)"
    if len(alleles) == 2 and alleles[0].summary == alleles[1].summary:
        detail = f"both alleles {alleles[0].summary}"
    else:
        detail = "; ".join(a.summary for a in alleles) if alleles else "no alleles called"
    if raw.filter not in (None, "PASS"):
        # the caller's own flag travels with the call wherever this text goes alone (phenopacket, FHIR note)
        head += f" (the caller flagged this call: FILTER={raw.filter}; {confidence} confidence)"
    if category == AlleleCategory.INDETERMINATE:
        # the locus's verdict before its alleles' categories: 'AR CAG repeat: 27. 27 repeats: normal' would read as
        # a normal locus wherever this text goes alone (the phenopacket's description, the FHIR note)
        why = (why_indeterminate or detail).rstrip(".")
        head += f". Indeterminate (not assessed): {why[:1].lower()}{why[1:]}"
    if category == AlleleCategory.NORMAL and not disagreement:
        summary = f"{head}. {detail}."  # unambiguous: every source agrees, the default verdict says it all
    else:
        summary = f"{head}. {detail}. Default thresholds: {default.label} ({default.describe()})."
    for finding in findings:
        summary += (f" Genotype: {finding.finding}"
                    f"{' (unverified: ' + finding.unverified_note.strip() + ')' if finding.unverified and finding.unverified_note else ''}")
        if not summary.endswith("."):
            summary += "."
    if disagreement:
        summary += f" Other sources differ — {disagreement}."
    if sex_note:
        summary += f" {sex_note[0].upper()}{sex_note[1:]}."
    if recommendation:
        summary += f" Recommendation: {recommendation}"
    return LocusCall(
        locus_id=locus.id, gene=locus.gene, display_motif=locus.display_motif, role=locus.role.value,
        diseases=list(locus.diseases), chrom=raw.chrom, start=raw.start, end=raw.end, caller_locus_id=raw.locus_name,
        genotype=genotype, filter=raw.filter, alleles=alleles, category=category, genotype_findings=findings,
        default_set=default.id,
        default_label=default.label, default_sources=list(default.sources), sources_disagree=disagreement is not None,
        disagreement=disagreement, confidence=confidence, recommendation=recommendation, sex_note=sex_note,
        warnings=warnings, summary=summary,
        indeterminate_reason=(why_indeterminate or detail) if category == AlleleCategory.INDETERMINATE else None)
