"""Module API of charcot.therapy.

>>> facts = load_facts("case.yaml")                      # doctest: +SKIP
>>> result = match(facts, region="EU")                   # doctest: +SKIP
>>> result.get("tofersen").verdict                       # doctest: +SKIP
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from charcot.errors import InputError
from charcot.knowledge import Knowledge
from charcot.therapy.claims import grade_claim as _grade_claim
from charcot.therapy.matching import match as _match
from charcot.therapy.model import ClaimFields, ClaimGrade, GeneFinding, PatientFacts, TherapyMatches
from charcot.therapy.natural_history import simulate_natural_history

__all__ = ["grade_claim", "load_claim", "load_facts", "match", "simulate_natural_history"]


def _read_mapping(path: str | Path, what: str) -> Any:
    from charcot.structured import load_structured

    p = Path(path)
    data = load_structured(p, f"{what} file")
    if not isinstance(data, dict):
        raise InputError(f"a {what} file must contain a mapping at the top level", path=p,
                         hint=f"write the {what} as YAML or JSON 'key: value' fields (docs/CLINICAL.md)")
    return data


def _validate(model: type[BaseModel], data: Any, path: str | Path, what: str, hint: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        message = str(err["msg"]).removeprefix("Value error, ")
        raise InputError(f"invalid {what}: {loc}: {message}{more}", path=path, record=loc or None, hint=hint) from exc


def load_facts(path: str | Path) -> PatientFacts:
    """Read patient facts (YAML or JSON; see ``charcot.therapy.model`` for the format)."""
    data = _read_mapping(path, "patient facts")
    result: PatientFacts = _validate(PatientFacts, data, path, "patient facts",
                                     "see the PatientFacts example in charcot/therapy/model.py")
    return _jurisdiction_as_written(result, Path(path))


def _jurisdiction_as_written(facts: PatientFacts, path: Path) -> PatientFacts:
    """The facts' region and country as the matching reads them (upper case), or an error naming the field. Read as
    written, ``region: eu`` or ``region: Europe`` matched no regulatory record, so every approval was 'cannot
    decide', and ``country: Germany`` was 'not one of the jurisdictions' though Germany is in the EU."""
    from charcot.therapy.jurisdictions import checked_code

    clinical = facts.clinical
    update: dict[str, str] = {}
    if clinical.region is not None:  # the same words as for --jurisdiction
        update["region"] = checked_code(clinical.region, what="region", path=path, record="clinical.region")
    if clinical.country is not None:
        update["country"] = clinical.country.strip().upper()
        if len(update["country"]) != 2 or not update["country"].isascii() or not update["country"].isalpha():
            raise InputError(f"country {clinical.country!r} is not an ISO 3166 two-letter code", path=path,
                             record="clinical.country", hint="write the country as two letters, e.g. DE, FR, US")
    read = _symptoms_read() if clinical.symptoms else set()
    unread = sorted(set(clinical.symptoms) - read)
    if unread:  # a symptom no criterion reads (a typo of one that does) was silently 'not recorded'
        raise InputError(f"symptom {unread[0]!r} is not read by any therapy or trial criterion",
                         path=path, record=f"clinical.symptoms.{unread[0]}",
                         hint="symptoms charcot reads: " + (", ".join(sorted(read)) or "none"))
    return facts.model_copy(update={"clinical": clinical.model_copy(update=update)}) if update else facts


def _symptoms_read() -> set[str]:
    """The symptom names (``clinical.symptoms`` keys) the knowledge base's therapy and trial criteria read."""
    from charcot.knowledge import get_knowledge
    from charcot.knowledge.schema.therapies import Record as Therapy
    from charcot.knowledge.schema.trials import Record as Trial

    kb = get_knowledge()
    criteria = [c for t in kb.typed("therapies", Therapy) for c in (t.label.criteria if t.label else [])]
    criteria += [c for t in kb.typed("trials", Trial) for c in t.criteria]
    return {c.symptom for c in criteria if c.symptom}


