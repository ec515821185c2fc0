"""Known answers for the gene x mask tests: calibration under the null (QQ, genomic inflation lambda) and
power under an alternative, on simulated case-control cohorts with covariates.

    .venv/bin/python benchmarks/cohort/null_power.py [--genes 300] [--samples 4000] [--out qq_null.png]
    .venv/bin/python benchmarks/cohort/null_power.py --samples 500 --genes 200 --compare-adjustment

Each simulated gene has 4-20 rare variants (AF ~ 10**U(-4, -2)); the phenotype follows a logistic model
on sex, two principal components and a sequencing batch, with (alternative) or without (null) an
effect of carrying a qualifying allele (odds ratio --odds-ratio on 40% of the variants). Cases are ~30%
(unbalanced). For each gene the mask "lof+missense|af<=1%" (all its variants) is tested by the charcot
code that `cohort burden` runs (charcot.population.masks.analyse_masks): burden (score, Firth below
p 0.05), SKAT, SKAT-O and the gene's ACAT-O. Prints lambda_GC = median(chi2_1 quantile of p) / 0.4549
under the null, the type-I error at 0.05 and 0.01, and power at 0.05 and 2.5e-6 under the alternative.
Below 2,000 samples SKAT/SKAT-O use the small-sample moment adjustment (as `cohort burden` does);
``--compare-adjustment`` runs the same simulated phenotypes with and without it and prints both.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))


def simulate(rng: np.random.Generator, n: int, genes: int) -> tuple[list[Any], np.ndarray, np.ndarray]:
    from charcot.population.masks import MaskVariant

    sex = rng.integers(0, 2, n).astype(float)
    pcs = rng.normal(size=(n, 2))
    batch = rng.integers(0, 2, n).astype(float)
    design = np.column_stack([np.ones(n), sex, pcs, batch])
    variants: list[MaskVariant] = []
    for g in range(genes):
        for j in range(int(rng.integers(4, 21))):
            af = float(10 ** rng.uniform(-4, -2))
            dosage = (rng.random(n) < af).astype(np.int8) + (rng.random(n) < af).astype(np.int8)
            index = np.flatnonzero(dosage)
            if index.size:
                variants.append(MaskVariant(f"G{g:04d}", "lof", "1", 1000 * g + j, "A", "C", af, int(dosage.sum()),
                                            index.astype(np.int64), dosage[index]))
    eta = -1.1 + 0.3 * sex + 0.3 * pcs[:, 0] - 0.2 * pcs[:, 1] + 0.25 * batch
    return variants, design, eta


def run(n: int, genes: int, odds_ratio: float, seed: int, adjust: bool | None = None) -> dict[str, list[float]]:
    """One phenotype per gene (covariates + that gene's causal variants), so the genes are independent."""
    from charcot.population.masks import MaskVariant, analyse_masks

    rng = np.random.default_rng(seed)
    variants, design, eta = simulate(rng, n, genes)
    out: dict[str, list[float]] = {"burden": [], "SKAT": [], "SKAT-O": [], "ACAT-O": []}
    by_gene: dict[str, list[MaskVariant]] = {}
    for v in variants:
        by_gene.setdefault(v.gene, []).append(v)
    for gene_variants in by_gene.values():
        effect = np.zeros(n)
        if odds_ratio != 1.0:
            for v in gene_variants:
                if rng.random() < 0.4:
                    effect[v.index] = math.log(odds_ratio)
        is_case = rng.random(n) < 1 / (1 + np.exp(-(eta + effect)))
        rows, _ = analyse_masks(gene_variants, design, is_case, small_sample_adjustment=adjust)
        row = next(r for r in rows if r.mask == "lof|af<=1%")
        acato = next(r for r in rows if r.mask == "ACAT-O")
        out["burden"].append(row.burden_p)
        out["SKAT"].append(row.skat_p)
        out["SKAT-O"].append(row.skato_p)
        out["ACAT-O"].append(acato.acato_p)
    return out


def lambda_gc(ps: list[float]) -> float:
    from scipy.stats import chi2

    finite = np.array([p for p in ps if math.isfinite(p)])
    return float(np.median(chi2.isf(finite, 1)) / chi2.ppf(0.5, 1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=4000)
    parser.add_argument("--genes", type=int, default=300)
    parser.add_argument("--odds-ratio", type=float, default=4.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=None, help="QQ plot of the null p-values (PNG)")
    parser.add_argument("--compare-adjustment", action="store_true",
                        help="SKAT/SKAT-O with and without the small-sample moment adjustment, same phenotypes")
    args = parser.parse_args()
    began = time.perf_counter()
    null = run(args.samples, args.genes, 1.0, args.seed)
    alt = run(args.samples, max(50, args.genes // 3), args.odds_ratio, args.seed + 1)
    if args.compare_adjustment:
        # the rows above use the default (adjusted below 2,000 samples); the same phenotypes without it:
        null_x = run(args.samples, args.genes, 1.0, args.seed, adjust=False)
        alt_x = run(args.samples, max(50, args.genes // 3), args.odds_ratio, args.seed + 1, adjust=False)
        for test in ("SKAT", "SKAT-O"):
            null[f"{test} (asymptotic)"], alt[f"{test} (asymptotic)"] = null_x[test], alt_x[test]
    print(f"{args.samples} samples, {args.genes} null genes, {max(50, args.genes // 3)} alternative genes "
          f"(OR {args.odds_ratio} on ~40% of variants); {time.perf_counter() - began:.0f} s")
    print("| test | lambda_GC (null) | type-I at 0.05 | type-I at 0.01 | power at 0.05 | power at 2.5e-6 |")
    print("|---|---|---|---|---|---|")
    for test in null:
        p0 = np.array([p for p in null[test] if math.isfinite(p)])
        p1 = np.array([p for p in alt[test] if math.isfinite(p)])
        print(f"| {test} | {lambda_gc(null[test]):.3f} | {np.mean(p0 < 0.05):.3f} | {np.mean(p0 < 0.01):.3f} | "
              f"{np.mean(p1 < 0.05):.3f} | {np.mean(p1 < 2.5e-6):.3f} |")
    if args.out:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(4.5, 4.5))
        for test, ps in null.items():
            p = np.sort(np.array([x for x in ps if math.isfinite(x) and x > 0]))
            expected = -np.log10((np.arange(1, p.size + 1) - 0.5) / p.size)
            ax.scatter(expected, -np.log10(p), s=8, label=f"{test} (lambda {lambda_gc(ps):.2f})")
        top = ax.get_xlim()[1]
        ax.plot([0, top], [0, top], color="grey", linewidth=1)
        ax.set_xlabel("expected -log10(p)")
        ax.set_ylabel("observed -log10(p)")
        ax.set_title("Null simulation, gene x mask tests")
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(args.out, dpi=110)


if __name__ == "__main__":
    main()
