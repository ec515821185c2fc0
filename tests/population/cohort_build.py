"""Build small multi-sample cohort files at test time from real records and real headers.

* :func:`panel_cohort_vcf`: the real GRCh37 header and the 100 real ALS-panel records of the Exomiser
  Pfeiffer sample (tests/data/population/pfeiffer_panel.vcf.gz), spread over 60 samples, plus a few
  spiked alleles placed at coordinates derived from the knowledge base's exon tables (never typed)
  and annotated with the real VEP v104 CSQ field list (vep104_csq_header.txt). Sample S00 carries
  every spiked allele and every real one, so one ``charcot interpret --sample S00`` sees them all.
* :func:`eh_cohort_vcf`: the real ExpansionHunter v5 records of justhusky (tests/data/population/
  justhusky_exphun_hugelymodelbat.eh5.vcf) repeated for every sample, with the C9orf72 allele of the
  chosen samples set to the ExpansionHunter documentation's expanded genotype.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import pysam

from charcot.knowledge import get_knowledge

DATA = Path(__file__).resolve().parents[1] / "data" / "population"
PFEIFFER = DATA / "pfeiffer_panel.vcf.gz"
CSQ_HEADER = DATA / "vep104_csq_header.txt"
EH5 = DATA / "justhusky_exphun_hugelymodelbat.eh5.vcf"
N_SAMPLES = 60
SAMPLES = [f"S{i:02d}" for i in range(N_SAMPLES)]
N_CASES = 24  # S00..S23 are cases


def is_case(i: int) -> bool:
    return i < N_CASES


def pheno_tsv(path: Path, samples: list[str] = SAMPLES) -> Path:
    lines = ["sample\tstatus\tsex"] + [f"{s}\t{'case' if is_case(i) else 'control'}\t{'MF'[i % 2]}"
                                       for i, s in enumerate(samples)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _exon(gene: str, number: int) -> tuple[str, int, int]:
    coords = get_knowledge().gene(gene).coords("GRCh37")  # type: ignore[union-attr,arg-type]
    assert coords is not None
    exon = next(e for e in coords.exons if e.number == number)
    return coords.span.chrom, exon.start, exon.end


def _csq(alt: str, gene: str, consequence: str, hgvs_p: str, protein_position: str) -> str:
    fields = CSQ_HEADER.read_text().split("Format: ")[1].rstrip('">\n').split("|")
    mane = get_knowledge().gene(gene).mane  # type: ignore[union-attr]
    assert mane is not None
    tx = mane.ensembl_transcript
    values = {"Allele": alt, "Consequence": consequence, "IMPACT": "HIGH", "SYMBOL": gene,
              "Feature_type": "Transcript", "Feature": tx, "BIOTYPE": "protein_coding", "HGVSc": f"{tx}:c.1A>T",
              "HGVSp": f"{tx.replace('ENST', 'ENSP')}:{hgvs_p}", "Protein_position": protein_position}
    return "|".join(values.get(f, "") for f in fields)


@dataclass(frozen=True)
class Spike:
    name: str
    chrom: str
    pos: int
    ref: str
    alt: str
    info: str
    carriers: frozenset[int]


def spikes() -> list[Spike]:
    chrom, start, end = _exon("TBK1", 5)  # exon 5 of 21: a stop here is expected to cause NMD
    sod_chrom, sod_start, _ = _exon("SOD1", 2)
    every4 = frozenset(range(0, N_SAMPLES, 4))
    return [
        Spike("tbk1_stop", chrom, start + 40, "C", "T",
              "CSQ=" + _csq("T", "TBK1", "stop_gained", "p.(Arg150Ter)", "150"), frozenset({0, 2, 5, 9, 13, 30})),
        # canonical splice donor (intron 5 +1) without any annotation: position from the exon table
        Spike("tbk1_splice_unannotated", chrom, end + 1, "G", "A", ".", frozenset({0, 7, 18, 41})),
        # a stop with a gnomAD frequency of 20 %: common, so benign whatever the consequence
        Spike("tbk1_common_stop", chrom, start + 100, "C", "A",
              "gnomAD_AF=0.2;CSQ=" + _csq("A", "TBK1", "stop_gained", "p.(Tyr170Ter)", "170"), every4),
        # SOD1 truncation: loss of function is not the SOD1 mechanism, so no PVS1 (rare: a lof-class allele)
        Spike("sod1_stop", sod_chrom, sod_start + 10, "C", "T",
              "gnomAD_AF=0.00002;CSQ=" + _csq("T", "SOD1", "stop_gained", "p.(Gln22Ter)", "22"),
              frozenset({0, 11, 45})),
    ]


def _lines(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as handle:  # type: ignore[operator]
        return [line.rstrip("\n") for line in handle]


def _order(chrom: str) -> int:
    return int(chrom) if chrom.isdigit() else {"X": 23, "Y": 24}.get(chrom, 25)


def panel_cohort_vcf(path: Path) -> Path:
    """Write the 60-sample GRCh37 cohort (bgzipped + tabix) and return its path."""
    src = _lines(PFEIFFER)
    header = [h for h in src if h.startswith("##")]
    header.append('##INFO=<ID=gnomAD_AF,Number=A,Type=Float,Description="gnomAD allele frequency (test spike)">')
    header.append(CSQ_HEADER.read_text().strip())
    header.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *SAMPLES]))
    rows: list[tuple[int, int, str]] = []
    for line in src:
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        gt = cols[9].split(":")[0]
        # the real genotype for every third sample (S00 included), hom-ref for the others
        genotypes = [gt if i % 3 == 0 else "0/0" for i in range(N_SAMPLES)]
        rows.append((_order(cols[0]), int(cols[1]), "\t".join([*cols[:8], "GT", *genotypes])))
    for s in spikes():
        genotypes = ["0/1" if i in s.carriers else "0/0" for i in range(N_SAMPLES)]
        rows.append((_order(s.chrom), s.pos, "\t".join([s.chrom, str(s.pos), s.name, s.ref, s.alt, "50", "PASS",
                                                        s.info, "GT", *genotypes])))
    rows.sort(key=lambda r: (r[0], r[1]))
    plain = path.with_suffix("")
    plain.write_text("\n".join(header + [r[2] for r in rows]) + "\n", encoding="utf-8")
    pysam.tabix_compress(str(plain), str(path), force=True)
    plain.unlink()
    pysam.tabix_index(str(path), preset="vcf", force=True)
    return path


# ExpansionHunter documentation's C9orf72 example genotype (one spanning 2-unit allele, one in-repeat
# allele sized 349 units, CI 323-376), as in tests/repeats; in the FORMAT order of the justhusky file.
C9_EXPANDED = "1/2:SPANNING/INREPEAT:2/349:2-2/323-376:19/0:3/6:0/459:28.17"


def eh_cohort_vcf(path: Path, samples: list[str], expanded: set[str], no_call: set[str] = frozenset()) -> Path:  # type: ignore[assignment]
    """Multi-sample EH v5 VCF: each sample gets justhusky's real records; C9orf72 expanded in ``expanded``,
    no call (``./.``) in ``no_call``."""
    src = _lines(EH5)
    out = [line for line in src if line.startswith("##")]
    out.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples]))
    for line in src:
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if "REPID=C9ORF72" in cols[7]:
            assert cols[4] == "<STR2>"
            cols[4] = "<STR2>,<STR349>"
            normal = cols[9]
            n_fields = len(cols[8].split(":"))
            cells = [C9_EXPANDED if s in expanded else ":".join(["./."] + ["."] * (n_fields - 1)) if s in no_call
                     else normal for s in samples]
        else:
            cells = [cols[9]] * len(samples)
        out.append("\t".join([*cols[:9], *cells]))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


AM_REAL = Path(__file__).resolve().parents[1] / "data" / "variants" / "resources" / "scores" / "AlphaMissense_hg38.head.tsv"


def alphamissense_tsv(vcf: Path, out: Path, seed: int = 11, bgzip: bool = True) -> dict[tuple[str, int, str, str], float]:
    """An AlphaMissense TSV for the missense alleles of a synthetic cohort VCF: the released file's own copyright
    and column lines and its real first records (tests/data/variants/resources/scores/AlphaMissense_hg38.head.tsv),
    then one row per missense allele of ``vcf`` in the same columns, with a score drawn at random (synthetic
    sites have no real score; uniprot/transcript/protein cells are '.'). Returns (chrom, pos, ref, alt) -> score.
    Sorted by position; bgzipped and tabix-indexed when ``bgzip``."""
    import numpy as np
    from cyvcf2 import VCF

    lines = AM_REAL.read_text(encoding="utf-8").splitlines()
    head = [x for x in lines if x.startswith("#")]
    real = [x for x in lines if not x.startswith("#")]
    rng = np.random.default_rng(seed)
    scores: dict[tuple[str, int, str, str], float] = {}
    rows: list[tuple[str, int, str]] = []
    for record in VCF(str(vcf)):
        if "missense_variant" not in str(record.INFO.get("CSQ") or ""):
            continue
        score = round(float(rng.uniform(0.05, 1.0)), 4)
        cls = "likely_pathogenic" if score > 0.564 else "likely_benign" if score < 0.34 else "ambiguous"
        key = (record.CHROM.removeprefix("chr"), record.POS, record.REF, record.ALT[0])
        scores[key] = score
        rows.append((record.CHROM, record.POS, "\t".join(
            [record.CHROM, str(record.POS), record.REF, record.ALT[0], "hg38", ".", ".", ".", f"{score:.4f}", cls])))
    rows += [(x.split("\t")[0], int(x.split("\t")[1]), x) for x in real]
    rows.sort(key=lambda r: (r[0], r[1]))
    plain = out.with_suffix("") if bgzip else out
    plain.write_text("\n".join(head + [r[2] for r in rows]) + "\n", encoding="utf-8")
    if bgzip:
        pysam.tabix_compress(str(plain), str(out), force=True)
        pysam.tabix_index(str(out), seq_col=0, start_col=1, end_col=1, meta_char="#", force=True)
        plain.unlink()
    return scores


def ft_cohort_vcf(source: Path, out: Path) -> Path:
    """A real cohort VCF with a per-sample genotype filter as GATK VariantFiltration writes it
    (--genotype-filter-expression "GQ < 20" --genotype-filter-name LowGQ: FT LowGQ or PASS)."""
    with pysam.VariantFile(str(source)) as src:
        header = src.header.copy()
        header.add_line('##FORMAT=<ID=FT,Number=1,Type=String,Description="Genotype-level filter">')
        with pysam.VariantFile(str(out), "wz", header=header) as dst:
            for rec in src:
                new = dst.new_record(contig=rec.contig, start=rec.start, stop=rec.stop, alleles=rec.alleles,
                                     id=rec.id, qual=rec.qual, filter=list(rec.filter), info=dict(rec.info))
                for sample in rec.samples:
                    call, target = rec.samples[sample], new.samples[sample]
                    for key in ("GT", "GQ", "DP"):
                        if key in call and call[key] is not None and call[key] != (None, None):
                            target[key] = call[key]
                    target.phased = call.phased
                    gq = call.get("GQ")
                    if gq is not None and call["GT"] and None not in call["GT"]:
                        target["FT"] = "LowGQ" if gq < 20 else "PASS"
                dst.write(new)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    return out
