"""Age-dependent genetic risk for every relative, computed exactly over the whole pedigree.

Per person i and genotype g the likelihood L[i, g] is the product of:
* affected with a known onset age a: (scale_g)·[F(a + 0.5) - F(a - 0.5)], the probability of onset
  in that year of age (a density-like term; the de Vienne & de Vienne closed forms only use
  unaffected relatives, for whom the term below is the same);
* affected, onset age unknown, current age t: (scale_g)·F(t), onset by t; no age at all: the
  lifetime penetrance scale_g·F(100);
* unaffected at age t: 1 - scale_g·F(t); no age: 1 (no information); for a deceased person t is
  the age at death (``death_age``), and no future risk is reported;
* tested: 1 for the genotypes the result allows, 0 otherwise (a test is taken as exact).
scale_g = 1 - x for carriers and the phenocopy (population) lifetime risk for non-carriers.

Posteriors come from ``peeling.peel_graph`` (for looped pedigrees loop breaking or variable
elimination, ``family.elimination``, whichever is expected to be faster); the likelihoods
and risks are computed for all people at once (numpy), and the graph is built once per call.
Risk of onset in the next N years for an unaffected person aged t:
Σ_g P(g | data)·[F_g(t + N) - F_g(t)] / [1 - F_g(t)]; lifetime risk uses F_g(100) for F_g(t + N).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from charcot.errors import InputError
from charcot.family.elimination import MAX_CLIQUE_PEOPLE
from charcot.family.model import (
    IndividualRisk,
    ModelAssumptions,
    Observation,
    ProbandPrior,
    RiskResult,
    SensitivityRow,
    Sex,
    Status,
    TestResult,
)
from charcot.family.pedigree import Pedigree
from charcot.family.peeling import (
    FloatArray,
    LoopError,
    PedigreeGraph,
    PeelResult,
    build_graph,
    hardy_weinberg,
    peel_graph,
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
    if base == Observation():
        return over
    update = {k: v for k, v in over if v is not None and v != TestResult.UNTESTED}
    return base.model_copy(update=update)


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
        elif obs.model_age is not None:
            # floor as for onset densities: affected younger than any onset in the data stays possible
            like *= np.maximum(model.cumulative(obs.model_age), DENSITY_FLOOR * model.scale())
        else:
            like *= model.lifetime()
    elif status is Status.UNAFFECTED and obs.model_age is not None:
        like *= 1.0 - model.cumulative(obs.model_age)
    if obs.test is TestResult.CARRIER:
        like *= np.array([0.0, 1.0, 1.0])
    elif obs.test is TestResult.NONCARRIER:
        like *= np.array([1.0, 0.0, 0.0])
    return like


def _curve_end(curve: Curve) -> int:
    """The age from which the curve records no further onset: where it reaches its final value (a Kaplan-Meier
    curve is flat after the last onset in its data), else its last age."""
    values = curve.values
    final = values[-1]
    return next(i for i, v in enumerate(values) if v >= final - 1e-12)


def _past_the_curve(ids: list[str], obs: dict[str, Observation], status: dict[str, Status],
                    curves: dict[str, Curve]) -> list[str]:
    """A caveat naming the living relatives without ALS who are as old as, or older than, the age from which their
    curve records no further onset: their remaining risk (0 by the curve) is not an estimate from onsets observed
    at their age."""
    past: dict[tuple[str, int], list[str]] = {}
    ends: dict[int, int] = {}  # per curve object: a pedigree uses a few curves, each end found once
    for iid in ids:
        o, curve = obs[iid], curves[iid]
        if status[iid] is Status.AFFECTED or o.is_deceased or o.model_age is None:
            continue
        end = ends.get(id(curve))
        if end is None:
            end = ends[id(curve)] = _curve_end(curve)
        if o.model_age >= end:
            past.setdefault((curve.title or curve.id, end), []).append(f"{iid} ({o.model_age:g})")
    return [f"The penetrance curve ({title}) gives no further onset after age {end}: the remaining risk of "
            f"{', '.join(sorted(people))} is 0 by the curve, not an estimate from onsets observed at that age."
            for (title, end), people in sorted(past.items())]


_SHARE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?))?\s*%")


def share_fraction(text: str | None) -> float | None:
    """The first percentage of a knowledge-base share text ("about 7% in Europeans" -> 0.07; a range
    "1-2%" -> its midpoint); None when the text gives no percentage or starts with "<"."""
    if not text or text.lstrip().startswith("<"):
        return None
    m = _SHARE.search(text)
    if m is None:
        return None
    low = float(m.group(1))
    high = float(m.group(2)) if m.group(2) else low
    value = (low + high) / 2 / 100
    return value if 0.0 < value < 1.0 else None


def proband_prior(pedigree: Pedigree, gene: str, proband: str, status: Mapping[str, Status]) -> ProbandPrior:
    """P(proband carries a variant in ``gene`` | ALS, family history) from the gene's share of sporadic
    or familial ALS in the knowledge base: familial when another relative is affected."""
    from charcot.knowledge import get_knowledge

    others = [iid for iid, st in status.items() if st is Status.AFFECTED and iid != proband]
    history = "familial" if others else "apparently sporadic"
    record = get_knowledge().find_gene(gene)
    text = None if record is None else (record.familial_share if others else record.sporadic_share)
    value = share_fraction(text)
    basis = (f"{history} ALS ({len(others)} other affected relative(s))" if others
             else "apparently sporadic ALS (no other affected relative in the pedigree)")
    if value is None:
        return ProbandPrior(id=proband, family_history=history, used=False,
                            text=f"no share of {history} ALS for {gene} in the knowledge base"
                            + (f" ('{text}' gives no single figure)" if text else "")
                            + ": the proband's carrier probability comes from the population model")
    sources = [] if record is None else list(record.sources)
    return ProbandPrior(id=proband, family_history=history, used=True, p_carrier=value, sources=sources,
                        text=f"P(carrier) {value:.1%} given the family history (relatives' status and ages, which "
                        f"the share already reflects; only test results change it): {gene} in {basis}, knowledge "
                        f"base: '{text}'")


def pedigree_arrays(pedigree: Pedigree) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Parent indices per person (-1 for founders), in ``pedigree.ids`` order."""
    ids = pedigree.ids
    index = {iid: k for k, iid in enumerate(ids)}
    father = np.array([index.get(pedigree[i].father or "", -1) for i in ids], dtype=np.int64)
    mother = np.array([index.get(pedigree[i].mother or "", -1) for i in ids], dtype=np.int64)
    return father, mother


