"""Derive both builds' coordinates, HGVS c. and p. of the curated known variants from a public ClinVar-derived table.

Source: InterVar's ``intervardb/PS1.AA.change.patho.hg38`` and ``.hg19`` (WGLab/InterVar, commit 103cf717, the
2021-08 update): every ClinVar pathogenic / likely pathogenic missense variant, one row per allele, with
chromosome, position, REF, ALT (both builds, separate files), reference and alternate amino acid, the protein
change and the ClinVar VariationID. ``--subset DIR`` copies the rows of the knowledge base's panel genes from
the full files in DIR into ``scripts/sources/`` (committed, with SOURCES.md); the default run derives from those.

For each gene, the offset between the canonical exon walk (derived/genes.json, exon 1 = 5') and the coding
position c. is the one value that makes every ClinVar row's codon position consistent with its amino-acid change
(for a row at walk index i with protein position p, c = 3(p-1)+k for each codon base k at which REF->ALT can turn
the reference amino acid into the alternate one); the script refuses a gene where the rows do not agree on one
offset. Then c. (and the coding-strand REF>ALT) follows for every row, on each build independently, and the two
builds must give the same c. for the same VariationID. A protein change is written p.(Xxx123Yyy) (VEP style).

Output: ``src/charcot/knowledge/data/derived/clinvar_missense.json`` (sorted; byte-identical on re-run), joined on
load to the variants.yaml records that name a ``clinvar_variation``.

Usage: python scripts/derive_known_variants.py [--check] | --subset DIR_WITH_FULL_INTERVAR_FILES
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
KNOWLEDGE = REPO / "src" / "charcot" / "knowledge" / "data"
SOURCES = REPO / "scripts" / "sources"
FILES = {"GRCh38": "intervar_PS1.AA.change.patho.hg38.panel.tsv", "GRCh37": "intervar_PS1.AA.change.patho.hg19.panel.tsv"}
UPSTREAM = {"GRCh38": "PS1.AA.change.patho.hg38", "GRCh37": "PS1.AA.change.patho.hg19"}
OUT = KNOWLEDGE / "derived" / "clinvar_missense.json"

_BASES = "TCAG"
_AA = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODE = {a + b + c: _AA[i] for i, (a, b, c) in enumerate(itertools.product(_BASES, repeat=3))}
THREE = {"A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu", "G": "Gly", "H": "His",
         "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp",
         "Y": "Tyr", "V": "Val", "*": "Ter"}
_COMP = str.maketrans("ACGT", "TGCA")


class DerivationError(Exception):
    pass


SKIPPED: dict[str, str] = {}


def feasible_bases(ref: str, alt: str, ref_aa: str, alt_aa: str) -> set[int]:
    """Codon bases (1..3) at which a coding-strand REF->ALT change can turn ref_aa into alt_aa."""
    out: set[int] = set()
    for codon, aa in CODE.items():
        if aa != ref_aa:
            continue
        for k in range(3):
            if codon[k] != ref:
                continue
            if CODE[codon[:k] + alt + codon[k + 1:]] == alt_aa:
                out.add(k + 1)
    return out


def walk(exons: list[dict[str, int]], strand: str) -> dict[int, int]:
    """Genomic position -> 0-based index along the transcript's exons (5' -> 3')."""
    positions: list[int] = []
    for exon in exons:  # already in transcript order
        span = range(exon["start"], exon["end"] + 1)
        positions.extend(span if strand == "+" else reversed(span))
    return {p: i for i, p in enumerate(positions)}


