"""SKAT and SKAT-O for a case-control trait with covariates, under a logistic null model.

* Null model: logistic regression of case status on the covariates (intercept, sex, principal
  components, batch, ...) fitted once by iteratively reweighted least squares; ``mu`` are the fitted
  probabilities and ``V = diag(mu (1 - mu))``.
* SKAT (Wu et al. 2011, AJHG 89:82-93): with ``Z = G diag(w)`` (dosages times weights, default
  Beta(MAF; 1, 25) on the cohort minor-allele frequency, as in the SKAT package), the score vector
  ``S = Z'(y - mu)`` and ``Q = S'S``. Under the null ``Q ~ sum_j lambda_j chi2_1`` where lambda are
  the eigenvalues of ``M = Z'P0 Z``, ``P0 = V - V X (X'V X)^-1 X'V``.
* SKAT-O (Lee et al. 2012, AJHG 91:224-37): ``Q_rho = (1 - rho) Q_SKAT + rho (1'S)^2`` over the grid
  rho in {0, 0.01, 0.04, 0.09, 0.16, 0.25, 0.5, 1} (rho = 1 computed as 0.999, as the SKAT package
  does); the statistic is the smallest rho-specific p-value, whose null distribution is the
  one-dimensional integral of Lee et al. (2012, appendix) over a chi2_1 variable, each term a
  mixture-of-chi-square tail. Everything is computed from the p x p matrix ``M`` and ``S``; the n x p
  matrix is never formed (genotypes are sparse carrier lists).
* Mixture-of-chi-square tail probability ``P(sum lambda_j chi2_1 > q)``: numerical inversion of the
  characteristic function (Imhof 1961, Biometrika 48:419-26; the same Gil-Pelaez inversion that
  Davies 1980, JRSS C 29:323-33, evaluates by the trapezoidal rule) with adaptive quadrature
  (scipy ``quad``); in the far tail, where the inversion loses relative precision, the saddlepoint
  approximation of Kuonen (1999, Biometrika 86:929-35). Checked against Monte Carlo draws of the
  mixture and against Hail's ``hl.skat`` (Davies) in tests/population.
* Small-sample moment adjustment (Lee, Emond et al. 2012, AJHG 91:224-37; the SKAT package's
  ``SKAT_Null_Model(..., out_type="D")`` default below 2,000 samples): Q is referred to a chi-square
  matched on its exact mean, its exact variance under Bernoulli residuals (the normal-theory variance
  is wrong for rare variants in small samples) and the kurtosis of Q over 10,000 null phenotypes drawn
  from the fitted probabilities with the case count fixed (exact conditional-Bernoulli sampling, fixed
  seed). SKAT-O: each rho-specific p-value so, and the minimum-p integral with its remaining part
  matched the same way. Checked against the SKAT vignette's 200-sample example (tests/population).

Genotypes missing in the VCF count as reference (0 copies), as in the carrier collapse.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

RHO_GRID = (0.0, 0.01, 0.04, 0.09, 0.16, 0.25, 0.5, 1.0)
_RHO_MAX = 0.999


# ------------------------------------------------------------------------------------- mixture tail
_GL: dict[int, tuple[FloatArray, FloatArray]] = {}


def _gauss_legendre(order: int) -> tuple[FloatArray, FloatArray]:
    if order not in _GL:
        nodes, weights = np.polynomial.legendre.leggauss(order)
        _GL[order] = (np.asarray(nodes, dtype=np.float64), np.asarray(weights, dtype=np.float64))
    return _GL[order]


def integrate_pieces(f: Callable[[FloatArray], FloatArray], edges: FloatArray, epsabs: float, epsrel: float,
                     max_rounds: int = 24, max_intervals: int = 4096) -> tuple[FloatArray, float, bool]:
    """Integrals of a vectorised ``f`` over each piece [edges[i], edges[i+1]] by adaptive Gauss-Legendre.

    Each round evaluates every unfinished subinterval at once (21- and 10-point rules; their difference
    is the error estimate); a subinterval whose error exceeds its share of max(epsabs, epsrel x the
    integral of |f| so far) is halved. Gives up (converged False) after ``max_rounds`` rounds or beyond
    ``max_intervals`` unfinished subintervals. Returns (integral per piece, error of the total, converged)."""
    x21, w21 = _gauss_legendre(21)
    x10, w10 = _gauss_legendre(10)
    lo, hi = edges[:-1].astype(np.float64), edges[1:].astype(np.float64)
    owner = np.arange(lo.size)
    out = np.zeros(lo.size)
    span = float(edges[-1] - edges[0])
    error = 0.0
    absolute_done = 0.0
    for _ in range(max_rounds):
        half, mid = 0.5 * (hi - lo), 0.5 * (hi + lo)
        values = f(np.concatenate([(mid[:, None] + half[:, None] * x21).ravel(),
                                   (mid[:, None] + half[:, None] * x10).ravel()]))
        m = lo.size
        v21 = values[:m * 21].reshape(m, 21)
        i21 = half * (v21 @ w21)
        i10 = half * (values[m * 21:].reshape(m, 10) @ w10)
        err = np.abs(i21 - i10)
        scale = absolute_done + float((half * (np.abs(v21) @ w21)).sum())
        tol = max(epsabs, epsrel * scale)
        done = err <= tol * (hi - lo) / span
        np.add.at(out, owner[done], i21[done])
        error += float(err[done].sum())
        absolute_done += float((half[done] * (np.abs(v21[done]) @ w21)).sum())
        if done.all():
            return out, error, True
        keep = ~done
        if 2 * int(keep.sum()) > max_intervals:
            break
        lo, hi, owner, mid = lo[keep], hi[keep], owner[keep], mid[keep]
        lo, hi, owner = np.concatenate([lo, mid]), np.concatenate([mid, hi]), np.concatenate([owner, owner])
    return out, math.inf, False


def _imhof_integrand(q: float, lam: FloatArray) -> Callable[[FloatArray], FloatArray]:
    half_q = 0.5 * q

    def f(u: FloatArray) -> FloatArray:
        lu = np.multiply.outer(u, lam)
        a = 0.5 * np.arctan(lu).sum(axis=1)
        r = np.exp(-0.25 * np.log1p(lu * lu).sum(axis=1))
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.sin(a - half_q * u) * r / u
        return np.where(u == 0.0, 0.5 * (float(lam.sum()) - q), out)
    return f


def _binomial_weights(n: int) -> FloatArray:
    """Weights of n - 1 rounds of averaging neighbours: binomial(n - 1, k) / 2^(n - 1)."""
    return np.array([math.comb(n - 1, k) for k in range(n)], dtype=np.float64) / 2.0 ** (n - 1)


_EULER = _binomial_weights(40)


def _imhof_fast(q: float, lam: FloatArray) -> tuple[float, float]:
    """P(Q > q) by Imhof's integral, vectorised: (p, error estimate), error inf when it cannot vouch for p.

    [0, U] by adaptive Gauss-Legendre; beyond U (where the integrand oscillates with period 4 pi / q and
    a slowly varying amplitude) as a series of half-period integrals, alternating in sign, summed by
    Euler's transform (repeated averaging of the partial sums); the estimate from the first 3/4 of the
    terms must agree with the estimate from all of them."""
    half_q = 0.5 * q
    f = _imhof_integrand(q, lam)
    upper = min(8.0 * math.pi / half_q if half_q > 0 else math.inf, 50.0 / float(lam.min()))
    head, err_head, ok = integrate_pieces(f, np.linspace(0.0, upper, 9), 1e-14, 1e-10)
    if not ok or half_q <= 0:
        return math.nan, math.inf
    width = math.pi / half_q
    for n_terms in (48, 160):
        terms, err_tail, ok = integrate_pieces(f, np.asarray(upper + width * np.arange(n_terms + 1), dtype=np.float64), 1e-16, 1e-11)
        if not ok:
            return math.nan, math.inf
        partial = np.cumsum(terms)

        def euler(sums: FloatArray) -> float:  # 39 rounds of averaging the last 40 partial sums
            last = sums[-(min(sums.size, _EULER.size)):]
            weights = _EULER if last.size == _EULER.size else _binomial_weights(last.size)
            return float(last @ weights)

        tail = euler(partial)
        check = euler(partial[: 3 * n_terms // 4])
        extrapolation = abs(tail - check)
        if extrapolation < 1e-13:
            value = float(head.sum()) + tail
            return 0.5 + value / math.pi, (err_head + err_tail + extrapolation) / math.pi
    return math.nan, math.inf


def _imhof(q: float, lam: FloatArray) -> tuple[float, float]:
    """P(Q > q) by Imhof's integral: the vectorised rule, else (rarely) QUADPACK."""
    p, err = _imhof_fast(q, lam)
    if math.isfinite(p) and err < 1e-11:
        return p, err
    return imhof_quadpack(q, lam)


