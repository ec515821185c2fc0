"""How large is the resource bundle (`charcot resources build`) at full release density, per resource, per build
and for both builds, against the issue's 200 MB target? A measured extrapolation.

The full releases (gnomAD v4.1/v2.1.1 sites, ClinVar, AlphaMissense, REVEL, CADD, SpliceAI, GRCh38/GRCh37 FASTA and
Ensembl GFF3: hundreds of GB) cannot be downloaded here. The bundle keeps only the records inside the region set each
file covers, so its size is (records inside that region set) x (bytes per record in the bundle's format):

* region sets: the real ones of both builds (`charcot.variants.bundle.region_sets`: genes +-1 kb, exons +-100 bp
  for gnomAD, exons +-50 bp for SpliceAI, exons for the missense predictors);
* bytes per record: measured by running the real `build_bundle` on N records per resource written with the
  releases' real headers and record layouts (gnomAD v4.0 records of the test fixture, ClinVar's VCF header and
  `variant_summary` columns, the AlphaMissense/REVEL/CADD column lines, SpliceAI's VCF header) and modeled values
  (random scores and allele counts, which compress worse than real ones: errs high);
* records: printed with their source under "assumptions" (an upper bound where no real count is at hand).

Usage: python benchmarks/bench_bundle_size.py [--sample 20000] [--json OUT] [--clinvar-growth 3]
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
# gnomAD genomes files: variants over the genome (release announcements): v3.1 (the genomes of v4, GRCh38) 759,302,267;
# v2.1 (GRCh37) 229 M SNVs + 33 M indels from 15,708 genomes (gnomAD blog 2018-10)
GNOMAD_GENOME_DENSITY = {"GRCh38": 759_302_267 / GENOME_BP, "GRCh37": 262_000_000 / GENOME_BP}
PER_BASE_UPPER = 3.3  # records per base: every possible SNV (3) plus 10% indels, an upper bound
TX_PER_GENE = 30  # Ensembl transcripts per panel gene, a generous round figure (TBK1 has 71, MRPL39 4)
CLINVAR_GENES = REPO / "benchmarks" / "data" / "clinvar_gene_specific_summary_2021-11-07.panel.tsv"
# ClinVar grew after the 2021 per-gene counts: its whole-file Total_alleles sum to 2,255,171 (overlapping genes
# counted twice), against more than 4.4 million variants in 2025 (a third-party summary of ClinVar's statistics,
# unverified): about x2; x3 is the allowance used.
CLINVAR_GROWTH = 3.0
TARGET_MB = 200


def _snv(i: int) -> tuple[str, str]:
    """REF and ALT of the i-th record when each position has its three possible SNVs."""
    ref = "ACGT"[(i // 3) % 4]
    return ref, [b for b in "ACGT" if b != ref][i % 3]


def _bgzip_size(text: str, tmp: Path) -> int:
    import pysam

    plain = tmp / "x.txt"
    plain.write_text(text)
    pysam.tabix_compress(str(plain), str(tmp / "x.txt.gz"), force=True)
    return (tmp / "x.txt.gz").stat().st_size


def _modeled_record(t: list[str], chrom: str, pos: int, i: int, info: dict[str, object],
                    rng: random.Random) -> str:
    """One gnomAD-shaped record line: a real record's fields with a new position, SNV and the modeled INFO
    values; the real record's other INFO fields are kept (those modeled here replaced, never written twice)."""
    t[0], t[1], t[2] = chrom, str(pos), f"rs{rng.randint(1, 2_000_000_000)}"
    t[3], t[4] = _snv(i)
    t[7] = ";".join(f"{k}={v}" for k, v in info.items()) + ";" + ";".join(
        kv for kv in t[7].split(";") if kv.split("=")[0] not in info)
    return "\t".join(t)


def _fixture_lines(name: str) -> tuple[list[str], list[list[str]]]:
    """A real fixture's header lines and its records split into fields."""
    with gzip.open(RES / name, "rt") as handle:
        lines = handle.read().splitlines()
    return [h for h in lines if h.startswith("#")], [r.split("\t") for r in lines if not r.startswith("#")]