_CLINICAL_CASE_KEYS = {"visits", "onset", "date_of_birth", "diagnosis", "subject", "phenotypicFeatures"}


def deceased_note(case: Any) -> str | None:
    """Why therapies and trials are not matched for a clinical record whose patient has died (None if alive).
    The death date is compared with the real date: the last visit (the assessment's default date) may be
    earlier."""
    death = getattr(case, "death_date", None)
    if death is None or death > date.today():
        return None
    return (f"the patient died on {death.isoformat()}: therapies and trials are not matched for a deceased "
            "patient")


def clinical_facts(case: Any, a: Any) -> dict[str, Any]:
    """The clinical part of the patient facts from a clinical record (``charcot.clinical.model.ClinicalCase``)
    and its assessment: one definition for ``charcot therapies CASE`` and the report, so both answer alike."""
    from charcot.clinical.model import ElEscorialCategory, FvcKind, months_between, years_between

    # symptomatic (the record dates a symptom onset); ALS for a label only once diagnosed by the matching date
    clinical: dict[str, Any] = {"affected": True,
                                "als_diagnosed": case.diagnosis is not None and case.diagnosis.date <= a.today}
    if case.date_of_birth is not None:
        clinical["age"] = round(years_between(case.date_of_birth, a.today), 1)
    if a.alsfrs_r:
        clinical["alsfrs_r"] = a.alsfrs_r[-1].total
        clinical["alsfrs_r_date"] = a.alsfrs_r[-1].date
    earliest, latest = case.onset_span  # an onset known to the month or year allows a range of durations and rates
    if a.delta_fs_latest is not None:
        # ΔFS (Kimura) at the visit that gave the ALSFRS-R: the points lost per month up to that visit, not the
        # score divided by the time to ``a.today``, which may be later
        clinical["progression_rate"] = round(a.delta_fs_latest.value, 3)
        visit = a.delta_fs_latest.visit_date
        if earliest != latest:  # the points lost over the longest and the shortest time the onset allows
            lost = 48 - a.alsfrs_r[-1].total
            longest, shortest = months_between(earliest, visit), months_between(min(latest, visit), visit)
            clinical["progression_rate_range"] = (
                min(round(lost / longest, 3), clinical["progression_rate"]),
                max(round(lost / shortest, 3), clinical["progression_rate"]) if shortest > 0 else None)
    # the latest forced and the latest slow vital capacity, each as what it is: a criterion stated on FVC reads a slow
    # VC only where the knowledge base cites that it accepts one (``therapy.criteria._vital_capacity``)
    for kind, prefix in ((FvcKind.FORCED, "fvc"), (FvcKind.SLOW, "svc")):
        measured = [v for v in case.visits if v.fvc_percent_predicted is not None and v.fvc_kind is kind
                    and v.date <= a.today]
        if measured:
            clinical[f"{prefix}_percent"] = measured[-1].fvc_percent_predicted
            clinical[f"{prefix}_date"] = measured[-1].date
            if measured[-1].fvc_percent_confirmed:
                clinical[f"{prefix}_percent_confirmed"] = True
    # the category recorded at a diagnosis made after the matching date did not exist on that date; the examination's
    # category is used only when the examination was made by then (the assessment's criteria say so)
    if case.diagnosis is not None and case.diagnosis.el_escorial_at_diagnosis is not None \
            and case.diagnosis.date <= a.today:
        clinical["el_escorial"] = case.diagnosis.el_escorial_at_diagnosis.value
    else:
        rees = next((c for c in a.criteria if c.system == "revised_el_escorial"), None)
        if rees is not None and rees.category in {c.value for c in ElEscorialCategory}:
            clinical["el_escorial"] = rees.category
    if a.cognition is not None and a.cognition.ftd is not None:  # ALS-FTD: a trial excluding dementia reads it
        clinical["als_ftd"] = a.cognition.ftd
    if case.treatments:  # the record's ALS treatments: one it receives on the matching date is not offered to start
        clinical["treatments"] = [t.model_dump() for t in case.treatments]
    clinical["disease_duration_months"] = round(a.months_since_onset_today, 1)
    if earliest != latest:  # the durations the onset allows on the matching date
        clinical["disease_duration_range_months"] = (
            min(round(months_between(min(latest, a.today), a.today), 1), clinical["disease_duration_months"]),
            max(round(months_between(earliest, a.today), 1), clinical["disease_duration_months"]))
    if case.diagnosis is not None and case.diagnosis.date <= a.today:  # trials count time from diagnosis
        clinical["months_since_diagnosis"] = min(round(months_between(case.diagnosis.date, a.today), 1),
                                                 clinical["disease_duration_months"])
    return clinical