def imhof_quadpack(q: float, lam: FloatArray) -> tuple[float, float]:
    """P(Q > q) by Imhof's integral with QUADPACK (scipy ``quad``): slower, an independent computation
    of the same integral (used as the fallback and as a cross-check in the tests)."""
    import warnings

    from scipy.integrate import IntegrationWarning

    with warnings.catch_warnings():  # accuracy is judged by the caller (see chi2_mixture_sf)
        warnings.simplefilter("ignore", IntegrationWarning)
        return _imhof_raw(q, lam)


def _imhof_raw(q: float, lam: FloatArray) -> tuple[float, float]:
    """P(Q > q) by Imhof's integral; returns (p, absolute error estimate of the quadrature).

    The integrand is sin(A(u) - q u / 2) / (u rho(u)) with the slowly varying A(u) = sum(arctan(lambda u)) / 2:
    on [0, U] it is integrated directly, beyond U as two Fourier integrals (QUADPACK QAWF, weights
    sin and cos of q u / 2), which converge quickly however slowly 1 / (u rho(u)) decays."""
    from scipy.integrate import quad

    half_q = 0.5 * q
    ones = np.ones(lam.size)

    def amplitude(u: float) -> tuple[float, float]:
        lu = lam * u
        return 0.5 * float(np.arctan(lu) @ ones), math.exp(-0.25 * float(np.log1p(lu * lu) @ ones)) / u

    def integrand(u: float) -> float:
        if u == 0.0:
            return 0.5 * (float(lam.sum()) - q)
        a, r = amplitude(u)
        return math.sin(a - half_q * u) * r

    # a few periods of the oscillation, but not beyond where every arctan has levelled off
    upper = min(8.0 * math.pi / half_q if half_q > 0 else math.inf, 50.0 / float(lam.min()))
    head, err1 = quad(integrand, 0.0, upper, limit=500, epsabs=1e-14, epsrel=1e-10)
    # sin(a - hq u) = sin(a) cos(hq u) - cos(a) sin(hq u)

    def sin_amp(u: float) -> float:
        a, r = amplitude(u)
        return math.sin(a) * r

    def cos_amp(u: float) -> float:
        a, r = amplitude(u)
        return math.cos(a) * r

    cos_part, err2 = quad(sin_amp, upper, np.inf, weight="cos", wvar=half_q, limlst=200)
    sin_part, err3 = quad(cos_amp, upper, np.inf, weight="sin", wvar=half_q, limlst=200)
    value = head + cos_part - sin_part
    return 0.5 + value / math.pi, (err1 + err2 + err3) / math.pi


