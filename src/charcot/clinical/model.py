"""The clinical record of one patient (input) as validated pydantic models.

Readers (``clinical.io``) turn YAML/JSON/Phenopacket files into a :class:`ClinicalCase`; every
analysis in this package is a pure function of it. Validation here rejects impossible values
(an ALSFRS-R item outside 0-4, both 5a and 5b, a visit before onset, FVC <= 0) so analyses never
see them.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
import types
from datetime import date
from enum import StrEnum
from itertools import pairwise
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, Field, PrivateAttr, ValidationInfo, field_validator, model_validator

# the FVC rule is shared with the therapy facts and the web calculators
from charcot.model import AcmgClass, UserRecord, fvc_percent_problem

# Above any body weight recorded in a living person (about 635 kg): a larger number is grams or a typing error.
MAX_WEIGHT_KG = 650.0
#: The international avoirdupois pound, exactly (international yard and pound agreement, 1959).
KG_PER_LB = 0.45359237
LB_PER_KG = 1 / KG_PER_LB  # 2.2046...
#: Body mass index (kg/m²) a living adult can have. Below 7: under the lowest BMI reported in a surviving adult
#: (about 7.8, in extreme anorexia nervosa; Henry 1990, Eur J Clin Nutr 44:329, put the limit of survival near 13
#: in men and 11 in women, with a few women surviving at 9-10). Above 190: over the heaviest person recorded (about
#: 635 kg at 1.85 m, a BMI near 186). A BMI outside these is a weight in pounds or grams, a height in the wrong
#: unit, or a typing error, never a patient.
BMI_MIN, BMI_MAX = 7.0, 190.0
#: Two weighings of one person whose ratio lies within this share of 2.2046 (pounds per kilogram) are one weight
#: written in kilograms and one in pounds: a real change of that size (a loss of 55%, a gain of 120%) between two
#: weighings is not seen in a living adult; 15% leaves room for the weight to have changed between the two.
UNIT_SWITCH_TOLERANCE = 0.15
_UNIT_WORDS = {"kg": "kg", "kgs": "kg", "kilogram": "kg", "kilograms": "kg", "lb": "lb", "lbs": "lb", "pound": "lb",
               "pounds": "lb", "g": "g", "gram": "g", "grams": "g"}
_WITH_UNIT = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*([A-Za-z]+)\.?\s*$")


def _weight_as_written(value: Any, info: ValidationInfo) -> Any:
    """A weight written with a unit ('154 lb'): the field is in kilograms, so '70 kg' is read as 70 and another
    unit is refused with the value converted for the user (a number alone is kilograms)."""
    if not isinstance(value, str):
        return value
    match = _WITH_UNIT.match(value)
    if match is None:
        return value
    number, unit = float(match.group(1).replace(",", ".")), _UNIT_WORDS.get(match.group(2).lower())
    field = info.field_name or "weight_kg"
    if unit == "kg":
        return number
    if unit == "lb":
        raise ValueError(f"{value!r} is in pounds, but {field} is in kilograms: {number:g} lb is "
                         f"{number * KG_PER_LB:.1f} kg (pounds × 0.45359237); write {field}: "
                         f"{number * KG_PER_LB:.1f}")
    if unit == "g":
        raise ValueError(f"{value!r} is in grams, but {field} is in kilograms: write {field}: {number / 1000:g}")
    raise ValueError(f"{value!r}: {field} is a number of kilograms (e.g. 72.5); the unit {match.group(2)!r} is not "
                     "read")


def _plausible_weight(value: float | None) -> float | None:
    if value is not None and value > MAX_WEIGHT_KG:
        raise ValueError(f"a body weight of {value:g} kg is impossible (above {MAX_WEIGHT_KG:g} kg): it looks like "
                         f"grams, pounds ({value:g} lb = {value * KG_PER_LB:.1f} kg) or a typing error; enter the "
                         "weight in kilograms")
    return value


MONTH_DAYS = 365.25 / 12  # 30.4375 d; same as the ENCALS public code's /365.25*12 (clinical-algorithms.md)


def months_between(start: date, end: date) -> float:
    """Months from ``start`` to ``end`` (days / 30.4375)."""
    return (end - start).days / MONTH_DAYS


def years_between(start: date, end: date) -> float:
    """Years from ``start`` to ``end`` (days / 365.25): an age from a date of birth."""
    return (end - start).days / 365.25


def _date_annotation(annotation: Any) -> bool:
    """``date`` or an optional of one (not ``datetime``)."""
    if annotation is date:
        return True
    return get_origin(annotation) in (Union, types.UnionType) and date in get_args(annotation)


def number_as_date_problem(value: Any) -> str | None:
    """Why ``value`` cannot be a date as a user writes one, or None. pydantic reads a number, or a text of digits, as
    seconds since 1 January 1970: ``date_of_birth: 0`` became 1970-01-01 and ``1730764800`` 2024-11-05, dates
    nobody wrote as dates."""
    if isinstance(value, bool):
        return f"a yes/no value ({str(value).lower()}) where a date is expected; write the date as YYYY-MM-DD"
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().lstrip("+-").isdigit()):
        return (f"{value!r} is a number, not a date (a number would be read as seconds since 1970); write the date "
                "as YYYY-MM-DD")
    return None


def dates_as_written(model: type[BaseModel], value: Any, info: ValidationInfo) -> Any:
    """The check of ``number_as_date_problem`` for a field of ``model`` holding a date (or a mapping to dates)."""
    field = model.model_fields.get(info.field_name) if info.field_name is not None else None
    if field is None:
        return value
    if _date_annotation(field.annotation):
        values = [value]
    elif get_origin(field.annotation) is dict and get_args(field.annotation)[1:] == (date,) and isinstance(value, dict):
        values = list(value.values())
    else:
        return value
    for item in values:
        problem = number_as_date_problem(item)
        if problem:
            raise ValueError(problem)
    return value


class _Strict(UserRecord):
    @field_validator("*", mode="before")
    @classmethod
    def _dates_as_written(cls, value: Any, info: ValidationInfo) -> Any:
        return dates_as_written(cls, value, info)


class DatePrecision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


def parse_partial_date(value: Any) -> tuple[date, DatePrecision]:
    """A date, or 'YYYY-MM' (imputed to the 15th), or 'YYYY' (imputed to 1 July).

    Mid-period imputation keeps the expected error of an interval at zero; the rule is documented
    in docs/CLINICAL.md and the precision is carried with the date.
    """
    if isinstance(value, date):
        return value, DatePrecision.DAY
    if isinstance(value, int) and 1900 <= value <= 2200:
        return date(value, 7, 1), DatePrecision.YEAR
    if isinstance(value, str):
        text = value.strip()
        match = _PARTIAL_DATE.match(text)
        if match:
            year = int(match.group(1))
            if match.group(2) is None:
                return date(year, 7, 1), DatePrecision.YEAR
            month = int(match.group(2))
            if not 1 <= month <= 12:
                raise ValueError(f"month {month} out of range in {text!r}")
            return date(year, month, 15), DatePrecision.MONTH
        try:
            return date.fromisoformat(text), DatePrecision.DAY
        except ValueError:
            pass
    raise ValueError(f"expected a date YYYY-MM-DD, YYYY-MM or YYYY, got {value!r}")


class OnsetRegion(StrEnum):
    BULBAR = "bulbar"
    UPPER_LIMB = "upper_limb"
    LOWER_LIMB = "lower_limb"
    RESPIRATORY = "respiratory"
    COGNITIVE_BEHAVIOURAL = "cognitive_behavioural"


class KingsRegion(StrEnum):
    """The CNS regions King's staging counts (Roche 2012)."""

    BULBAR = "bulbar"
    UPPER_LIMB = "upper_limb"
    LOWER_LIMB = "lower_limb"


