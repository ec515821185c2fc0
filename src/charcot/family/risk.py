"""Age-dependent genetic risk for every relative, computed exactly over the whole pedigree.

Per person i and genotype g the likelihood L[i, g] is the product of:
* affected with a known onset age a: (scale_g)·[F(a + 0.5) - F(a - 0.5)], the probability of onset
  in that year of age (a density-like term; the de Vienne & de Vienne closed forms only use
  unaffected relatives, for whom the term below is the same);
* affected, onset age unknown, current age t: (scale_g)·F(t), onset by t; no age at all: the
  lifetime penetrance scale_g·F(100);
* unaffected at age t: 1 - scale_g·F(t); no age: 1 (no information);
* tested: 1 for the genotypes the result allows, 0 otherwise (a test is taken as exact).
scale_g = 1 - x for carriers and the phenocopy (population) lifetime risk for non-carriers.

Posteriors come from ``peeling.peel`` (``enumerate_posteriors`` for a small looped pedigree).
Risk of onset in the next N years for an unaffected person aged t:
Σ_g P(g | data)·[F_g(t + N) - F_g(t)] / [1 - F_g(t)]; lifetime risk uses F_g(100) for F_g(t + N).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from charcot.errors import InputError
from charcot.family.model import (
    IndividualRisk,
    ModelAssumptions,
    Observation,
    RiskResult,
    SensitivityRow,
    Sex,
    Status,
    TestResult,
)
from charcot.family.pedigree import Pedigree
from charcot.family.peeling import (
    ENUMERATION_LIMIT,
    FloatArray,
    LoopError,
    PeelResult,
    enumerate_posteriors,
    hardy_weinberg,
    peel,
)
from charcot.family.penetrance import (
    DENSITY_FLOOR,
    POPULATION_LIFETIME_RISK,
    PenetranceModel,
    penetrance_record,
)
from charcot.knowledge.schema.penetrance import Curve
from charcot.knowledge.schema.penetrance import Record as PenetranceRecord
from charcot.model import Confidence

# Founder carrier frequency when the knowledge base gives none: 1 in 10,000, a placeholder that
# only matters for founders with no tested or affected descendants (stated in the assumptions).
DEFAULT_CARRIER_FREQUENCY = 1e-4


def _observation(pedigree: Pedigree, iid: str, extra: Mapping[str, Observation]) -> Observation:
    base = pedigree.observations.get(iid, Observation())
    over = extra.get(iid)
    if over is None:
        return base
    merged = base.model_dump()
    merged.update({k: v for k, v in over.model_dump().items() if v is not None and v != TestResult.UNTESTED})
    return Observation(**merged)


def _status(pedigree: Pedigree, iid: str, obs: Observation) -> Status:
    return obs.status if obs.status is not None else pedigree[iid].status


def _curve_for(record: PenetranceRecord, curve_id: str | None, sex: Sex, sex_specific: bool) -> Curve:
    try:
        return record.curve(curve_id, sex.value if sex_specific else None)
    except KeyError as exc:
        raise InputError(str(exc.args[0]), hint="see 'curves' in the penetrance knowledge") from exc


def _likelihood(model: PenetranceModel, status: Status, obs: Observation) -> FloatArray:
    like = np.ones(3)
    if status is Status.AFFECTED:
        if obs.onset_age is not None:
            like *= model.onset_density(obs.onset_age)
        elif obs.age is not None:
            # floor as for onset densities: affected younger than any onset in the data stays possible
            like *= np.maximum(model.cumulative(obs.age), DENSITY_FLOOR * model.scale())
        else:
            like *= model.lifetime()
    elif status is Status.UNAFFECTED and obs.age is not None:
        like *= 1.0 - model.cumulative(obs.age)
    if obs.test is TestResult.CARRIER:
        like *= np.array([0.0, 1.0, 1.0])
    elif obs.test is TestResult.NONCARRIER:
        like *= np.array([1.0, 0.0, 0.0])
    return like


def solve(pedigree: Pedigree, likelihood: FloatArray, carrier_frequency: float) -> PeelResult:
    """Posteriors by peeling; a looped pedigree small enough is enumerated exactly, else refused."""
    ids = pedigree.ids
    index = {iid: k for k, iid in enumerate(ids)}
    father = np.array([index.get(pedigree[i].father or "", -1) for i in ids], dtype=np.int64)
    mother = np.array([index.get(pedigree[i].mother or "", -1) for i in ids], dtype=np.int64)
    prior = hardy_weinberg(carrier_frequency)
    try:
        try:
            return peel(father, mother, likelihood, prior)
        except LoopError as loop:
            members = [ids[k] for k in loop.members]
            if len(ids) <= ENUMERATION_LIMIT:
                result = enumerate_posteriors(father, mother, likelihood, prior)
                result.method += f" (pedigree loop through {', '.join(members)}: peeling does not apply)"
                return result
            raise InputError(
                f"the pedigree has a marriage/consanguinity loop through {', '.join(members)}; exact peeling "
                f"(Elston–Stewart / Lange–Elston) needs a loopless pedigree and exhaustive enumeration is "
                f"limited to {ENUMERATION_LIMIT} people (this one has {len(ids)})",
                path=pedigree.source,
                hint="a looped pedigree needs loop breaking or MCMC, which charcot does not do: remove the "
                "individuals not needed for the question (keep the loop outside the relatives of interest)",
            ) from None
    except ValueError as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"{exc}: e.g. a tested non-carrier parent of a tested carrier, or an affected "
                         "non-carrier with phenocopy risk 0", path=pedigree.source,
                         hint="check the test results and statuses") from None


def relative_risks(
    pedigree: Pedigree,
    gene: str,
    carrier: str | None = None,
    ages: Mapping[str, float] | None = None,
    nonpenetrance: float | None = None,
    horizon_years: float = 10,
    *,
    observations: Mapping[str, Observation] | None = None,
    curve: str | None = None,
    sex_specific: bool = True,
    phenocopy: float = POPULATION_LIFETIME_RISK,
    carrier_frequency: float | None = None,
    sensitivity: bool = True,
) -> RiskResult:
    """P(carrier), risk in the next ``horizon_years`` and remaining lifetime risk for everyone.

    ``carrier``: an individual known to carry the family variant (treated as a positive test).
    ``ages``: current age per ID; ``observations`` add onset ages, status and test results (they win
    over the pedigree file). ``nonpenetrance`` x defaults to the gene's knowledge-base default."""
    record = penetrance_record(gene)
    if horizon_years <= 0:
        raise InputError(f"horizon {horizon_years:g} years must be positive")
    x = record.default_nonpenetrance if nonpenetrance is None else float(nonpenetrance)
    if not 0.0 <= x <= 1.0:
        raise InputError(f"non-penetrance {x:g} is outside [0, 1]", hint="a fraction, e.g. 0.2")
    cf = carrier_frequency
    if cf is None:
        cf = (record.population.carrier_frequency if record.population and record.population.carrier_frequency
              else DEFAULT_CARRIER_FREQUENCY)
    if not 0.0 < cf < 1.0:
        raise InputError(f"carrier frequency {cf:g} must be in (0, 1)")
    extra: dict[str, Observation] = dict(observations or {})
    for iid, age in (ages or {}).items():
        if iid not in pedigree:
            raise InputError(f"age given for {iid!r}, who is not in the pedigree", path=pedigree.source)
        extra[iid] = (extra.get(iid) or Observation()).model_copy(update={"age": float(age)})
    for iid in extra:
        if iid not in pedigree:
            raise InputError(f"observation for {iid!r}, who is not in the pedigree", path=pedigree.source)
    if carrier is not None:
        if carrier not in pedigree:
            raise InputError(f"carrier {carrier!r} is not in the pedigree", path=pedigree.source,
                             hint=f"IDs: {', '.join(pedigree.ids[:10])}{' …' if len(pedigree) > 10 else ''}")
        extra[carrier] = (extra.get(carrier) or Observation()).model_copy(update={"test": TestResult.CARRIER})

    ids = pedigree.ids
    obs = {iid: _observation(pedigree, iid, extra) for iid in ids}
    status = {iid: _status(pedigree, iid, obs[iid]) for iid in ids}
    curves = {iid: _curve_for(record, curve, pedigree[iid].sex, sex_specific) for iid in ids}

    def run(xv: float) -> tuple[PeelResult, dict[str, PenetranceModel]]:
        models = {iid: PenetranceModel(curves[iid], xv, phenocopy) for iid in ids}
        like = np.vstack([_likelihood(models[iid], status[iid], obs[iid]) for iid in ids])
        return solve(pedigree, like, cf), models

    def risks(post: FloatArray, model: PenetranceModel, o: Observation, st: Status) -> tuple[float | None, float | None]:
        if st is Status.AFFECTED:
            return None, None
        life = model.lifetime()
        if o.age is None:
            return None, float(np.clip(post @ life, 0.0, 1.0))
        now = model.cumulative(o.age)
        later = model.cumulative(o.age + horizon_years)
        surv = np.where(1.0 - now > 0, 1.0 - now, 1.0)
        nxt = float(np.clip(post @ ((later - now) / surv), 0.0, 1.0))
        lif = float(np.clip(post @ ((life - now) / surv), 0.0, 1.0))
        return nxt, lif

    main, models = run(x)
    individuals: list[IndividualRisk] = []
    for k, iid in enumerate(ids):
        post = main.posteriors[k]
        o, st = obs[iid], status[iid]
        nxt, lif = risks(post, models[iid], o, st)
        pc = float(np.clip(post[1] + post[2], 0.0, 1.0))
        individuals.append(IndividualRisk(
            id=iid, sex=pedigree[iid].sex, age=o.age, status=st, tested=o.test, p_carrier=pc,
            risk_next_years=nxt, risk_lifetime=lif, curve=curves[iid].id,
            explanation=_explain(iid, pedigree, o, st, pc, nxt, lif, horizon_years),
        ))

    rows: list[SensitivityRow] = []
    if sensitivity:
        grid: dict[float, str] = {0.0: "full penetrance (x = 0)", 0.2: "x = 0.2", 0.5: "x = 0.5"}
        if record.population is not None:
            grid[round(1.0 - record.population.estimate, 4)] = (
                f"population-level maximum penetrance {record.population.estimate:.1%} (x = 1 - that)")
        grid[round(x, 4)] = grid.get(round(x, 4), f"x = {x:g}") + " [chosen]"
        for xv in sorted(grid):
            res, mods = run(xv)
            pcs: dict[str, float] = {}
            lifes: dict[str, float | None] = {}
            for k, iid in enumerate(ids):
                pcs[iid] = float(np.clip(res.posteriors[k, 1] + res.posteriors[k, 2], 0, 1))
                lifes[iid] = risks(res.posteriors[k], mods[iid], obs[iid], status[iid])[1]
            rows.append(SensitivityRow(nonpenetrance=xv, label=grid[xv], p_carrier=pcs, risk_lifetime=lifes))

    used_curves = sorted({c.id for c in curves.values()})
    conf = Confidence.UNVERIFIED if (record.confidence is Confidence.UNVERIFIED or any(
        c.confidence is Confidence.UNVERIFIED for c in curves.values())) else Confidence.VERIFIED
    caveats = [
        "The onset curve is the age-at-onset distribution of ascertained, mostly affected carriers: an upper "
        "bound on penetrance by age; the non-penetrant fraction x carries the uncertainty (see sensitivity).",
        "Risks ignore death from other causes (cumulative incidence without competing mortality).",
        "No correction for how the family was ascertained; a test result is taken as exact.",
        "Homozygous carriers are assumed to have the heterozygous penetrance.",
        f"ALS in a non-carrier (phenocopy) has lifetime risk {phenocopy:g} with the gene's age shape (approximation).",
    ]
    caveats.extend(pedigree.notes)
    if conf is Confidence.UNVERIFIED:
        caveats.append(f"The {record.gene} curve is marked unverified in the knowledge base: "
                       f"{record.confidence_note or 'see its sources'}")
    assumptions = ModelAssumptions(
        gene=record.gene, curve=", ".join(used_curves), curve_confidence=conf.value,
        sex_specific=sex_specific, nonpenetrance=x, nonpenetrance_rationale=record.nonpenetrance_rationale,
        phenocopy_lifetime_risk=phenocopy, carrier_frequency=cf, horizon_years=horizon_years,
        method=main.method,
        likelihoods=[
            "affected with onset age a: (1-x)·[F(a+0.5)-F(a-0.5)] for carriers (year-of-onset probability)",
            "affected without onset age, aged t: (1-x)·F(t); unaffected aged t: 1-(1-x)·F(t); no age: 1",
            "tested: indicator of the allowed genotypes",
        ],
        caveats=caveats,
        sources=sorted({*record.sources, *(s for c in curves.values() for s in c.sources)}),
    )
    return RiskResult(family_size=len(ids), carrier=carrier, individuals=individuals, assumptions=assumptions,
                      sensitivity=rows, log_likelihood=main.log_likelihood)


def _explain(iid: str, pedigree: Pedigree, o: Observation, st: Status, pc: float, nxt: float | None,
             lif: float | None, horizon: float) -> str:
    parts: list[str] = []
    if o.test is TestResult.CARRIER:
        return "tested carrier (or named as the family carrier)"
    if o.test is TestResult.NONCARRIER:
        return "tested non-carrier"
    if st is Status.AFFECTED:
        onset = f", onset at {o.onset_age:g}" if o.onset_age is not None else ""
        parts.append(f"affected{onset}: P(carrier) {pc:.1%} given the family")
        return "; ".join(parts)
    if o.age is None:
        parts.append(f"age unknown: P(carrier) {pc:.1%} from relatives only; next-{horizon:g}-year risk not assessed")
    elif st is Status.UNAFFECTED:
        parts.append(f"unaffected at {o.age:g}: P(carrier) {pc:.1%}")
    else:
        parts.append(f"status unknown at {o.age:g}: P(carrier) {pc:.1%}")
    if nxt is not None:
        parts.append(f"risk of onset within {horizon:g} years {nxt:.1%}")
    if lif is not None:
        parts.append(f"remaining lifetime risk {lif:.1%}")
    return "; ".join(parts)
