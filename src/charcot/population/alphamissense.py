"""AlphaMissense scores for the gene x mask tests, read from the official TSV (Cheng et al. 2023, M-Cheng23).

The released files (``AlphaMissense_hg38.tsv.gz`` / ``AlphaMissense_hg19.tsv.gz``, Zenodo record 8208688)
start with copyright lines beginning ``#`` and a column line::

    #CHROM  POS  REF  ALT  genome  uniprot_id  transcript_id  protein_variant  am_pathogenicity  am_class

one row per missense variant (1-based POS, chromosomes as ``chr1``). The masks use ``am_pathogenicity``
above :data:`AM_LIKELY_PATHOGENIC` (0.564, the paper's lower bound of "likely pathogenic"; scores below
0.34 are "likely benign", in between "ambiguous"). Where a variant has several rows the largest score
counts, in both backends.

A file with a tabix/CSI index (``bgzip`` the TSV, then ``tabix -s 1 -b 2 -e 2 FILE``) is read by position
queries, so the whole 71-million-row release can be used; an unindexed file is read whole (a subset, e.g.
the panel's genes) and refused above :data:`UNINDEXED_MAX_BYTES`.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any

from charcot.errors import InputError

AM_LIKELY_PATHOGENIC = 0.564
REQUIRED = ("#CHROM", "POS", "REF", "ALT", "am_pathogenicity")
UNINDEXED_MAX_BYTES = 200_000_000
_INDEX_HINT = "bgzip the TSV and index it: tabix -s 1 -b 2 -e 2 FILE (or give a subset of the rows you need)"


def _open_text(path: str) -> Any:
    with open(path, "rb") as raw:
        magic = raw.read(2)
    # utf-8-sig: a subset saved by a spreadsheet starts with a byte-order mark, dropped here
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def _not_text(path: str, exc: UnicodeDecodeError) -> InputError:
    return InputError(f"the AlphaMissense file is not UTF-8 text (byte {exc.start} of a read block)", path=path,
                      hint="give the released TSV unchanged (or rows of it saved as UTF-8 text)")


def read_columns(path: str | Path) -> dict[str, int]:
    """Column positions from the file's ``#CHROM`` line; InputError if it is not an AlphaMissense TSV."""
    from charcot.structured import file_not_found, require_regular_file

    path = str(path)
    if not os.path.exists(path):
        raise file_not_found(path, "AlphaMissense")
    require_regular_file(path, "AlphaMissense file", "its columns are read, then its rows")
    try:
        with _open_text(path) as handle:
            for number, line in enumerate(handle, start=1):
                if line.startswith("#CHROM"):
                    cells = line.rstrip("\r\n").split("\t")
                    missing = [c for c in REQUIRED if c not in cells]
                    if missing:
                        raise InputError(f"the AlphaMissense column line lacks {', '.join(missing)}", path=path,
                                         line=number, hint="give the released AlphaMissense_hg38/hg19 TSV")
                    return {name: i for i, name in enumerate(cells)}
                if not line.startswith("#") or number > 50:
                    break
    except UnicodeDecodeError as exc:
        raise _not_text(path, exc) from None
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read the AlphaMissense file: {exc}", path=path,
                         hint="check the file is complete (gzip -t FILE) and readable") from exc
    raise InputError("not an AlphaMissense TSV: no '#CHROM POS REF ALT ... am_pathogenicity' column line",
                     path=path, hint="give the released AlphaMissense_hg38/hg19 TSV (or rows of it with its header)")


def _index(path: str) -> str | None:
    for suffix in (".tbi", ".csi"):
        if os.path.exists(path + suffix):
            return path + suffix
    return None


class AlphaMissenseScores:
    """``score(chrom, pos, ref, alt)``: the largest am_pathogenicity of the allele, None when not listed."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.columns = read_columns(self.path)
        self._cols = tuple(self.columns[c] for c in REQUIRED)
        self._tabix: Any = None
        self._contigs: set[str] = set()
        self._table: dict[tuple[str, int, str, str], float] | None = None
        self._cache: dict[tuple[str, int], dict[tuple[str, str], float]] = {}
        index = _index(self.path)
        if index is not None:
            import pysam

            self._tabix = pysam.TabixFile(self.path, index=index)
            self._contigs = set(self._tabix.contigs)
            from charcot.variants.reader import tabix_table_mismatch

            # an index of this file before it changed (or another file's) finds no row where the file has one: every
            # allele there would read "no AlphaMissense score" and leave the masks silently
            problem = tabix_table_mismatch(Path(self.path), Path(index), self._tabix.fetch)
            if problem is not None:
                self._tabix.close()
                raise InputError(f"the AlphaMissense file's index {Path(index).name} does not match it: {problem}",
                                 path=index, hint=f"rebuild it: {_INDEX_HINT}")
        else:
            if os.path.getsize(self.path) > UNINDEXED_MAX_BYTES:
                raise InputError("the AlphaMissense file is too large to read without an index", path=self.path,
                                 hint=_INDEX_HINT)
            self._table = {}
            try:
                with _open_text(self.path) as handle:
                    for number, line in enumerate(handle, start=1):
                        if line.startswith("#") or not line.strip():
                            continue
                        key, value = self._parse(line, number)
                        if value > self._table.get(key, -1.0):
                            self._table[key] = value
            except UnicodeDecodeError as exc:
                raise _not_text(self.path, exc) from None

    def _parse(self, line: str, number: int | None) -> tuple[tuple[str, int, str, str], float]:
        cells = line.rstrip("\r\n").split("\t")
        c, p, r, a, s = self._cols
        try:
            return (cells[c].removeprefix("chr"), int(cells[p]), cells[r], cells[a]), float(cells[s])
        except (IndexError, ValueError) as exc:
            raise InputError("malformed AlphaMissense row (expected POS and am_pathogenicity numbers)",
                             path=self.path, line=number, hint="give the released TSV unchanged") from exc

    def score(self, chrom: str, pos: int, ref: str, alt: str) -> float | None:
        chrom = chrom.removeprefix("chr")
        if self._table is not None:
            return self._table.get((chrom, pos, ref, alt))
        at = self._cache.get((chrom, pos))
        if at is None:
            at = {}
            name = next((c for c in (f"chr{chrom}", chrom) if c in self._contigs), None)
            if name is not None:
                for line in self._tabix.fetch(name, pos - 1, pos):
                    (_, p, r, a), value = self._parse(line, None)  # a position query: no line number
                    if p == pos and value > at.get((r, a), -1.0):
                        at[(r, a)] = value
            if len(self._cache) > 100_000:
                self._cache.clear()
            self._cache[(chrom, pos)] = at
        return at.get((ref, alt))

    def close(self) -> None:
        if self._tabix is not None:
            self._tabix.close()
            self._tabix = None