class BodyRegion(StrEnum):
    """Regions of the diagnostic criteria, rostral to caudal (Brooks 2000; de Carvalho 2008; Shefner 2020)."""

    BULBAR = "bulbar"
    CERVICAL = "cervical"
    THORACIC = "thoracic"
    LUMBOSACRAL = "lumbosacral"

    @property
    def rank(self) -> int:
        return list(BodyRegion).index(self)


class Onset(_Strict):
    date: date
    precision: DatePrecision = DatePrecision.DAY
    region: OnsetRegion

    @model_validator(mode="before")
    @classmethod
    def _partial(cls, data: Any) -> Any:
        if isinstance(data, dict) and "precision" in data:
            # derived from how the date is written: a precision written beside a full date gave the note "known to
            # the year only; taken as 2024-02-15 (the middle of …)", a date nobody completed
            raise ValueError("'precision' is not written: it is read from the date (YYYY-MM-DD, YYYY-MM or YYYY); "
                             "write the onset date as precisely as it is known and remove 'precision'")
        if isinstance(data, dict) and "date" in data:
            parsed, precision = parse_partial_date(data["date"])
            data = {**data, "date": parsed, "precision": precision}
        return data

    # the record's first dated event inside the onset's period, when the mid-period date would fall after it
    # (ClinicalCase._partial_onset_within_record); set by the case, never read from the user's file
    _before: _dt.date | None = PrivateAttr(default=None)

    @property
    def period_start(self) -> _dt.date:
        """The first day the partial onset date can mean."""
        if self.precision is DatePrecision.YEAR:
            return _dt.date(self.date.year, 1, 1)
        if self.precision is DatePrecision.MONTH:
            return _dt.date(self.date.year, self.date.month, 1)
        return self.date

    @property
    def period_end(self) -> _dt.date:
        """The last day the partial onset date can mean."""
        if self.precision is DatePrecision.YEAR:
            return _dt.date(self.date.year, 12, 31)
        if self.precision is DatePrecision.MONTH:
            return _dt.date(self.date.year, self.date.month, calendar.monthrange(self.date.year, self.date.month)[1])
        return self.date

    @property
    def imputation_note(self) -> str | None:
        """How a partial onset date was completed, in words (None for an exact date)."""
        if self.precision is DatePrecision.DAY:
            return None
        middle = _dt.date(self.date.year, 7, 1) if self.precision is DatePrecision.YEAR else \
            _dt.date(self.date.year, self.date.month, 15)
        if self.date != middle:  # completed before the record's first dated event (ClinicalCase)
            rule = (f"the middle of the part of the {self.precision.value} before the record's first dated event"
                    + (f", {self._before.isoformat()}" if self._before is not None else ""))
        else:
            rule = "the 15th of the month" if self.precision is DatePrecision.MONTH else "1 July of the year"
        return f"onset date known to the {self.precision.value} only; taken as {self.date.isoformat()} ({rule})"


