"""End-to-end ACMG benchmark of ``charcot interpret`` on public, cited variant sets (see README.md here).

Sets (truth in brackets):

A. ClinVar pathogenic / likely pathogenic missense variants in the causal ALS genes [P/LP], from InterVar's
   ClinVar-derived table (scripts/sources/, S-InterVarPS1), minus those curated in the knowledge base (held out,
   so curated evidence cannot answer for them). Both builds' alleles and HGVS come from
   derived/clinvar_missense.json (scripts/derive_known_variants.py).
B. The knowledge base's curated recurrent/founder variants [their curated class, cited per record].
C. Gene-rule cases: one constructed variant per ALS gene rule, with the outcome the cited rule source expects.
P. Phenotype cases: one TARDBP missense interpreted with different HPO sets / diagnoses; PP4 expected or not.

Each set is written as one GRCh38 VCF with a real header (the NA12878 GRCh38 panel fixture) and VEP CSQ fields
(the real VEP v104 CSQ header of the Scout fixture), then interpreted through the public API, offline (no
gnomAD, no predictor scores: the state of a plain annotated VCF) and with the patient's phenotype
(HP:0007354) to show what PP4 adds. Prints concordance per class, how often each criterion fired, and every
disagreement with its reason (the criteria applied and the first note).

ClinGen expert-panel (VCEP) variant classifications: none exist for ALS genes in this snapshot (the ClinGen
file in shared/data is the gene-disease validity export), so set A uses ClinVar assertions instead.

usage: python benchmarks/acmg/run_acmg.py [--all-disagreements] [--json OUT] [--reference FASTA --transcripts GFF3]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))
WORK = REPO / "benchmarks" / "scratch" / "acmg"
HEADER_VCF = REPO / "tests" / "data" / "variants" / "na12878_hg38_panel.vcf.gz"
CSQ_VCF = REPO / "tests" / "data" / "variants" / "scout_vep104_annotated.vcf"
ALS_HPO = ["HP:0007354"]
KIF5A_EXON27_FIRST_CODON = 998  # c.2993 (first base of exon 27, derived) is in codon 998


@dataclass
class Case:
    set: str
    name: str
    gene: str
    chrom: str
    pos: int
    ref: str
    alt: str
    consequence: str
    hgvs_c: str
    hgvs_p: str
    protein_position: int | None
    truth: str  # "P/LP", "not P/LP", a class name, or a criterion expectation ("PVS1 not applied")
    source: str


def _header() -> tuple[list[str], str]:
    with gzip.open(HEADER_VCF, "rt") as handle:
        lines = [line.rstrip("\n") for line in handle if line.startswith("#")]
    csq = next(line for line in CSQ_VCF.read_text().splitlines() if line.startswith("##INFO=<ID=CSQ"))
    return [*lines[:-1], csq, lines[-1]], csq


def _csq(fields: list[str], case: Case, gene_tx: str) -> str:
    values = {"Allele": case.alt, "Consequence": case.consequence, "IMPACT": "MODERATE", "SYMBOL": case.gene,
              "Feature_type": "Transcript", "Feature": gene_tx, "BIOTYPE": "protein_coding",
              "HGVSc": f"{gene_tx}:{case.hgvs_c}",
              "HGVSp": f"{gene_tx.replace('ENST', 'ENSP')}:{case.hgvs_p}" if case.hgvs_p else "",
              "Protein_position": str(case.protein_position or "")}
    return "|".join(values.get(f, "") for f in fields)


def write_vcf(path: Path, cases: list[Case], annotate: bool = True) -> Path:
    import pysam

    from charcot.knowledge import get_knowledge

    kb = get_knowledge()
    header, csq_line = _header()
    fields = csq_line.split("Format: ")[1].rstrip('">').split("|")
    order = {str(i): i for i in range(1, 23)} | {"X": 23, "Y": 24}
    rows = []
    for c in sorted(cases, key=lambda c: (order.get(c.chrom, 25), c.pos, c.ref, c.alt)):
        gene = kb.gene(c.gene)
        tx = gene.mane.ensembl_transcript if gene.mane else ""
        info = f"CSQ={_csq(fields, c, tx)}" if annotate else "."
        rows.append("\t".join([f"chr{c.chrom}", str(c.pos), ".", c.ref, c.alt, "50", "PASS", info, "GT:GQ:DP",
                               "0/1:99:40"]))
    plain = path.with_suffix("")
    plain.write_text("\n".join([*header, *rows]) + "\n")
    pysam.tabix_compress(str(plain), str(path), force=True)
    pysam.tabix_index(str(path), preset="vcf", force=True)
    plain.unlink()
    return path


def set_a() -> list[Case]:
    from charcot.knowledge import get_knowledge
    from charcot.knowledge.schema.variants import Record

    table = json.loads((REPO / "src/charcot/knowledge/data/derived/clinvar_missense.json").read_text())["variants"]
    kb = get_knowledge()
    curated = {r.clinvar_variation for r in kb.typed("variants", Record) if r.clinvar_variation}
    cases = []
    for vid, row in table.items():
        if int(vid) in curated or row["grch38"] is None:
            continue
        if kb.gene(row["gene"]).role.value != "causal":
            continue  # ClinVar's assertion is for another disease (HFE haemochromatosis, SETX AOA2 ...)
        a = row["grch38"]
        pos_aa = int("".join(ch for ch in row["hgvs_p"][6:] if ch.isdigit()))
        if row["gene"] == "KIF5A" and pos_aa < KIF5A_EXON27_FIRST_CODON:
            continue  # motor/stalk-domain variants: ClinVar's assertion is for SPG10/CMT2, not ALS
        cases.append(Case("A", f"ClinVar {vid}", row["gene"], a["chrom"], a["pos"], a["ref"], a["alt"],
                          "missense_variant", row["hgvs_c"], row["hgvs_p"], pos_aa, "P/LP",
                          f"ClinVar VariationID {vid} (S-InterVarPS1)"))
    return cases


def set_b() -> list[Case]:
    from charcot.knowledge import get_knowledge
    from charcot.knowledge.schema.variants import Record
    from charcot.model import Build

    cases = []
    for r in get_knowledge().typed("variants", Record):
        a = r.allele(Build.GRCh38)
        if a is None or r.classification is None:
            continue
        consequence = ("stop_gained" if r.hgvs_p.endswith("Ter)") else
                       ("splice_donor_variant" if "+" in r.hgvs_c else "splice_acceptor_variant")
                       if r.hgvs_p == "p.?" else "missense_variant")
        cases.append(Case("B", r.id, r.gene, a.chrom, a.pos, a.ref, a.alt, consequence, r.hgvs_c, r.hgvs_p,
                          r.protein_position, r.classification.value, ", ".join(r.sources[:3])))
    return cases


def _exon_mid(gene: str, number: int) -> tuple[str, int]:
    from charcot.knowledge import get_knowledge
    from charcot.model import Build

    coords = get_knowledge().gene(gene).coords(Build.GRCh38)
    assert coords is not None
    e = next(x for x in coords.exons if x.number == number)
    return coords.span.chrom, (e.start + e.end) // 2


def set_c() -> list[Case]:
    """One constructed variant per gene rule (positions from the derived exon tables); expected outcome per the
    rule's cited source. REF/ALT are placeholders: no reference FASTA is used offline."""
    out = []
    specs = [
        ("KIF5A N-terminal stop (exon 5)", "KIF5A", 5, "stop_gained", "p.(Arg150Ter)", 150,
         "PVS1 not applied", "S-Nic18, S-Brenner18, S-Reid02 (SPG10/CMT2, not ALS)"),
        ("KIF5A C-terminal frameshift (exon 28)", "KIF5A", 28, "frameshift_variant", "p.(Asn1010LysfsTer40)", 1010,
         "PVS1_Strong", "S-Nic18, S-Brenner18"),
        ("FUS exon 14 nonsense (PY-NLS loss)", "FUS", 14, "stop_gained", "p.(Arg495Ter)", 495,
         "PM1_Strong", "S-Dormann10, S-Nau19"),
        ("FUS early nonsense (exon 3)", "FUS", 3, "stop_gained", "p.(Gln50Ter)", 50,
         "not P/LP", "S-Nau19 (FUS-ALS is not loss of function)"),
        ("SOD1 C-terminal frameshift (exon 5)", "SOD1", 5, "frameshift_variant", "p.(Gly128GlufsTer7)", 128,
         "PM1", "S-Jon04"),
        ("TBK1 nonsense (exon 5, NMD)", "TBK1", 5, "stop_gained", "p.(Arg150Ter)", 150,
         "PVS1", "S-Frei15, S-vdZ17"),
        ("NEK1 nonsense (risk gene)", "NEK1", 5, "stop_gained", "p.(Arg150Ter)", 150,
         "likely risk allele", "S-Ken16, S-CGlowpen"),
        ("FIG4 nonsense (ClinGen Limited)", "FIG4", 4, "stop_gained", "p.(Arg150Ter)", 150,
         "not P/LP", "S-CG25 (Limited)"),
        ("SOD1 early nonsense (exon 2, NMD: not the ALS mechanism)", "SOD1", 2, "stop_gained", "p.(Gln22Ter)", 22,
         "PVS1 not applied", "S-MN22, S-CSH"),
        ("UNC13A missense (modifier gene)", "UNC13A", 3, "missense_variant", "p.(Arg100Cys)", 100,
         "uncertain risk allele", "S-vEs09, S-CGlowpen"),
        ("VCP p.Arg155Ser (hotspot residue, not curated)", "VCP", 5, "missense_variant", "p.(Arg155Ser)", 155,
         "PM1", "S-Watts04, S-Johnson10"),
    ]
    for name, gene, exon, consequence, hgvs_p, aa, truth, src in specs:
        chrom, pos = _exon_mid(gene, exon)
        out.append(Case("C", name, gene, chrom, pos, "C", "T", consequence, "c.1A>T", hgvs_p, aa, truth, src))
    return out