def _saddlepoint(q: float, lam: FloatArray) -> float:
    """Kuonen's (1999) saddlepoint approximation of P(Q > q) (Lugannani-Rice form)."""
    from scipy.optimize import brentq
    from scipy.stats import norm

    def k0(t: float) -> float:
        return float(-0.5 * np.log1p(-2.0 * t * lam).sum())

    def k1(t: float) -> float:
        return float((lam / (1.0 - 2.0 * t * lam)).sum())

    def k2(t: float) -> float:
        return float((2.0 * lam * lam / (1.0 - 2.0 * t * lam) ** 2).sum())

    upper = 0.5 / float(lam.max())
    mean = float(lam.sum())
    if q > mean:
        lo, hi = 0.0, upper * (1.0 - 1e-15)
        while k1(hi) < q:  # the root lies very close to the pole
            hi = upper - (upper - hi) / 1e3
            if upper - hi <= 0:
                return math.nan
    else:
        lo, hi = -1.0, 0.0
        while k1(lo) > q:
            lo *= 2.0
    t = brentq(lambda s: k1(s) - q, lo, hi, xtol=1e-300, rtol=1e-15, maxiter=500)
    w = math.copysign(math.sqrt(max(0.0, 2.0 * (t * q - k0(t)))), t)
    v = t * math.sqrt(k2(t))
    if w == 0.0 or v == 0.0:
        return math.nan
    return float(norm.sf(w + math.log(v / w) / w))


def _positive(lambdas: Sequence[float] | FloatArray) -> FloatArray:
    lam = np.asarray(lambdas, dtype=np.float64)
    lam = lam[lam > 0]
    if lam.size == 0:
        return lam
    # as the SKAT package: drop eigenvalues below mean(positive) / 1e5 (numerical noise)
    out: FloatArray = lam[lam > lam.mean() / 1e5]
    return out


def chi2_mixture_sf(q: float, lambdas: Sequence[float] | FloatArray) -> float:
    """P(sum_j lambda_j X_j > q), X_j independent chi2_1 (lambdas > 0; smaller ones are dropped)."""
    from scipy.special import chdtrc

    lam = _positive(lambdas)
    if lam.size == 0 or not math.isfinite(q):
        return math.nan if lam.size == 0 else 0.0
    if q <= 0:
        return 1.0
    if lam.size == 1 or float(lam.max() - lam.min()) <= 1e-12 * float(lam.max()):
        # equal weights: an exact scaled chi-square
        return float(chdtrc(lam.size, q / float(lam.mean())))
    scale = float(lam.max())
    lam_s, q_s = lam / scale, q / scale
    p, _ = _imhof(q_s, lam_s)
    # the inversion is accurate to ~1e-12 absolute (checked against exact two-term convolutions in
    # tests/population/test_skat.py); below 1e-9 the saddlepoint keeps the relative precision
    if p > 1e-9:
        return min(1.0, p)
    spa = _saddlepoint(q_s, lam_s)
    if math.isfinite(spa):
        return spa
    return min(1.0, max(p, 0.0))


LIU_ABOVE = 0.1  # SKAT-O: rho-specific p-values all above this (moment-matched) -> moment matching throughout


def _liu_sf(q: float, params: tuple[float, float, float]) -> float:
    from scipy.special import chdtrc

    mean, var, df = params
    x = (q - mean) / math.sqrt(var) * math.sqrt(2.0 * df) + df
    return 1.0 if x <= 0 else float(chdtrc(df, x))


def _liu_mod_params(lam: FloatArray) -> tuple[float, float, float]:
    """(mean, variance, df) of the moment-matched chi-square used by SKAT-O for its quantiles
    (Liu, Tang & Zhang 2009, with the kurtosis-matching modification of Lee et al. 2012)."""
    c1, c2, c3, c4 = (float((lam ** i).sum()) for i in (1, 2, 3, 4))
    s1 = c3 / c2 ** 1.5
    s2 = c4 / c2 ** 2
    if s1 * s1 > s2:
        a = 1.0 / (s1 - math.sqrt(s1 * s1 - s2))
        d = s1 * a ** 3 - a * a
        df = a * a - 2.0 * d
    else:
        df = 1.0 / s2
    return c1, 2.0 * c2, df


# -------------------------------------------------------------------------------------- null model
@dataclass(frozen=True)
class NullModel:
    x: FloatArray  # n x k design (intercept first)
    y: FloatArray  # 0/1
    mu: FloatArray  # fitted case probabilities
    v: FloatArray  # mu (1 - mu)
    xvx_inv: FloatArray  # (X'VX)^-1
    converged: bool

    @property
    def residuals(self) -> FloatArray:
        return self.y - self.mu


