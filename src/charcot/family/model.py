"""Result types of charcot.family (pydantic, serialised as the JSON outputs)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class Status(StrEnum):
    AFFECTED = "affected"
    UNAFFECTED = "unaffected"
    UNKNOWN = "unknown"


class TestResult(StrEnum):
    CARRIER = "carrier"
    NONCARRIER = "noncarrier"
    UNTESTED = "untested"


class Individual(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    family: str
    father: str | None = None
    mother: str | None = None
    sex: Sex = Sex.UNKNOWN
    status: Status = Status.UNKNOWN
    line: int | None = None


class Observation(BaseModel):
    """What is known about one person for the risk model (from ages.tsv, a phenopacket or the CLI)."""

    age: float | None = Field(default=None, ge=0, le=120)
    onset_age: float | None = Field(default=None, ge=0, le=120)
    status: Status | None = None  # overrides the pedigree file's affection status when given
    test: TestResult = TestResult.UNTESTED
    deceased: bool | None = None  # None: not recorded
    death_age: float | None = Field(default=None, ge=0, le=120)  # age at death (implies deceased)

    @property
    def is_deceased(self) -> bool:
        return bool(self.deceased) or self.death_age is not None

    @property
    def model_age(self) -> float | None:
        """The age the penetrance model uses: age at death for the deceased, else the current age."""
        return self.death_age if self.death_age is not None else self.age


class IndividualRisk(BaseModel):
    id: str
    sex: Sex
    age: float | None
    status: Status
    tested: TestResult
    deceased: bool = False
    death_age: float | None = None
    p_carrier: float = Field(ge=0, le=1)
    risk_next_years: float | None = Field(default=None, ge=0, le=1)
    risk_lifetime: float | None = Field(default=None, ge=0, le=1)
    curve: str
    explanation: str

    @property
    def vital(self) -> str:
        """Vital status as every family table shows it: "died at 64", "died (age not given)" or "-"."""
        if self.death_age is not None:
            return f"died at {self.death_age:g}"
        return "died (age not given)" if self.deceased else "-"


class SensitivityRow(BaseModel):
    nonpenetrance: float
    label: str
    p_carrier: dict[str, float]
    risk_lifetime: dict[str, float | None]


class ProbandPrior(BaseModel):
    """Where the proband's carrier probability given the family history comes from."""

    id: str
    family_history: str  # "apparently sporadic" or "familial"
    used: bool  # False: the share was not available, the population model was used
    p_carrier: float | None = None
    text: str
    sources: list[str] = []


class ModelAssumptions(BaseModel):
    gene: str
    curve: str  # curve ids (JSON, --curve)
    curve_title: str = ""  # the same curves in words, for clinician-facing text
    curve_confidence: str
    sex_specific: bool
    nonpenetrance: float
    nonpenetrance_rationale: str
    phenocopy_lifetime_risk: float
    carrier_frequency: float
    horizon_years: float
    method: str
    proband_prior: ProbandPrior | None = None
    likelihoods: list[str]
    caveats: list[str]
    sources: list[str]


class RiskResult(BaseModel):
    family_size: int
    carrier: str | None
    individuals: list[IndividualRisk]
    assumptions: ModelAssumptions
    sensitivity: list[SensitivityRow]
    log_likelihood: float

    def by_id(self, individual_id: str) -> IndividualRisk:
        for ind in self.individuals:
            if ind.id == individual_id:
                return ind
        raise KeyError(individual_id)