def set_p() -> list[tuple[str, str, list[str], str | None, float | None, bool]]:
    """Phenotype cases for PP4 on one TARDBP missense and one ALS2 missense (ALS2: juvenile ALS, onset before 25,
    S-Lehky21, S-Orpha300605): (name, gene, HPO terms, diagnosis, age at onset, PP4 expected)."""
    return [
        ("ALS term", "TARDBP", ["HP:0007354"], None, None, True),
        ("Babinski + tongue fasciculations (UMN + LMN)", "TARDBP", ["HP:0003487", "HP:0001308"], None, None, True),
        ("spasticity + hyperreflexia (UMN only)", "TARDBP", ["HP:0001257", "HP:0001347"], None, None, False),
        ("fasciculations + muscle atrophy (LMN only)", "TARDBP", ["HP:0002380", "HP:0003202"], None, None, False),
        ("clinical diagnosis 'ALS' only", "TARDBP", [], "ALS", None, True),
        ("clinical diagnosis 'suspected ALS'", "TARDBP", [], "suspected ALS", None, False),
        ("clinical diagnosis 'MND' (umbrella: ALS, PMA, PLS or PBP)", "TARDBP", [], "MND", None, False),
        ("seizures", "TARDBP", ["HP:0001250"], None, None, False),
        ("ALS2: adult-onset ALS (age 55)", "ALS2", [], "ALS", 55.0, False),
        ("ALS2: juvenile ALS (age 14)", "ALS2", [], "ALS", 14.0, True),
        ("ALS2: ALS, age at onset unknown", "ALS2", ["HP:0007354"], None, None, False),
        ("ALS2: ALS + HPO Juvenile onset", "ALS2", ["HP:0007354", "HP:0003621"], None, None, True),
    ]


