"""Builds and contig names.

Inside charcot a chromosome is named without a prefix ("1".."22", "X", "Y", "MT") and positions
are 1-based inclusive, as in VCF. Readers convert at the edges with the helpers here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from charcot.errors import InputError
from charcot.model import Build

_DATA = Path(__file__).parent / "data" / "contigs.json"

BUILD_ALIASES: dict[str, Build] = {
    "grch37": Build.GRCh37, "hg19": Build.GRCh37, "b37": Build.GRCh37, "37": Build.GRCh37,
    "grch38": Build.GRCh38, "hg38": Build.GRCh38, "b38": Build.GRCh38, "38": Build.GRCh38,
}


def parse_build(text: str) -> Build:
    try:
        return BUILD_ALIASES[text.strip().lower()]
    except KeyError:
        raise InputError(f"unknown genome build {text!r}", hint="use GRCh37 (hg19) or GRCh38 (hg38)") from None


@lru_cache(maxsize=1)
def contig_lengths() -> dict[Build, dict[str, int]]:
    raw = json.loads(_DATA.read_text())["lengths"]
    return {Build(b): {k: int(v) for k, v in lengths.items()} for b, lengths in raw.items()}


def normalise_contig(name: str) -> str:
    """'chr1' -> '1', 'chrM'/'M' -> 'MT', 'chrX' -> 'X'; other names are returned unchanged."""
    short = name[3:] if name[:3].lower() == "chr" else name
    if short in ("M", "m", "MT", "mt"):
        return "MT"
    return short.upper() if short in ("x", "y") else short


def contig_in_file(canonical: str, file_contigs: set[str] | list[str]) -> str | None:
    """The name the file uses for a canonical contig ('1' may be 'chr1' in the file)."""
    names = set(file_contigs)
    for candidate in (canonical, f"chr{canonical}", "chrM" if canonical == "MT" else "", "M" if canonical == "MT" else ""):
        if candidate and candidate in names:
            return candidate
    return None


def detect_build(header_lengths: Mapping[str, int]) -> Build | None:
    """Build from header contig lengths: the build whose primary chromosomes all match.

    Uses chromosomes 1-22, X, Y only (chrM differs between hg19 and GRCh37). Returns None when no
    length is given, none of the primary contigs are declared, or the lengths fit neither build or both
    (e.g. a cut reference): the caller then asks for --build or says the build is unknown. Never raises.
    """
    known = contig_lengths()
    seen = {normalise_contig(k): v for k, v in header_lengths.items() if v}
    votes: dict[Build, int] = {b: 0 for b in known}
    conflicts: dict[Build, int] = {b: 0 for b in known}
    for contig, length in seen.items():
        if contig == "MT":
            continue
        for build, table in known.items():
            if contig in table:
                if table[contig] == length:
                    votes[build] += 1
                else:
                    conflicts[build] += 1
    matching = [b for b in known if votes[b] > 0 and conflicts[b] == 0]
    return matching[0] if len(matching) == 1 else None