def load_case_facts(path: str | Path, on: date | None = None) -> PatientFacts:
    """The patient facts of a case file (see ``load_case_facts_on``)."""
    return load_case_facts_on(path, on)[0]


def load_case_facts_on(path: str | Path, on: date | None = None) -> tuple[PatientFacts, date | None]:
    """The patient facts of a case file and the date they describe: PatientFacts YAML/JSON (date None: the
    matching date applies), or the clinical case (YAML, JSON or Phenopacket) that ``charcot clinical`` and
    ``charcot report`` read. From a clinical case the facts are its assessment's on ``on`` (age, disease duration
    and time since diagnosis at that date; the latest ALSFRS-R, FVC and ΔFS up to it with their dates, so that a
    measurement too old for a trial's screening is not used) and the genetic results it records; genes it does
    not record are unknown, never "no finding". ``on`` defaults to the knowledge snapshot date (the matching
    date of ``charcot therapies``), or the case's latest recorded date when that is later."""
    data = _read_mapping(path, "case")
    if "clinical" in data or not _CLINICAL_CASE_KEYS & set(data):
        return load_facts(path), None
    from charcot.clinical.api import assess, load_case
    from charcot.knowledge import get_knowledge
    from charcot.therapy import model

    case = load_case(Path(path))
    if on is None:
        on = max(get_knowledge().meta.snapshot_date, assess(case).today)
    elif on < case.onset.date:
        raise InputError(f"the matching date {on.isoformat()} is before the patient's symptom onset "
                         f"({case.onset.date.isoformat()})", path=Path(path),
                         hint="give --as-of on or after symptom onset, or leave it out")
    a = assess(case, today=on)
    dead = deceased_note(case)
    if dead:
        from charcot.errors import NothingAssessed

        raise NothingAssessed(dead, path=Path(path),
                              hint="for a relative's options, give that person's own facts")
    clinical = clinical_facts(case, a)
    if case.sex.value in ("female", "male", "other"):
        clinical["sex"] = case.sex.value
    if case.country:  # the record's country of care decides the jurisdiction, as it does in the report
        clinical["country"] = case.country.upper()
    repeats: dict[str, model.RepeatStatus] = {}
    findings: list[model.GeneFinding] = []
    genotype = case.genotype
    if genotype is not None:
        for gene, status in (("C9orf72", genotype.c9orf72_status), ("AR", genotype.ar_cag_status)):
            if status.value in ("expanded", "normal"):
                repeats[gene] = model.RepeatStatus(status.value)
        findings = record_findings(genotype)
    return model.PatientFacts(id=case.id, genotype=model.Genotype(findings=findings, repeats=repeats),
                              clinical=model.Clinical(**clinical)), a.today


def record_findings(genotype: Any) -> list[GeneFinding]:
    """The small-variant findings a clinical record states, as the matching reads them (``charcot therapies`` and the
    report): the record's variant name is kept (HGVS p. or c., else as written) so a criterion listing variants
    reads it."""
    return [GeneFinding(gene=f.gene, classification=f.classification, zygosity=f.zygosity,
                        hgvs_p=f.variant if f.variant.strip().startswith("p.") else None,
                        hgvs_c=f.variant if f.variant.strip().startswith("c.") else None,
                        variant_key=None if f.variant.strip()[:2] in ("p.", "c.") else f.variant)
            for f in genotype.findings]


