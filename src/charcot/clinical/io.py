"""Readers: clinical YAML/JSON and GA4GH Phenopacket v2 (JSON or YAML) -> ClinicalCase.

Every problem becomes an ``InputError`` naming the file and the field (``visits.2.alsfrs_r.q3``).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from charcot.clinical.chart import Chart, Merged, merge
from charcot.clinical.model import KG_PER_LB, ClinicalCase, weight_problems, years_between
from charcot.errors import InputError
from charcot.model import MAX_AGE_YEARS

# Phenopacket measurements use assay ids in the CHARCOT namespace (docs/CLINICAL.md): no standard
# ontology code exists for single ALSFRS-R items, and we do not guess LOINC codes.
_ASSAY_PREFIX = "CHARCOT:"
_ITEMS = {f"alsfrs_r_q{i}" for i in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12)} | {"alsfrs_r_q5a", "alsfrs_r_q5b"}
_VISIT_NUMBERS = {"fvc_percent_predicted", "snip_cmh2o", "mip_cmh2o", "weight_kg", "height_m", "paco2_mmhg",
                  "niv_hours_per_day"}
#: Units a Phenopacket quantity may give for a measurement charcot reads in one unit: the factor to that unit, by
#: UCUM code (the part of the unit's id after the prefix) or by the unit's label. A quantity without a unit is in
#: the unit the assay's name says (weight_kg: kilograms); any other unit is refused, never read as that unit.
_UNITS: dict[str, tuple[str, dict[str, float]]] = {
    "weight_kg": ("kilograms", {"kg": 1.0, "kilogram": 1.0, "UO:0000009": 1.0, "g": 0.001, "gram": 0.001,
                                "UO:0000021": 0.001, "[lb_av]": KG_PER_LB, "lb": KG_PER_LB, "pound": KG_PER_LB}),
    "height_m": ("metres", {"m": 1.0, "metre": 1.0, "meter": 1.0, "UO:0000008": 1.0, "cm": 0.01, "centimetre": 0.01,
                            "centimeter": 0.01, "UO:0000015": 0.01, "[in_i]": 0.0254, "in": 0.0254, "inch": 0.0254}),
}
_ONSET_SITES = {"bulbar": "bulbar", "upper limb": "upper_limb", "upper_limb": "upper_limb", "arm": "upper_limb",
                "lower limb": "lower_limb", "lower_limb": "lower_limb", "leg": "lower_limb",
                "respiratory": "respiratory", "cognitive": "cognitive_behavioural",
                "cognitive_behavioural": "cognitive_behavioural", "behavioural": "cognitive_behavioural"}
_SEX = {"FEMALE": "female", "MALE": "male", "OTHER_SEX": "other", "UNKNOWN_SEX": "unknown"}


def _field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p + 1) if isinstance(p, int) else str(p) for p in loc)


def _fields_at(model: Any, loc: tuple[int | str, ...]) -> list[str]:
    """The field names of the record model reached by following ``loc`` from ``model`` ([] when not a model)."""
    for step in loc:
        if isinstance(step, int) or not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        field = model.model_fields.get(step)
        if field is None:
            return []
        model = _record_model(field.annotation)
    return list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []


def _record_model(annotation: Any) -> Any:
    """The model inside an annotation (``X | None``, ``list[X]``, ``dict[K, X]``), or None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in reversed(get_args(annotation)):
        found = _record_model(arg)
        if found is not None:
            return found
    return None


def field_problem(err: Any, model: Any) -> str | None:
    """An unknown or missing field in the user's words, naming the fields known at that place and the nearest one
    to a misspelt name (pydantic says only 'Extra inputs are not permitted' or 'Field required'), or None."""
    loc = tuple(err["loc"])
    if not loc or not isinstance(loc[-1], str):
        return None
    name = loc[-1]
    if err["type"] == "missing":
        return f"required field {name!r} is missing"
    if err["type"] != "extra_forbidden":
        return None
    known = [f for f in _fields_at(model, loc[:-1]) if f != "precision"]  # the onset's precision is derived
    near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    total = loc[-2:-1] == ("alsfrs_r",) and "q1" in known
    return (f"unknown field {name!r}" + (f" (did you mean {near[0]!r}?)" if near else "")
            + (" (the ALSFRS-R total is not entered: it is the sum of the 12 items)" if total else "")
            + (f"; the fields here are: {', '.join(known)}" if known else ""))