def pedigree_graph(pedigree: Pedigree, x_linked: bool = False) -> PedigreeGraph:
    father, mother = pedigree_arrays(pedigree)
    sexes = None
    if x_linked:
        sexes = np.array([1 if pedigree[i].sex is Sex.MALE else 2 for i in pedigree.ids], dtype=np.int64)
    return build_graph(father, mother, sexes)


def loop_text(pedigree: Pedigree, graph: PedigreeGraph) -> str:
    ids = pedigree.ids
    return "; ".join(", ".join(ids[k] for k in loop) for loop in graph.loops)


def solve(pedigree: Pedigree, likelihood: FloatArray, carrier_frequency: float, *,
          graph: PedigreeGraph | None = None, founder_prior: FloatArray | None = None) -> PeelResult:
    """Exact posteriors by peeling (loop breaking or variable elimination for looped pedigrees); InputError
    when the data are impossible under the model or the pedigree is too interlinked (elimination clique
    above ``MAX_CLIQUE_PEOPLE`` people)."""
    graph = pedigree_graph(pedigree) if graph is None else graph
    prior = hardy_weinberg(carrier_frequency) if founder_prior is None else founder_prior
    try:
        result = peel_graph(graph, likelihood, prior)
    except LoopError as exc:
        raise InputError(
            f"the pedigree has {len(graph.breakers)} independent marriage/consanguinity loops (through "
            f"{loop_text(pedigree, graph)}) and is too interlinked for an exact computation here: it needs "
            f"{exc.clique} people's genotypes jointly (3^{exc.clique} combinations), and the limit is "
            f"{MAX_CLIQUE_PEOPLE} people (3^{MAX_CLIQUE_PEOPLE})", path=pedigree.source,
            hint="remove the individuals not needed for the question (keep distant loops out of the file)",
        ) from None
    except ValueError as exc:
        raise InputError(f"{exc}: e.g. a tested non-carrier parent of a tested carrier, or an affected "
                         "non-carrier with phenocopy risk 0", path=pedigree.source,
                         hint="check the test results and statuses") from None
    if graph.loops:
        result.method += f"; loop(s) through {loop_text(pedigree, graph)}"
    return result