def logistic_null(x: FloatArray, y: FloatArray, max_iter: int = 50, tol: float = 1e-10) -> NullModel:
    """Maximum-likelihood logistic regression of ``y`` on ``x`` (IRLS with step halving)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    beta = np.zeros(x.shape[1])
    mean = float(y.mean())
    if 0.0 < mean < 1.0:
        beta[0] = math.log(mean / (1.0 - mean))

    def loglik(b: FloatArray) -> float:
        eta = x @ b
        return float(np.sum(y * eta - np.logaddexp(0.0, eta)))

    current = loglik(beta)
    converged = False
    for _ in range(max_iter):
        mu = 1.0 / (1.0 + np.exp(-(x @ beta)))
        w = mu * (1.0 - mu)
        info = x.T @ (x * w[:, None])
        step = np.linalg.lstsq(info, x.T @ (y - mu), rcond=None)[0]
        new = loglik(beta + step)
        halvings = 0
        while new < current - 1e-12 and halvings < 30:
            step /= 2.0
            new = loglik(beta + step)
            halvings += 1
        beta = beta + step
        done = float(np.max(np.abs(step))) < tol or abs(new - current) < 1e-13
        current = new
        if done:
            converged = True
            break
    mu = 1.0 / (1.0 + np.exp(-(x @ beta)))
    v = mu * (1.0 - mu)
    xvx_inv = np.asarray(np.linalg.pinv(x.T @ (x * v[:, None])), dtype=np.float64)
    return NullModel(x=x, y=y, mu=mu, v=v, xvx_inv=xvx_inv, converged=converged)


# ------------------------------------------------------------------------------ genotypes -> M and S
@dataclass(frozen=True)
class SparseGenotypes:
    """Dosages of p variants as carrier lists: ``index[j]`` samples carrying ``dosage[j]`` copies."""

    n: int
    index: tuple[IntArray, ...]
    dosage: tuple[npt.NDArray[np.int8], ...]

    def maf(self) -> FloatArray:
        counts = np.array([float(d.sum()) for d in self.dosage])
        af = counts / (2.0 * self.n)
        return np.minimum(af, 1.0 - af)


def beta_weights(maf: FloatArray, a: float = 1.0, b: float = 25.0) -> FloatArray:
    """SKAT's default variant weights: the Beta(a, b) density at the minor-allele frequency."""
    from scipy.stats import beta

    return np.asarray(beta.pdf(maf, a, b), dtype=np.float64)


def score_and_kernel(null: NullModel, geno: SparseGenotypes, weights: FloatArray) -> tuple[FloatArray, FloatArray]:
    """S = Z'(y - mu) and M = Z'P0 Z for Z = G diag(weights), from sparse carrier lists."""
    from scipy.sparse import csc_matrix

    p = len(geno.index)
    rows = np.concatenate(geno.index) if p else np.zeros(0, dtype=np.int64)
    cols = np.concatenate([np.full(len(ix), j, dtype=np.int64) for j, ix in enumerate(geno.index)]) if p else rows
    vals = np.concatenate([d.astype(np.float64) for d in geno.dosage]) if p else np.zeros(0)
    g = csc_matrix((vals, (rows, cols)), shape=(geno.n, p))
    z = g @ csc_matrix(np.diag(weights))
    s = np.asarray(z.T @ null.residuals, dtype=np.float64).ravel()
    zv = z.multiply(null.v[:, None]).tocsc()
    zvz = np.asarray((z.T @ zv).todense(), dtype=np.float64)
    zvx = np.asarray(zv.T @ null.x, dtype=np.float64)
    m = zvz - zvx @ null.xvx_inv @ zvx.T
    return s, 0.5 * (m + m.T)


def _eigen(m: FloatArray) -> FloatArray:
    return np.asarray(np.linalg.eigvalsh(m), dtype=np.float64)


# ------------------------------------------------------------------------------------------ tests
@dataclass(frozen=True)
class SkatResult:
    q: float
    p_value: float


def skat_from(s: FloatArray, m: FloatArray) -> SkatResult:
    q = float(s @ s)
    return SkatResult(q, chi2_mixture_sf(q, _eigen(m)))


@dataclass(frozen=True)
class SkatOResult:
    p_value: float
    rho: float  # the rho with the smallest rho-specific p-value
    p_each: tuple[float, ...]


