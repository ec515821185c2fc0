"""How large is the resource bundle (`charcot resources build`) at full release density? An extrapolation.

The full releases (gnomAD v4.1 sites, ClinVar, AlphaMissense, REVEL, CADD, SpliceAI, GRCh38/GRCh37 FASTA and
Ensembl GFF3: hundreds of GB) cannot be downloaded here. The bundle keeps only the records inside the panel, so
its size is (records inside the panel) x (bytes per record in the bundle's format). This script measures both
factors separately and says where each comes from:

* panel size: the real panel regions of both builds (`charcot.variants.bundle.panel_regions` / `exon_regions`);
* record density: from the releases' own definitions and counts (score files list every possible SNV: 3 per
  base; gnomAD genomes: 759,302,267 variants over the 3.1 Gb genome, gnomAD v3.1 release notes; exome data and
  ClinVar are bounded from above by 3.3 records per exon base, every SNV plus 10% indels);
* bytes per record: measured by running the real `build_bundle` on a sample of N records per resource, written
  with the releases' real headers and record layouts (gnomAD v4.0 records of the test fixture, ClinVar's VCF
  header, the AlphaMissense/REVEL/CADD column lines) but modeled values (random scores and allele counts), placed
  at consecutive positions of the panel. Random values compress worse than real ones, so this errs high.

Usage: python benchmarks/bench_bundle_size.py [--sample 20000] [--json OUT]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
RES = REPO / "tests" / "data" / "variants" / "resources"

GENOME_BP = 3_099_734_149  # GRCh38 primary assembly length (Ensembl/GRC)
GNOMAD_GENOMES_VARIANTS = 759_302_267  # gnomAD v3.1 genomes (the genomes of v4), release announcement 2020-10
EXON_UPPER = 3.3  # records per exon base: every possible SNV (3) plus 10% indels, an upper bound
TX_PER_GENE = 30  # Ensembl transcripts per panel gene, a generous round figure (TBK1 has 71, MRPL39 4)


def _bgzip_size(text: str, tmp: Path) -> int:
    import pysam

    plain = tmp / "x.txt"
    plain.write_text(text)
    pysam.tabix_compress(str(plain), str(tmp / "x.txt.gz"), force=True)
    return (tmp / "x.txt.gz").stat().st_size


def _gnomad_sample(n: int, chrom: str, start: int, out: Path, rng: random.Random) -> None:
    """n gnomAD v4.0 records: the fixture's real header and record layout, modeled counts."""
    src = RES / "gnomad.exomes.v4.0.sites.chr1-PCSK9.vcf.bgz"
    with gzip.open(src, "rt") as handle:
        lines = handle.read().splitlines()
    header = [h for h in lines if h.startswith("#")]
    records = [r.split("\t") for r in lines if not r.startswith("#")]
    body = []
    pops = ["afr", "amr", "eas", "nfe", "sas", "mid", "remaining"]
    for i in range(n):
        t = list(records[i % len(records)])
        ac = max(1, int(rng.paretovariate(0.8)))
        an = 1_400_000 + rng.randint(-60_000, 12_000)
        gac = max(1, ac // 3)
        gan = rng.choice((36_040, 74_040, 44_890, 1_100_000))
        info = {"AC": ac, "AN": an, "AF": f"{ac / an:.5g}", "grpmax": rng.choice(pops), "nhomalt": 0,
                "AC_joint": ac + rng.randint(0, 3), "AN_joint": an + 150_000, "AF_joint": f"{ac / (an + 150_000):.5g}",
                "nhomalt_joint": 0, "AC_grpmax": gac, "AN_grpmax": gan, "AF_grpmax": f"{gac / gan:.5g}",
                "grpmax_joint": rng.choice(pops), "AC_grpmax_joint": gac, "AN_grpmax_joint": gan + 8000,
                "AF_grpmax_joint": f"{gac / (gan + 8000):.5g}", "fafmax_faf95_max": f"{gac / gan / 3:.5g}",
                "fafmax_faf95_max_joint": f"{gac / gan / 3.1:.5g}",
                **{f"faf95_{p}": f"{rng.random() * gac / gan:.5g}" for p in pops[:5]}}
        t[0], t[1], t[2] = chrom, str(start + i // 3), "."
        t[3] = "ACGT"[i % 4]
        t[4] = "ACGT"[(i + 1 + i // 4) % 4] if "ACGT"[(i + 1 + i // 4) % 4] != t[3] else "N"
        t[7] = ";".join(f"{k}={v}" for k, v in info.items()) + ";" + t[7]  # the real record's other fields too
        body.append("\t".join(t))
    _write_vcf(out, header, body)


def _write_vcf(out: Path, header: list[str], body: list[str]) -> None:
    import pysam

    plain = out.with_suffix("")
    plain.write_text("\n".join(header + body) + "\n")
    pysam.tabix_compress(str(plain), str(out), force=True)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    plain.unlink()


def _clinvar_sample(n: int, chrom: str, start: int, out: Path, rng: random.Random) -> None:
    """n ClinVar records: the real ClinVar VCF header, records with ClinVar's fields and value forms (modeled)."""
    header = [h for h in (RES / "clinvar_vcf_header.txt").read_text().splitlines() if h.startswith("#")]
    header = ["##reference=GRCh38" if h.startswith("##reference=") else h for h in header]
    sigs = ["Uncertain_significance", "Likely_benign", "Benign", "Pathogenic", "Likely_pathogenic",
            "Conflicting_classifications_of_pathogenicity"]
    revs = ["criteria_provided,_single_submitter", "criteria_provided,_multiple_submitters,_no_conflicts",
            "criteria_provided,_conflicting_classifications"]
    body = []
    for i in range(n):
        pos = start + i // 2
        ref, alt = "ACGT"[i % 4], "ACGT"[(i + 2) % 4]
        vid = 1_000_000 + rng.randint(0, 2_000_000)
        info = [f"ALLELEID={vid + 17}", "CLNDISDB=MONDO:MONDO:0004976,MedGen:C0002736,OMIM:105400",
                "CLNDN=Amyotrophic_lateral_sclerosis_type_1|not_provided", f"CLNHGVS=NC_0000{chrom}.9:g.{pos}{ref}>{alt}",
                f"CLNREVSTAT={rng.choice(revs)}", f"CLNSIG={rng.choice(sigs)}", "CLNVC=single_nucleotide_variant",
                "CLNVCSO=SO:0001483", "GENEINFO=SOD1:6647", "MC=SO:0001583|missense_variant", "ORIGIN=1",
                f"RS={rng.randint(1, 2_000_000_000)}"]
        body.append("\t".join([chrom, str(pos), str(vid), ref, alt, ".", ".", ";".join(info)]))
    _write_vcf(out, header, body)


def _score_samples(n: int, chrom: str, start: int, tmp: Path, rng: random.Random) -> dict[str, Path]:
    out: dict[str, Path] = {}
    am = [line for line in (RES / "scores" / "AlphaMissense_hg38.head.tsv").read_text().splitlines()
          if line.startswith("#")]
    rows = []
    for i in range(n):
        s = rng.random()
        rows.append("\t".join([f"chr{chrom}", str(start + i // 3), "ACGT"[i % 4], "ACGT"[(i + 1) % 4], "hg38",
                               "P00441", "ENST00000270142.11", f"A{1 + i // 9}V", f"{s:.4f}",
                               "likely_pathogenic" if s > 0.564 else "likely_benign" if s < 0.34 else "ambiguous"]))
    (tmp / "am.tsv").write_text("\n".join(am + rows) + "\n")
    out["alphamissense"] = tmp / "am.tsv"
    rev = [(RES / "scores" / "revel-v1.3.head.csv").read_text().splitlines()[0]]
    rev += [",".join([chrom, str(start + i // 3 - 1_372_313), str(start + i // 3), "ACGT"[i % 4],
                      "ACGT"[(i + 1) % 4], "A", "V", f"{rng.random():.3f}", "ENST00000270142"]) for i in range(n)]
    (tmp / "revel.csv").write_text("\n".join(rev) + "\n")
    out["revel"] = tmp / "revel.csv"
    cadd = [line for line in (RES / "scores" / "cadd-v1.3-1000G_phase3.head.tsv").read_text().splitlines()
            if line.startswith("#")]
    cadd += ["\t".join([chrom, str(start + i // 3), "ACGT"[i % 4], "ACGT"[(i + 1) % 4],
                        f"{rng.gauss(0, 1):.6f}", f"{rng.random() * 40:.3f}"]) for i in range(n)]
    (tmp / "cadd.tsv").write_text("\n".join(cadd) + "\n")
    out["cadd"] = tmp / "cadd.tsv"
    return out


def measure(sample: int, exome_density: float = EXON_UPPER, clinvar_density: float = EXON_UPPER
            ) -> dict[str, object]:
    from charcot.model import Build
    from charcot.variants.bundle import build_bundle, exon_regions, panel_regions

    rng = random.Random(13)
    result: dict[str, object] = {"sample_records": sample, "density_per_exon_base": {
        "gnomad_exomes": exome_density, "clinvar": clinvar_density, "scores": 3},
        "density_per_base_gnomad_genomes": round(GNOMAD_GENOMES_VARIANTS / GENOME_BP, 4)}
    panel = {}
    for build in (Build.GRCh37, Build.GRCh38):
        spans, exons = panel_regions(build), exon_regions(build)
        panel[build.value] = {"span_bp": sum(e - s + 1 for _c, s, e in spans),
                              "exon_bp": sum(e - s + 1 for _c, s, e in exons), "regions": len(spans),
                              "last_base": {c: e for c, _s, e in spans}}
    result["panel"] = {k: {kk: vv for kk, vv in v.items() if kk != "last_base"} for k, v in panel.items()}
    per_record: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="charcot-bundle-size-") as t:
        tmp = Path(t)
        exons = exon_regions(Build.GRCh38)
        chrom, s0, _e0 = max(exons, key=lambda r: r[2] - r[1])
        # one region around the sample's positions keeps every sample record inside the bundle
        region = [(chrom, s0, s0 + sample)]
        _gnomad_sample(sample, f"chr{chrom}", s0, tmp / "gnomad.vcf.gz", rng)
        _clinvar_sample(sample, chrom, s0, tmp / "clinvar.vcf.gz", rng)
        scores = _score_samples(sample, chrom, s0, tmp, rng)
        m = build_bundle(tmp / "b", Build.GRCh38, gnomad=[tmp / "gnomad.vcf.gz"], clinvar=tmp / "clinvar.vcf.gz",
                         scores=scores, regions=region)
        for r in m.resources:
            size = (tmp / "b" / r.file).stat().st_size
            tbi = tmp / "b" / (r.file + ".tbi")
            size += tbi.stat().st_size if tbi.exists() else 0
            per_record[r.kind] = size / max(1, r.records or 1)
        # SpliceAI precomputed VCF (its example output's real header, GRCh37): one SNV per record, modeled scores
        sp_header = [h for h in (RES / "scores" / "spliceai-examples-output.vcf").read_text().splitlines()
                     if h.startswith("#")]
        c37, s37, _e37 = max(exon_regions(Build.GRCh37), key=lambda r: r[2] - r[1])
        sp_body = ["\t".join([c37, str(s37 + i // 3), ".", "ACGT"[i % 4], "ACGT"[(i + 1) % 4], ".", ".",
                              "SpliceAI=" + "|".join(["ACGT"[(i + 1) % 4], "SOD1",
                                                      *(f"{rng.random() * 0.2:.2f}" for _ in range(4)),
                                                      *(str(rng.randint(-50, 50)) for _ in range(4))])])
                   for i in range(sample)]
        _write_vcf(tmp / "spliceai.vcf.gz", sp_header, sp_body)
        m37 = build_bundle(tmp / "b37", Build.GRCh37, scores={"spliceai": tmp / "spliceai.vcf.gz"},
                           regions=[(c37, s37, s37 + sample)])
        (sp,) = m37.resources
        per_record["spliceai"] = ((tmp / "b37" / sp.file).stat().st_size
                                  + (tmp / "b37" / (sp.file + ".tbi")).stat().st_size) / max(1, sp.records or 1)
        # ClinVar variant_summary rows (its real 43-column line, modeled values), gzip as the bundle keeps them
        sys.path.insert(0, str(REPO))
        from tests.variants.test_bundle import SUMMARY_HEADER

        cols = SUMMARY_HEADER.split("\t")
        rows = []
        for i in range(sample):
            vid = str(1_000_000 + rng.randint(0, 2_000_000))
            row = dict.fromkeys(cols, "-")
            row.update({"#AlleleID": str(int(vid) + 17), "Type": "single nucleotide variant",
                        "Name": f"NM_000454.5(SOD1):c.{i // 3 + 1}G>A (p.Gly{i // 9 + 1}Asp)", "GeneID": "6647",
                        "GeneSymbol": "SOD1", "HGNC_ID": "HGNC:11179", "ClinicalSignificance": "Uncertain significance",
                        "ClinSigSimple": "0", "LastEvaluated": "Mar 02, 2024", "RS# (dbSNP)": str(rng.randint(1, 2**31)),
                        "RCVaccession": f"RCV00{rng.randint(1, 9_999_999):07d}",
                        "PhenotypeIDS": "MONDO:MONDO:0004976,MedGen:C0002736,OMIM:105400",
                        "PhenotypeList": "Amyotrophic lateral sclerosis type 1", "Origin": "germline",
                        "OriginSimple": "germline", "Assembly": "GRCh38", "ChromosomeAccession": "NC_000021.9",
                        "Chromosome": chrom, "Start": str(s0 + i // 3), "Stop": str(s0 + i // 3),
                        "ReviewStatus": "criteria provided, single submitter", "NumberSubmitters": "1",
                        "VariationID": vid, "PositionVCF": str(s0 + i // 3), "ReferenceAlleleVCF": "G",
                        "AlternateAlleleVCF": "A", "SCVsForAggregateGermlineClassification": f"SCV00{vid}"})
            rows.append("\t".join(row[c] for c in cols))
        with gzip.open(tmp / "summary.txt.gz", "wt") as handle:
            handle.write(SUMMARY_HEADER + "\n" + "\n".join(rows) + "\n")
        msum = build_bundle(tmp / "bs", Build.GRCh38, clinvar_summary=tmp / "summary.txt.gz")
        (ms,) = msum.resources
        per_record["clinvar_summary"] = (tmp / "bs" / ms.file).stat().st_size / max(1, ms.records or 1)
        # FASTA: random bases compress like DNA under gzip (2 bits/base, real DNA slightly better), N runs ~0
        bases = "".join(rng.choice("ACGT") for _ in range(1_000_000))
        per_record["reference_base"] = _bgzip_size(bases, tmp) / 1_000_000
        per_record["reference_n"] = _bgzip_size("N" * 20_000_000, tmp) / 20_000_000
        gff = (RES / "engine" / "MRPL39.ensembl.gff3").read_text()
        per_record["transcript_gff3"] = len(gff.encode()) / 4  # 4 transcripts of MRPL39 (uncompressed in the bundle)
    result["bytes_per_record"] = {k: round(v, 3) for k, v in per_record.items()}
    genes = 80
    totals = {}
    for b, p in panel.items():
        span, exon = int(p["span_bp"]), int(p["exon_bp"])  # type: ignore[call-overload]
        density_genomes = GNOMAD_GENOMES_VARIANTS / GENOME_BP
        records = {"gnomad": span * density_genomes + exon * exome_density, "clinvar": exon * clinvar_density,
                   "alphamissense": exon * 3, "revel": exon * 3, "cadd": exon * 3, "spliceai": exon * 3}
        mb = {k: records[k] * per_record[k] / 1e6 for k in records}
        n_bases = sum(p["last_base"].values()) - span  # type: ignore[union-attr]
        mb["reference"] = (span * per_record["reference_base"] + n_bases * per_record["reference_n"]) / 1e6
        mb["transcripts"] = genes * TX_PER_GENE * per_record["transcript_gff3"] / 1e6
        mb["clinvar_summary"] = records["clinvar"] * per_record["clinvar_summary"] / 1e6
        totals[b] = {"records_upper_bound": {k: int(v) for k, v in records.items()},
                     "mb": {k: round(v, 1) for k, v in mb.items()}, "total_mb": round(sum(mb.values()), 1)}
    result["estimate"] = totals
    result["both_builds_mb"] = round(sum(float(v["total_mb"]) for v in totals.values()), 1)  # type: ignore[arg-type]
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=20_000)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--exome-density", type=float, default=EXON_UPPER,
                    help="gnomAD exome records per exon base (default: the upper bound 3.3)")
    ap.add_argument("--clinvar-density", type=float, default=EXON_UPPER,
                    help="ClinVar records per exon base (default: the upper bound 3.3)")
    args = ap.parse_args()
    res = measure(args.sample, args.exome_density, args.clinvar_density)
    text = json.dumps(res, indent=2, sort_keys=True)
    if args.json:
        args.json.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