class _PersonArrays:
    """Per-person inputs of the likelihood, as arrays in ``pedigree.ids`` order."""

    def __init__(self, ids: list[str], obs: Mapping[str, Observation], status: Mapping[str, Status],
                 curves: Mapping[str, Curve]) -> None:
        nan = float("nan")
        ages = [obs[i].model_age for i in ids]
        self.age = np.array([nan if a is None else float(a) for a in ages])
        self.deceased = np.array([obs[i].is_deceased for i in ids])
        self.onset = np.array([nan if obs[i].onset_age is None else float(obs[i].onset_age)  # type: ignore[arg-type]
                               for i in ids])
        self.affected = np.array([status[i] is Status.AFFECTED for i in ids])
        self.unaffected = np.array([status[i] is Status.UNAFFECTED for i in ids])
        self.carrier = np.array([obs[i].test is TestResult.CARRIER for i in ids])
        self.noncarrier = np.array([obs[i].test is TestResult.NONCARRIER for i in ids])
        self.groups: dict[str, tuple[NDArray[np.int64], FloatArray]] = {}
        by_curve: dict[str, list[int]] = {}
        values: dict[str, FloatArray] = {}
        for k, i in enumerate(ids):
            cid = curves[i].id
            by_curve.setdefault(cid, []).append(k)
            if cid not in values:
                values[cid] = np.asarray(curves[i].values, dtype=float)
        for cid, members in by_curve.items():
            self.groups[cid] = (np.array(members, dtype=np.int64), values[cid])

    def curve_at(self, t: FloatArray) -> FloatArray:
        """F_i(t_i) for every person (NaN stays NaN)."""
        out = np.full(len(t), np.nan)
        for members, values in self.groups.values():
            tt = t[members]
            ok = ~np.isnan(tt)
            vals = np.full(len(members), np.nan)
            vals[ok] = np.interp(tt[ok], np.arange(len(values)), values)
            out[members] = vals
        return out

    def lifetime_curve(self) -> FloatArray:
        out = np.zeros(len(self.age))
        for members, values in self.groups.values():
            out[members] = values[-1]
        return out


def likelihood_matrix(p: _PersonArrays, scale: FloatArray, tests: bool = True) -> FloatArray:
    """L[i, g] as in the module docstring, for all people at once. ``scale``: (n, 3) lifetime
    penetrance per person and genotype. ``tests=False``: phenotypes only (genetic test results left out)."""
    n = len(p.age)
    like = np.ones((n, 3))
    has_onset = p.affected & ~np.isnan(p.onset)
    if np.any(has_onset):
        lo = p.curve_at(np.maximum(np.where(has_onset, p.onset, 0.0) - 0.5, 0.0))
        hi = p.curve_at(np.where(has_onset, p.onset, 0.0) + 0.5)
        like[has_onset] = scale[has_onset] * np.maximum(hi - lo, DENSITY_FLOOR)[has_onset, None]
    age_only = p.affected & np.isnan(p.onset) & ~np.isnan(p.age)
    if np.any(age_only):
        f = p.curve_at(np.where(age_only, p.age, 0.0))
        # floor as for onset densities: affected younger than any onset in the data stays possible
        like[age_only] = scale[age_only] * np.maximum(f, DENSITY_FLOOR)[age_only, None]
    no_age = p.affected & np.isnan(p.onset) & np.isnan(p.age)
    if np.any(no_age):
        like[no_age] = scale[no_age] * p.lifetime_curve()[no_age, None]
    unaffected = p.unaffected & ~np.isnan(p.age)
    if np.any(unaffected):
        f = p.curve_at(np.where(unaffected, p.age, 0.0))
        like[unaffected] = 1.0 - scale[unaffected] * f[unaffected, None]
    if tests:
        like[p.carrier] *= np.array([0.0, 1.0, 1.0])
        like[p.noncarrier] *= np.array([1.0, 0.0, 0.0])
    return like


