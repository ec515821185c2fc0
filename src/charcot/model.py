"""Domain types shared by every module.

Analyses keep their own detailed result types in their packages (``variants.model``,
``repeats.model``, ``family.model``, ``clinical.model``, ``therapy.model``); the types here are the
vocabulary they all share, and the provenance every output carries.
"""

from __future__ import annotations

import math
import types
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator


class Build(StrEnum):
    GRCh37 = "GRCh37"
    GRCh38 = "GRCh38"


class AcmgClass(StrEnum):
    """ACMG/AMP 2015 five-tier classification."""

    PATHOGENIC = "Pathogenic"
    LIKELY_PATHOGENIC = "Likely pathogenic"
    VUS = "Uncertain significance"
    LIKELY_BENIGN = "Likely benign"
    BENIGN = "Benign"

    @property
    def short(self) -> str:
        return {
            "Pathogenic": "P",
            "Likely pathogenic": "LP",
            "Uncertain significance": "VUS",
            "Likely benign": "LB",
            "Benign": "B",
        }[self.value]

    @property
    def at_least_likely_pathogenic(self) -> bool:
        return self in (AcmgClass.PATHOGENIC, AcmgClass.LIKELY_PATHOGENIC)


class Confidence(StrEnum):
    VERIFIED = "verified"
    UNVERIFIED = "unverified"


class AssessmentStatus(StrEnum):
    """Whether an analysis ran. 'not_assessed' is a first-class result, never an empty list."""

    ASSESSED = "assessed"
    NOT_ASSESSED = "not_assessed"
    PARTIAL = "partial"


