"""Builds and contig names.

Inside charcot a chromosome is named without a prefix ("1".."22", "X", "Y", "MT") and positions
are 1-based inclusive, as in VCF. Readers convert at the edges with the helpers here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from charcot.errors import InputError
from charcot.model import Build

_DATA = Path(__file__).parent / "data" / "contigs.json"

BUILD_ALIASES: dict[str, Build] = {
    "grch37": Build.GRCh37, "hg19": Build.GRCh37, "b37": Build.GRCh37, "hs37d5": Build.GRCh37, "37": Build.GRCh37,
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


@lru_cache(maxsize=1)
def accessions() -> dict[str, tuple[str, frozenset[Build]]]:
    """RefSeq (NC_...) and GenBank (CM..., J01415.2) accession of a primary chromosome -> (chromosome, the builds whose
    assembly names it that way), from NCBI's assembly reports (scripts/derive_contigs.py). The versions differ between
    GRCh37 and GRCh38 (NC_000021.8 vs NC_000021.9); the mitochondrion's are the same in both."""
    raw = json.loads(_DATA.read_text())["accessions"]
    out: dict[str, tuple[str, frozenset[Build]]] = {}
    for build, table in raw.items():
        for chrom, names in table.items():
            for name in names:
                known = out.get(name)
                out[name] = (chrom, (known[1] if known else frozenset()) | {Build(build)})
    return out


def _accession_like(name: str) -> bool:
    return name[:3] in ("NC_", "CM0") or name[:6] == "J01415"


def normalise_contig(name: str) -> str:
    """'chr1' -> '1', 'chrM'/'M' -> 'MT', 'chrX' -> 'X', a primary chromosome's RefSeq or GenBank accession
    ('NC_000021.9', 'CM000683.2') -> its chromosome; other names are returned unchanged."""
    short = name[3:] if name[:3].lower() == "chr" else name
    if short in ("M", "m", "MT", "mt"):
        return "MT"
    if _accession_like(name):
        known = accessions().get(name)
        return known[0] if known is not None else name
    return short.upper() if short in ("x", "y") else short


# A contig holding an alternate version of a stretch of a chromosome: GRCh38's ALT loci and fix patches as UCSC, GATK's
# and the GRCh38 analysis sets name them ('chr6_GL000251v2_alt', 'chr1_KN196472v1_fix'), hg19's haplotypes
# ('chr6_apd_hap1') and Ensembl's patch and haplotype regions ('CHR_HSCHR6_MHC_APD_CTG1'). Unplaced and unlocalised
# scaffolds ('chrUn_...', '..._random'), decoys and HLA sequences are not alternate versions of a gene's stretch.
_ALTERNATE_LOCUS = re.compile(r"(?i)(?:_alt|_fix|_hap\d+)$|^(?:chr_)?hs?chr\w*_|^chr_hg\d")


def alternate_locus(name: str) -> bool:
    """Whether a contig name is an alternate locus or patch of the reference (see ``_ALTERNATE_LOCUS``)."""
    return _ALTERNATE_LOCUS.search(name) is not None


def contig_in_file(canonical: str, file_contigs: set[str] | list[str]) -> str | None:
    """The name the file uses for a canonical contig ('1' may be 'chr1', or 'NC_000001.11', in the file)."""
    names = set(file_contigs)
    for candidate in (canonical, f"chr{canonical}", "chrM" if canonical == "MT" else "", "M" if canonical == "MT" else ""):
        if candidate and candidate in names:
            return candidate
    for name in sorted(n for n in names if _accession_like(n)):
        if normalise_contig(name) == canonical:
            return name
    return None


def accession_build(names: Iterable[str]) -> Build | None:
    """The build the contig names' accession versions belong to (NC_000021.9 is GRCh38's), or None when no name is a
    build-specific accession or the names belong to both builds."""
    seen: set[Build] = set()
    for name in names:
        known = accessions().get(name) if _accession_like(name) else None
        if known is not None and len(known[1]) == 1:
            seen |= known[1]
    return next(iter(seen)) if len(seen) == 1 else None


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
    for name in header_lengths:  # a build-specific accession (NC_000021.9) names its build outright
        found = accessions().get(name) if _accession_like(name) else None
        if found is not None and len(found[1]) == 1:
            for build in known:
                if build in found[1]:
                    votes[build] += 1
                else:
                    conflicts[build] += 1
    matching = [b for b in known if votes[b] > 0 and conflicts[b] == 0]
    return matching[0] if len(matching) == 1 else None