def risk_arrays(post: FloatArray, p: _PersonArrays, scale: FloatArray, horizon: float) -> tuple[FloatArray, FloatArray]:
    """(risk in the next ``horizon`` years, remaining lifetime risk) per person; NaN where not defined
    (affected people; next-years risk without an age). A person of unknown status with an age gets the risks of
    being unaffected at that age: their genotype posterior times their own 'unaffected at t' term 1 - scale·F(t),
    renormalised (exactly the posterior with that term, since it touches only their own genotype); their
    P(carrier) stays the status-free one. Without an age the lifetime risk is the risk from birth."""
    life = scale * p.lifetime_curve()[:, None]
    has_age = ~np.isnan(p.age)
    now = scale * np.nan_to_num(p.curve_at(np.where(has_age, p.age, 0.0)))[:, None]
    later = scale * np.nan_to_num(p.curve_at(np.where(has_age, p.age + horizon, 0.0)))[:, None]
    now = np.where(has_age[:, None], now, 0.0)
    unknown = has_age & ~p.affected & ~p.unaffected & ~p.deceased
    if np.any(unknown):
        weighted = post[unknown] * (1.0 - now[unknown])
        total = weighted.sum(axis=1, keepdims=True)
        post = post.copy()
        post[unknown] = np.where(total > 0, weighted / np.where(total > 0, total, 1.0), post[unknown])
    surv = np.where(1.0 - now > 0, 1.0 - now, 1.0)
    nxt = np.clip(np.einsum("ij,ij->i", post, (later - now) / surv), 0.0, 1.0)
    lif = np.clip(np.einsum("ij,ij->i", post, (life - now) / surv), 0.0, 1.0)
    nxt = np.where(has_age & ~p.affected & ~p.deceased, nxt, np.nan)
    lif = np.where(~p.affected & ~p.deceased, lif, np.nan)
    return nxt, lif


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
    proband: str | None = None,
    penetrance: PenetranceRecord | None = None,
) -> RiskResult:
    """P(carrier), risk in the next ``horizon_years`` and remaining lifetime risk for everyone.

    ``carrier``: an individual known to carry the family variant (treated as a positive test).
    ``ages``: current age per ID; ``observations`` add onset ages, status and test results (they win
    over the pedigree file). ``nonpenetrance`` x defaults to the gene's knowledge-base default.
    ``proband`` (default: the pedigree's proband, else the only affected person): when affected and
    untested, their carrier probability given the relatives' phenotypes is the gene's share of sporadic
    or familial ALS (by the family history in the pedigree), not the population model; relatives' test
    results still update it. A named proband
    who is unaffected (a consultand) leaves the prior with the only affected person, if there is one.
    ``penetrance``: the gene's penetrance record (default: from the knowledge base). An X-linked record
    switches to X-linked transmission: males hemizygous (curve, x), heterozygous females with their own
    non-penetrance; the carrier frequency is then the allele frequency (= male carrier frequency)."""
    record = penetrance_record(gene) if penetrance is None else penetrance
    if horizon_years <= 0:
        raise InputError(f"horizon {horizon_years:g} years must be positive", hint="give a number of years, e.g. 10")
    x = record.default_nonpenetrance if nonpenetrance is None else float(nonpenetrance)
    if not 0.0 <= x <= 1.0:
        raise InputError(f"non-penetrance {x:g} is outside [0, 1]", hint="a fraction, e.g. 0.2")
    cf = carrier_frequency
    if cf is None:
        cf = (record.population.carrier_frequency if record.population and record.population.carrier_frequency
              else DEFAULT_CARRIER_FREQUENCY)
    if not 0.0 < cf < 1.0:
        raise InputError(f"carrier frequency {cf:g} must be in (0, 1)",
                         hint="a fraction of people carrying the variant, e.g. 0.0001")
    extra: dict[str, Observation] = dict(observations or {})
    for iid, age in (ages or {}).items():
        if iid not in pedigree:
            raise InputError(f"age given for {iid!r}, who is not in the pedigree", path=pedigree.source,
                             hint="use the individual IDs of the PED file (its second column) in the ages file")
        extra[iid] = (extra.get(iid) or Observation()).model_copy(update={"age": float(age)})
    for iid in extra:
        if iid not in pedigree:
            raise InputError(f"observation for {iid!r}, who is not in the pedigree", path=pedigree.source,
                             hint="use the individual IDs of the PED file (its second column)")
    if carrier is not None:
        if carrier not in pedigree:
            raise InputError(f"carrier {carrier!r} is not in the pedigree", path=pedigree.source,
                             hint=f"IDs: {', '.join(pedigree.ids[:10])}{' …' if len(pedigree) > 10 else ''}")
        extra[carrier] = (extra.get(carrier) or Observation()).model_copy(update={"test": TestResult.CARRIER})

    ids = pedigree.ids
    obs = {iid: _observation(pedigree, iid, extra) for iid in ids}
    status = {iid: _status(pedigree, iid, obs[iid]) for iid in ids}
    curves = {iid: _curve_for(record, curve, pedigree[iid].sex, sex_specific) for iid in ids}

    arrays = _PersonArrays(ids, obs, status, curves)
    x_linked = record.x_linked
    female = np.array([pedigree[i].sex is Sex.FEMALE for i in ids])
    if x_linked:
        unknown = [i for i in ids if pedigree[i].sex is Sex.UNKNOWN]
        if unknown:
            raise InputError(f"{record.gene} is X-linked and the sex of {', '.join(unknown[:10])} is unknown",
                             path=pedigree.source, hint="record sex in column 5 of the PED file (1 male, 2 female)")
        q = cf
        founder_prior = np.where(female[:, None], np.array([(1 - q) ** 2, 2 * q * (1 - q), q * q]),
                                 np.array([1 - q, q, 0.0]))
    else:
        founder_prior = np.tile(hardy_weinberg(cf), (len(ids), 1))
    graph = pedigree_graph(pedigree, x_linked=x_linked)
    prior_info = _choose_proband(pedigree, record.gene, proband, obs, status)
    xf = record.female_nonpenetrance

    def scale_for(xv: float) -> FloatArray:
        scale = np.tile(np.array([phenocopy, 1.0 - xv, 1.0 - xv]), (len(ids), 1))
        if x_linked and xf is not None:
            scale[female, 1] = 1.0 - xf  # heterozygous females: their own penetrance
        return scale

    def run(xv: float) -> tuple[PeelResult, FloatArray]:
        PenetranceModel(curves[ids[0]], xv, phenocopy)  # validates x and the phenocopy risk
        scale = scale_for(xv)
        like = likelihood_matrix(arrays, scale)
        if prior_info is not None and prior_info.used and prior_info.p_carrier is not None:
            # The share is P(carrier | ALS, this family history): the relatives' affection status and ages ARE
            # that history, so the proband's term is set for P(carrier | relatives' phenotypes) = share, and only
            # genetic test results (new information) move it further. Counting the unaffected elderly parents
            # again on top of a sporadic share took 7% down to about 1%.
            k = ids.index(prior_info.id)
            s_ = prior_info.p_carrier
            pheno = likelihood_matrix(arrays, scale, tests=False)
            pheno[k] = 1.0
            q = float(np.sum(solve(pedigree, pheno, cf, graph=graph, founder_prior=founder_prior).posteriors[k, 1:]))
            if not 0.0 < q < 1.0:  # the relatives' phenotypes exclude (or force) carriage under this model
                hw = founder_prior[k]
                q = float(hw[1] + hw[2])
            like[k] = np.array([(1 - s_) / (1 - q), s_ / q, s_ / q])
        return solve(pedigree, like, cf, graph=graph, founder_prior=founder_prior), scale

    def maybe(v: float) -> float | None:
        return None if v != v else v  # NaN: not defined for this person

    main, scale = run(x)
    nxt_all, life_all = risk_arrays(main.posteriors, arrays, scale, horizon_years)
    pc_all = np.clip(main.posteriors[:, 1] + main.posteriors[:, 2], 0.0, 1.0)
    individuals: list[IndividualRisk] = []
    for iid, nxt_k, lif_k, pc in zip(ids, nxt_all.tolist(), life_all.tolist(), pc_all.tolist(), strict=True):
        o, st = obs[iid], status[iid]
        nxt, lif = maybe(nxt_k), maybe(lif_k)
        individuals.append(IndividualRisk(
            id=iid, sex=pedigree[iid].sex, age=o.age, status=st, tested=o.test, p_carrier=pc,
            deceased=o.is_deceased, death_age=o.death_age,
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
            res, sc = run(xv)
            pcs_arr = np.clip(res.posteriors[:, 1] + res.posteriors[:, 2], 0, 1)
            _, lifes_arr = risk_arrays(res.posteriors, arrays, sc, horizon_years)
            pcs = dict(zip(ids, pcs_arr.tolist(), strict=True))
            lifes = {iid: (None if v != v else v) for iid, v in zip(ids, lifes_arr.tolist(), strict=True)}
            rows.append(SensitivityRow(nonpenetrance=xv, label=grid[xv], p_carrier=pcs, risk_lifetime=lifes))

    used_curves = sorted({c.id for c in curves.values()})
    conf = Confidence.UNVERIFIED if (record.confidence is Confidence.UNVERIFIED or any(
        c.confidence is Confidence.UNVERIFIED for c in curves.values())) else Confidence.VERIFIED
    caveats = [
        "The onset curve is the age-at-onset distribution of ascertained, mostly affected carriers: an upper "
        "bound on penetrance by age; the non-penetrant fraction x carries the uncertainty (see sensitivity).",
        "Risks ignore death from other causes (cumulative incidence without competing mortality).",
        "No correction for how the family was ascertained; a test result is taken as exact.",
        ("X-linked model: males hemizygous with the curve and x; heterozygous females with lifetime "
         f"non-penetrance {xf:g}; homozygous females as males; carrier frequency read as the allele frequency."
         if x_linked else "Homozygous carriers are assumed to have the heterozygous penetrance."),
        f"ALS in a non-carrier (phenocopy) has lifetime risk {phenocopy:g} with the gene's age shape (approximation).",
    ]
    caveats.extend(_past_the_curve(ids, obs, status, curves))
    living = [r for r in individuals if r.status is not Status.AFFECTED and not r.deceased
              and r.tested is TestResult.UNTESTED]
    if unknown_now := [r.id for r in living if r.status is Status.UNKNOWN and r.age is not None]:
        caveats.append(f"Status not recorded for {', '.join(unknown_now)}: their risks are those of being unaffected "
                       "at their age (their P(carrier) does not use their health); if they have ALS, the risks do "
                       "not apply.")
    if no_age := [r.id for r in living if r.age is None]:
        caveats.append(f"Age not given for {', '.join(no_age)}: no risk over the next years, and their lifetime "
                       "risk is from birth (the years they have already lived are not counted).")
    caveats.extend(pedigree.notes)
    if conf is Confidence.UNVERIFIED:
        caveats.append(f"The {record.gene} curve is marked unverified in the knowledge base: "
                       f"{record.confidence_note or 'see its sources'}")
    assumptions = ModelAssumptions(
        gene=record.gene, curve=", ".join(used_curves), curve_confidence=conf.value,
        curve_title="; ".join(dict.fromkeys(c.title or c.id for c in sorted(curves.values(), key=lambda c: c.id))),
        sex_specific=sex_specific, nonpenetrance=x, nonpenetrance_rationale=record.nonpenetrance_rationale,
        phenocopy_lifetime_risk=phenocopy, carrier_frequency=cf, horizon_years=horizon_years,
        method=main.method, proband_prior=prior_info,
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


def _choose_proband(pedigree: Pedigree, gene: str, proband: str | None, obs: Mapping[str, Observation],
                    status: Mapping[str, Status]) -> ProbandPrior | None:
    affected = [iid for iid, st in status.items() if st is Status.AFFECTED]
    chosen = proband or pedigree.proband
    if chosen is not None and chosen not in pedigree:
        raise InputError(f"proband {chosen!r} is not in the pedigree", path=pedigree.source,
                         hint="name an individual ID of the PED file (its second column), or leave the proband out")
    if chosen is None or status[chosen] is not Status.AFFECTED:
        # no proband named, or an unaffected consultand named: the prior belongs to the affected index case,
        # when there is exactly one
        if len(affected) != 1:
            return None
        chosen = affected[0]
    if obs[chosen].test is not TestResult.UNTESTED:
        return None
    return proband_prior(pedigree, gene, chosen, status)


def _explain(iid: str, pedigree: Pedigree, o: Observation, st: Status, pc: float, nxt: float | None,
             lif: float | None, horizon: float) -> str:
    parts: list[str] = []
    if o.test is TestResult.CARRIER:
        return "tested carrier (or named as the family carrier)"
    if o.test is TestResult.NONCARRIER:
        return "tested non-carrier"
    death = "" if not o.is_deceased else (f"died at {o.death_age:g}, " if o.death_age is not None else "deceased, ")
    if st is Status.AFFECTED:
        onset = f", onset at {o.onset_age:g}" if o.onset_age is not None else ""
        parts.append(f"{death}affected{onset}: P(carrier) {pc:.1%} given the family")
        return "; ".join(parts)
    unknown = st is not Status.UNAFFECTED  # affected returned above
    if o.is_deceased:
        if unknown:
            return (f"{death}no future risk; status unknown, so P(carrier) {pc:.1%} does not use their health: "
                    "informative for the descendants through the relatives only")
        at = "" if o.model_age is None else f" (unaffected at {o.model_age:g})"
        return f"{death}no future risk{at}: P(carrier) {pc:.1%}, informative for the descendants"
    status = "status unknown, " if unknown else ""
    if o.age is None:
        parts.append(f"{status}age not given: P(carrier) {pc:.1%} from relatives only; next-{horizon:g}-year risk "
                     "not assessed")
        if lif is not None:
            parts.append(f"lifetime risk from birth {lif:.1%} (the years already lived"
                         + (" without ALS" if not unknown else "") + " are not counted, as the age is not given)")
        return "; ".join(parts)
    if not unknown:
        parts.append(f"unaffected at {o.age:g}: P(carrier) {pc:.1%}")
    else:
        head = f"status unknown at {o.age:g}: P(carrier) {pc:.1%} (not using their health)"
        risks = ([f"risk of onset within {horizon:g} years {nxt:.1%}"] if nxt is not None else []) + (
            [f"remaining lifetime risk {lif:.1%}"] if lif is not None else [])
        return head + (f"; if unaffected at {o.age:g}: " + ", ".join(risks) if risks else "")
    if nxt is not None:
        parts.append(f"risk of onset within {horizon:g} years {nxt:.1%}")
    if lif is not None:
        parts.append(f"remaining lifetime risk {lif:.1%}")
    return "; ".join(parts)