def validation_error(exc: ValidationError, path: Path,
                     locate: Callable[[tuple[int | str, ...]], str | None] | None = None) -> InputError:
    """The first problem of ``exc`` as an InputError; ``locate`` names the place in the user's file when it is not
    the record's field path (a Phenopacket's measurement, from which the visits were built)."""
    errors = exc.errors()
    # a misspelt field is reported before the required field it leaves missing ('regoin' before 'region')
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    field = (locate(tuple(err["loc"])) if locate else None) or _field_path(tuple(err["loc"]))
    message = field_problem(err, ClinicalCase) or str(err["msg"]).removeprefix("Value error, ")
    if str(err["type"]).startswith("date"):
        # pydantic's 'Input should be a valid date or datetime, input is too short' in the user's words
        why = (err.get("ctx") or {}).get("error")
        message = (f"{err.get('input')!r} is not a full date (YYYY-MM-DD){f': {why}' if why else ''}; only the "
                   "onset date may be partial (YYYY-MM or YYYY, imputed to the 15th or 1 July)")
    more = len(exc.errors()) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return InputError(f"{message}{suffix}", path=path, record=field or None,
                      hint="see docs/CLINICAL.md for the clinical record format (visit numbers are 1-based)")


def case_from_mapping(raw: Any, path: Path,
                      locate: Callable[[tuple[int | str, ...]], str | None] | None = None) -> ClinicalCase:
    if not isinstance(raw, dict):
        raise InputError("expected a mapping at the top level (key: value lines)", path=path,
                         hint="see docs/CLINICAL.md for the clinical record format, e.g. tests/data/clinical/"
                              "example_case.yaml")
    try:
        case = ClinicalCase.model_validate(raw)
    except ValidationError as exc:
        raise validation_error(exc, path, locate) from exc
    _check_not_in_future(case, path)
    _check_weights(case, path, locate)
    from charcot.structured import check_hpo_ids

    check_hpo_ids(case.hpo_terms, path=path, where="hpo_terms")
    return case


