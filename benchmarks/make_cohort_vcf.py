"""Generate a realistic synthetic cohort VCF for burden benchmarks and tests.

Sites fall in panel-gene regions (one contiguous block of ``sites_per_gene`` positions per gene on
separate 1 Mb windows of chr1..chr22, not real coordinates). Allele frequencies follow a rare-variant
spectrum (most sites singletons/ultra-rare: AF ~ 10**U(-5, -1.5)), consequences are drawn in
proportions typical of exome data (missense ~55%, synonymous ~30%, LoF ~7%, other ~8%), each site
carries a VEP-style CSQ with gnomAD_AF and (for missense) REVEL. Enrichment: carriers of rare LoF and
high-REVEL missense alleles in the ``--enrich`` genes are drawn with odds ratio ``--odds-ratio`` among
cases. Writes VCF (bgzipped + tabix index when the name ends .gz) and a phenotype TSV.

    python benchmarks/make_cohort_vcf.py --samples 10000 --genes 40 --sites-per-gene 60 -o cohort.vcf.gz
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

import numpy as np

CONSEQUENCES = [("missense_variant", 0.55), ("synonymous_variant", 0.30), ("stop_gained", 0.03),
                ("frameshift_variant", 0.025), ("splice_donor_variant", 0.015), ("intron_variant", 0.08)]
LOF = {"stop_gained", "frameshift_variant", "splice_donor_variant"}


def generate(out: Path, samples: int, genes: int, sites_per_gene: int, enrich: list[str], odds_ratio: float,
             seed: int, case_fraction: float = 0.3) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    names = [f"GENE{i + 1}" for i in range(genes)]
    is_case = rng.random(samples) < case_fraction
    sample_ids = [f"S{i:06d}" for i in range(samples)]
    header = [
        "##fileformat=VCFv4.2",
        *[f"##contig=<ID=chr{c},length=250000000>" for c in range(1, 23)],
        '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. '
        'Format: Allele|Consequence|IMPACT|SYMBOL|Gene|gnomAD_AF|REVEL">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(sample_ids),
    ]
    plain = out.with_suffix("") if out.suffix == ".gz" else out
    terms = [c for c, _ in CONSEQUENCES]
    probs = np.array([p for _, p in CONSEQUENCES])
    with open(plain, "w", encoding="ascii") as handle:
        handle.write("\n".join(header) + "\n")
        for gi, gene in enumerate(names):
            chrom = f"chr{gi % 22 + 1}"
            base = 1_000_000 * (gi // 22 + 1) + 10_000
            for si in range(sites_per_gene):
                pos = base + si * 7
                csq = terms[rng.choice(len(terms), p=probs)]
                af = float(10 ** rng.uniform(-5, -1.5))
                revel = float(rng.beta(2, 3)) if csq == "missense_variant" else None
                qualifying = csq in LOF or (revel is not None and revel >= 0.5)
                p_ctrl = af * 2  # carrier probability (heterozygotes) in controls
                p = np.full(samples, p_ctrl)
                if gene in enrich and qualifying and af < 0.001:
                    odds = p_ctrl / (1 - p_ctrl) * odds_ratio
                    p[is_case] = odds / (1 + odds)
                carrier = rng.random(samples) < p
                gts = np.where(carrier, "0/1", "0/0").astype(object)
                missing = rng.random(samples) < 0.002
                gts[missing] = "./."
                info = f"CSQ=T|{csq}|MODERATE|{gene}|ENSG{gi:011d}|{af:.3g}|{'' if revel is None else f'{revel:.3f}'}"
                handle.write(f"{chrom}\t{pos}\t.\tC\tT\t50\tPASS\t{info}\tGT\t" + "\t".join(gts) + "\n")
    vcf = plain
    if out.suffix == ".gz":
        subprocess.run(["bcftools", "sort", "-Oz", "-o", str(out), str(plain)], check=True, capture_output=True)
        subprocess.run(["tabix", "-f", "-p", "vcf", str(out)], check=True)
        plain.unlink()
        vcf = out
    pheno = out.parent / (out.name.split(".vcf")[0] + ".pheno.tsv")
    sex = rng.integers(1, 3, samples)
    pcs = rng.normal(size=(samples, 2))
    lines = ["sample\tstatus\tsex\tPC1\tPC2"] + [
        f"{s}\t{'case' if c else 'control'}\t{'M' if x == 1 else 'F'}\t{a:.5f}\t{b:.5f}"
        for s, c, x, (a, b) in zip(sample_ids, is_case, sex, pcs, strict=True)]
    pheno.write_text("\n".join(lines) + "\n", encoding="ascii")
    return vcf, pheno


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-o", "--out", type=Path, required=True)
    parser.add_argument("--samples", type=int, default=10000)
    parser.add_argument("--genes", type=int, default=40)
    parser.add_argument("--sites-per-gene", type=int, default=60)
    parser.add_argument("--enrich", default="GENE1,GENE2", help="comma list of genes with case enrichment")
    parser.add_argument("--odds-ratio", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=7)
    a = parser.parse_args()
    vcf, pheno = generate(a.out, a.samples, a.genes, a.sites_per_gene, [g for g in a.enrich.split(",") if g],
                          a.odds_ratio, a.seed)
    print(vcf, pheno)


if __name__ == "__main__":
    main()