def skato_from(s: FloatArray, m: FloatArray, rhos: Sequence[float] = RHO_GRID) -> SkatOResult:
    """SKAT-O p-value (Lee et al. 2012) from the score vector and its null covariance M."""
    from scipy.special import chdtrc
    from scipy.stats import chi2

    p = s.size
    if p == 1:  # every rho gives the same test
        res = skat_from(s, m)
        return SkatOResult(res.p_value, 0.0, tuple(res.p_value for _ in rhos))
    r_all = np.minimum(np.asarray(rhos, dtype=np.float64), _RHO_MAX)
    ones = np.ones(p)
    q_skat = float(s @ s)
    q_burden = float(s.sum()) ** 2
    p_each: list[float] = []
    params: list[tuple[float, float, float]] = []
    lams: list[FloatArray] = []
    q_all: list[float] = []
    for rho in r_all:
        r_mat = (1.0 - rho) * np.eye(p) + rho * np.outer(ones, ones)
        lam = _positive(_eigen(np.linalg.cholesky(r_mat).T @ m @ np.linalg.cholesky(r_mat)))
        if lam.size == 0:
            return SkatOResult(math.nan, math.nan, ())
        lams.append(lam)
        q_all.append((1.0 - rho) * q_skat + rho * q_burden)
        params.append(_liu_mod_params(lam))
    liu_each = [_liu_sf(q, par) for q, par in zip(q_all, params, strict=True)]
    # exact inversion where the answer matters; a set whose every rho-specific p is clearly large (moment-matched
    # p > LIU_ABOVE) is computed with the moment-matched chi-square throughout (the SKAT package's "liu" method)
    exact = min(liu_each) <= LIU_ABOVE
    p_each = [chi2_mixture_sf(q, lam) for q, lam in zip(q_all, lams, strict=True)] if exact else liu_each
    p_min = min(p_each)
    best = float(np.asarray(rhos)[int(np.argmin(p_each))])
    if not math.isfinite(p_min):
        return SkatOResult(math.nan, best, tuple(p_each))
    # quantile of each Q_rho at the minimum p-value (moment-matched chi-square)
    q_min = np.array([(float(chi2.isf(p_min, df)) - df) / math.sqrt(2.0 * df) * math.sqrt(var) + mean
                      for mean, var, df in params])
    # decomposition of Z1 = z_mean cof' + Z2 (Lee et al. 2012), all from M = Z1'Z1
    zz = float(ones @ m @ ones) / (p * p)  # |z_mean|^2
    if zz <= 0:
        return SkatOResult(min(1.0, p_min * len(rhos)), best, tuple(p_each))
    cof = (m @ ones) / p / zz
    m2 = m - zz * np.outer(cof, cof)  # Z2'Z2
    lam2 = _positive(_eigen(0.5 * (m2 + m2.T)))
    mu_q = float(lam2.sum())
    var_remain = 4.0 * zz * float(cof @ m2 @ cof)
    var_q = 2.0 * float((lam2 ** 2).sum()) + var_remain
    tau = (p * p * r_all + float(cof @ cof) * (1.0 - r_all)) * zz
    sd1 = math.sqrt(max(var_q - var_remain, 0.0) / var_q) if var_q > 0 else 1.0

    q_arr, d_arr = np.asarray(q_min, dtype=np.float64), 1.0 - r_all

    def threshold(x: FloatArray) -> FloatArray:  # x: array of chi2_1 values
        lowest = np.min((q_arr[:, None] - tau[:, None] * x[None, :]) / d_arr[:, None], axis=0)
        return np.asarray((lowest - mu_q) * sd1 + mu_q, dtype=np.float64)

    # the inner tail probability is needed at thresholds between threshold(40) and threshold(0): it
    # is computed exactly on 17 points and interpolated (monotone cubic in log p) for the outer integral
    t_hi = min(float(threshold(np.zeros(1))[0]), mu_q * 1e4)
    t_lo = max(float(threshold(np.full(1, 40.0))[0]), 0.0)
    df_q = 12.0 / (12.0 * float((lam2 ** 4).sum()) / float((lam2 ** 2).sum()) ** 2) if lam2.size else 1.0
    # the threshold already carries the sd1 rescaling, so the moment-matched form uses var_q - var_remain
    sd_liu = math.sqrt(max(var_q - var_remain, 1e-300))

    def exact_at(t: FloatArray) -> FloatArray:
        return np.array([1.0 if v <= 0 else chi2_mixture_sf(float(v), lam2) for v in t])

    if lam2.size and not exact:
        def tail_at(t: FloatArray) -> FloatArray:  # moment-matched chi-square (SKAT_Optimal_PValue_Liu)
            x = (t - mu_q) / sd_liu * math.sqrt(2.0 * df_q) + df_q
            return np.where((t <= 0) | (x <= 0), 1.0, chdtrc(df_q, np.maximum(x, 0.0)))
    elif lam2.size == 0:
        def tail_at(t: FloatArray) -> FloatArray:
            return np.where(t <= 0, 1.0, 0.0)
    elif t_hi <= t_lo:
        tail_at = exact_at
    else:
        from scipy.interpolate import PchipInterpolator

        grid = np.linspace(t_lo, t_hi, 17)
        values = np.array([chi2_mixture_sf(float(t), lam2) for t in grid])
        log_values = np.log(np.clip(values, 1e-300, 1.0))
        spline = PchipInterpolator(grid, log_values)

        def tail_at(t: FloatArray) -> FloatArray:
            out = np.exp(spline(np.maximum(t, t_lo)))
            beyond = t > t_hi
            if beyond.any():
                far = t > mu_q * 1e4
                out[beyond & far] = 0.0
                out[beyond & ~far] = exact_at(t[beyond & ~far])
            out[t <= 0] = 1.0
            return np.asarray(out, dtype=np.float64)

    # P(T <= t_obs) = E_x[P(kappa > threshold(x))], x ~ chi2_1, written with x = u^2 so the
    # integrand is smooth at 0: f(x) dx = 2 phi(u) du; the integrand has kinks where the active rho of
    # the threshold's minimum changes: the integration pieces start there
    def integrand(u: FloatArray) -> FloatArray:
        return tail_at(threshold(u * u)) * 2.0 * np.exp(-0.5 * u * u) / math.sqrt(2.0 * math.pi)

    # where the threshold crosses 0, the interpolation's end, the cut-off
    levels = [(level - mu_q) / sd1 + mu_q for level in (0.0, t_hi, mu_q * 1e4)] if sd1 > 0 else []
    p_value = _min_p_integral(integrand, q_arr, tau, d_arr, levels)
    p_value = min(p_value, p_min * len(rhos), 1.0)  # Bonferroni bound, as the SKAT package
    if p_value <= 0:
        p_value = p_min
    return SkatOResult(p_value, best, tuple(p_each))