def _check_weights(case: ClinicalCase, path: Path,
                   locate: Callable[[tuple[int | str, ...]], str | None] | None = None) -> None:
    """A weight that cannot be the patient's in kilograms (``clinical.model.weight_problems``) is refused, naming
    the field and visit (in a Phenopacket, the measurement): read as kilograms, a weight in pounds made a unit
    switch a 'weight loss' or 'gain' and a BMI of 50 from one of 23."""
    problems = weight_problems(case)
    if problems:
        loc, message, hint = problems[0]
        more = len(problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise InputError(message + suffix, path=path, record=(locate(loc) if locate else None) or _field_path(loc),
                         hint=hint)


def _check_not_in_future(case: ClinicalCase, path: Path) -> None:
    """A date after today is a typing error (a visit cannot have happened yet); it would otherwise
    shift every slope and stage silently."""
    today = date.today()
    dated: list[tuple[str, date | None]] = [("date_of_birth", case.date_of_birth), ("onset.date", case.onset.date),
                                            ("diagnosis.date", case.diagnosis.date if case.diagnosis else None),
                                            ("death_date", case.death_date)]
    dated += [(f"visits.{i + 1}.date", v.date) for i, v in enumerate(case.visits)]
    # every other date of the record too: a region's involvement dated in the future was never counted (King's
    # stage read without it, though the ALSFRS-R items showed the region), and an examination or ECAS dated in
    # the future, after death or before birth is a typing error as much as a visit is
    dated += [(f"regions_involved.{region.value}", when) for region, when in case.regions_involved.items()]
    later: list[tuple[str, date | None]] = [
        ("examination.date", case.examination.date if case.examination else None),
        ("cognition.ecas.date", case.cognition.ecas.date if case.cognition and case.cognition.ecas else None)]
    later += [(f"treatments.{i + 1}.{what}", when) for i, t in enumerate(case.treatments)
              for what, when in (("started", t.started), ("stopped", t.stopped))]
    for field, when in dated + later:
        if when is not None and when > today:
            raise InputError(f"{field} {when.isoformat()} is in the future (today is {today.isoformat()})",
                             path=path, record=field, hint="check the year and month of that date")
    for field, when in later:
        if when is None:
            continue
        if case.date_of_birth is not None and when < case.date_of_birth:
            raise InputError(f"{field} {when.isoformat()} is before the date of birth "
                             f"({case.date_of_birth.isoformat()})", path=path, record=field,
                             hint="check the year of that date")
        if case.death_date is not None and when > case.death_date:
            raise InputError(f"{field} {when.isoformat()} is after the death date ({case.death_date.isoformat()})",
                             path=path, record=field, hint="check that date and the death date")
    if case.date_of_birth is not None:
        # the therapy facts accept ages up to MAX_AGE_YEARS; an older age is a typing error in the year
        until = case.death_date or today
        age = years_between(case.date_of_birth, until)
        if age > MAX_AGE_YEARS:
            raise InputError(f"date_of_birth {case.date_of_birth.isoformat()} gives an age of {age:.0f} years "
                             f"(more than {MAX_AGE_YEARS})", path=path, record="date_of_birth",
                             hint="check the year of birth")


def _read_structured(path: Path) -> Any:
    from charcot.structured import load_structured

    return load_structured(path, "clinical record")


def is_phenopacket(raw: Any) -> bool:
    return isinstance(raw, dict) and ("metaData" in raw or "meta_data" in raw) and "subject" in raw


def load_case(path: Path) -> ClinicalCase:
    """Read a clinical YAML/JSON record or a Phenopacket v2 (detected by its metaData + subject)."""
    path = Path(path)
    raw = _read_structured(path)
    if is_phenopacket(raw):
        return case_from_phenopacket(raw, path)
    return case_from_mapping(raw, path)


def load_case_with_chart(path: Path, chart: Chart) -> Merged:
    """The clinical record with the patient chart's visits merged by date (``clinical.chart``): the record is first
    validated alone (its problems named in the file), then the merged record is validated the same way."""
    path = Path(path)
    raw = _read_structured(path)
    merged: list[Merged] = []

    def validate_then_merge(case: Any, where: Path,
                            locate: Callable[[tuple[int | str, ...]], str | None] | None = None) -> ClinicalCase:
        record = case_from_mapping(case, where, locate)
        merged.append(merge(case, record, where, locate, chart, case_from_mapping))
        return merged[-1].case  # type: ignore[no-any-return]

    if is_phenopacket(raw):
        case_from_phenopacket(raw, path, validate=validate_then_merge)
    else:
        validate_then_merge(raw, path)
    return merged[-1]


def _in_unit(name: str, unit: Any, number: Any, path: Path, where: str) -> float:
    """``number`` of measurement ``name`` in charcot's unit for it, from the unit the quantity gives (exactly: a pound
    is 0.45359237 kg); an unknown unit is refused, never read as charcot's."""
    wanted, factors = _UNITS[name]
    try:
        value = float(number)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number, got {number!r}", path=path, record=where,
                         hint="write the measurement's value.quantity.value as a number, e.g. 72") from None
    if not unit:
        return value
    unit_id = str(unit.get("id") or "") if isinstance(unit, dict) else ""
    label = str(unit.get("label") or "") if isinstance(unit, dict) else ""
    code = unit_id.split(":", 1)[1] if unit_id.upper().startswith("UCUM:") else unit_id
    factor = factors.get(code) or factors.get(unit_id) or factors.get(label.strip().lower())
    if factor is None:
        raise InputError(f"{name} is given in {label or unit_id or unit!r}, a unit charcot does not read for it",
                         path=path, record=where,
                         hint=f"give it in {wanted} (UCUM {next(iter(factors))}); "
                              + ("pounds ([lb_av]) and grams (g) are converted" if name == "weight_kg"
                                 else "centimetres (cm) and inches ([in_i]) are converted"))
    return value * factor