def read_rows(path: Path) -> list[list[str]]:
    return [line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def gene_rows(rows: list[list[str]], span: dict[str, Any]) -> list[list[str]]:
    return [r for r in rows if r[0] == span["chrom"] and span["start"] <= int(r[1]) <= span["end"]]


OFFSETS: dict[tuple[str, str], int] = {}


def derive_build(symbol: str, coords: dict[str, Any], rows: list[list[str]], build: str = "") -> dict[str, dict[str, Any]]:
    strand = coords["span"]["strand"]
    index = walk(coords["exons"], strand)
    votes: dict[int, int] = {}
    usable = []
    for r in rows:
        pos, ref, alt, ref_aa, alt_aa = int(r[1]), r[3], r[4], r[5], r[6]
        if pos not in index or len(ref) != 1 or len(alt) != 1:
            continue  # outside the canonical exons (another transcript) or not an SNV
        cref, calt = (ref, alt) if strand == "+" else (ref.translate(_COMP), alt.translate(_COMP))
        p = int(r[7][3:-1])
        ks = feasible_bases(cref, calt, ref_aa, alt_aa)
        for o in {3 * (p - 1) + k - index[pos] for k in ks}:
            votes[o] = votes.get(o, 0) + 1
        usable.append((r, pos, cref, calt, p))
    if not usable:
        return {}
    offset, count = max(votes.items(), key=lambda kv: (kv[1], -kv[0])) if votes else (0, 0)
    # one offset must explain (nearly) every row: otherwise the canonical exons are not the transcript ClinVar's
    # protein positions refer to, and the gene is left out (reported), never guessed
    if count < max(3, 0.9 * len(usable)):
        SKIPPED[symbol] = f"{count} of {len(usable)} rows agree on one coding offset"
        return {}
    if count < len(usable):
        SKIPPED[symbol] = f"{len(usable) - count} of {len(usable)} rows inconsistent with the coding offset (left out)"
    OFFSETS[(symbol, build)] = offset
    out: dict[str, dict[str, Any]] = {}
    for r, pos, cref, calt, p in usable:
        c = index[pos] + offset
        k = (c - 1) % 3 + 1
        if 3 * (p - 1) + k != c or k not in feasible_bases(cref, calt, r[5], r[6]):
            continue  # this row disagrees with the gene's offset (counted in SKIPPED)
        out[r[8]] = {"gene": symbol, "hgvs_c": f"c.{c}{cref}>{calt}",
                     "hgvs_p": f"p.({THREE[r[5]]}{p}{THREE[r[6]]})",
                     "allele": {"chrom": r[0], "pos": pos, "ref": r[3], "alt": r[4]}}
    return out


def derive(genes_json: Path, sources: Path) -> dict[str, Any]:
    genes = json.loads(genes_json.read_text(encoding="utf-8"))["genes"]
    per_build: dict[str, dict[str, dict[str, Any]]] = {}
    for build, name in FILES.items():
        rows = read_rows(sources / name)
        found: dict[str, dict[str, Any]] = {}
        for symbol, gene in sorted(genes.items()):
            coords = gene["coordinates"][build]
            if not coords["exons"]:
                continue
            found.update(derive_build(symbol, coords, gene_rows(rows, coords["span"]), build))
        per_build[build] = found
    variants: dict[str, Any] = {}
    for vid in sorted(set(per_build["GRCh38"]) | set(per_build["GRCh37"]), key=int):
        a, b = per_build["GRCh38"].get(vid), per_build["GRCh37"].get(vid)
        base = a or b
        assert base is not None
        if a and b and (a["hgvs_c"], a["hgvs_p"], a["gene"]) != (b["hgvs_c"], b["hgvs_p"], b["gene"]):
            raise DerivationError(f"ClinVar {vid}: GRCh38 gives {a['gene']} {a['hgvs_c']} but GRCh37 {b['gene']} "
                                  f"{b['hgvs_c']}")
        variants[vid] = {"gene": base["gene"], "hgvs_c": base["hgvs_c"], "hgvs_p": base["hgvs_p"],
                         "grch38": a["allele"] if a else None, "grch37": b["allele"] if b else None}
    splice = derive_splice(genes, KNOWLEDGE / "variants.yaml")
    meta = {"script": "scripts/derive_known_variants.py",
            "source": "WGLab/InterVar intervardb/PS1.AA.change.patho.hg38 + .hg19 (commit 103cf717, 2021-08): "
                      "ClinVar pathogenic/likely pathogenic missense variants; rows of the panel genes in "
                      "scripts/sources/",
            "inputs": {f"scripts/sources/{n}": hashlib.sha256((sources / n).read_bytes()).hexdigest()
                       for n in FILES.values()},
            "conventions": "positions 1-based (VCF), chromosome without 'chr'; c. on the canonical exons of "
                           "derived/genes.json; p. three-letter, predicted (in parentheses)",
            "genes_left_out": dict(sorted(SKIPPED.items()))}
    return {"meta": meta, "variants": variants, "splice": splice}


def dumps(doc: dict[str, Any]) -> str:
    lines = ["{", f'"meta": {json.dumps(doc["meta"], sort_keys=True)},',
             f'"splice": {json.dumps(doc.get("splice", {}), sort_keys=True, separators=(",", ":"))},', '"variants": {']
    items = list(doc["variants"].items())
    for i, (k, v) in enumerate(items):
        lines.append(f"{json.dumps(k)}: {json.dumps(v, sort_keys=True, separators=(',', ':'))}"
                     + ("," if i < len(items) - 1 else ""))
    lines += ["}", "}"]
    return "\n".join(lines) + "\n"


_SPLICE = re.compile(r"^c\.(\d+)([+-])([12])([ACGT])>([ACGT])$")
# the canonical splice-site bases on the coding strand: acceptor ...AG|exon, donor exon|GT...
_CONSENSUS = {("-", 1): "G", ("-", 2): "A", ("+", 1): "G", ("+", 2): "T"}


def derive_splice(genes: dict[str, Any], variants_yaml: Path) -> dict[str, Any]:
    """Canonical splice-site variants of variants.yaml (``position_from_hgvs: true``): the exon boundary named by
    the HGVS c. is located with the gene's coding offset (found above from the ClinVar rows) on each build's exon
    table; the named position must be an exon's first (c.N-k) or last (c.N+k) coding base, and the HGVS reference
    base must be the splice consensus base there."""
    import yaml

    raw = yaml.safe_load(variants_yaml.read_text(encoding="utf-8")) or {}
    out: dict[str, Any] = {}
    for rec in raw.get("records") or []:
        if not isinstance(rec, dict) or not rec.get("position_from_hgvs"):
            continue
        m = _SPLICE.match(str(rec["hgvs_c"]))
        symbol = str(rec["gene"])
        if m is None:
            raise DerivationError(f"{rec.get('id')}: position_from_hgvs needs a canonical splice c.N+/-1/2 change")
        n, side, k, ref, alt = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4), m.group(5)
        if _CONSENSUS[(side, k)] != ref:
            raise DerivationError(f"{rec['id']}: {rec['hgvs_c']} names {ref} at {side}{k}, not the consensus "
                                  f"{_CONSENSUS[(side, k)]}")
        entry: dict[str, Any] = {"hgvs_c": rec["hgvs_c"]}
        for build in ("GRCh38", "GRCh37"):
            coords = genes[symbol]["coordinates"][build]
            strand = coords["span"]["strand"]
            if (symbol, build) not in OFFSETS:
                raise DerivationError(f"{rec['id']}: no coding offset for {symbol} on {build}")
            index = walk(coords["exons"], strand)
            by_index = {i: p for p, i in index.items()}
            base = by_index.get(n - OFFSETS[(symbol, build)])
            exon = next((e for e in coords["exons"] if base is not None and e["start"] <= base <= e["end"]), None)
            if exon is None or base is None:
                raise DerivationError(f"{rec['id']}: c.{n} is not in the {build} canonical exons")
            first = exon["start"] if strand == "+" else exon["end"]
            last = exon["end"] if strand == "+" else exon["start"]
            if (side == "-" and base != first) or (side == "+" and base != last):
                raise DerivationError(f"{rec['id']}: c.{n} is not the {'first' if side == '-' else 'last'} base of "
                                      f"exon {exon['number']} on {build}")
            step = (-k if side == "-" else k) * (1 if strand == "+" else -1)
            gref, galt = (ref, alt) if strand == "+" else (ref.translate(_COMP), alt.translate(_COMP))
            entry[build.lower()] = {"chrom": coords["span"]["chrom"], "pos": base + step, "ref": gref, "alt": galt}
            entry["exon"] = exon["number"]
        out[str(rec["id"])] = entry
    return dict(sorted(out.items()))


def subset(full_dir: Path) -> None:
    genes = json.loads((KNOWLEDGE / "derived" / "genes.json").read_text(encoding="utf-8"))["genes"]
    SOURCES.mkdir(parents=True, exist_ok=True)
    for build, name in FILES.items():
        rows = read_rows(full_dir / UPSTREAM[build])
        keep = []
        for gene in genes.values():
            keep += gene_rows(rows, gene["coordinates"][build]["span"])
        keep.sort(key=lambda r: (r[0], int(r[1]), r[3], r[4], r[8]))
        (SOURCES / name).write_text("".join("\t".join(r) + "\n" for r in keep), encoding="utf-8")
        print(f"wrote scripts/sources/{name}: {len(keep)} rows")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--subset"]:
        subset(Path(argv[1]))
        return 0
    try:
        doc = derive(KNOWLEDGE / "derived" / "genes.json", SOURCES)
    except DerivationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    text = dumps(doc)
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.relative_to(REPO)} differs from a fresh derivation", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}: {len(doc['variants'])} variants")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