class ElEscorialCategory(StrEnum):
    DEFINITE = "definite"
    PROBABLE = "probable"
    PROBABLE_LAB_SUPPORTED = "probable_laboratory_supported"
    POSSIBLE = "possible"
    NOT_MET = "not_met"


class Diagnosis(_Strict):
    date: date
    el_escorial_at_diagnosis: ElEscorialCategory | None = Field(
        default=None, description="Revised El Escorial category recorded at diagnosis (ENCALS 'definite' predictor)")


class AlsfrsR(_Strict):
    """ALSFRS-R item scores (Cedarbaum 1999): q1..q12, with item 5 as q5a (no gastrostomy) or q5b."""

    q1: int = Field(ge=0, le=4, description="speech")
    q2: int = Field(ge=0, le=4, description="salivation")
    q3: int = Field(ge=0, le=4, description="swallowing")
    q4: int = Field(ge=0, le=4, description="handwriting")
    q5a: int | None = Field(default=None, ge=0, le=4, description="cutting food, without gastrostomy")
    q5b: int | None = Field(default=None, ge=0, le=4, description="cutting food, with gastrostomy")
    q6: int = Field(ge=0, le=4, description="dressing and hygiene")
    q7: int = Field(ge=0, le=4, description="turning in bed")
    q8: int = Field(ge=0, le=4, description="walking")
    q9: int = Field(ge=0, le=4, description="climbing stairs")
    q10: int = Field(ge=0, le=4, description="dyspnoea (R1)")
    q11: int = Field(ge=0, le=4, description="orthopnoea (R2)")
    q12: int = Field(ge=0, le=4, description="respiratory insufficiency (R3)")

    @model_validator(mode="before")
    @classmethod
    def _no_bare_q5(cls, data: Any) -> Any:
        if isinstance(data, dict) and "q5" in data:
            raise ValueError("item 5 must be recorded as q5a (no gastrostomy) or q5b (with gastrostomy), not q5")
        return data

    @model_validator(mode="after")
    def _one_item5(self) -> AlsfrsR:
        if self.q5a is not None and self.q5b is not None:
            raise ValueError("both q5a and q5b are given; exactly one of them is scored at a visit")
        if self.q5a is None and self.q5b is None:
            raise ValueError("item 5 is missing: give q5a (no gastrostomy) or q5b (with gastrostomy)")
        return self

    @property
    def q5(self) -> int:
        value = self.q5a if self.q5a is not None else self.q5b
        assert value is not None  # guaranteed by _one_item5
        return value

    @property
    def uses_5b(self) -> bool:
        return self.q5b is not None

    def items(self) -> list[int]:
        return [self.q1, self.q2, self.q3, self.q4, self.q5, self.q6, self.q7, self.q8, self.q9,
                self.q10, self.q11, self.q12]


class GastrostomyStatus(StrEnum):
    NONE = "none"
    PLACED = "placed"
    REFUSED = "refused"


class NivStatus(StrEnum):
    NONE = "none"
    TRIALLED = "trialled"
    IN_USE = "in_use"
    REFUSED = "refused"