def _gnomad_sample(n: int, chrom: str, start: int, out: Path, rng: random.Random) -> None:
    """n gnomAD v4.0 records: the fixture's real header and record layout, modeled counts."""
    header, records = _fixture_lines("gnomad.exomes.v4.0.sites.chr1-PCSK9.vcf.bgz")
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
        body.append(_modeled_record(t, chrom, start + i // 3, i, info, rng))
    _write_vcf(out, header, body)


def _gnomad_v2_sample(n: int, chrom: str, start: int, out: Path, rng: random.Random) -> None:
    """n gnomAD v2.1 exome records (GRCh37): the fixture's real header and record layout, modeled counts."""
    header, records = _fixture_lines("gnomad.exomes.r2.1.sites.grch37-subset.vcf.bgz")
    pops = ["afr", "amr", "eas", "nfe", "sas"]
    body = []
    for i in range(n):
        t = list(records[i % len(records)])
        ac = max(1, int(rng.paretovariate(0.8)))
        an = 250_000 + rng.randint(-40_000, 1_000)
        gac, gan = max(1, ac // 3), rng.choice((16_000, 34_000, 30_600, 113_000))
        info = {"AC": ac, "AN": an, "AF": f"{ac / an:.5e}", "popmax": rng.choice(pops), "AC_popmax": gac,
                "AN_popmax": gan, "AF_popmax": f"{gac / gan:.5e}",
                # a singleton's filtering AF is 0 in every group (the 95% bound of one allele)
                **{f"faf95_{p}": f"{rng.random() * gac / gan if ac > 1 else 0.0:.5e}" for p in pops}}
        body.append(_modeled_record(t, chrom, start + i // 3, i, info, rng))
    _write_vcf(out, header, body)


def _write_vcf(out: Path, header: list[str], body: list[str]) -> None:
    import pysam

    plain = out.with_suffix("")
    plain.write_text("\n".join(header + body) + "\n")
    pysam.tabix_compress(str(plain), str(out), force=True)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    plain.unlink()


def _clinvar_sample(n: int, chrom: str, start: int, out: Path, rng: random.Random, step: int = 4) -> None:
    """n ClinVar records, one every ``step`` bases (about ClinVar's density in the panel exons): the real ClinVar VCF
    header, records with ClinVar's fields and value forms (modeled)."""
    header = [h for h in (RES / "clinvar_vcf_header.txt").read_text().splitlines() if h.startswith("#")]
    header = ["##reference=GRCh38" if h.startswith("##reference=") else h for h in header]
    sigs = ["Uncertain_significance", "Likely_benign", "Benign", "Pathogenic", "Likely_pathogenic",
            "Conflicting_classifications_of_pathogenicity"]
    revs = ["criteria_provided,_single_submitter", "criteria_provided,_multiple_submitters,_no_conflicts",
            "criteria_provided,_conflicting_classifications"]
    body = []
    for i in range(n):
        pos = start + i * step
        ref, alt = _snv(rng.randint(0, 11))
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
        rows.append("\t".join([f"chr{chrom}", str(start + i // 3), *_snv(i), "hg38",
                               "P00441", "ENST00000270142.11", f"A{1 + i // 9}V", f"{s:.4f}",
                               "likely_pathogenic" if s > 0.564 else "likely_benign" if s < 0.34 else "ambiguous"]))
    (tmp / "am.tsv").write_text("\n".join(am + rows) + "\n")
    out["alphamissense"] = tmp / "am.tsv"
    rev = [(RES / "scores" / "revel-v1.3.head.csv").read_text().splitlines()[0]]
    rev += [",".join([chrom, str(start + i // 3 - 1_372_313), str(start + i // 3), *_snv(i), "A", "V",
                      f"{rng.random():.3f}", "ENST00000270142"]) for i in range(n)]
    (tmp / "revel.csv").write_text("\n".join(rev) + "\n")
    out["revel"] = tmp / "revel.csv"
    cadd = [line for line in (RES / "scores" / "cadd-v1.3-1000G_phase3.head.tsv").read_text().splitlines()
            if line.startswith("#")]
    cadd += ["\t".join([chrom, str(start + i // 3), *_snv(i),
                        f"{rng.gauss(0, 1):.6f}", f"{rng.random() * 40:.3f}"]) for i in range(n)]
    (tmp / "cadd.tsv").write_text("\n".join(cadd) + "\n")
    out["cadd"] = tmp / "cadd.tsv"
    return out


def _file_bytes(folder: Path, file: str) -> int:
    return sum((folder / f).stat().st_size for f in (file, file + ".tbi", file + ".fai", file + ".gzi")
               if (folder / f).exists())


def clinvar_alleles() -> tuple[int, int, int]:
    """(ClinVar alleles, of them P/LP, genes) of the 80 panel genes in ClinVar's 2021-11-07 per-gene summary."""
    total = plp = genes = 0
    with open(CLINVAR_GENES) as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            v = line.rstrip("\n").split("\t")
            genes += 1
            total += int(v[3]) if v[3] != "-" else 0
            plp += int(v[5]) if v[5] != "-" else 0
    return total, plp, genes


def measure(sample: int, clinvar_growth: float = CLINVAR_GROWTH, gnomad_density: float = PER_BASE_UPPER
            ) -> dict[str, object]:
    import pysam

    from charcot.model import Build
    from charcot.variants.bundle import build_bundle, exon_regions, region_bp, region_sets

    rng = random.Random(13)
    per_record: dict[str, float] = {}
    kept_fields: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="charcot-bundle-size-") as t:
        tmp = Path(t)
        exons = exon_regions(Build.GRCh38)
        chrom, s0, _e0 = max(exons, key=lambda r: r[2] - r[1])
        # one extra region around the sample's positions keeps every sample record inside the bundle
        region = [(chrom, s0, s0 + 4 * sample + 10)]
        _gnomad_sample(sample, f"chr{chrom}", s0, tmp / "gnomad.vcf.gz", rng)
        _clinvar_sample(sample, chrom, s0, tmp / "clinvar.vcf.gz", rng)
        scores = _score_samples(sample, chrom, s0, tmp, rng)
        m = build_bundle(tmp / "b", Build.GRCh38, gnomad=[tmp / "gnomad.vcf.gz"], clinvar=tmp / "clinvar.vcf.gz",
                         scores=scores, regions=region)
        for r in m.resources:
            per_record[r.kind] = _file_bytes(tmp / "b", r.file) / max(1, r.records or 1)
            kept_fields[r.kind] = r.fields
        # SpliceAI precomputed VCF (its example output's real header, GRCh37): one SNV per record, modeled scores
        sp_header = [h for h in (RES / "scores" / "spliceai-examples-output.vcf").read_text().splitlines()
                     if h.startswith("#")]
        c37, s37, _e37 = max(exon_regions(Build.GRCh37), key=lambda r: r[2] - r[1])
        sp_body = []
        for i in range(sample):
            ref, alt = _snv(i)
            sp_body.append("\t".join([c37, str(s37 + i // 3), ".", ref, alt, ".", ".", "SpliceAI=" + "|".join(
                [alt, "SOD1", *(f"{rng.random() * 0.2:.2f}" for _ in range(4)),
                 *(str(rng.randint(-50, 50)) for _ in range(4))])]))
        _write_vcf(tmp / "spliceai.vcf.gz", sp_header, sp_body)
        m37 = build_bundle(tmp / "b37", Build.GRCh37, scores={"spliceai": tmp / "spliceai.vcf.gz"},
                           regions=[(c37, s37, s37 + sample)])
        (sp,) = m37.resources
        per_record["spliceai"] = _file_bytes(tmp / "b37", sp.file) / max(1, sp.records or 1)
        kept_fields["spliceai"] = sp.fields
        # gnomAD coverage summary: the real rows of the v2 genomes fixture (160 consecutive bases), repeated in order
        # over consecutive positions (real depth values, so this one is not modeled)
        with gzip.open(RES / "gnomad.genomes.coverage.summary.chr1-subset.tsv.bgz", "rt") as handle:
            cov_header, *cov_rows = handle.read().splitlines()
        cov_lines = [cov_header] + ["\t".join([c37, str(s37 + i), *cov_rows[i % len(cov_rows)].split("\t")[2:]])
                                    for i in range(sample)]
        (tmp / "cov.tsv").write_text("\n".join(cov_lines) + "\n")
        pysam.tabix_compress(str(tmp / "cov.tsv"), str(tmp / "cov.tsv.bgz"), force=True)
        mc = build_bundle(tmp / "c37", Build.GRCh37, gnomad_coverage=tmp / "cov.tsv.bgz",
                          regions=[(c37, s37, s37 + sample)])
        (cv,) = mc.resources
        per_record["gnomad_coverage"] = _file_bytes(tmp / "c37", cv.file) / max(1, cv.records or 1)
        kept_fields["gnomad_coverage"] = cv.fields
        _gnomad_v2_sample(sample, c37, s37, tmp / "gnomad2.vcf.gz", rng)
        mg2 = build_bundle(tmp / "g37", Build.GRCh37, gnomad=[tmp / "gnomad2.vcf.gz"], regions=[(c37, s37, s37 + sample)])
        (g2,) = mg2.resources
        per_record["gnomad_v2"] = _file_bytes(tmp / "g37", g2.file) / max(1, g2.records or 1)
        kept_fields["gnomad_v2"] = g2.fields
        # ClinVar variant_summary rows (its real 43-column line, modeled values): the bundle keeps 8 columns
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
        per_record["clinvar_summary"] = _file_bytes(tmp / "bs", ms.file) / max(1, ms.records or 1)
        kept_fields["clinvar_summary"] = ms.fields
        # FASTA: random bases compress like DNA under bgzip (2 bits/base, real DNA slightly better), N runs ~0
        bases = "".join(rng.choice("ACGT") for _ in range(1_000_000))
        per_record["reference_base"] = _bgzip_size(bases, tmp) / 1_000_000
        per_record["reference_n"] = _bgzip_size("N" * 20_000_000, tmp) / 20_000_000
        # GFF3: the real Ensembl lines of MRPL39's 4 transcripts (gzip, as the bundle keeps them), per transcript
        gff = (RES / "engine" / "MRPL39.ensembl.gff3").read_bytes()
        per_record["transcript_gff3"] = len(gzip.compress(gff)) / 4

    clinvar_2021, clinvar_plp_2021, n_genes = clinvar_alleles()
    clinvar_records = clinvar_2021 * clinvar_growth
    import charcot.knowledge
    from charcot.knowledge.schema.variants import _clinvar_table

    kb_plp_missense = len(_clinvar_table(Path(charcot.knowledge.__file__).parent / "data"))
    builds: dict[str, object] = {}
    for build in (Build.GRCh37, Build.GRCh38):
        sets = region_sets(build)
        bp = {name: region_bp(rs.regions) for name, rs in sets.items()}
        last_base: dict[str, int] = {}
        for c, _s, e in sets["genes"].regions:
            last_base[c] = max(last_base.get(c, 0), e)
        records = {"gnomad": bp["gnomad"] * gnomad_density,
                   "gnomad_genomes": bp["gnomad"] * GNOMAD_GENOME_DENSITY[build.value],
                   "gnomad_coverage": bp["gnomad"], "clinvar": clinvar_records,
                   "clinvar_summary": clinvar_records, "alphamissense": bp["coding"] * 3, "revel": bp["coding"] * 3,
                   "cadd": bp["coding"] * 3, "spliceai": bp["splice"] * 3}
        gnomad_bytes = per_record["gnomad" if build == Build.GRCh38 else "gnomad_v2"]
        mb = {k: records[k] * (gnomad_bytes if k in ("gnomad", "gnomad_genomes") else per_record[k]) / 1e6
              for k in records}
        n_bases = sum(last_base.values()) - bp["genes"]
        mb["reference"] = (bp["genes"] * per_record["reference_base"] + n_bases * per_record["reference_n"]) / 1e6
        mb["transcripts"] = n_genes * TX_PER_GENE * per_record["transcript_gff3"] / 1e6
        per = {k: gnomad_bytes if k in ("gnomad", "gnomad_genomes") else per_record[k] for k in records}
        per["reference"], per["transcripts"] = per_record["reference_base"], per_record["transcript_gff3"]
        builds[build.value] = {"region_bp": bp, "records": {k: int(v) for k, v in records.items()},
                               "bytes_per_record": {k: round(v, 2) for k, v in per.items()},
                               "mb": {k: round(v, 2) for k, v in mb.items()}, "total_mb": round(sum(mb.values()), 1)}
    both = round(sum(float(v["total_mb"]) for v in builds.values()), 1)  # type: ignore[index]
    assumptions = [
        f"gnomAD exomes (GRCh38: the v4.1 exomes or joint file; GRCh37: v2.1.1 exomes): {gnomad_density} records per "
        "base of the 'gnomad' region set (panel exons +-100 bp): every possible SNV plus 10% indels, an upper bound "
        "(not a count: no real gnomAD panel subset is at hand here); bytes per record of the v4.0 layout (joint "
        "fields) on GRCh38 and of the v2.1 layout (popmax and per-group FAF) on GRCh37",
        "gnomAD genomes (a second file: v4.1 genomes on GRCh38, v2.1.1 genomes on GRCh37): the release's genome-wide "
        f"density, {GNOMAD_GENOME_DENSITY['GRCh38']:.3f} (v3.1: 759,302,267 variants) and "
        f"{GNOMAD_GENOME_DENSITY['GRCh37']:.3f} (v2.1: 262 M variants) per base, gnomAD release announcements",
        f"ClinVar VCF and variant_summary: {clinvar_2021:,} alleles in the {n_genes} panel genes in ClinVar's own "
        f"per-gene summary of 2021-11-07 (measured: benchmarks/data/, SOURCES.md) x {clinvar_growth} growth allowance "
        f"(an assumption: see CLINVAR_GROWTH); {clinvar_plp_2021:,} of them P/LP, of which the knowledge base's "
        f"ClinVar-derived P/LP missense table holds {kb_plp_missense} (a consistent subset)",
        "CADD and SpliceAI: 3 records per base of their region sets (every possible SNV: exact for the SNV files); "
        "AlphaMissense and REVEL: the same, an upper bound (they score missense changes only)",
        "gnomAD coverage summary: one row per base of the 'gnomad' region set (gnomAD lists every called base), bytes "
        "per row measured on the real rows of gnomAD v2 genomes' summary (test fixture), not modeled",
        "reference: the 'genes' region set's bases (bgzip of random bases, 2 bits/base) + N elsewhere up to the last "
        "panel base of each contig (measured bgzip of N runs)",
        f"transcripts: {TX_PER_GENE} Ensembl transcripts per gene (a generous round figure), at the gzip size per "
        "transcript of MRPL39's real Ensembl GFF3 lines",
        "bytes per record: build_bundle on the sample records (real headers and layouts, modeled values that compress "
        "worse than real ones)",
    ]
    return {"sample_records": sample, "bytes_per_record": {k: round(v, 3) for k, v in per_record.items()},
            "fields_kept": kept_fields, "builds": builds, "both_builds_mb": both, "target_mb": TARGET_MB,
            "meets_target": both < TARGET_MB, "assumptions": assumptions}


ORDER = ("gnomad", "gnomad_genomes", "gnomad_coverage", "clinvar", "clinvar_summary", "alphamissense", "revel", "cadd", "spliceai", "reference",
         "transcripts")


def render(res: dict[str, object]) -> str:
    builds: dict[str, dict[str, dict[str, float]]] = res["builds"]  # type: ignore[assignment]
    names = list(builds)
    lines = [f"resource bundle size at release density (extrapolated from {res['sample_records']:,} sample records "
             "per resource through the real build_bundle)", "",
             f"{'resource':16}" + "".join(f" {'records ' + b:>16} {'B/record':>9} {'MB ' + b:>10}" for b in names)]
    for k in ORDER:
        row = f"{k:16}"
        for b in names:
            rec = builds[b]["records"].get(k)
            per = builds[b]["bytes_per_record"][k]
            row += (f" {int(rec):>16,}" if rec is not None else f" {'(bases)':>16}") + f" {per:9.2f}"
            row += f" {builds[b]['mb'][k]:10.2f}"
        lines.append(row)
    lines.append(f"{'per build':16}" + "".join(f" {'':>16} {'':>9} {builds[b]['total_mb']:10.1f}" for b in names))
    verdict = "under" if res["meets_target"] else "NOT under"
    lines += ["", f"both builds: {res['both_builds_mb']} MB, {verdict} the {res['target_mb']} MB target", "",
              "assumptions (extrapolations and their source):"]
    lines += [f"- {a}" for a in res["assumptions"]]  # type: ignore[attr-defined]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=20_000)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--clinvar-growth", type=float, default=CLINVAR_GROWTH,
                    help="factor applied to ClinVar's 2021 per-gene counts (default 3)")
    ap.add_argument("--gnomad-density", type=float, default=PER_BASE_UPPER,
                    help="gnomAD records per base of the kept regions (default: the upper bound 3.3)")
    args = ap.parse_args()
    res = measure(args.sample, args.clinvar_growth, args.gnomad_density)
    if args.json:
        args.json.write_text(json.dumps(res, indent=2, sort_keys=True) + "\n")
    print(render(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