def burden_score(null: NullModel, carriers: npt.NDArray[np.bool_]) -> tuple[float, float, float]:
    """Score test of a 0/1 carrier indicator: (one-step log-OR S/V, its SE 1/sqrt(V), p-value)."""
    from scipy.special import chdtrc

    index = np.flatnonzero(carriers)  # carriers are few: every product runs over them only
    s = float(null.residuals[index].sum())
    cv = null.v[index]
    xvc = null.x[index].T @ cv
    var = float(cv.sum() - xvc @ null.xvx_inv @ xvc)
    if var <= 0:
        return math.nan, math.nan, math.nan
    return s / var, 1.0 / math.sqrt(var), float(chdtrc(1, s * s / var))


# ------------------------------------------------------------- small-sample moment adjustment (binary trait)
ADJUST_BELOW = 2000  # the SKAT package adjusts binary traits by default when n < 2000 (SKAT_Null_Model)
ADJUST_RESAMPLES = 10_000  # null phenotype resamples for the kurtosis (the package's default count)
ADJUST_SEED = 2012  # fixed: the same cohort gives the same p-values on every run


def conditional_bernoulli(mu: FloatArray, total: int, draws: int, seed: int = ADJUST_SEED) -> npt.NDArray[np.bool_]:
    """``draws`` exact samples of independent Bernoulli(mu_i) outcomes conditioned on their sum being ``total``.

    Sequential sampling: P(Y_j = 1 | r cases still to place among j..n-1) = mu_j R(j+1, r-1) / R(j, r), where
    R(j, r) is the probability that the outcomes j..n-1 sum to r (a backward recursion, each row rescaled to its
    maximum, which cancels in the ratio). Vectorised over the draws: one pass over the n samples."""
    n = int(mu.size)
    if not 0 <= total <= n:
        raise ValueError("total out of range")
    width = total + 1
    ratio = np.zeros((n, width))
    row = np.zeros(width)
    row[0] = 1.0
    for j in range(n - 1, -1, -1):
        shifted = np.concatenate([[0.0], row[:-1]])
        ones = mu[j] * shifted
        new = ones + (1.0 - mu[j]) * row
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio[j] = np.where(new > 0, ones / new, 0.0)
        top = float(new.max())
        row = new / top if top > 0 else new
    rng = np.random.default_rng(seed)
    need = np.full(draws, total, dtype=np.int64)
    out = np.zeros((draws, n), dtype=bool)
    for j in range(n):
        pick = rng.random(draws) < ratio[j, need]
        out[:, j] = pick
        need -= pick
    return out


@dataclass(frozen=True)
class MomentAdjustment:
    """What the small-sample adjustment of SKAT/SKAT-O (Lee, Emond et al. 2012, AJHG 91:224-37) needs once
    per null model: resampled null phenotypes (case count fixed) for the kurtosis, and the excess fourth
    moment of each standardised residual for the exact variance."""

    null: NullModel
    y_star: npt.NDArray[np.bool_]  # draws x n resampled case indicators
    excess4: FloatArray  # E[e^4] - 3 of e = (y - mu) / sqrt(v): 1 / (mu (1 - mu)) - 6
    rdx: FloatArray  # draws x k: (y* - mu)' V^1/2 X

    @property
    def draws(self) -> int:
        return int(self.y_star.shape[0])


def moment_adjustment(null: NullModel, draws: int = ADJUST_RESAMPLES, seed: int = ADJUST_SEED) -> MomentAdjustment:
    y_star = conditional_bernoulli(null.mu, round(float(null.y.sum())), draws, seed)
    sv = np.sqrt(null.v)
    xs = null.x * sv[:, None]
    rdx = np.empty((draws, null.x.shape[1]))
    for start in range(0, draws, 1000):
        block = y_star[start:start + 1000].astype(np.float64)
        rdx[start:start + 1000] = block @ xs - null.mu @ xs
    return MomentAdjustment(null=null, y_star=y_star, excess4=1.0 / null.v - 6.0, rdx=rdx)


def _excess_kurtosis(x: FloatArray) -> tuple[float, float]:
    """(sample excess kurtosis, skewness) with the standard deviation on n - 1, as the SKAT package."""
    centred = x - x.mean()
    sd = float(centred.std(ddof=1)) if x.size > 1 else 0.0
    if sd == 0:
        return -100.0, 0.0
    return float((centred ** 4).mean()) / sd ** 4 - 3.0, float((centred ** 3).mean()) / sd ** 3


def _df_from_draws(q_sim: FloatArray) -> float:
    """Degrees of freedom of the chi-square with the resampled statistic's kurtosis: 12 / kurtosis (a
    non-positive kurtosis: a near-normal 1e5; a tiny df: matched on the skewness instead, 8 / skew^2)."""
    kurt, skew = _excess_kurtosis(q_sim)
    if kurt <= 0:
        return 100_000.0
    df = 12.0 / kurt
    if df < 0.01 and skew != 0:
        df = 8.0 / skew ** 2
    return df


def _exact_variance(kernel: FloatArray, h: FloatArray, excess4: FloatArray) -> float:
    """Var(e'WW'e) for independent standardised e with excess fourth moments ``excess4``: 2 ||W'W||_F^2 +
    sum_i excess4_i h_i^2, h = diag(WW') (the variance the normal approximation gets wrong for Bernoulli e)."""
    return float(2.0 * (kernel * kernel).sum() + excess4 @ (h * h))