class NotAssessed(BaseModel):
    """Something the run could not look at, and why."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    what: str
    reason: str
    how_to_assess: str | None = None


class Evidence(BaseModel):
    """One applied (or considered) criterion with its weight and justification."""

    model_config = ConfigDict(defer_build=True)

    criterion: str
    strength: str
    points: float = 0.0
    applied: bool = True
    reason: str
    sources: list[str] = Field(default_factory=list)


class InputFile(BaseModel):
    model_config = ConfigDict(defer_build=True)

    role: str
    path: str
    sha256: str  # the digest; what it covers is named by checksum_method
    checksum_method: str = "sha256"  # "sha256" (whole file) or "sha256-sampled" (see outputs.fingerprint_file)
    size_bytes: int | None = None
    # a resource file's release as the file states it (ClinVar's fileDate, gnomAD's release in its name; "not stated in
    # the file" when neither says); None for the patient's own inputs
    release: str | None = None


class Provenance(BaseModel):
    """What produced an output: carried by every JSON/HTML/PDF output."""

    model_config = ConfigDict(defer_build=True)

    software: str = "charcot"
    software_version: str
    knowledge_version: str
    knowledge_snapshot: date
    knowledge_hash: str | None = None  # content hash of the snapshot (charcot.knowledge.snapshots)
    inputs: list[InputFile] = Field(default_factory=list)
    # the local resource bundle used (charcot resources build): its version and each resource's release
    resource_bundle: str | None = None
    statement: str


def provenance(inputs: dict[str, str] | None = None, *, full_checksums: bool = False,
               resource_bundle: str | None = None) -> Provenance:
    """Build the provenance block for a run: a content fingerprint of each role -> path input (a full
    SHA-256 up to 64 MiB or when ``full_checksums``; a sampled SHA-256 above, named as such)."""
    from charcot import CLINICAL_JUDGEMENT_STATEMENT, __version__
    from charcot.knowledge import get_knowledge
    from charcot.outputs import fingerprint_file

    kb = get_knowledge()
    files = []
    for role, path in sorted((inputs or {}).items()):
        digest, method, size = fingerprint_file(path, full=full_checksums)
        files.append(InputFile(role=role, path=path, sha256=digest, checksum_method=method, size_bytes=size))
    return Provenance(
        software_version=__version__,
        knowledge_version=kb.meta.version,
        knowledge_snapshot=kb.meta.snapshot_date,
        knowledge_hash=kb.content_hash,
        inputs=files,
        resource_bundle=resource_bundle,
        statement=CLINICAL_JUDGEMENT_STATEMENT,
    )


#: The oldest age (years) a record may give: the therapy facts' ``age`` bound and the clinical record's
#: date-of-birth check (an older age is a typing error in the year).
MAX_AGE_YEARS = 120

#: FVC in % predicted: one rule for the clinical record, the therapy facts and the web calculators.
FVC_MAX_PERCENT = 200.0
#: Below this an "FVC % predicted" is far more likely an adult FVC in litres (about 0.5-7 L) than a measured
#: percentage: a patient that weak cannot usually perform the manoeuvre. A real value is accepted with
#: ``fvc_percent_confirmed: true`` on the visit.
FVC_MIN_PLAUSIBLE_PERCENT = 10.0


def first_names(names: Sequence[str], shown: int = 12) -> str:
    """Up to ``shown`` names, comma-separated, then how many more ('A, B and 3 more'): a long list in an error, a note
    or a not-assessed line."""
    names = list(names)
    return ", ".join(names) if len(names) <= shown else f"{', '.join(names[:shown])} and {len(names) - shown} more"


def fvc_percent_problem(value: float, *, confirmed: bool = False,
                        how_to_confirm: str = "add fvc_percent_confirmed: true to this visit (in a Phenopacket: a "
                                              "CHARCOT:fvc_percent_confirmed measurement of 1 at the same time)",
                        what: str = "FVC") -> str | None:
    """Why ``value`` cannot be a vital capacity in % predicted (None when it can): not positive, above 200 (mL or a
    typing error), or below 10 (litres typed into the percentage field) unless the user confirmed it. ``what`` names
    the measurement (FVC, or SVC for a slow vital capacity): the same limits hold for both."""
    how = (f"enter {what} as a percentage of the predicted value (measured ÷ predicted × 100: 3.2 L of a predicted "
           "4.0 L is 80)")
    if value <= 0:
        return f"{what} % predicted must be > 0, got {value:g}"
    if value > FVC_MAX_PERCENT:
        return (f"{what} % predicted {value:g} is above {FVC_MAX_PERCENT:g}%: it looks like millilitres or a typing "
                f"error; {how}")
    if value < FVC_MIN_PLAUSIBLE_PERCENT and not confirmed:
        return (f"{what} % predicted {value:g} looks like litres, not a percentage of predicted (a vital capacity "
                f"below {FVC_MIN_PLAUSIBLE_PERCENT:g}% of predicted is rarely measurable); {how}; if {value:g}% of "
                f"predicted really was measured, {how_to_confirm}")
    return None


def _number_annotation(annotation: Any) -> bool:
    """``int``/``float`` or an optional of one (``bool`` is not a number here)."""
    if annotation in (int, float):
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return any(a in (int, float) for a in get_args(annotation))
    return False


class UserRecord(BaseModel):
    """Base of the models read from a user's file: unknown fields are errors, and a yes/no value is never taken
    as a number (pydantic's lax mode reads ``q3: true`` as 1, an ALSFRS-R item scored 1 that nobody wrote)."""

    # built lazily, as each subclass is (a command builds the record models it reads, none at import)
    model_config = ConfigDict(extra="forbid", defer_build=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_yes_no_as_number(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, (bool, float)) and info.field_name is not None:
            field = cls.model_fields.get(info.field_name)
            if field is not None and _number_annotation(field.annotation):
                if isinstance(value, bool):
                    raise ValueError(f"a yes/no value ({str(value).lower()}) where a number is expected")
                if not math.isfinite(value):  # YAML's .inf / .nan: never a measurement or a count
                    raise ValueError(f"{value} is not a usable number")
        return value
