"""Public API of charcot.repeats (called by interpret/report/cohort code).

* ``assess_repeats(path, sample=None, build=None, sex=None) -> RepeatAssessment``
* ``not_assessed() -> RepeatAssessment``  (what every output says when no repeat data was given)
* ``read_repeat_cohort(path, build=None, sexes=None) -> RepeatCohort``  (per-sample, per-locus calls)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from charcot.errors import InputError
from charcot.genome.builds import detect_build, parse_build
from charcot.knowledge import get_knowledge
from charcot.knowledge.schema.repeats import Record as Locus
from charcot.model import AssessmentStatus, Build, NotAssessed
from charcot.repeats.interpret import LOWER_BOUND_SUPPORT, interpret_locus
from charcot.repeats.model import AlleleCategory, LocusCall, RepeatAssessment, RepeatCohort
from charcot.repeats.none_given import HOW_TO_ASSESS, NOT_ASSESSED_PHRASE
from charcot.repeats.none_given import not_assessed as not_assessed  # the public name (module docstring)
from charcot.repeats.readers import (
    Interval,
    RawAllele,
    RawCall,
    StrFile,
    parse_sample,
    read_str_file,
    units_over_region,
)

# Boundary distance (bp) within which a record is taken to be the same locus as a knowledge-base region.
MAX_BOUNDARY_DISTANCE = 60


def _loci() -> list[Locus]:
    return get_knowledge().typed("repeats", Locus)


def _regions(locus: Locus, build: Build) -> list[tuple[str, int, int]]:
    out = []
    coords = locus.coords(build)
    if coords is not None:
        out.append((coords.chrom, coords.start, coords.end))
    for per_build in locus.other_regions.values():
        other = per_build.get(build)
        if other is not None:
            out.append((other.chrom, other.start, other.end))
    return out


def _wanted(loci: list[Locus]) -> list[Interval]:
    return [region for locus in loci for build in Build for region in _regions(locus, build)]


def match_locus(chrom: str, start: int, end: int, loci: list[Locus], build: Build) -> tuple[Locus, int] | None:
    """The knowledge-base locus a caller's repeat interval (1-based inclusive) denotes, with the boundary
    distance to the closest catalog region; None when no region overlaps it by half its length."""
    best: tuple[Locus, int] | None = None
    for locus in loci:
        for r_chrom, r_start, r_end in _regions(locus, build):
            if r_chrom != chrom:
                continue
            overlap = min(end, r_end) - max(start, r_start) + 1
            shorter = min(end - start + 1, r_end - r_start + 1)
            distance = abs(start - r_start) + abs(end - r_end)
            if overlap >= max(1, shorter // 2) and distance <= MAX_BOUNDARY_DISTANCE and (best is None or distance < best[1]):
                best = (locus, distance)
    return best


def _intervals(sf: StrFile) -> list[tuple[str, int, int, str | None]]:
    if sf.json_calls is not None:
        return [(c.chrom, c.start, c.end, c.locus_name) for calls in sf.json_calls.values() for c in calls]
    out = []
    for rec in sf.records:
        from charcot.repeats.readers import _record_interval

        start, end = _record_interval(sf.caller, rec.chrom, rec.pos, rec.ref, rec.info)
        out.append((rec.chrom, start, end, rec.info.get("REPID") or rec.info.get("VARID") or rec.info.get("TRID")
                    or (rec.ident if rec.ident not in (".", "") else None)))
    return out


# how a build warning of _choose_build begins when the repeat positions fit the other build (_assessment names it as
# the reason a locus has no record)
_MISFIT = "the repeat positions fit"


def _choose_build(sf: StrFile, loci: list[Locus], build: str | Build | None,
                  fallback: tuple[str | Build, str] | None = None) -> tuple[Build | None, str | None, list[str]]:
    """The file's genome build: ``build`` as the user gave it, else the header's contig lengths, else the repeat
    positions; ``fallback`` (a build and where it comes from, e.g. the small-variant VCF's) only when the file itself
    cannot tell: another file's build is never forced on positions that fit the other build."""
    warnings: list[str] = []
    intervals = _intervals(sf)
    scores: dict[Build, tuple[int, int]] = {}
    for candidate in Build:
        matched = [match_locus(c, s, e, loci, candidate) for c, s, e, _ in intervals]
        hits = [m for m in matched if m is not None]
        scores[candidate] = (len(hits), -sum(m[1] for m in hits))
    best = max(Build, key=lambda b: scores[b])
    if build is not None:
        chosen = build if isinstance(build, Build) else parse_build(build)
        if scores[best] > scores[chosen] and scores[best][0] > scores[chosen][0]:
            warnings.append(f"{_MISFIT} {best.value} better than the given {chosen.value}: check --build")
        return chosen, "--build", warnings
    from_header = detect_build(sf.contig_lengths) if sf.contig_lengths else None
    if from_header is not None:
        if scores[best][0] > scores[from_header][0]:  # a header of one build over positions of the other
            warnings.append(f"{_MISFIT} {best.value} better than the {from_header.value} of the "
                            "header's contig lengths: check the file's header, or give --build")
        return from_header, "header contig lengths", warnings
    others = [b for b in Build if b != best]
    if fallback is not None and (scores[best][0] == 0 or any(scores[o] == scores[best] for o in others)):
        given = fallback[0] if isinstance(fallback[0], Build) else parse_build(fallback[0])
        return given, fallback[1], warnings
    if scores[best][0] == 0:
        return None, None, warnings
    if any(scores[o] == scores[best] for o in others):
        raise InputError("cannot tell the genome build from the repeat positions", path=sf.path,
                         hint="give --build GRCh37 or --build GRCh38")
    return best, "repeat positions (closest catalog coordinates)", warnings


def _allele_text(allele: RawAllele) -> str:
    """An allele as the caller gave it, for naming records that disagree ('at least 70' for a lower-bound size)."""
    low = allele.ci[0] if allele.ci is not None else allele.size
    return f"at least {min(low, allele.size)}" if allele.support in LOWER_BOUND_SUPPORT else str(allele.size)


def _merge(calls: list[RawCall]) -> RawCall:
    """One locus, one sample, possibly split over several records (one ALT per record)."""
    complete = [c for c in calls if c.alleles and all(a is not None for a in c.alleles)]
    if complete:
        # records of one locus that each give the whole genotype (a locus written twice: two catalogs' runs joined, a
        # catalog listing the locus twice) must agree; when they do not, the one with the longest allele is kept, so an
        # expansion any record shows is never the one dropped, and the others are named (repeats.interpret)
        merged = max(complete, key=lambda c: max(a.size for a in c.called))
        genotypes = {tuple(sorted(_allele_text(a) for a in c.called)) for c in complete}
        if len(genotypes) > 1:
            merged.conflicting = [f"{'/'.join(_allele_text(a) for a in c.called)} "
                                  f"({f'line {c.line}' if c.line else c.locus_name or 'a second entry'})"
                                  for c in complete]
    else:
        width = max(len(c.alleles) for c in calls)
        slots: list[RawAllele | None] = [None] * width
        for c in calls:
            for i, allele in enumerate(c.alleles):
                if allele is not None and slots[i] is None:
                    slots[i] = allele
        merged = RawCall(calls[0].chrom, calls[0].start, calls[0].end, calls[0].locus_name, calls[0].motif,
                         calls[0].line, "/".join("." if a is None else str(a.size) for a in slots), slots,
                         calls[0].filter)
    # a caller's flag on any of the records (FILTER, Strdrop's dropout) holds for the merged call
    flags = [c.filter for c in calls if c.filter not in (None, "PASS")]
    if flags and merged.filter in (None, "PASS"):
        merged.filter = ";".join(dict.fromkeys(flags))
    merged.dropout = any(c.dropout for c in calls)
    for c in calls:
        merged.stranger_status.extend(x for x in c.stranger_status if x not in merged.stranger_status)
    for c in calls:
        for key, value in c.annotation.items():
            merged.annotation.setdefault(key, value)
        for warning in c.warnings:
            if warning not in merged.warnings:
                merged.warnings.append(warning)
    return merged


def _per_locus(sf: StrFile, loci: list[Locus], build: Build | None) -> dict[str, list[int]]:
    """Locus id -> indexes of sf.records that denote it."""
    out: dict[str, list[int]] = {}
    if build is None:
        return out
    for index, rec in enumerate(sf.records):
        from charcot.repeats.readers import _record_interval

        start, end = _record_interval(sf.caller, rec.chrom, rec.pos, rec.ref, rec.info)
        found = match_locus(rec.chrom, start, end, loci, build)
        if found is not None:
            out.setdefault(found[0].id, []).append(index)
    return out


def _sample_calls(sf: StrFile, loci: list[Locus], build: Build | None, sample: str,
                  by_locus: dict[str, list[int]]) -> dict[str, RawCall]:
    out: dict[str, RawCall] = {}
    if sf.json_calls is not None:
        grouped: dict[str, list[RawCall]] = {}
        for call in sf.json_calls[sample]:
            found = match_locus(call.chrom, call.start, call.end, loci, build) if build else None
            if found is not None and call.called:
                coords = found[0].coords(build) if build is not None else None
                if coords is not None:  # counts over the caller's ReferenceRegion, put on the catalog region
                    units_over_region(call, coords.end - coords.start + 1, len(found[0].display_motif))
                grouped.setdefault(found[0].id, []).append(call)
        # a locus under two LocusIds is merged as records are, never the last one silently
        return {locus_id: _merge(group) if len(group) > 1 else group[0] for locus_id, group in grouped.items()}
    index = sf.samples.index(sample)
    for locus_id, rec_indexes in by_locus.items():
        calls = [parse_sample(sf, sf.records[i], index) for i in rec_indexes]
        merged = _merge(calls)
        locus = next(item for item in loci if item.id == locus_id)
        coords = locus.coords(build) if build is not None else None
        if coords is not None:  # sizes in bp (TRGT, HipSTR, LongTR), or units over another region, put on the catalog's
            units_over_region(merged, coords.end - coords.start + 1, len(locus.display_motif))
        if merged.called:
            out[locus_id] = merged
    return out


def _assessment(sf: StrFile, loci: list[Locus], build: Build | None, build_source: str | None, sample: str,
                calls: dict[str, RawCall], sex: str | None, sex_source: str | None, warnings: list[str],
                present: set[str], name: str | None = None) -> RepeatAssessment:
    results: list[LocusCall] = []
    missing: list[NotAssessed] = []
    for locus in loci:
        raw = calls.get(locus.id)
        if raw is not None:
            results.append(interpret_locus(locus, raw, sex, sex_source))
        elif locus.id in present:
            missing.append(NotAssessed(what=f"{locus.gene} {locus.display_motif} repeat",
                                       reason="the locus is in the file but has no genotype for this sample",
                                       how_to_assess=HOW_TO_ASSESS))
        else:
            misfit = next((w for w in warnings if w.startswith(_MISFIT)), None)
            reason = ("no record at this locus's position; " + misfit if build is not None and misfit
                      else "the file does not contain this locus" if build is not None
                      else "no record of the file matches a charcot repeat locus in either build")
            missing.append(NotAssessed(what=f"{locus.gene} {locus.display_motif} repeat", reason=reason,
                                       how_to_assess=HOW_TO_ASSESS))
    # an indeterminate locus was read but not assessed (its item says why): the run is partial, and not assessed when
    # no locus could be assessed
    determinate = [c for c in results if c.category != AlleleCategory.INDETERMINATE]
    indeterminate = [NotAssessed(what=f"{c.gene} {c.display_motif} repeat", reason=f"indeterminate: {c.indeterminate_reason}",
                                 how_to_assess=c.recommendation or HOW_TO_ASSESS)
                     for c in results if c.category == AlleleCategory.INDETERMINATE]
    status = (AssessmentStatus.ASSESSED if not missing and len(determinate) == len(results) else
              AssessmentStatus.PARTIAL if determinate else AssessmentStatus.NOT_ASSESSED)
    lines = [c.summary for c in results]
    if not results:
        lines.insert(0, f"{NOT_ASSESSED_PHRASE}: no charcot repeat locus was called in {name or sf.path.name}.")
    for item in missing:
        lines.append(f"{item.what}: not assessed ({item.reason}).")
    for warning in warnings:
        lines.append(f"Warning: {warning}")
    return RepeatAssessment(
        status=status, caller=sf.caller + (" + Stranger" if sf.stranger else ""), sample=sample,
        samples_in_file=list(sf.samples), build=build, build_source=build_source, sex=sex, sex_source=sex_source,
        path=str(sf.path), calls=results, not_assessed=[*missing, *indeterminate], warnings=warnings,
        summary="\n".join(lines))


def normalise_sex(sex: str | None) -> str | None:
    """A stated sex as 'male', 'female' or None (not stated: 'unknown', empty); an unknown word is an input error."""
    if sex is None:
        return None
    value = sex.strip().lower()
    aliases = {"m": "male", "male": "male", "xy": "male", "f": "female", "female": "female", "xx": "female",
               "unknown": None, "": None}
    if value not in aliases:
        raise InputError(f"unknown sex {sex!r}", hint="use --sex female or --sex male (or leave it out)")
    return aliases[value]


def patient_sample(sf: StrFile, patient: Mapping[str, str | None]) -> tuple[str | None, list[str]]:
    """The file's sample that is the patient, named by the patient's other identities (``patient``: what names them
    -> the name, e.g. "the small-variant VCF's sample" -> "NA12878"), with warnings; an error when the file names its
    samples and none is the patient: the repeat sizes would be reported for another person. ``None``: nothing to
    compare with (no other identity given), the caller's choice stands."""
    names = {what: name for what, name in patient.items() if name}
    if not names:
        return None, []
    hits = [s for s in sf.samples if s in names.values()]
    if hits:
        return hits[0], []
    if not sf.samples_named:
        return None, [f"the repeat-caller file names no sample ({sf.caller} without a SampleId), so it cannot be "
                      "checked against " + ", ".join(f"{what} ({name})" for what, name in names.items())
                      + ": confirm it belongs to this patient"]
    ours = "; ".join(f"{what} is {name}" for what, name in names.items())
    if len(sf.samples) == 1:
        other = sf.samples[0]
        alike = [n for n in names.values() if n.lower() == other.lower()]
        raise InputError(
            f"the repeat-caller file's sample {other} is not this patient ({ours}): its repeat sizes would be "
            "reported for another person", path=sf.path,
            hint=(f"it differs from {alike[0]} only in upper/lower case; " if alike else "")
            + "give this patient's repeat-caller file, or, if " + other + " is this patient under another name, "
            f"say so with --str-sample {other}")
    shown = ", ".join(sf.samples[:12]) + (f" and {len(sf.samples) - 12} more" if len(sf.samples) > 12 else "")
    raise InputError(f"the repeat-caller file's samples ({shown}) do not include this patient ({ours})",
                     path=sf.path, hint="name the patient's sample in the file with --str-sample NAME, or give this "
                                        "patient's repeat-caller file")


def assess_repeats(path: Path, sample: str | None = None, build: str | None = None,
                   sex: str | None = None, *, patient: Mapping[str, str | None] | None = None,
                   sex_source: str | None = None,
                   fallback_build: tuple[str, str] | None = None, name: str | None = None) -> RepeatAssessment:
    """Read a repeat-caller file and interpret every knowledge-base repeat locus for one sample.

    ``sample`` names the file's sample outright (the user's explicit mapping, ``--str-sample``). Without it,
    ``patient`` gives the patient's other identities (the small-variant VCF's sample, the pedigree's proband): the
    file's sample must be one of them (``patient_sample``), never silently another person's. ``sex_source`` says where
    ``sex`` was stated (the report's clinical record or pedigree), as every repeat note names it; default '--sex'.
    ``fallback_build`` (build, where it comes from): the build to read the file in when neither ``build`` nor the file
    itself (header, repeat positions) tells it, e.g. the small-variant VCF's in a report. ``name``: the input as the
    user gave it, where ``path`` is charcot's copy of it ("standard input" for a stream read through a temporary
    file); the assessment's text names it, never the copy."""
    path = Path(path)
    loci = _loci()
    sex_value = normalise_sex(sex)
    sf = read_str_file(path, _wanted(loci))
    chosen, build_source, warnings = _choose_build(sf, loci, build, fallback_build)
    by_locus = _per_locus(sf, loci, chosen)
    if not sf.samples:
        raise InputError("the file has no sample columns", path=path, hint="repeat genotypes are per sample")
    if sample is None and patient is not None:
        sample, notes = patient_sample(sf, patient)
        warnings.extend(notes)
    if sample is not None:
        if sample not in sf.samples:
            raise InputError(f"sample {sample!r} is not in the file", path=path,
                             hint=f"samples in the file: {', '.join(sf.samples[:20])}")
        chosen_sample = sample
    elif len(sf.samples) == 1:
        chosen_sample = sf.samples[0]
    else:
        genotyped = [s for s in sf.samples if _sample_calls(sf, loci, chosen, s, by_locus)]
        if len(genotyped) != 1:
            raise InputError(f"the file has {len(sf.samples)} samples; choose one with --sample", path=path,
                             hint=f"samples: {', '.join(sf.samples[:20])}")
        chosen_sample = genotyped[0]
        warnings.append(f"--sample not given: {chosen_sample} is the only sample with repeat genotypes "
                        f"among {', '.join(sf.samples)}")
    sex_source = (sex_source or "--sex") if sex_value else None
    if sex_value is None and sf.sex_hint is not None:
        sex_value, sex_source = sf.sex_hint, f"{sf.caller} sample parameters"
    calls = _sample_calls(sf, loci, chosen, chosen_sample, by_locus)
    return _assessment(sf, loci, chosen, build_source, chosen_sample, calls, sex_value, sex_source, warnings,
                       set(by_locus) | set(calls) | _json_present(sf, loci, chosen), name)


def _json_present(sf: StrFile, loci: list[Locus], build: Build | None) -> set[str]:
    """Loci an ExpansionHunter JSON holds, genotyped or not (EH writes a locus without Genotype when it
    cannot size it: that locus is in the file, not missing from it)."""
    if sf.json_calls is None or build is None:
        return set()
    found = (match_locus(c.chrom, c.start, c.end, loci, build) for calls in sf.json_calls.values() for c in calls)
    return {item[0].id for item in found if item is not None}


def read_repeat_cohort(path: Path, build: str | None = None,
                       sexes: Mapping[str, str] | None = None) -> RepeatCohort:
    """Every sample of a (multi-sample) STR VCF, interpreted per knowledge-base locus."""
    path = Path(path)
    loci = _loci()
    sf = read_str_file(path, _wanted(loci))
    chosen, build_source, warnings = _choose_build(sf, loci, build)
    by_locus = _per_locus(sf, loci, chosen)
    in_json = _json_present(sf, loci, chosen)  # the same for every sample
    assessments: dict[str, RepeatAssessment] = {}
    for sample in sf.samples:
        sex = normalise_sex((sexes or {}).get(sample))
        calls = _sample_calls(sf, loci, chosen, sample, by_locus)
        assessments[sample] = _assessment(sf, loci, chosen, build_source, sample, calls, sex,
                                          "cohort sex table" if sex else None, list(warnings),
                                          set(by_locus) | set(calls) | in_json)
    return RepeatCohort(caller=sf.caller, build=chosen, path=str(path), samples=list(sf.samples),
                        assessments=assessments)