def _matched_sf(q: float, mean: float, var: float, df: float) -> float:
    from scipy.special import chdtrc

    if var <= 0:
        return 1.0
    x = (q - mean) / math.sqrt(var) * math.sqrt(2.0 * df) + df
    return 1.0 if x <= 0 else float(chdtrc(df, x))


@dataclass(frozen=True)
class _AdjustedSet:
    """One variant set's pieces for the adjusted tests: Z1 = V^1/2 P Z (dense, n x p; n < ADJUST_BELOW),
    T = (Y* - mu)' Z and U = (Y* - mu)' Z1 (draws x p)."""

    z1: FloatArray
    t: FloatArray
    u: FloatArray


def _adjusted_pieces(adj: MomentAdjustment, geno: SparseGenotypes, weights: FloatArray) -> _AdjustedSet:
    null = adj.null
    p = len(geno.index)
    rows = np.unique(np.concatenate(geno.index)) if p else np.zeros(0, dtype=np.int64)
    zc = np.zeros((rows.size, p))
    for j, (ix, d) in enumerate(zip(geno.index, geno.dosage, strict=True)):
        zc[np.searchsorted(rows, ix), j] = d.astype(np.float64) * weights[j]
    sv = np.sqrt(null.v)
    a = null.xvx_inv @ ((null.x[rows] * null.v[rows, None]).T @ zc)  # k x p
    z = np.zeros((geno.n, p))
    z[rows] = zc
    z1 = sv[:, None] * (z - null.x @ a)
    ys = adj.y_star[:, rows].astype(np.float64)
    t = ys @ zc - null.mu[rows] @ zc
    zs = zc * sv[rows, None]
    u = ys @ zs - null.mu[rows] @ zs - adj.rdx @ a
    return _AdjustedSet(z1=z1, t=t, u=u)


def skat_adjusted(adj: MomentAdjustment, s: FloatArray, m: FloatArray, geno: SparseGenotypes,
                  weights: FloatArray) -> SkatResult:
    """SKAT p-value with the small-sample moment adjustment: Q = S'S against a chi-square matched on the exact
    mean, the exact variance under Bernoulli residuals and the kurtosis of Q over resampled null phenotypes."""
    pieces = _adjusted_pieces(adj, geno, weights)
    q = float(s @ s)
    lam = _positive(_eigen(m))
    if lam.size == 0:
        return SkatResult(q, math.nan)
    var = _exact_variance(m, (pieces.z1 ** 2).sum(axis=1), adj.excess4)
    df = _df_from_draws((pieces.t ** 2).sum(axis=1))
    return SkatResult(q, _matched_sf(q, float(lam.sum()), var, df))


def _mixture_kurtosis_df(df1: float, var1: float, a1: float, a2: float) -> float:
    """df = 12 / excess kurtosis of a1 X1 + a2 X2, X1 with variance var1 and excess kurtosis 12 / df1, X2 ~ chi2_1
    (independent)."""
    var2 = 2.0
    m4_1 = (12.0 / df1 + 3.0) * var1 ** 2
    m4_2 = 15.0 * var2 ** 2
    s4 = a1 ** 4 * m4_1 + a2 ** 4 * m4_2 + 6.0 * a1 * a1 * a2 * a2 * var1 * var2
    s2 = a1 * a1 * var1 + a2 * a2 * var2
    kurt = max(s4 / (s2 * s2) - 3.0, 1e-4)
    return 12.0 / kurt