class FvcKind(StrEnum):
    FORCED = "forced"
    SLOW = "slow"


class RespiratorySymptom(StrEnum):
    """Symptoms of respiratory muscle weakness listed by the European consensus (Leigh 2003)."""

    DYSPNOEA = "dyspnoea"
    ORTHOPNOEA = "orthopnoea"
    DISTURBED_SLEEP = "disturbed_sleep"
    MORNING_HEADACHE = "morning_headache"
    POOR_CONCENTRATION = "poor_concentration"
    ANOREXIA = "anorexia"
    DAYTIME_SLEEPINESS = "daytime_sleepiness"


class Visit(_Strict):
    date: date
    alsfrs_r: AlsfrsR | None = None
    # before the FVC value, so that its validator can read it
    fvc_percent_confirmed: bool = Field(
        default=False, description="the FVC % predicted is below 10 and really is a percentage (not litres)")
    fvc_percent_predicted: float | None = Field(default=None, description="FVC or SVC, % predicted")
    fvc_kind: FvcKind = FvcKind.FORCED
    fvc_reference_equation: str | None = Field(default=None, description="e.g. GLI-2012, ECSC-1993")
    snip_cmh2o: float | None = Field(default=None, ge=0, description="sniff nasal inspiratory pressure, magnitude")
    mip_cmh2o: float | None = Field(default=None, ge=0, description="maximal inspiratory pressure, magnitude")
    nocturnal_spo2_le88_minutes: float | None = Field(
        default=None, ge=0, description="longest continuous run of nocturnal SpO2 <= 88%, minutes")
    nocturnal_desaturation: bool | None = Field(default=None, description="significant nocturnal desaturation on oximetry")
    paco2_mmhg: float | None = Field(default=None, gt=0)
    morning_earlobe_pco2_kpa: float | None = Field(default=None, gt=0)
    epworth: int | None = Field(default=None, ge=0, le=24)
    respiratory_symptoms: list[RespiratorySymptom] = Field(default_factory=list)
    # before the weight, so that the checks across weighings can read it (clinical.model.weight_problems)
    weight_confirmed: bool = Field(
        default=False, description="this visit's weight was checked: it differs from the previous weighing by a "
                                   "factor near 2.2 (pounds per kilogram) but really is in kilograms")
    weight_kg: float | None = Field(default=None, gt=0)
    height_m: float | None = Field(default=None, gt=0.5, lt=2.6)
    gastrostomy: GastrostomyStatus | None = None
    niv: NivStatus | None = None
    niv_hours_per_day: float | None = Field(default=None, ge=0, le=24)
    tracheostomy: bool | None = None

    _weight_in_kg = field_validator("weight_kg")(_plausible_weight)
    _weight_unit = field_validator("weight_kg", mode="before")(_weight_as_written)

    @field_validator("snip_cmh2o", "mip_cmh2o", mode="before")
    @classmethod
    def _pressure_magnitude(cls, value: Any, info: ValidationInfo) -> Any:
        # inspiratory pressures are often written negative (-58 cmH2O); the rules compare magnitudes (SNIP < 40)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            name = "SNIP" if info.field_name == "snip_cmh2o" else "MIP"
            raise ValueError(f"{name} {value:g} cmH2O is negative: {name} is recorded as a magnitude (write "
                             f"{-value:g} for {value:g} cmH2O)")
        return value

    @field_validator("fvc_percent_predicted")
    @classmethod
    def _fvc_is_a_percentage(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None:
            problem = fvc_percent_problem(value, confirmed=bool(info.data.get("fvc_percent_confirmed")))
            if problem:
                raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _gastrostomy_consistent(self) -> Visit:
        if self.alsfrs_r is not None and self.gastrostomy is not None:
            if self.alsfrs_r.uses_5b and self.gastrostomy is not GastrostomyStatus.PLACED:
                raise ValueError("item 5b (with gastrostomy) is scored but gastrostomy is not 'placed'")
            if not self.alsfrs_r.uses_5b and self.gastrostomy is GastrostomyStatus.PLACED:
                raise ValueError("gastrostomy is 'placed' but item 5a (without gastrostomy) is scored")
        return self

    @model_validator(mode="after")
    def _ventilation_consistent(self) -> Visit:
        # hours of NIV describe NIV in use; read beside another status they were dropped without a word
        if self.niv_hours_per_day and self.niv is not NivStatus.IN_USE:
            raise ValueError(f"niv_hours_per_day {self.niv_hours_per_day:g} is given but niv is "
                             f"{'not recorded' if self.niv is None else repr(self.niv.value)}; hours of NIV mean "
                             "'niv: in_use'")
        # ALSFRS-R item 12 (Cedarbaum 1999): 4 no BiPAP, 3 intermittent, 2 continuous at night, 1 night and day,
        # 0 invasive ventilation; the same visit's NIV status must tell the same story
        q12 = self.alsfrs_r.q12 if self.alsfrs_r is not None else None
        if q12 in (1, 2, 3) and self.niv in (NivStatus.NONE, NivStatus.REFUSED):
            raise ValueError(f"ALSFRS-R item 12 is {q12} (BiPAP in use) but niv is {self.niv.value!r}")
        if q12 == 4 and self.niv is NivStatus.IN_USE:
            raise ValueError("niv is 'in_use' but ALSFRS-R item 12 is 4 (no BiPAP)")
        # (a tracheostomy beside item 12 > 0 stays allowed: a tracheostomy may serve the airway without ventilation)
        return self

    @property
    def bmi(self) -> float | None:
        if self.weight_kg is None or self.height_m is None:
            return None
        return self.weight_kg / (self.height_m ** 2)


class EmgRegion(_Strict):
    """Needle EMG findings in one region."""

    chronic_neurogenic: bool = Field(description="large/long-duration MUPs (chronic neurogenic change)")
    fibrillations_or_psw: bool = Field(description="fibrillation potentials or positive sharp waves")
    fasciculation_potentials: bool = False
    muscles_abnormal: int | None = Field(default=None, ge=0,
                                         description="muscles with both chronic and active change")
    limbs_abnormal: int | None = Field(default=None, ge=0, le=2,
                                       description="limbs of this region with EMG LMN evidence (cervical/lumbosacral)")


class RegionFindings(_Strict):
    umn: bool | None = Field(default=None, description="clinical UMN signs (None = not examined)")
    lmn: bool | None = Field(default=None, description="clinical LMN signs: weakness and wasting")
    emg: EmgRegion | None = None


class Examination(_Strict):
    date: _dt.date | None = None
    regions: dict[BodyRegion, RegionFindings] = Field(default_factory=dict)
    progression_documented: bool | None = Field(default=None, description="progressive spread / motor impairment")
    normal_motor_function_before: bool | None = None
    other_disease_excluded: bool | None = Field(
        default=None, description="neuroimaging and laboratory investigations exclude other disease")
    sensory_signs: bool | None = None
    sphincter_disturbance: bool | None = None
    parkinsonism: bool | None = None


class StrongCategory(StrEnum):
    """ALS-FTSD categories, Strong 2017 (ALS-FTD 18:153)."""

    ALS_CN = "als_cn"
    ALS_CI = "als_ci"
    ALS_BI = "als_bi"
    ALS_CBI = "als_cbi"
    ALS_FTD = "als_ftd"


_ECAS_WORDS = {"total": "total", "als_specific": "ALS-specific score", "als_nonspecific": "ALS-non-specific score",
               "executive": "executive", "language": "language", "verbal_fluency": "verbal fluency",
               "memory": "memory", "visuospatial": "visuospatial"}


class Ecas(_Strict):
    date: _dt.date | None = None
    total: int | None = Field(default=None, ge=0, le=136)
    als_specific: int | None = Field(default=None, ge=0, le=100)
    als_nonspecific: int | None = Field(default=None, ge=0, le=36)
    executive: int | None = Field(default=None, ge=0, le=48)
    language: int | None = Field(default=None, ge=0, le=28)
    verbal_fluency: int | None = Field(default=None, ge=0, le=24)
    memory: int | None = Field(default=None, ge=0, le=24)
    visuospatial: int | None = Field(default=None, ge=0, le=12)

    @model_validator(mode="after")
    def _sums_agree(self) -> Ecas:
        # the ECAS scores are sums (Abrahams 2014): total = ALS-specific + ALS-non-specific; ALS-specific =
        # executive + language + verbal fluency; ALS-non-specific = memory + visuospatial. A total that disagrees
        # with its parts is a typing error, and the cut-offs would read the two differently.
        for whole, parts in (("total", ("als_specific", "als_nonspecific")),
                             ("als_specific", ("executive", "language", "verbal_fluency")),
                             ("als_nonspecific", ("memory", "visuospatial"))):
            value = getattr(self, whole)
            given = [getattr(self, p) for p in parts]
            if value is not None and all(v is not None for v in given) and value != sum(given):
                raise ValueError(f"ECAS {_ECAS_WORDS[whole]} {value} is not the sum of "
                                 + " + ".join(f"{_ECAS_WORDS[p]} {v}" for p, v in zip(parts, given, strict=True))
                                 + f" = {sum(given)}")
        return self


class RascovskyFeature(StrEnum):
    DISINHIBITION = "disinhibition"
    APATHY = "apathy"
    LOSS_OF_EMPATHY = "loss_of_empathy"
    PERSEVERATION = "perseveration"
    HYPERORALITY = "hyperorality"
    EXECUTIVE_PROFILE = "executive_profile"


class CognitiveFindings(_Strict):
    """Structured findings from which the Strong 2017 category can be derived."""

    apathy: bool = False
    rascovsky_features: list[RascovskyFeature] = Field(default_factory=list)
    letter_fluency_impaired: bool = False
    executive_tests_impaired: int = Field(default=0, ge=0)
    language_tests_impaired: int = Field(default=0, ge=0)
    progressive_deterioration: bool = False
    loss_of_insight: bool = False
    psychotic_symptoms: bool = False
    meets_ppa_criteria: bool = False


class Cognition(_Strict):
    ecas: Ecas | None = None
    findings: CognitiveFindings | None = None
    strong_category: StrongCategory | None = Field(default=None, description="category given by the clinician")


class FamilyHistory(_Strict):
    als_relatives: int = Field(default=0, ge=0, le=1000)
    ftd_relatives: int = Field(default=0, ge=0)
    notes: str | None = None


class C9orf72Status(StrEnum):
    EXPANDED = "expanded"
    NORMAL = "normal"
    NOT_ASSESSED = "not_assessed"


class GeneFinding(_Strict):
    gene: str
    variant: str
    classification: AcmgClass
    zygosity: str | None = None


class Genotype(_Strict):
    c9orf72_status: C9orf72Status = C9orf72Status.NOT_ASSESSED
    ar_cag_status: C9orf72Status = Field(
        default=C9orf72Status.NOT_ASSESSED,
        description="AR CAG repeat (Kennedy disease): expanded|normal|not_assessed, as interpreted by charcot.repeats")
    findings: list[GeneFinding] = Field(default_factory=list)


class InvestigationResult(StrEnum):
    NORMAL = "normal"
    ABNORMAL = "abnormal"
    NOT_DONE = "not_done"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class Treatment(_Strict):
    """An ALS treatment the patient receives or received (the record's ``treatments``). ``therapy`` is the knowledge
    base's therapy id or one of its names (``tofersen``, ``Qalsody``, ``riluzole``); a name the knowledge base does not
    hold is kept as written and said so by the therapy matching, never dropped."""

    therapy: str = Field(min_length=1, description="the knowledge base's therapy id or one of its names")
    started: date | None = Field(default=None, description="first dose (YYYY-MM-DD)")
    stopped: date | None = Field(default=None, description="stopped on (YYYY-MM-DD); not given: still receiving")

    @field_validator("therapy")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the therapy is empty: write the therapy's name (e.g. tofersen)")
        return value.strip()

    @model_validator(mode="after")
    def _stopped_after_started(self) -> Treatment:
        stopped_after_started(self.therapy, self.started, self.stopped)
        return self


def stopped_after_started(therapy: str, started: date | None, stopped: date | None) -> None:
    """A treatment's stop date is not before its start (the clinical record's and the therapy engine's treatments)."""
    if started is not None and stopped is not None and stopped < started:
        raise ValueError(f"{therapy}: stopped ({stopped.isoformat()}) is before started ({started.isoformat()}); "
                         "check the two dates")


class ClinicalCase(_Strict):
    """One patient's clinical record. Identifiers are pseudonyms; no names."""

    id: str
    sex: Sex = Sex.UNKNOWN
    date_of_birth: date | None = None
    onset: Onset
    diagnosis: Diagnosis | None = None
    death_date: date | None = None
    premorbid_weight_kg: float | None = Field(default=None, gt=0)
    regions_involved: dict[KingsRegion, date] = Field(
        default_factory=dict, description="date each King's region became functionally involved")
    visits: list[Visit] = Field(default_factory=list)
    examination: Examination | None = None
    cognition: Cognition | None = None
    ftd: bool | None = Field(default=None, description="ALS-FTD diagnosed (overrides the Strong category)")
    country: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$",
                                description="country of care, ISO 3166 alpha-2 (e.g. DE): the regulatory status of "
                                            "therapies is read for it")
    family_history: FamilyHistory | None = None
    genotype: Genotype = Field(default_factory=Genotype)
    investigations: dict[str, InvestigationResult] = Field(default_factory=dict)
    hpo_terms: list[str] = Field(default_factory=list, description="HPO ids observed (from a Phenopacket)")
    treatments: list[Treatment] = Field(
        default_factory=list, description="ALS treatments received, current (no stop date) and earlier: a therapy the "
                                          "patient receives is never offered as one to start")

    _premorbid_weight_in_kg = field_validator("premorbid_weight_kg")(_plausible_weight)
    _premorbid_weight_unit = field_validator("premorbid_weight_kg", mode="before")(_weight_as_written)

    @field_validator("visits")
    @classmethod
    def _sorted_unique(cls, visits: list[Visit]) -> list[Visit]:
        dates = [v.date for v in visits]
        if len(set(dates)) != len(dates):
            dup = sorted({d for d in dates if dates.count(d) > 1})[0]
            raise ValueError(f"two visits on {dup.isoformat()}; merge them into one")
        return sorted(visits, key=lambda v: v.date)

    @field_validator("investigations")
    @classmethod
    def _known_investigations(cls, value: dict[str, InvestigationResult]) -> dict[str, InvestigationResult]:
        from charcot.clinical.mimics import INVESTIGATIONS

        unknown = sorted(set(value) - set(INVESTIGATIONS))
        if unknown:
            raise ValueError(f"unknown investigation {unknown[0]!r}; known: {', '.join(sorted(INVESTIGATIONS))}")
        return value

    @model_validator(mode="after")
    def _ftd_agrees(self) -> ClinicalCase:
        # the ftd flag feeds ENCALS, the recorded Strong category the cognition section: both the clinician's,
        # so a record giving the two different answers is refused rather than one silently winning
        recorded = self.cognition.strong_category if self.cognition is not None else None
        if self.ftd is not None and recorded is not None and self.ftd != (recorded is StrongCategory.ALS_FTD):
            raise ValueError(f"ftd: {str(self.ftd).lower()} contradicts cognition.strong_category {recorded.value!r}; "
                             "give the same answer in both (ALS-FTD is strong_category 'als_ftd' with ftd: true)")
        return self

    @property
    def first_dated_event(self) -> _dt.date | None:
        """The record's first dated event after onset (a visit, a region's involvement, the diagnosis, death)."""
        events = [v.date for v in self.visits] + list(self.regions_involved.values())
        events += [d for d in (self.diagnosis.date if self.diagnosis else None, self.death_date) if d is not None]
        return min(events, default=None)

    @property
    def onset_span(self) -> tuple[_dt.date, _dt.date]:
        """The first and last day the onset can be: the day itself, else its month or year up to the record's first
        dated event (symptoms begin on or before it)."""
        onset = self.onset
        if onset.precision is DatePrecision.DAY:
            return onset.date, onset.date
        first = self.first_dated_event
        return onset.period_start, onset.period_end if first is None else min(onset.period_end, first)

    @model_validator(mode="after")
    def _partial_onset_within_record(self) -> ClinicalCase:
        # An onset known to the month or year is completed mid-period (15th, 1 July); when that date falls after the
        # record's first dated event inside the same period (onset "2024", diagnosed 2024-03-20), the onset lies in
        # the part of the period before that event: its middle is taken, and the note says so. (A first event before
        # the period begins contradicts the onset and is refused by the chronology check.)
        onset = self.onset
        first = self.first_dated_event
        if onset.precision is DatePrecision.DAY or first is None or not onset.period_start <= first < onset.date:
            return self
        completed = onset.model_copy(
            update={"date": onset.period_start + _dt.timedelta(days=(first - onset.period_start).days // 2)})
        completed._before = first
        self.onset = completed
        return self

    @model_validator(mode="after")
    def _chronology(self) -> ClinicalCase:
        onset = self.onset.date
        if self.date_of_birth is not None and onset <= self.date_of_birth:
            raise ValueError("onset date is on or before the date of birth")
        for index, visit in enumerate(self.visits):
            if visit.date < onset:
                raise ValueError(f"visit {index + 1} ({visit.date.isoformat()}) is before symptom onset "
                                 f"({onset.isoformat()})")
        if self.diagnosis is not None and self.diagnosis.date < onset:
            raise ValueError(f"diagnosis ({self.diagnosis.date.isoformat()}) is before symptom onset "
                             f"({onset.isoformat()})")
        if self.death_date is not None:
            death = self.death_date.isoformat()
            if self.death_date < onset:
                raise ValueError(f"death date ({death}) is before symptom onset ({onset.isoformat()})")
            later = [v.date for v in self.visits if v.date > self.death_date]
            if later:
                raise ValueError(f"visit on {later[0].isoformat()} is after the death date ({death})")
            if self.diagnosis is not None and self.diagnosis.date > self.death_date:
                raise ValueError(f"diagnosis ({self.diagnosis.date.isoformat()}) is after the death date ({death})")
            for region, when in self.regions_involved.items():
                if when > self.death_date:
                    raise ValueError(f"regions_involved.{region.value} ({when.isoformat()}) is after the death date "
                                     f"({death})")
        for region, when in self.regions_involved.items():
            if when < onset:
                raise ValueError(f"regions_involved.{region.value} ({when.isoformat()}) is before onset")
        return self

    def visits_until(self, today: date) -> list[Visit]:
        return [v for v in self.visits if v.date <= today]


def unit_switch(a_kg: float, b_kg: float) -> bool:
    """Two weighings of one person whose ratio is within UNIT_SWITCH_TOLERANCE of 2.2046: one of them is in pounds."""
    return abs(max(a_kg, b_kg) / min(a_kg, b_kg) / LB_PER_KG - 1) <= UNIT_SWITCH_TOLERANCE


def weight_problems(case: ClinicalCase) -> list[tuple[tuple[str | int, ...], str, str]]:
    """Weights that cannot be a patient's in kilograms, as (field location, problem, how to fix it), first first.
    A weight in pounds was read as kilograms: it made a BMI of 50 from one of 23, and a 'weight loss' or 'gain' of
    55% or 120% from a unit switch between two weighings, while weight loss is a prognostic factor and a trigger for
    gastrostomy. Checked: the BMI each weight gives with the visit's height (or the nearest recorded one) against
    what is humanly possible, and each weighing against the one before it (the premorbid weight first)."""
    problems: list[tuple[tuple[str | int, ...], str, str]] = []
    convert = "enter every weight in kilograms (pounds × 0.45359237)"
    heights = [(v.date, v.height_m) for v in case.visits if v.height_m is not None]

    def height_near(when: _dt.date | None) -> tuple[float, str] | None:
        if not heights:
            return None
        if when is None:  # the premorbid weight: the first recorded height (an adult's height barely changes)
            return heights[0][1], f"the height of {heights[0][0].isoformat()}"
        on, height = min(heights, key=lambda h: (abs((h[0] - when).days), h[0]))
        return height, "the same visit's height" if on == when else f"the height of {on.isoformat()}"

    weighings: list[tuple[tuple[str | int, ...], str, float, _dt.date | None, bool]] = []
    if case.premorbid_weight_kg is not None:
        weighings.append((("premorbid_weight_kg",), "premorbid_weight_kg", case.premorbid_weight_kg, None, False))
    for index, visit in enumerate(case.visits):
        if visit.weight_kg is not None:
            weighings.append((("visits", index, "weight_kg"), f"visits.{index + 1}.weight_kg ({visit.date.isoformat()})",
                              visit.weight_kg, visit.date, visit.weight_confirmed))
    for loc, words, weight, when, _ in weighings:
        near = height_near(when)
        if near is None:
            continue
        height, which = near
        bmi = weight / height ** 2
        if not BMI_MIN <= bmi <= BMI_MAX:
            problems.append((loc, f"{words} {weight:g} kg with {which} ({height:g} m) gives a body mass index of "
                                  f"{bmi:.1f} kg/m², outside what a living adult can have ({BMI_MIN:g}-{BMI_MAX:g}): "
                                  f"the weight may be in pounds ({weight:g} lb = {weight * KG_PER_LB:.1f} kg) or "
                                  "grams, or a typing error (or the height is)",
                             f"{convert} and the height in metres"))
    for (a_loc, a_words, a, _, a_sure), (b_loc, b_words, b, _, b_sure) in pairwise(weighings):
        if a_sure or b_sure or not unit_switch(a, b):
            continue
        ratio = max(a, b) / min(a, b)
        # the heavier number is the one likely written in pounds: the error names its field
        where, heavier, lighter = (a_loc, a_words, b_words) if a > b else (b_loc, b_words, a_words)
        high, low = max(a, b), min(a, b)
        problems.append((where, f"{heavier} {high:g} is {ratio:.2f} times {lighter} {low:g}: a factor this close to "
                                f"2.2046, the pounds in a kilogram, is a weight written in pounds, not a weight "
                                f"change ({high:g} lb = {high * KG_PER_LB:.1f} kg); read as kilograms it would be a "
                                f"{'loss' if b < a else 'gain'} of {abs(b - a) / a:.0%}",
                         f"{convert}; if both weights are right, add weight_confirmed: true to visit "
                         f"{int(b_loc[1]) + 1} (in a Phenopacket: a CHARCOT:weight_confirmed measurement of 1 at "
                         "its time)"))
    return problems