def run_phenotype() -> tuple[int, int]:
    from charcot.variants.api import interpret

    chrom, pos = _exon_mid("TARDBP", 6)
    cases = [Case("P", "TARDBP missense", "TARDBP", chrom, pos, "C", "T", "missense_variant", "c.1000C>T",
                  "p.(Asn334Tyr)", 334, "PP4", "S-Richards15, S-Biesecker24")]
    chrom2, pos2 = _exon_mid("ALS2", 5)
    cases.append(Case("P", "ALS2 missense", "ALS2", chrom2, pos2, "C", "T", "missense_variant", "c.900G>A",
                      "p.(Arg300Gln)", 300, "PP4", "S-Lehky21, S-Orpha300605"))
    WORK.mkdir(parents=True, exist_ok=True)
    vcf = write_vcf(WORK / "P_phenotype.vcf.gz", cases)
    agree = 0
    print("\n== P_phenotype (PP4 on one TARDBP and one ALS2 missense)")
    for name, gene, hpo, diagnosis, onset, expected in set_p():
        f = next(x for x in interpret(vcf, hpo=hpo, diagnosis=diagnosis, onset_age=onset).findings
                 if x.gene == gene)
        got = any(e.criterion == "PP4" and e.applied for e in f.evidence)
        agree += got is expected
        print(f"   {'ok  ' if got is expected else 'DIFF'} {name}: PP4 {'applied' if got else 'not applied'} "
              f"(expected {'applied' if expected else 'not applied'})")
    print(f"   {agree}/{len(set_p())} concordant")
    return agree, len(set_p())


def _agrees(case: Case, f: Any) -> bool:
    from charcot.acmg.points import label

    cls = f.classification.value
    applied = {label(e) for e in f.evidence if e.applied}
    if case.truth == "P/LP":
        return cls in ("Pathogenic", "Likely pathogenic")
    if case.truth == "not P/LP":
        return cls not in ("Pathogenic", "Likely pathogenic")
    if case.truth.endswith("risk allele"):
        return f.risk_allele is not None and f.risk_allele.category == case.truth and \
            cls not in ("Pathogenic", "Likely pathogenic")
    if case.truth == "PVS1 not applied":
        return not any(e.criterion == "PVS1" and e.applied for e in f.evidence)
    if case.truth.startswith(("PVS1", "PM1", "PS")):
        return case.truth in applied
    return bool(cls == case.truth)