def skato_adjusted(adj: MomentAdjustment, s: FloatArray, m: FloatArray, geno: SparseGenotypes,
                   weights: FloatArray, rhos: Sequence[float] = RHO_GRID) -> SkatOResult:
    """SKAT-O with the small-sample moment adjustment (Lee, Emond et al. 2012): each rho-specific p-value from
    the moment-matched chi-square (exact mean and variance, resampled kurtosis); the minimum-p null integral
    over the chi2_1 term with the remaining part moment-matched the same way."""
    from scipy.stats import chi2

    p = s.size
    if p == 1:
        res = skat_adjusted(adj, s, m, geno, weights)
        return SkatOResult(res.p_value, 0.0, tuple(res.p_value for _ in rhos))
    pieces = _adjusted_pieces(adj, geno, weights)
    r_all = np.minimum(np.asarray(rhos, dtype=np.float64), _RHO_MAX)
    ones = np.ones(p)
    q_skat, q_burden = float(s @ s), float(s.sum()) ** 2
    h_skat = (pieces.z1 ** 2).sum(axis=1)
    h_burden = (pieces.z1 @ ones) ** 2
    t_skat, t_burden = (pieces.t ** 2).sum(axis=1), pieces.t.sum(axis=1) ** 2
    q_all, means, p_each = [], [], []
    for rho in r_all:
        c = np.linalg.cholesky((1.0 - rho) * np.eye(p) + rho * np.outer(ones, ones))
        kernel = c.T @ m @ c
        lam = _positive(_eigen(0.5 * (kernel + kernel.T)))
        if lam.size == 0:
            return SkatOResult(math.nan, math.nan, ())
        q = (1.0 - rho) * q_skat + rho * q_burden
        var = _exact_variance(kernel, (1.0 - rho) * h_skat + rho * h_burden, adj.excess4)
        df = _df_from_draws((1.0 - rho) * t_skat + rho * t_burden)
        q_all.append(q)
        means.append(float(lam.sum()))
        p_each.append(_matched_sf(q, float(lam.sum()), var, df))
    p_min = min(p_each)
    best = float(np.asarray(rhos)[int(np.argmin(p_each))])
    # Z1 = z_mean cof' + Z2 (Lee et al. 2012); the Z2 part moment-matched, plus the variance it shares with z_mean
    zz = float(ones @ m @ ones) / (p * p)
    if zz <= 0 or not math.isfinite(p_min):
        return SkatOResult(min(1.0, p_min * len(rhos)), best, tuple(p_each))
    cof = (m @ ones) / p / zz
    m2 = m - zz * np.outer(cof, cof)
    m2 = 0.5 * (m2 + m2.T)
    lam2 = _positive(_eigen(m2))
    z2 = pieces.z1 - np.outer(pieces.z1 @ ones / p, cof)
    u2 = pieces.u - np.outer(pieces.u @ ones / p, cof)
    mu2 = float(lam2.sum())
    var2 = _exact_variance(m2, (z2 ** 2).sum(axis=1), adj.excess4) if lam2.size else 0.0
    df2 = _df_from_draws((u2 ** 2).sum(axis=1))
    var_remain = 4.0 * zz * float(cof @ m2 @ cof)
    var_mix = var2 + var_remain
    tau = (p * p * r_all + float(cof @ cof) * (1.0 - r_all)) * zz
    d_arr = 1.0 - r_all
    q_min = []
    for i, rho in enumerate(r_all):
        var_rho = (1.0 - rho) ** 2 * var_mix + 2.0 * tau[i] ** 2
        df_rho = _mixture_kurtosis_df(df2, var_mix, 1.0 - rho, float(tau[i]))
        q_min.append((float(chi2.isf(p_min, df_rho)) - df_rho) / math.sqrt(2.0 * df_rho) * math.sqrt(var_rho)
                     + means[i])
    q_arr = np.asarray(q_min, dtype=np.float64)
    sd_mix = math.sqrt(max(var_mix, 0.0))

    def tail_at(t: FloatArray) -> FloatArray:
        from scipy.special import chdtrc

        if sd_mix <= 0:
            return np.where(t < mu2, 1.0, 0.0)
        x = (t - mu2) / sd_mix * math.sqrt(2.0 * df2) + df2
        return np.asarray(np.where(x <= 0, 1.0, chdtrc(df2, np.maximum(x, 0.0))), dtype=np.float64)

    def integrand(u: FloatArray) -> FloatArray:
        x = u * u
        lowest = np.min((q_arr[:, None] - tau[:, None] * x[None, :]) / d_arr[:, None], axis=0)
        return tail_at(lowest) * 2.0 * np.exp(-0.5 * x) / math.sqrt(2.0 * math.pi)

    # where the matched chi-square's argument reaches 0 (the tail becomes 1)
    levels = [mu2 - sd_mix * df2 / math.sqrt(2.0 * df2)] if sd_mix > 0 else []
    p_value = min(_min_p_integral(integrand, q_arr, tau, d_arr, levels), p_min * len(rhos), 1.0)
    positive = [x for x in p_each if x > 0]  # as the package: fall back on the rho-specific p-values
    if len(positive) < len(p_each):
        p_value = min(p_min * 3.0, 1.0)
    if p_value <= 0 and positive:
        p_value = min(positive)
    return SkatOResult(p_value, best, tuple(p_each))


def _min_p_integral(integrand: Callable[[FloatArray], FloatArray], q_arr: FloatArray, tau: FloatArray,
                    d_arr: FloatArray, levels: Sequence[float]) -> float:
    """SKAT-O's minimum-p null integral: P(T <= t_obs) over u in [0, sqrt 40] (x = u^2 ~ chi2_1) plus
    P(chi2_1 > 40). Pieces start at the kinks: where the active rho changes and where the threshold
    min_rho (q_rho - tau_rho x) / (1 - rho) reaches each of ``levels``; QUADPACK when the vectorised rule
    does not converge."""
    from scipy.stats import chi2

    kinks = [0.0, math.sqrt(40.0), *_rho_kinks(q_arr, tau, d_arr)]
    for level in levels:
        with np.errstate(divide="ignore", invalid="ignore"):
            crossing = float(np.min(np.where(tau > 0, (q_arr - level * d_arr) / tau, np.inf)))
        if 0.0 < crossing < 40.0:
            kinks.append(math.sqrt(crossing))
    pieces, _, ok = integrate_pieces(integrand, np.unique(np.asarray(kinks)), 1e-13, 1e-8, max_rounds=40)
    value = float(pieces.sum())
    if not ok:  # QUADPACK on the same integrand
        import warnings

        from scipy.integrate import IntegrationWarning, quad

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IntegrationWarning)
            value, _ = quad(lambda u: float(integrand(np.array([u]))[0]), 0.0, math.sqrt(40.0), limit=100,
                            epsabs=1e-12, epsrel=1e-6)
    return value + float(chi2.sf(40.0, 1))


def _rho_kinks(q_arr: FloatArray, tau: FloatArray, d_arr: FloatArray) -> list[float]:
    """sqrt(x) in (0, sqrt 40) where the rho attaining min_rho (q_rho - tau_rho x) / (1 - rho) changes."""
    out = []
    for i in range(q_arr.size):
        for j in range(i + 1, q_arr.size):
            slope = tau[i] / d_arr[i] - tau[j] / d_arr[j]
            if slope != 0:
                x = (q_arr[i] / d_arr[i] - q_arr[j] / d_arr[j]) / slope
                if 0.0 < x < 40.0:
                    out.append(math.sqrt(x))
    return out