def _timestamp_date(value: Any, path: Path, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
        except ValueError:
            pass
    raise InputError(f"expected an ISO timestamp, got {value!r}", path=path, record=field,
                     hint="write it as 2024-03-15T00:00:00Z (the Phenopacket timestamp form)")


def _phenopacket_treatments(raw: dict[str, Any], path: Path) -> list[tuple[dict[str, Any], str]]:
    """The record's treatments from a Phenopacket's ``medicalActions`` (each ``treatment``: its agent's label, else
    its id, as the therapy; the earliest dose interval's start as started, the latest end as stopped), with the
    place in the file each came from. Other medical actions (procedures, radiation) are not ALS drug treatments."""
    out: list[tuple[dict[str, Any], str]] = []
    for index, action in enumerate(raw.get("medicalActions") or []):
        treatment = (action or {}).get("treatment")
        if not treatment:
            continue
        where = f"medicalActions.{index + 1}.treatment"
        agent = treatment.get("agent") or {}
        name = str(agent.get("label") or agent.get("id") or "").strip()
        if not name:
            raise InputError("the treatment has no agent (label or id)", path=path, record=f"{where}.agent",
                             hint="give the therapy's name as agent.label (e.g. tofersen)")
        starts, ends = [], []
        for number, dose in enumerate(treatment.get("doseIntervals") or []):
            interval = (dose or {}).get("interval") or {}
            at = f"{where}.doseIntervals.{number + 1}.interval"
            if interval.get("start"):
                starts.append(_timestamp_date(interval["start"], path, f"{at}.start"))
            if interval.get("end"):
                ends.append(_timestamp_date(interval["end"], path, f"{at}.end"))
        item: dict[str, Any] = {"therapy": name}
        if starts:
            item["started"] = min(starts)
        if ends:
            item["stopped"] = max(ends)
        out.append((item, where))
    return out


def case_from_phenopacket(raw: dict[str, Any], path: Path,
                          validate: Callable[..., ClinicalCase] | None = None) -> ClinicalCase:
    """Map a Phenopacket v2 to the clinical record (mapping documented in docs/CLINICAL.md)."""
    from google.protobuf.json_format import ParseDict, ParseError
    from phenopackets import Phenopacket

    try:  # validate against the Phenopacket schema first: unknown or mistyped fields are errors
        ParseDict(json.loads(json.dumps(raw, default=str)), Phenopacket())
    except ParseError as exc:
        raise InputError(f"not a valid Phenopacket v2: {exc}", path=path,
                         hint="check the field named above against the Phenopacket v2 schema (field names are "
                              "camelCase, e.g. timeObserved)") from exc

    subject = raw["subject"]
    case: dict[str, Any] = {"id": subject.get("id") or raw.get("id") or "unnamed"}
    if "sex" in subject:
        case["sex"] = _SEX.get(str(subject["sex"]), "unknown")
    if "dateOfBirth" in subject:
        case["date_of_birth"] = _timestamp_date(subject["dateOfBirth"], path, "subject.dateOfBirth")
    vital = subject.get("vitalStatus") or {}
    death = vital.get("timeOfDeath") or {}
    state = str(vital.get("status") or "UNKNOWN_STATUS")
    if "timestamp" in death:
        if state == "ALIVE":
            raise InputError("subject.vitalStatus says ALIVE but gives a time of death", path=path,
                             record="subject.vitalStatus", hint="set status DECEASED, or remove timeOfDeath")
        case["death_date"] = _timestamp_date(death["timestamp"], path, "subject.vitalStatus.timeOfDeath")
    elif state == "DECEASED":
        # read as alive, a deceased patient got predictions, care alerts and therapy matches
        raise InputError("subject.vitalStatus says DECEASED but gives no date of death (timeOfDeath.timestamp); "
                         "the assessment needs the date", path=path, record="subject.vitalStatus.timeOfDeath",
                         hint="add timeOfDeath.timestamp (an age at death gives only the year)")

    diseases = [d for d in raw.get("diseases", []) if not d.get("excluded")]
    if not diseases:
        raise InputError("no (non-excluded) disease entry: the ALS diagnosis with its onset is needed",
                         path=path, record="diseases", hint="add diseases[0] with onset.timestamp and primarySite")
    disease = diseases[0]
    onset_ts = (disease.get("onset") or {}).get("timestamp")
    if onset_ts is None:
        raise InputError("the disease has no onset.timestamp (symptom onset date)", path=path,
                         record="diseases.1.onset", hint="add onset.timestamp, the date of the first symptom")
    site = ((disease.get("primarySite") or {}).get("label") or "").strip().lower()
    if site not in _ONSET_SITES:
        raise InputError(f"primarySite label {site!r} is not an onset region", path=path,
                         record="diseases.1.primarySite",
                         hint="use one of: bulbar, upper limb, lower limb, respiratory, cognitive")
    case["onset"] = {"date": _timestamp_date(onset_ts, path, "diseases.1.onset"), "region": _ONSET_SITES[site]}

    visits: dict[date, dict[str, Any]] = {}
    origin: dict[tuple[date, str], str] = {}  # (visit date, item or field) -> the measurement it came from
    for index, measurement in enumerate(raw.get("measurements", [])):
        field = f"measurements.{index + 1}"
        assay_id = str((measurement.get("assay") or {}).get("id", ""))
        if not assay_id.startswith(_ASSAY_PREFIX):
            continue  # other assays are not part of the clinical assessment
        name = assay_id.removeprefix(_ASSAY_PREFIX)
        ts = (measurement.get("timeObserved") or {}).get("timestamp")
        if ts is None:
            raise InputError("measurement has no timeObserved.timestamp", path=path, record=field,
                             hint="add timeObserved.timestamp, the date of the visit")
        when = _timestamp_date(ts, path, field)
        if name == "als_diagnosis":
            if "diagnosis" in case and case["diagnosis"]["date"] != when:
                raise InputError(f"a second ALS diagnosis measurement ({when.isoformat()}; the first is "
                                 f"{case['diagnosis']['date'].isoformat()})", path=path, record=field,
                                 hint="keep one CHARCOT:als_diagnosis measurement")
            case["diagnosis"] = {"date": when}
            continue
        quantity = (measurement.get("value") or {}).get("quantity") or {}
        if "value" not in quantity:
            raise InputError("measurement has no value.quantity.value", path=path, record=field,
                             hint="give the measured value as value.quantity.value")
        number = quantity["value"]
        if name in _UNITS:
            number = _in_unit(name, quantity.get("unit"), number, path, f"{field} ({assay_id} at {when.isoformat()})")
        visit = visits.setdefault(when, {"date": when})
        # one value per item and time: a second one would silently replace the first (a slow vital capacity is the
        # visit's vital capacity, of kind slow)
        key = "fvc_percent_predicted" if name == "svc_percent_predicted" else name
        target, key = (visit.setdefault("alsfrs_r", {}), name.removeprefix("alsfrs_r_")) if name in _ITEMS else (visit, key)
        origin[(when, key)] = f"{field} ({assay_id} at {when.isoformat()})"
        if key in target:
            if key == "fvc_percent_predicted" and visit.get("fvc_kind", "forced") != (
                    "slow" if name == "svc_percent_predicted" else "forced"):
                raise InputError(f"an FVC and a slow vital capacity are both measured at {when.isoformat()}",
                                 path=path, record=field, hint="a visit holds one vital capacity: keep the one the "
                                                               "clinic uses, or record the other at its own time")
            raise InputError(f"{name} is measured twice at {when.isoformat()} ({target[key]:g} and {float(number):g})",
                             path=path, record=field, hint="keep one measurement per item and time")
        if name in _ITEMS:
            if float(number) != int(float(number)):
                raise InputError(f"ALSFRS-R item {key} must be a whole number, got {number}", path=path, record=field,
                                 hint="each ALSFRS-R item is scored 0 to 4")
            target[key] = int(float(number))
        elif name in _VISIT_NUMBERS:
            visit[name] = float(number)
        elif name == "svc_percent_predicted":  # a slow vital capacity: the record's vital capacity of kind slow
            visit[key] = float(number)
            visit["fvc_kind"] = "slow"
        elif name in ("fvc_percent_confirmed", "weight_confirmed"):  # a value checked by the clinic (1 = yes)
            visit[name] = float(number) == 1.0
        else:
            raise InputError(f"unknown charcot assay {assay_id!r}", path=path, record=field,
                             hint="known: " + ", ".join(sorted(_ITEMS | _VISIT_NUMBERS | {
                                 "als_diagnosis", "fvc_percent_confirmed", "svc_percent_predicted",
                                 "weight_confirmed"})))
    dates = sorted(visits)
    case["visits"] = [visits[d] for d in dates]
    case["hpo_terms"] = sorted({str((f.get("type") or {}).get("id")) for f in raw.get("phenotypicFeatures", [])
                                if not f.get("excluded") and (f.get("type") or {}).get("id")})

    treatments = _phenopacket_treatments(raw, path)
    if treatments:
        case["treatments"] = [t for t, _ in treatments]

    def locate(loc: tuple[int | str, ...]) -> str | None:
        """A problem in a visit as the measurement(s) it was built from: the file has no 'visits.1.alsfrs_r.q3'."""
        if len(loc) >= 2 and loc[0] == "treatments" and isinstance(loc[1], int) and loc[1] < len(treatments):
            return treatments[loc[1]][1]
        if len(loc) < 2 or loc[0] != "visits" or not isinstance(loc[1], int) or loc[1] >= len(dates):
            return None
        when = dates[loc[1]]
        key = next((str(p) for p in reversed(loc[2:]) if isinstance(p, str)), None)
        return origin.get((when, key or "")) or f"the measurements at {when.isoformat()}"

    return (validate or case_from_mapping)(case, path, locate)