def run(cases: list[Case], hpo: list[str], tag: str, reference: Path | None = None,
        transcripts: Path | None = None) -> dict[str, Any]:
    """Interpret the cases; with ``reference`` + ``transcripts`` the VCF is plain (no CSQ) and the consequence
    engine (bcftools csq) names each variant, as for a lab's unannotated VCF."""
    from charcot.acmg.points import label
    from charcot.variants.api import interpret

    WORK.mkdir(parents=True, exist_ok=True)
    plain = reference is not None
    vcf = write_vcf(WORK / f"{tag}.vcf.gz", cases, annotate=not plain)
    t0 = time.perf_counter()
    result = interpret(vcf, hpo=hpo, reference=reference, transcripts=transcripts)
    seconds = time.perf_counter() - t0
    by_key: dict[tuple[str, int, str, str, str], Any] = {}
    for f in result.findings:
        by_key[(f.chrom, f.pos, f.ref, f.alt, f.gene)] = f
    classes: Counter[str] = Counter()
    criteria: Counter[str] = Counter()
    per_truth: dict[str, Counter[str]] = defaultdict(Counter)
    disagreements = []
    agree = 0
    for c in cases:
        f = by_key.get((c.chrom, c.pos, c.ref, c.alt, c.gene))
        if f is None:
            disagreements.append((c, "no finding", ""))
            continue
        if f.classification is None:  # consequence unknown: not classified, never a class
            classes["not classified"] += 1
            per_truth[c.truth]["not classified"] += 1
            disagreements.append((c, "not classified (consequence unknown)", f.not_classified or ""))
            continue
        if plain:
            criteria["consequence from " + (f.consequence_source or "?")] += 1
        classes[f.classification.short] += 1
        per_truth[c.truth][f.classification.short] += 1
        for e in f.evidence:
            if e.applied:
                criteria[label(e)] += 1
        if _agrees(c, f):
            agree += 1
        else:
            applied = ", ".join(label(e) for e in f.evidence if e.applied) or "none"
            why = next((n for n in f.notes if not n.startswith("criteria applied")), "")
            disagreements.append((c, f"{f.classification.short} ({f.points:g} points; {applied})", why))
    return {"tag": tag, "n": len(cases), "agree": agree, "classes": classes, "criteria": criteria,
            "per_truth": per_truth, "disagreements": disagreements, "seconds": seconds}


def show(r: dict[str, Any], limit: int | None) -> None:
    n = r["n"]
    print(f"\n== {r['tag']}: {r['agree']}/{n} concordant ({100 * r['agree'] / max(n, 1):.1f} %), "
          f"interpret {r['seconds']:.1f} s")
    print("   classes given: " + ", ".join(f"{k} {v}" for k, v in sorted(r["classes"].items())))
    for truth, counts in sorted(r["per_truth"].items()):
        print(f"   truth {truth!r}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print("   criteria fired: " + ", ".join(f"{k} {v}" for k, v in r["criteria"].most_common()))
    shown = r["disagreements"] if limit is None else r["disagreements"][:limit]
    print(f"   disagreements ({len(r['disagreements'])}{'' if limit is None else f', first {len(shown)}'}):")
    for c, got, why in shown:
        print(f"   - [{c.set}] {c.gene} {c.hgvs_p} {c.name}: expected {c.truth}, got {got}"
              + (f"; {why}" if why else "") + f"  [{c.source}]")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--all-disagreements", action="store_true", help="list every disagreement of set A too")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--reference", type=Path, help="FASTA: also run set A from a plain VCF (no CSQ), the consequence "
                    "engine naming each variant (needs --transcripts)")
    ap.add_argument("--transcripts", type=Path, help="Ensembl GFF3 of the same build as --reference")
    args = ap.parse_args()
    a, b, c = set_a(), set_b(), set_c()
    print(f"set A: {len(a)} ClinVar P/LP missense (held out from the knowledge base); set B: {len(b)} curated "
          f"known variants; set C: {len(c)} gene-rule cases")
    results = [run(a, [], "A_clinvar_offline"), run(a, ALS_HPO, "A_clinvar_with_ALS_phenotype"),
               run(b, ALS_HPO, "B_curated_with_ALS_phenotype"), run(c, [], "C_gene_rules")]
    if args.reference is not None and args.transcripts is not None:
        results.append(run(a, [], "A_clinvar_plain_vcf_engine", args.reference, args.transcripts))
    for r in results:
        show(r, None if (args.all_disagreements or not r["tag"].startswith("A_")) else 25)
    run_phenotype()
    if args.json:
        args.json.write_text(json.dumps([{k: (dict(v) if isinstance(v, Counter) else v) for k, v in r.items()
                                          if k not in ("disagreements", "per_truth")} for r in results], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