#: months in a unit of time a claim may give its time frame in (a month is 365.25 / 12 days)
_MONTHS_PER = {"day": 12 / 365.25, "week": 7 * 12 / 365.25, "month": 1.0, "year": 12.0}
_UNIT_WORDS = {"d": "day", "day": "day", "days": "day", "w": "week", "wk": "week", "wks": "week", "week": "week",
               "weeks": "week", "mo": "month", "month": "month", "months": "month", "y": "year", "yr": "year",
               "yrs": "year", "year": "year", "years": "year"}


def _claim_units(data: dict[str, Any], path: str | Path) -> None:
    """A claim's share written as a percentage, or its time frame written with a unit, refused with the value to
    write (before: 'Input should be less than or equal to 1' / 'unable to parse string as a number' and a list of
    field names)."""
    share = data.get("responder_fraction")
    percent: float | None = None
    if isinstance(share, str):
        found = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*%\s*", share)
        percent = float(found.group(1).replace(",", ".")) if found else None
    elif isinstance(share, int | float) and not isinstance(share, bool) and 1 < share <= 100:
        percent = float(share)
    if percent is not None and percent <= 100:
        raise InputError(f"responder_fraction {share!r} is a percentage, but responder_fraction is a share between 0 "
                         "and 1", path=Path(path), record="responder_fraction",
                         hint=f"write responder_fraction: {percent / 100:g} for {percent:g}%")
    frame = data.get("timeframe_months")
    if isinstance(frame, str):
        found = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*([a-z]+)\.?\s*", frame.lower())
        unit = _UNIT_WORDS.get(found.group(2)) if found else None
        if found and unit:
            months = float(found.group(1).replace(",", ".")) * _MONTHS_PER[unit]
            hint = f"write timeframe_months: {round(months, 1):g} ({frame.strip()} in months)"
        else:
            hint = "write the claim's follow-up as a number of months, e.g. timeframe_months: 6 (24 weeks is 5.5)"
        raise InputError(f"timeframe_months {frame!r} is not a number of months", path=Path(path),
                         record="timeframe_months", hint=hint)


def load_claim(path: str | Path) -> ClaimFields:
    """Read a claim (YAML or JSON): ``text`` and ``intervention`` required, other fields optional."""
    data = _read_mapping(path, "claim")
    if "claim" in data and isinstance(data["claim"], dict):  # accept a knowledge-base style record too
        data = data["claim"]
    _claim_units(data, path)
    result: ClaimFields = _validate(ClaimFields, data, path, "claim",
                                    "fields: text, intervention, intervention_class, design, n, control, outcome, ...")
    for field in ("text", "intervention"):  # blank text was graded as a claim ("claim: ", Class IV, red flags)
        if not getattr(result, field).strip():
            raise InputError(f"the claim's {field} is empty", path=Path(path), record=field,
                             hint="give the claim's words as the claimant wrote them (text) and what is offered "
                                  "(intervention)")
    return result


def match(facts: PatientFacts, *, region: str | None = None, as_of: date | None = None,
          kb: Knowledge | None = None) -> TherapyMatches:
    """Every therapy and trial evaluated against ``facts`` (see ``charcot.therapy.matching``)."""
    return _match(facts, region=region, as_of=as_of, kb=kb)


def grade_claim(claim: ClaimFields | dict[str, Any], *, seed: int = 0, simulate: bool = True,
                kb: Knowledge | None = None) -> ClaimGrade:
    """Grade a claim (AAN class, ALSUntangled grades, red flags, controlled evidence, natural history)."""
    fields = claim if isinstance(claim, ClaimFields) else ClaimFields.model_validate(claim)
    return _grade_claim(fields, seed=seed, simulate=simulate, kb=kb)
