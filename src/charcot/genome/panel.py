"""The ALS panel as genomic regions, and where a variant falls in a gene's canonical transcript.

Regions come from the knowledge base's derived gene coordinates (1-based inclusive, chromosome
without 'chr'); nothing here is typed by hand. Position lookup uses the canonical transcript's exon
table: exon / intron number counted in transcript direction, canonical splice sites (intronic
+/-1..2), splice region (exonic 1..3 and intronic 3..8 bases from a boundary, as VEP defines the
splice_region_variant term), and whether a truncating change would be expected to escape
nonsense-mediated decay (last exon, or last 50 nt of the penultimate exon; Abou Tayoun 2018).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

from charcot.model import Build

if TYPE_CHECKING:
    from charcot.genome.normalise import Allele
    from charcot.knowledge.schema.genes import Record as GeneRecord

# Padding added to each gene span so that variants in the splice region of the first/last exon and
# the immediate flanks are read too (VEP's splice region reaches 8 bp into an intron).
SPAN_PADDING = 50
# Abou Tayoun et al. 2018: a premature stop within the last 50 nt of the penultimate exon escapes NMD.
NMD_PENULTIMATE_NT = 50


class Region(StrEnum):
    EXON = "exon"
    SPLICE_DONOR = "splice_donor"  # intronic +1/+2
    SPLICE_ACCEPTOR = "splice_acceptor"  # intronic -1/-2
    SPLICE_REGION_EXONIC = "splice_region_exonic"
    SPLICE_REGION_INTRONIC = "splice_region_intronic"
    INTRON = "intron"
    UPSTREAM = "upstream"
    DOWNSTREAM = "downstream"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ExonInterval:
    number: int
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1


@dataclass(frozen=True)
class ManeNumbering:
    """How the exon table's numbers relate to the MANE Select transcript's where they differ (GRCh38, from the
    knowledge base's ``mane_utr`` check). ``offset`` (MANE number - table number) is set only when it is the same at
    both UTR ends and equals the difference in exon counts; otherwise the numbering cannot be translated."""

    transcript: str  # the MANE Select RefSeq accession reports name
    exon_count: int
    offset: int | None

    def summary(self) -> str:
        """How the table's numbers relate to MANE Select's, for a reason that names table exon numbers."""
        if self.offset is None:
            return (f"exon numbers are the GENCODE v24 exon table's; MANE Select {self.transcript} numbers its "
                    f"{self.exon_count} exons differently")
        return (f"exon numbers are the GENCODE v24 exon table's; MANE Select {self.transcript}'s are "
                f"{abs(self.offset)} {'higher' if self.offset > 0 else 'lower'}")

    def note(self, kind: str, number: int | None) -> str:
        """What MANE Select calls exon/intron ``number`` of the table, in words."""
        if number is None:
            return ""
        if self.offset is None:
            return (f" (GENCODE v24 exon table numbering; MANE Select {self.transcript} numbers its {self.exon_count} "
                    "exons differently)")
        mane = number + self.offset
        last = self.exon_count if kind == "exon" else self.exon_count - 1
        if not 1 <= mane <= last:
            return f" (GENCODE v24 exon table numbering; not a MANE Select {self.transcript} {kind})"
        return (f" (GENCODE v24 exon table numbering; MANE Select {self.transcript} {kind} {mane}"
                + (f"/{self.exon_count})" if kind == "exon" else ")"))


@dataclass(frozen=True)
class PanelGene:
    symbol: str
    build: Build
    chrom: str
    start: int
    end: int
    strand: str
    transcript: str | None
    exons: tuple[ExonInterval, ...]  # sorted by genomic start
    mane_numbering: ManeNumbering | None = None  # set where the table numbers exons unlike MANE Select

    def describe(self, location: Location) -> str:
        """The location in words; where the table numbers exons unlike MANE Select, what MANE calls them."""
        text = location.describe()
        if self.mane_numbering is None:
            return text
        if location.region in (Region.EXON, Region.SPLICE_REGION_EXONIC):
            return text + self.mane_numbering.note("exon", location.exon)
        return text + self.mane_numbering.note("intron", location.intron)

    @property
    def exon_count(self) -> int:
        return len(self.exons)

    @cached_property
    def region_start(self) -> int:
        first = min([self.start, *(e.start for e in self.exons)])
        return max(1, first - SPAN_PADDING)

    @cached_property
    def region_end(self) -> int:
        # the derived exon table can reach past the Ensembl gene span (different annotation sources)
        return max([self.end, *(e.end for e in self.exons)]) + SPAN_PADDING

    @cached_property
    def exon_starts(self) -> list[int] | None:
        """Exon starts for a binary search, or None when exons are not sorted and disjoint (then scanned)."""
        ordered = all(a.end < b.start for a, b in itertools.pairwise(self.exons))
        return [e.start for e in self.exons] if ordered else None

    @cached_property
    def last_exon_number(self) -> int:
        """Number of the 3' exon in transcript order (asked once per located variant)."""
        return _transcript_exons(self)[-1].number if self.exons else 0

    def overlaps(self, chrom: str, start: int, end: int) -> bool:
        return chrom == self.chrom and start <= self.region_end and end >= self.region_start

    def locate(self, pos: int, end: int | None = None) -> Location:
        return locate(self, pos, pos if end is None else end)

    def locate_allele(self, allele: Allele) -> Location:
        """Where an allele (trimmed) falls. A pure insertion changes no base: it sits between its anchor and the next
        base and touches a site only when both sides belong to it, so one between the acceptor's -1 and the exon's
        first base leaves the AG intact (the less severe of the two sides)."""
        if len(allele.ref) == 1 and len(allele.alt) > 1 and allele.alt[0] == allele.ref[0]:
            sides = (_point_location(self, allele.pos), _point_location(self, allele.pos + 1))
            return max(sides, key=lambda loc: _SEVERITY[loc.region])
        return locate(self, allele.pos, allele.end)


@dataclass(frozen=True)
class Location:
    """Where a variant falls in the canonical transcript (the most severe position it touches)."""

    region: Region
    exon: int | None = None
    intron: int | None = None
    exon_count: int | None = None
    last_exon: bool = False
    nmd_escape: bool = False  # last exon or last 50 nt of the penultimate exon
    skipped_exon_length: int | None = None  # for canonical splice sites: length of the exon it flanks
    skipped_exon_number: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    # intronic positions: distance from the nearest exon in HGVS terms, + on the donor side, - on the acceptor side
    intron_offset: int | None = None

    def describe(self) -> str:
        total = f"/{self.exon_count}" if self.exon_count else ""
        if self.region == Region.EXON:
            return f"exon {self.exon}{total}"
        if self.region in (Region.SPLICE_DONOR, Region.SPLICE_ACCEPTOR):
            kind = "donor" if self.region == Region.SPLICE_DONOR else "acceptor"
            return f"canonical splice {kind} site, intron {self.intron}"
        if self.region == Region.SPLICE_REGION_EXONIC:
            return f"splice region, exon {self.exon}{total}"
        if self.region == Region.SPLICE_REGION_INTRONIC:
            return f"splice region, intron {self.intron}"
        if self.region == Region.INTRON:
            return f"intron {self.intron}"
        return self.region.value

    @property
    def coding_or_splice(self) -> bool:
        return self.region not in (Region.INTRON, Region.UPSTREAM, Region.DOWNSTREAM, Region.UNKNOWN)


def _transcript_exons(gene: PanelGene) -> list[ExonInterval]:
    """Exons in transcript order (5' -> 3')."""
    return sorted(gene.exons, key=lambda e: e.number)


def _point_location(gene: PanelGene, pos: int) -> Location:
    exons = gene.exons
    total = len(exons)
    if not exons:
        return Location(Region.UNKNOWN, notes=("no exon table for this gene and build",))
    plus = gene.strand == "+"
    last_number = gene.last_exon_number
    starts = gene.exon_starts
    if starts is not None:  # sorted, disjoint: the exon at or before pos is the only candidate
        i = bisect.bisect_right(starts, pos) - 1
        candidates: Sequence[ExonInterval] = exons[i:i + 1] if i >= 0 else ()
    else:
        candidates = exons
    for exon in candidates:
        if exon.start <= pos <= exon.end:
            last = exon.number == last_number
            # distance (nt) from the variant to the exon's 3' end in transcript direction
            to_3prime = (exon.end - pos) if plus else (pos - exon.start)
            penultimate = total >= 2 and exon.number == last_number - 1
            nmd_escape = last or (penultimate and to_3prime < NMD_PENULTIMATE_NT)
            from_start = pos - exon.start
            from_end = exon.end - pos
            # exonic splice region: the 3 bases next to an exon-intron boundary (not at transcript ends)
            near_5 = (from_start < 3) and exon is not exons[0]
            near_3 = (from_end < 3) and exon is not exons[-1]
            region = Region.SPLICE_REGION_EXONIC if (near_5 or near_3) else Region.EXON
            return Location(region, exon=exon.number, exon_count=total, last_exon=last, nmd_escape=nmd_escape)
    if pos < exons[0].start:
        return Location(Region.UPSTREAM if plus else Region.DOWNSTREAM, exon_count=total)
    if pos > exons[-1].end:
        return Location(Region.DOWNSTREAM if plus else Region.UPSTREAM, exon_count=total)
    pairs: Iterable[tuple[ExonInterval, ExonInterval]] = (
        [(exons[i], exons[i + 1])] if starts is not None and 0 <= i < total - 1 else itertools.pairwise(exons))
    for left, right in pairs:
        if left.end < pos < right.start:
            d_left = pos - left.end  # 1 = first intronic base after the left exon
            d_right = right.start - pos
            # intron number in transcript direction = number of the upstream exon
            upstream_exon = left if plus else right
            intron = upstream_exon.number
            near_left = d_left <= d_right
            dist = d_left if near_left else d_right
            # on '+', the base after an exon is the donor side; on '-', it is the acceptor side
            donor_side = near_left if plus else not near_left
            flanked = left if near_left else right
            offset = dist if donor_side else -dist
            if dist <= 2:
                region = Region.SPLICE_DONOR if donor_side else Region.SPLICE_ACCEPTOR
                return Location(region, intron=intron, exon_count=total, skipped_exon_length=flanked.length,
                                skipped_exon_number=flanked.number,
                                last_exon=flanked.number == last_number, intron_offset=offset)
            if dist <= 8:
                return Location(Region.SPLICE_REGION_INTRONIC, intron=intron, exon_count=total, intron_offset=offset)
            return Location(Region.INTRON, intron=intron, exon_count=total, intron_offset=offset)
    return Location(Region.UNKNOWN, exon_count=total)  # pragma: no cover - exons cover the span


_SEVERITY = {
    Region.SPLICE_DONOR: 0, Region.SPLICE_ACCEPTOR: 0, Region.EXON: 1, Region.SPLICE_REGION_EXONIC: 1,
    Region.SPLICE_REGION_INTRONIC: 2, Region.INTRON: 3, Region.UPSTREAM: 4, Region.DOWNSTREAM: 4,
    Region.UNKNOWN: 5,
}


def locate(gene: PanelGene, pos: int, end: int) -> Location:
    """Most severe location touched by [pos, end] (1-based inclusive). Long spans are sampled at the
    exon boundaries they cross as well as their ends."""
    if pos == end:
        return _point_location(gene, pos)
    points = {pos, end}
    for exon in gene.exons:
        if exon.end + 2 < pos or exon.start - 2 > end:
            continue
        for b in (exon.start - 2, exon.start - 1, exon.start, exon.end, exon.end + 1, exon.end + 2):
            if pos <= b <= end:
                points.add(b)
    best: Location | None = None
    for p in sorted(points):
        loc = _point_location(gene, p)
        if best is None or _SEVERITY[loc.region] < _SEVERITY[best.region]:
            best = loc
    assert best is not None
    return best


@dataclass(frozen=True)
class Panel:
    build: Build
    genes: tuple[PanelGene, ...]

    @cached_property
    def _by_chrom(self) -> dict[str, list[PanelGene]]:
        out: dict[str, list[PanelGene]] = {}
        for g in self.genes:
            out.setdefault(g.chrom, []).append(g)
        return out

    def genes_at(self, chrom: str, start: int, end: int | None = None) -> list[PanelGene]:
        stop = start if end is None else end
        return [g for g in self._by_chrom.get(chrom, ()) if start <= g.region_end and stop >= g.region_start]

    def gene(self, symbol: str) -> PanelGene | None:
        for g in self.genes:
            if g.symbol == symbol:
                return g
        return None

    def regions(self) -> list[tuple[str, int, int]]:
        """Merged (chrom, start, end) 1-based inclusive regions, sorted."""
        spans = sorted((g.chrom, g.region_start, g.region_end) for g in self.genes)
        merged: list[tuple[str, int, int]] = []
        for chrom, s, e in spans:
            if merged and merged[-1][0] == chrom and s <= merged[-1][2] + 1:
                merged[-1] = (chrom, merged[-1][1], max(merged[-1][2], e))
            else:
                merged.append((chrom, s, e))
        return merged

    def bed(self, chr_prefix: bool = False) -> str:
        """BED text (0-based half-open starts) of the merged regions."""
        lines = []
        for chrom, s, e in self.regions():
            name = f"chr{chrom}" if chr_prefix and not chrom.startswith("chr") else chrom
            if chr_prefix and chrom == "MT":
                name = "chrM"
            lines.append(f"{name}\t{s - 1}\t{e}")
        return "\n".join(lines) + ("\n" if lines else "")


def panel_gene_from_record(record: GeneRecord, build: Build) -> PanelGene | None:
    coords = record.coords(build)
    if coords is None:
        return None
    exons = tuple(sorted((ExonInterval(e.number, e.start, e.end) for e in coords.exons), key=lambda e: e.start))
    return PanelGene(symbol=record.symbol, build=build, chrom=coords.span.chrom, start=coords.span.start,
                     end=coords.span.end, strand=coords.span.strand, transcript=coords.transcript, exons=exons,
                     mane_numbering=_mane_numbering(record, build))


def _mane_numbering(record: GeneRecord, build: Build) -> ManeNumbering | None:
    """None where the exon table numbers exons as MANE Select does at both UTR ends (or nothing is known: GRCh37
    has no MANE release, a gene without MANE or without an exon table)."""
    coords = record.coords(build)
    if coords is None or coords.mane_utr is None or record.mane is None or not coords.exons:
        return None
    utr = coords.mane_utr
    if utr.numbers_agree or utr.exon_count is None:
        return None
    d5, d3 = utr.numbering_offset_5p, utr.numbering_offset_3p
    same = d5 is not None and d5 == d3 and utr.exon_count - utr.table_exon_count == d5
    return ManeNumbering(record.mane.refseq_nm, utr.exon_count, d5 if same else None)


def build_panel(records: Iterable[GeneRecord], build: Build) -> Panel:
    genes = [g for r in records if (g := panel_gene_from_record(r, build)) is not None]
    return Panel(build=build, genes=tuple(sorted(genes, key=lambda g: (g.chrom, g.start, g.symbol))))


def knowledge_panel(build: Build, symbols: Sequence[str] | None = None) -> Panel:
    """The panel of every knowledge-base gene that has coordinates in ``build``."""
    from charcot.knowledge import get_knowledge

    genes = get_knowledge().genes
    if symbols is not None:
        wanted = {s.upper() for s in symbols}
        genes = [g for g in genes if g.symbol.upper() in wanted]
    return build_panel(genes, build)
