"""Choosing the genes to analyse: ``--genes``, ``--panel NAME`` (named panels defined as data in
``data/panels.yaml`` by knowledge-base gene role) or ``--bed FILE`` (genes overlapping the regions).

The result is a ``GeneSelection``: the chosen symbols and a sentence saying how they were chosen, so
that an analysis can report the genes left out as not examined."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charcot.errors import InputError
from charcot.model import first_names

PANELS_FILE = Path(__file__).parent / "data" / "panels.yaml"


@dataclass(frozen=True)
class NamedPanel:
    name: str
    description: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class GeneSelection:
    symbols: tuple[str, ...]  # knowledge-base symbols, sorted
    how: str  # e.g. "panel 'causal' (genes with an established ALS cause only)"
    # the same in a clinician's words, without option names: "the 25 genes of the panel 'causal' (...)" ("" = ``how``)
    label: str = ""

    @property
    def words(self) -> str:
        return self.label or self.how


def named_panels() -> dict[str, NamedPanel]:
    import yaml

    with PANELS_FILE.open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {name: NamedPanel(name, str(item["description"]), tuple(item["roles"]))
            for name, item in data["panels"].items()}


def _resolve_symbols(names: Sequence[str], kb: Any) -> list[str]:
    symbols: list[str] = []
    unknown: list[str] = []
    for name in names:
        gene = kb.find_gene(name)
        if gene is None:
            unknown.append(name)
        elif gene.symbol not in symbols:
            symbols.append(gene.symbol)
    if unknown:
        raise InputError(f"--genes: not in the charcot knowledge base: {', '.join(unknown)}",
                         hint="run 'charcot knowledge genes' for the curated genes (aliases are accepted)")
    return symbols


def read_bed(path: Path) -> list[tuple[str, int, int]]:
    """BED regions as (chrom without 'chr', 1-based start, inclusive end)."""
    from charcot.structured import read_text

    regions: list[tuple[str, int, int]] = []
    text = read_text(path, "BED file")  # missing, a folder, gzipped, not UTF-8: in words; a BOM is dropped
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith(("#", "track", "browser")):
            continue
        fields = line.split("\t") if "\t" in line else line.split()
        if len(fields) < 3:
            raise InputError("a BED line needs chrom, start and end", path=path, line=number,
                             hint="tab-separated: chr17 7668401 7687550")
        try:
            start, end = int(fields[1]), int(fields[2])
        except ValueError:
            raise InputError("BED start and end must be whole numbers", path=path, line=number,
                             hint="tab-separated: chr17 7668401 7687550 (0-based start, end)") from None
        if start < 0 or end <= start:
            raise InputError(f"BED interval {start}-{end} is empty or negative", path=path, line=number,
                             hint="BED starts are 0-based and ends exclusive: the end must be larger than the start")
        chrom = fields[0].removeprefix("chr")
        regions.append(("MT" if chrom == "M" else chrom, start + 1, end))  # 0-based half-open -> 1-based inclusive
    if not regions:
        raise InputError("the BED file has no regions", path=path,
                         hint="give a BED with one region per line: chrom, start, end (tab-separated)")
    return regions


def select_genes(*, genes: Sequence[str] = (), panel: str | None = None, bed: Path | None = None,
                 build: str | None = None) -> GeneSelection | None:
    """The genes chosen by --genes / --panel / --bed (at most one), or None for the default (every
    knowledge-base gene). ``build`` is needed with --bed: a BED file does not say its build."""
    given = [flag for flag, value in (("--genes", list(genes)), ("--panel", panel), ("--bed", bed)) if value]
    if not given:
        return None
    if len(given) > 1:
        raise InputError(f"give one of --genes, --panel or --bed, not {' and '.join(given)}",
                         hint="a named panel can be narrowed by listing its genes with --genes")
    from charcot.knowledge import get_knowledge

    kb = get_knowledge()
    if genes:
        symbols = _resolve_symbols(genes, kb)
        label = (f"the requested gene {symbols[0]}" if len(symbols) == 1 else
                 f"the {len(symbols)} requested genes ({first_names(symbols)})")
        return GeneSelection(tuple(sorted(symbols)), f"genes given with --genes ({', '.join(symbols)})", label)
    if panel:
        panels = named_panels()
        chosen = panels.get(panel.strip().lower())
        if chosen is None:
            raise InputError(f"unknown panel {panel!r}", hint="named panels: " + ", ".join(
                f"{p.name} ({p.description})" for p in panels.values()))
        symbols = [g.symbol for g in kb.genes if g.role.value in chosen.roles]
        return GeneSelection(tuple(sorted(symbols)), f"panel '{chosen.name}' ({chosen.description})",
                             f"the {len(symbols)} genes of the panel '{chosen.name}' ({chosen.description})")
    assert bed is not None
    if build is None or build.lower() == "auto":
        raise InputError("--bed needs --build GRCh37 or GRCh38", path=bed,
                         hint="a BED file does not record its genome build")
    from charcot.model import Build

    wanted = next((b for b in Build if b.value.lower() == build.strip().lower()), None)
    if wanted is None:
        raise InputError(f"unknown build {build!r}", hint="use GRCh37 or GRCh38")
    regions = read_bed(bed)
    symbols = []
    for gene in kb.genes:
        coords = gene.coords(wanted)
        if coords is None:
            continue
        span = coords.span
        if any(c == span.chrom and s <= span.end and e >= span.start for c, s, e in regions):
            symbols.append(gene.symbol)
    if not symbols:
        raise InputError(f"no knowledge-base gene overlaps the BED regions in {wanted.value}", path=bed,
                         hint="check the BED's build and chromosome names")
    return GeneSelection(tuple(sorted(symbols)), f"genes overlapping the regions of {bed.name} ({wanted.value})",
                         f"the {len(symbols)} gene{'s' if len(symbols) != 1 else ''} overlapping the regions of "
                         f"{bed.name} ({wanted.value}: {first_names(sorted(symbols))})")
