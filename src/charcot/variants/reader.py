"""Read one sample's calls in the ALS panel regions from a VCF/BCF (htslib via cyvcf2).

* VCF 4.1-4.4, plain or bgzipped, and BCF. With a tabix/CSI index only the panel regions are
  queried; without one the file is streamed once and records outside the panel are dropped as soon
  as their position is known.
* gVCF reference blocks (ALT ``<NON_REF>``/``<*>`` with END) are collected for callability.
* Multi-allelic records are split per ALT (allele-specific genotype and INFO Number=A values) and
  each ALT is trimmed to its minimal representation; indels that could shift left are flagged.
* Build is detected from header contig lengths; a disagreement with an explicit build is refused.
* FILTER is respected unless ``include_filtered``; GQ/DP thresholds only when asked for. No
  caller-specific hard filters (ALSgeneScanner's FreeBayes default emptied GATK VCFs).

Every problem with the file raises ``InputError`` naming the file and, where known, the line.
"""

from __future__ import annotations

import bisect
import gzip
import os
import re
import struct
import tempfile
import warnings
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from charcot.errors import InputError
from charcot.genome.builds import (
    accession_build,
    alternate_locus,
    contig_in_file,
    detect_build,
    normalise_contig,
    parse_build,
)
from charcot.genome.callquality import FILTER_NOT_APPLIED, FT_PASSING
from charcot.genome.normalise import Allele, is_symbolic, left_shiftable, trim
from charcot.genome.panel import Panel
from charcot.model import Build
from charcot.variants import prefilter
from charcot.variants.annotation import (
    AlleleAnnotation,
    AnnotationSchema,
    annotate_allele,
    annotation_builds,
    schema_from_header,
)

# X-chromosome pseudo-autosomal regions (1-based inclusive), GRCh37 and GRCh38 (GRC assembly reports):
# calls there are diploid in males.
PAR_X: dict[Build, tuple[tuple[int, int], ...]] = {
    Build.GRCh37: ((60001, 2699520), (154931044, 155260560)),
    Build.GRCh38: ((10001, 2781479), (155701383, 156030895)),
}
_REF_BLOCK_ALTS = {"<NON_REF>", "<*>", "<X>"}
# the FILTER values whose calls are kept without --include-filtered: PASS, and '.' (no filter applied; said as such)
_KEPT_FILTERS = ("PASS", FILTER_NOT_APPLIED)
# Below this size streaming is as fast as indexing first (about 10k records).
TEMP_INDEX_MIN_BYTES = 4 << 20
_BGZF_MAGIC = b"\x1f\x8b\x08\x04"


@dataclass
class Call:
    """One ALT allele carried by the sample, after splitting and trimming."""

    chrom: str  # canonical, no 'chr'
    allele: Allele
    vcf_pos: int
    vcf_ref: str
    vcf_alt: str
    alt_index: int
    genotype: str
    copies: int
    ploidy: int
    phased: bool
    phase_set: int | None
    haplotypes: tuple[int, ...]  # which haplotype indices carry this allele (for phasing)
    gq: int | None
    dp: int | None
    filter: str
    not_left_aligned: bool
    annotation: AlleleAnnotation
    line: int | None = None
    # the sample's reads for this allele and for all alleles of the record (FORMAT/AD), None when it has no AD
    alt_reads: int | None = None
    total_reads: int | None = None
    qual: float | None = None  # the record's QUAL (None for '.')
    # the genotype's other allele is '*' (a deletion written in its own record spans this position): this allele is the
    # position's only copy
    opposite_deletion: bool = False


@dataclass
class Block:
    chrom: str
    start: int
    end: int
    gq: int | None


@dataclass
class ReadResult:
    path: Path
    sample: str
    samples: list[str]
    build: Build
    schema: AnnotationSchema
    calls: list[Call]
    blocks: list[Block]
    gvcf: bool
    indexed: bool
    records_read: int = 0
    panel_records: int = 0
    alleles_considered: int = 0
    filtered_out: int = 0
    below_quality: int = 0
    no_call: int = 0
    not_left_aligned: int = 0
    temporary_index: bool = False
    index_note: str | None = None  # how an index older than the data was checked (or why it was not used)
    format_ids: frozenset[str] = frozenset()
    warnings: list[str] = field(default_factory=list)
    # Panel chromosomes (normalised names) on which the file has at least one record; a gene on any other
    # chromosome was not covered by the file (a VCF cut to one chromosome, a targeted panel), not "no variant".
    contigs_with_records: set[str] = field(default_factory=set)
    # The file's contigs that are alternate loci or patches of the reference (genome.builds.alternate_locus) and hold
    # records, by the file's names: a gene's variants placed there are not read (the panel is on the chromosomes)
    alternate_loci: list[str] = field(default_factory=list)
    # Per chromosome with records (normalised name): the POS of its first and last record (widened to the end of
    # the sample's calls read in the panel, e.g. a deletion reaching past the last POS). A file cut to a region
    # (bcftools view -r) or holding records around a few genes speaks only inside its span; a panel gene outside it
    # is not assessed. Read from the index on an indexed file (``_spans_through_index``: the last POS is exact
    # where a panel gene lies past it, else the first record found past the panel's last gene), from the contig
    # runs the streaming passes already see on the others (a run's first and last line: an unsorted file gives a
    # narrower span, never a wider one).
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    # symbolic ALT alleles the sample carries (<DEL>, <DUP>, <INV>...): (chrom, start, end, ALT); the small-variant
    # classifier does not interpret them, and the run says so for the genes they overlap
    symbolic: list[tuple[str, int, int, str]] = field(default_factory=list)
    # (chrom, POS) of the panel records where the sample's genotype is a no-call ('./.'), and of those where it is
    # called (hom-ref included): a gene whose every record is a no-call for the sample is not assessed, one with some
    # is assessed except at those positions (variants.api._genes_covered); at most one entry per panel record
    no_call_sites: list[tuple[str, int]] = field(default_factory=list)
    called_sites: list[tuple[str, int]] = field(default_factory=list)
    # the sample's ALT alleles in calls left out (FILTER not PASS without include_filtered, GQ/DP below min_gq/min_dp):
    # (chrom, trimmed allele, genotype, why); their genes are assessed except at those positions (variants.api)
    excluded: list[tuple[str, Allele, str, str]] = field(default_factory=list)
    # half-calls ('./1', '1/.'): one allele not called, so the genotype is a no-call for the sample; their ALT alleles
    # are in ``excluded`` (a call left out), and '0/.' is a no-call site
    half_calls: int = 0
    # bcftools csq joint (haplotype) consequences: the INFO/BCSQ entries of each panel record holding one (a change
    # joined to others by '+'), by (chrom, POS), for the records whose BCSQ points there ('@POS')
    bcsq_joint: dict[tuple[str, int], list[str]] = field(default_factory=dict)


def bgzf_damage(path: Path) -> str | None:
    """charcot.structured.bgzf_damage, imported when a file turns out damaged (that module loads PyYAML, which
    reading a VCF does not need: issue 20)."""
    from charcot.structured import bgzf_damage as damage

    return damage(path)


def _is_bgzf(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(16)
    # gzip magic, FEXTRA flag, and the 'BC' subfield that marks BGZF blocks
    return len(head) >= 14 and head[:2] == b"\x1f\x8b" and bool(head[3] & 4) and head[12:14] == b"BC"


def temporary_index(path: Path, directory: Path) -> Path | None:
    """Build a tabix index of an unindexed bgzipped VCF in ``directory`` (htslib scans CHROM/POS in C,
    far faster than iterating records in Python). None when it cannot be built (e.g. unsorted file),
    and the caller then streams the whole file."""
    if not _is_bgzf(path):
        return None
    import shutil
    import subprocess

    index = directory / "input.tbi"
    # the system's bcftools first: Debian's htslib inflates with libdeflate, about 25 % less CPU than the htslib
    # bundled in pysam for the same index (issue 20: 6.2 vs 8.3 s on a 275 MB genome); pysam when it is absent or
    # fails
    bcftools = shutil.which("bcftools")
    if bcftools is not None:
        done = subprocess.run([bcftools, "index", "--tbi", "--force", "--output", str(index), "--", str(path)],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              check=False)
        if done.returncode == 0 and index.exists():
            return index
        index.unlink(missing_ok=True)
    import pysam

    try:
        pysam.tabix_index(str(path), preset="vcf", index=str(index), force=True, keep_original=True)
    except (OSError, ValueError):
        return None
    return index if index.exists() else None


class IndexPrefetch:
    """Prepare reading an unindexed bgzipped VCF in the background (issue 20), so it overlaps with loading the
    knowledge base and resources. First choice: ``bgzf_scan`` selects the panel records in one pass on both
    cores into a small indexed file (``selected``); when that pass cannot vouch for the file, a temporary index
    of the whole file is built as before (``index``; htslib releases the GIL)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.dir = tempfile.TemporaryDirectory(prefix="charcot-index-")
        self._result: Path | None = None
        self._thread: Any = None
        self._selection: Any = None
        # the contigs of the whole file's lines, when ``selected`` made the small file (its index knows only those)
        self.contigs_seen: set[str] | None = None
        import threading

        self._lock = threading.Lock()
        if SELECTION_PASS:
            from charcot.variants import bgzf_scan

            self._selection = bgzf_scan.Selection(self.path, on_doubt=self._start_index)
        else:
            self._start_index()

    def _start_index(self) -> None:
        """Start building the whole file's temporary index (once; also called from the selection pass's thread the
        moment it doubts, so the index overlaps the knowledge base's loading as before)."""
        with self._lock:
            if self._thread is None:
                import threading

                self._thread = threading.Thread(target=self._run, daemon=True)
                self._thread.start()

    def _run(self) -> None:
        self._result = temporary_index(self.path, Path(self.dir.name))

    def selected(self, panel: Panel, header_contigs: list[str]) -> tuple[Path, Path] | None:
        """(small bgzipped VCF, its index) holding the header and every record a panel region query of the whole
        file could return (and the first and last record of each panel contig), or None: then ``index()``."""
        selection, self._selection = self._selection, None
        if selection is None:
            return None
        regions: dict[str, list[tuple[int, int]]] = {}
        for chrom, s, e in panel.regions():
            name = contig_in_file(chrom, header_contigs) if header_contigs else None
            if name is not None:
                regions.setdefault(name, []).append((s, e))
        from charcot.variants import bgzf_scan

        try:
            scan = selection.select(regions)
            self.contigs_seen = {c.decode(errors="replace") for c in scan.contigs()}
            folder = Path(self.dir.name) / "selected"
            folder.mkdir()
            subset = folder / "panel.vcf.gz"
            assert scan.header is not None
            bgzf_scan.write_bgzf(subset, [scan.header, *scan.selected])
            index = temporary_index(subset, folder)
        except prefilter.Doubt:
            return None
        if index is None:
            return None
        return subset, index

    def index(self) -> Path | None:
        if self._selection is not None:
            self._selection.cancel()
            self._selection = None
        self._start_index()
        self._thread.join()
        return self._result

    def cleanup(self) -> None:
        if self._selection is not None:
            self._selection.cancel()
            self._selection = None
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join()
        self.dir.cleanup()

    @staticmethod
    def wanted(path: Path) -> bool:
        try:
            return (path.is_file() and not _has_index(path) and path.stat().st_size > TEMP_INDEX_MIN_BYTES
                    and _is_bgzf(path))
        except OSError:
            return False


#: Select the panel records of an unindexed bgzipped VCF in one pass (``bgzf_scan``) before falling back to a
#: temporary index of the whole file; tests switch it off to compare both.
SELECTION_PASS = True


def _has_index(path: Path) -> bool:
    return any(Path(str(path) + suffix).exists() for suffix in (".tbi", ".csi"))


def _check_gzip_intact(path: Path) -> None:
    """A truncated (b)gzip file reads as a short file in htslib; decompress fully to be sure.
    BGZF files carry a 28-byte EOF block, checked first (cheap); plain gzip is read to the end."""
    with open(path, "rb") as handle:
        magic = handle.read(4)
        if magic[:2] != b"\x1f\x8b":
            return
        bgzf = len(magic) == 4 and magic[3] & 4  # FEXTRA flag: BGZF sets it
        size = path.stat().st_size
        if bgzf and size >= 28:
            handle.seek(size - 28)
            tail = handle.read(28)
            if tail == bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000"):
                return
    try:
        with gzip.open(path, "rb") as g:
            while g.read(1 << 22):
                pass
    except (EOFError, OSError, gzip.BadGzipFile, zlib.error) as exc:
        damage = bgzf_damage(path) if bgzf else None
        if damage is None:
            damage = ("the compressed file is truncated or corrupt: it ends inside a gzip member"
                      if isinstance(exc, EOFError) else "the compressed file is corrupt: it is not valid gzip data")
        raise InputError(damage, path=path, hint="copy or download the file again; check it with "
                                                 f"'{'bgzip' if bgzf else 'gzip'} -t'") from None
    if bgzf:
        # Every block is whole but the end-of-file block is missing: the file was cut at a block boundary
        # (htslib reads the blocks that are there and stops, so records would be lost without a word).
        raise InputError("the compressed file has no BGZF end-of-file marker: it was cut short (a copy or "
                         "download that stopped), so records at its end may be missing", path=path,
                         hint="copy or download the file again; if the file is known to be complete, "
                              "compress it again: bgzip -dc FILE | bgzip > NEW.vcf.gz") from None


class GunzipFeeder:
    """One decompression pass for a plain (not BGZF) gzip VCF: ``gzip -dc`` inflates the file into a pipe
    that htslib reads as plain text, and its exit status says whether the file was truncated or corrupt
    (gzip checks each member's CRC and length). Before, the file was inflated once in Python just to detect
    truncation and again by htslib. A separate process, because htslib holds the GIL while it waits on
    the pipe; it runs on the other core."""

    def __init__(self, path: Path) -> None:
        import subprocess

        self.path = path
        self._proc = subprocess.Popen(["gzip", "-dc", "--", str(path)], stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, close_fds=True)
        assert self._proc.stdout is not None
        self.source = f"/dev/fd/{self._proc.stdout.fileno()}"
        self._stderr: str | None = None

    @staticmethod
    def available() -> bool:
        import shutil

        return shutil.which("gzip") is not None

    def opened(self) -> None:
        """htslib has its own descriptor of the pipe now."""
        if self._proc.stdout is not None:
            self._proc.stdout.close()

    def finish(self) -> None:
        """Wait for gzip; raise if the compressed file turned out damaged (again on every call)."""
        self.opened()
        if self._stderr is None:
            err = self._proc.stderr
            self._stderr = err.read().decode(errors="replace") if err is not None and not err.closed else ""
            if err is not None:
                err.close()
        stderr = self._stderr
        code = self._proc.wait()
        if code == 0 or (code == 2 and "trailing" in stderr) or code < 0:
            return
        why = ("it ends inside a gzip member" if "unexpected end" in stderr
               else f"gzip says: {stderr.strip().split(': ')[-1][:80]}")
        raise InputError(f"the compressed file is truncated or corrupt: {why}",
                         path=self.path, hint="copy or download the file again; check it with 'gzip -t'")

    def done(self) -> bool:
        return self._proc.poll() is not None

    def abort(self) -> None:
        """Reading stopped early: stop gzip (a negative exit status is not reported as damage)."""
        if self._proc.poll() is None:
            self._proc.kill()


def is_plain_gzip(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(2)
    return head == b"\x1f\x8b" and not _is_bgzf(path)


def _duplicate_sample(path: Path) -> str | None:
    try:
        with open(path, "rb") as raw:
            magic = raw.read(2)
        opener: Any = gzip.open if magic == b"\x1f\x8b" else open
        with opener(path, "rt", errors="replace") as handle:
            for line in handle:
                if line.startswith("#CHROM"):
                    names = line.rstrip("\n").split("\t")[9:]
                    seen: set[str] = set()
                    for name in names:
                        if name in seen:
                            return str(name)
                        seen.add(name)
                    return None
                if not line.startswith("#"):
                    return None
    except (OSError, EOFError, UnicodeDecodeError, zlib.error):
        return None
    return None


def _line_of_record(path: Path, n_record: int) -> int | None:
    """1-based line number of the n-th data record (only computed when reporting an error)."""
    try:
        with open(path, "rb") as raw:
            magic = raw.read(2)
        opener: Any = gzip.open if magic == b"\x1f\x8b" else open
        with opener(path, "rt", errors="replace") as handle:
            count = 0
            for lineno, line in enumerate(handle, start=1):
                if line.startswith("#"):
                    continue
                count += 1
                if count == n_record:
                    return lineno
    except (OSError, EOFError, UnicodeDecodeError, zlib.error):
        return None
    return None


def _record_text(path: Path, line: int | None) -> str | None:
    """The first columns of a data line, for an error message (no genotypes beyond the first sample)."""
    if line is None:
        return None
    try:
        with open(path, "rb") as raw:
            magic = raw.read(2)
        opener: Any = gzip.open if magic == b"\x1f\x8b" else open
        with opener(path, "rt", errors="replace") as handle:
            for lineno, text in enumerate(handle, start=1):
                if lineno == line:
                    cols = text.rstrip("\n").split("\t")
                    shown = "\t".join(cols[:5])
                    return shown[:120]
    except (OSError, EOFError, UnicodeDecodeError, zlib.error):
        return None
    return None


def unreadable_record(path: Path, n_done: int | None, exc: Exception) -> InputError:
    """For any reader of a VCF whose iteration htslib aborted after ``n_done`` good records (None: not
    counted, e.g. a region query): the damaged block, or the line and why, in words."""
    return _unparsable_record(Path(path), n_done, exc)


def _unparsable_record(path: Path, n_done: int | None, exc: Exception) -> InputError:
    """htslib refused the record after ``n_done`` good ones: say which line, and why if we can tell."""
    damage = bgzf_damage(path) if _is_bgzf(path) else None
    if damage:
        return InputError(damage, path=path, hint="copy or download the file again; check it with 'bgzip -t'")
    if n_done is None:
        return InputError(f"htslib cannot read a record of this file ({exc})", path=path,
                          hint="'bcftools view FILE > /dev/null' shows the problem")
    line = _line_of_record(path, n_done + 1)
    text = _record_text(path, line)
    why = _why_unparsable(text)
    return InputError(f"htslib cannot parse this record{': ' + why if why else ''}", path=path, line=line,
                      record=text.replace("\t", " ") if text else None,
                      hint="each record needs CHROM, POS (a whole number from 1), ID, REF, ALT, QUAL, FILTER, "
                           "INFO and, per sample, values that match FORMAT (e.g. GT 0/1); "
                           "'bcftools view FILE' shows the same problem")


def _why_unparsable(text: str | None) -> str | None:
    if text is None:
        return None
    cols = text.split("\t")
    if len(cols) < 2:
        return "the line has fewer than 8 tab-separated columns"
    pos = cols[1]
    if not pos.isdigit():
        return f"POS {pos!r} is not a positive whole number"
    if int(pos) > 2**31 - 2:
        return f"POS {pos} is beyond any chromosome"
    return None


def _header_info(vcf: Any) -> tuple[dict[str, str], dict[str, str], dict[str, int], list[str], bool, str]:
    infos: dict[str, str] = {}
    numbers: dict[str, str] = {}  # INFO id -> Number
    lengths: dict[str, int] = {}
    contigs: list[str] = []
    gvcf = False
    for rec in vcf.header_iter():
        try:
            info = rec.info()
        except Exception:  # pragma: no cover - malformed structured line
            continue
        kind = info.get("HeaderType")
        if kind == "INFO":
            infos[info.get("ID", "")] = info.get("Description", "")
            numbers[info.get("ID", "")] = info.get("Number", "")
        elif kind == "CONTIG":
            contigs.append(info.get("ID", ""))
        elif (kind == "GENERIC" and info.get("key") in ("GVCFBlock", "gvcf", "GVCFBlock0-1")) or (kind == "ALT" and info.get("ID") in ("NON_REF", "*")):
            gvcf = True
    try:  # htslib's parsed ##contig lengths
        for name, length in zip(vcf.seqnames, vcf.seqlens, strict=False):
            if length and length > 0:
                lengths[name] = int(length)
    except Exception:  # no contig lines with lengths
        pass
    if not contigs:
        contigs = [c for c in lengths]
    raw = vcf.raw_header
    if "##GVCFBlock" in raw:
        gvcf = True
    return infos, numbers, lengths, contigs, gvcf, raw


def resolve_build(requested: str, lengths: dict[str, int], path: Path, contigs: Sequence[str] = ()) -> Build:
    """The build to read the file as: the one asked for, checked against the header's contig lengths (or, without
    lengths, its contigs' RefSeq/GenBank accession versions), or the one they show when ``requested`` is auto."""
    detected, what = detect_build(lengths), "contig lengths"
    if detected is None:
        detected, what = accession_build(contigs), "contig accessions (RefSeq/GenBank versions)"
    if requested.lower() == "auto":
        if detected is None:
            raise InputError("the genome build cannot be detected: the header has no contig lengths of GRCh37 or GRCh38",
                             path=path, hint="pass --build GRCh37 or --build GRCh38")
        return detected
    build = parse_build(requested)
    if detected is not None and detected != build:
        raise InputError(f"--build {build.value} was given but the header's {what} are those of {detected.value}",
                         path=path, hint=f"use --build {detected.value} (or --build auto), or check the file")
    return build


_QUIET = False


def quiet_htslib() -> None:
    """Silence htslib's own stderr messages ([E::...], [W::...]): charcot reports one clear error
    instead. htslib is linked into the cyvcf2 extension, so its log level is set there; pysam (the
    resources' tabix reader) carries its own copy, libchtslib, whose level is set without importing
    pysam (the loader shares the library with a later ``import pysam``)."""
    global _QUIET
    if _QUIET:
        return
    import ctypes

    try:
        import cyvcf2.cyvcf2 as ext

        ctypes.CDLL(ext.__file__).hts_set_log_level(0)
    except (OSError, AttributeError):  # pragma: no cover - a build without the exported symbol
        pass
    try:
        import importlib.util

        spec = importlib.util.find_spec("pysam")
        for folder in (spec.submodule_search_locations or []) if spec is not None else []:
            for lib in Path(folder).glob("libchtslib*.so"):
                ctypes.CDLL(str(lib)).hts_set_log_level(0)
    except (OSError, AttributeError, ImportError, ValueError):  # pragma: no cover - pysam absent or built otherwise
        pass
    _QUIET = True


def _tbi_names(index: Path) -> list[str] | None:
    """The sequence names a tabix index lists (read from its header, a few hundred bytes into it), or None when the
    file is not a tabix index this reads."""
    try:
        with gzip.open(index, "rb") as handle:
            head = handle.read(36)
            if len(head) != 36 or head[:4] != b"TBI\x01":
                return None
            n_ref, l_nm = struct.unpack("<i", head[4:8])[0], struct.unpack("<i", head[32:36])[0]
            if n_ref < 0 or not 0 <= l_nm <= 1 << 26:
                return None
            names = handle.read(l_nm)
        if len(names) != l_nm:
            return None
        found = [x.decode() for x in names.split(b"\0")[:n_ref]]
    except (OSError, EOFError, ValueError, UnicodeDecodeError, zlib.error, struct.error):
        return None
    return found if len(found) == n_ref else None


def _open_indexed_once(path: Path, threads: int) -> Any:
    """An indexed bgzipped VCF opened with its tabix index loaded once, or None when this cannot be done the same way.

    htslib loads the index while it reads the header (to add the chromosomes the index lists and the header does not)
    and again for the first region query: ~35 ms each on a whole genome's index (issue 20). Opened through a link of
    the same name in a folder without the index, the header is read alone, and the index is then loaded once for the
    queries. Only when the header declares every chromosome the index lists, so the header is the same as htslib's
    own; otherwise (None) the file is opened the ordinary way."""
    from cyvcf2 import VCF

    index = Path(str(path) + ".tbi")
    if not path.name.endswith(".gz") or Path(str(path) + ".csi").exists() or not index.is_file():
        return None
    names = _tbi_names(index)
    if names is None:
        return None
    try:
        folder = tempfile.mkdtemp(prefix="charcot-open-")
    except OSError:
        return None
    try:
        link = Path(folder) / path.name
        link.symlink_to(path.resolve())
        try:
            vcf = VCF(str(link), lazy=True, threads=threads)
        except Exception:
            return None  # opened the ordinary way, which reports the problem
        if "##contig=" not in vcf.raw_header or not set(names) <= set(vcf.seqnames):
            vcf.close()
            return None
        try:
            vcf.set_index(str(index))
        except Exception:
            vcf.close()
            return None
        return vcf
    except OSError:
        return None
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


def open_vcf(path: Path, threads: int = 1, feeder: GunzipFeeder | None = None, *, intact_checked_later: bool = False,
             index_once: bool = False) -> Any:
    """Open a VCF/BCF with htslib after checking it is one. With ``feeder`` (a plain-gzip file), htslib
    reads the feeder's pipe and the truncation check happens during that single pass (``feeder.finish``);
    ``intact_checked_later``: the caller inflates the whole file itself (``prefilter.select``); ``index_once``: an
    indexed file whose index is used for region queries (``_open_indexed_once``)."""
    from cyvcf2 import VCF

    quiet_htslib()

    if not path.exists():
        raise InputError("file not found", path=path, hint="check the path (and the current folder for a relative path)")
    if path.is_dir():
        raise InputError("is a directory, not a VCF file", path=path, hint="give the VCF file inside it")
    if path.stat().st_size == 0:
        raise InputError("the file is empty", path=path, hint="expected a VCF or BCF file with a header")
    if feeder is None and not intact_checked_later:
        _check_gzip_intact(path)
    with open(path, "rb") as handle:
        head = handle.read(2)
    if head != b"\x1f\x8b" and head != b"BC":
        with open(path, "rb") as handle:
            first = handle.readline(200)
        if first.startswith(b"\xef\xbb\xbf"):
            raise InputError("the file starts with a byte-order mark (BOM) before '##fileformat': htslib cannot "
                             "read it", path=path, line=1,
                             hint="save it as UTF-8 without a BOM, e.g. sed -i '1s/^\\xEF\\xBB\\xBF//' FILE")
        if first[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise InputError("the file is UTF-16 text; a VCF is plain (ASCII/UTF-8) text", path=path, line=1,
                             hint="convert it: iconv -f UTF-16 -t UTF-8 FILE > FILE.vcf")
        if not first.startswith(b"##fileformat=VCF"):
            raise InputError("not a VCF file: the first line must be '##fileformat=VCFv4.x'", path=path, line=1,
                             hint="give a VCF (plain or bgzipped) or a BCF file")
    vcf = _open_indexed_once(path, threads) if index_once and feeder is None else None
    if vcf is None:
        try:
            vcf = VCF(feeder.source if feeder is not None else str(path), lazy=True, threads=threads)
            if feeder is not None:
                feeder.opened()
        except (OSError, ValueError, Exception) as exc:
            if feeder is not None:
                feeder.abort()
                feeder.finish()  # a damaged file is the reason, if it is one
            damage = bgzf_damage(path) if _is_bgzf(path) else None
            if damage:
                raise InputError(damage, path=path,
                                 hint="copy or download the file again; check it with 'bgzip -t'") from None
            duplicate = _duplicate_sample(path)
            if duplicate:
                raise InputError(f"the sample name {duplicate!r} appears twice in the #CHROM line", path=path,
                                 hint="each sample column needs its own name (bcftools reheader --samples)") from None
            why = str(exc).replace(feeder.source, "the decompressed file") if feeder is not None else str(exc)
            raise InputError(f"not a readable VCF/BCF file: {why}", path=path,
                             hint="check the header: it needs ##fileformat, ##INFO/##FORMAT definitions and the "
                                  "'#CHROM ...' column line; 'bcftools view FILE' shows the problem") from None
    if not vcf.raw_header.startswith("##fileformat=VCF"):
        raise InputError("not a VCF file: the header has no '##fileformat=VCFv4.x' line", path=path, line=1,
                         hint="give the variant caller's VCF; its first line is ##fileformat=VCFv4.2 (or 4.1-4.4)")
    return vcf


def _index_files(path: Path) -> list[Path]:
    """The file's indexes, the one htslib reads first: it looks for ``.csi`` before ``.tbi`` (hts_idx_load)."""
    return [Path(str(path) + suffix) for suffix in (".csi", ".tbi") if Path(str(path) + suffix).exists()]


def _rebuild_hint(path: Path, index: Path | None = None) -> str:
    if path.name.lower().endswith(".bcf"):
        how = f"bcftools index -f {path.name}"  # tabix cannot index a BCF; a CSI index is bcftools' own default
    elif index is not None and index.suffix == ".csi":
        how = f"bcftools index -f -c {path.name}"
    else:
        how = f"tabix -f -p vcf {path.name}, or bcftools index -f {path.name}"
    return f"rebuild it ({how}) or delete it; charcot then reads the whole file"


def _bgzf_header(data: bytes, i: int) -> tuple[int, int] | None:
    """(block size, extra-field length) read from the BGZF block header at ``data[i]``, or None when the bytes there
    are not one."""
    if data[i:i + 4] != _BGZF_MAGIC or len(data) < i + 18:
        return None
    from charcot.structured import bgzf_block_size

    xlen = struct.unpack("<H", data[i + 10:i + 12])[0]
    bsize = bgzf_block_size(data[i + 12:i + 12 + xlen])
    if bsize is None or bsize < 12 + xlen + 8:
        return None
    return bsize, xlen


def bgzf_block_at(data: bytes, i: int) -> tuple[bytes, int] | None:
    """(decompressed text, compressed size) of a BGZF block starting at ``data[i]``, or None if the bytes
    there are not a whole, intact block (CRC and size checked)."""
    header = _bgzf_header(data, i)
    if header is None or len(data) < i + header[0]:
        return None
    bsize, xlen = header
    body = data[i + 12 + xlen:i + bsize]
    try:
        text = zlib.decompress(body[:-8], -15)
    except zlib.error:
        return None
    crc, isize = struct.unpack("<II", body[-8:])
    if zlib.crc32(text) != crc or len(text) != isize:
        return None
    return text, bsize


def _bgzf_text_from(data: bytes, start: int, limit: int = 4) -> bytes:
    """Decompressed text of up to ``limit`` consecutive BGZF blocks from the first intact block at or after
    ``start`` in ``data`` (empty if none)."""
    i = data.find(_BGZF_MAGIC, start)
    while i >= 0:
        first = bgzf_block_at(data, i)
        if first is not None:
            parts = [first[0]]
            i += first[1]
            while len(parts) < limit:
                nxt = bgzf_block_at(data, i)
                if nxt is None:
                    break
                parts.append(nxt[0])
                i += nxt[1]
            return b"".join(parts)
        i = data.find(_BGZF_MAGIC, i + 1)
    return b""


def _record_key(line: bytes) -> tuple[str, int, str] | None:
    if not line or line.startswith(b"#"):
        return None
    cols = line.split(b"\t", 5)
    if len(cols) < 5 or not cols[1].isdigit():
        return None
    try:
        return cols[0].decode(), int(cols[1]), cols[3].decode()
    except (UnicodeDecodeError, ValueError):
        return None


def _bgzf_size_at(data: bytes, i: int) -> tuple[int, int] | None:
    """(size, extra-field length) of the BGZF block whose header starts at ``data[i]`` (read from the header alone),
    or None when the bytes there are not a BGZF block header, or the block's end is followed by bytes that are not the
    next block's header (a chance match of the magic bytes inside compressed data)."""
    header = _bgzf_header(data, i)
    if header is None:
        return None
    after = data[i + header[0]:i + header[0] + 4]
    if after and len(after) == 4 and after != _BGZF_MAGIC:
        return None
    return header


K = TypeVar("K")


def _first_key_near(data: bytes, parse: Callable[[bytes], K | None]) -> K | None:
    """``parse`` of the first whole line it accepts in the BGZF blocks of ``data`` (from its first block): the
    first 16 KiB of the first block are inflated, and whole blocks (CRC checked) only when they hold no such line."""
    i = data.find(_BGZF_MAGIC)
    while i >= 0:
        header = _bgzf_size_at(data, i)
        if header is not None:
            bsize, xlen = header
            try:
                text = zlib.decompressobj(-15).decompress(data[i + 12 + xlen:i + bsize - 8], 16384)
            except zlib.error:
                text = b""
            lines = text.split(b"\n")[1:-1]  # whole lines only
            key = next((x for x in map(parse, lines) if x is not None), None)
            if key is not None:
                return key
            lines = _bgzf_text_from(data, i).split(b"\n")[1:-1]
            return next((x for x in map(parse, lines) if x is not None), None)
        i = data.find(_BGZF_MAGIC, i + 1)
    return None


def sampled_keys(path: Path, parse: Callable[[bytes], K | None], samples: int = 16, *,
                 refuse_bcf: bool = False) -> list[K] | None:
    """``parse`` of lines read straight from the BGZF blocks of a bgzipped text file: 4 spread over the first block,
    the first it accepts near each of ``samples`` evenly spaced byte offsets (a block's first 16 KiB), and the last.
    Never the whole file. None when the file is not BGZF (or, with ``refuse_bcf``, is a BCF)."""
    if not _is_bgzf(path):
        return None
    size = path.stat().st_size
    keys: list[K] = []
    window = 2 * 65536  # a BGZF block is at most 64 KiB: a whole one starts within the first half
    with open(path, "rb") as handle:
        first_text = _bgzf_text_from(handle.read(window), 0, limit=1)
        if refuse_bcf and first_text.startswith(b"BCF"):
            return None
        # lines spread over the first block (a small file is one or two blocks, which the offsets below miss)
        lines = [x for x in map(parse, first_text.split(b"\n")[:-1]) if x is not None]
        for x in lines[len(lines) // 4::max(1, len(lines) // 4)][:4]:
            if x not in keys:
                keys.append(x)
        for k in range(1, samples + 1):
            handle.seek(size * k // (samples + 1))
            key = _first_key_near(handle.read(window), parse)
            if key is not None and key not in keys:
                keys.append(key)
        handle.seek(max(0, size - 4 * 65536))
        tail = handle.read()
    # the last line: the blocks of the tail are walked by their headers, and the last three inflated
    starts: list[int] = []
    i = tail.find(_BGZF_MAGIC)
    while i >= 0 and not starts:
        if _bgzf_size_at(tail, i) is not None:
            starts.append(i)
        else:
            i = tail.find(_BGZF_MAGIC, i + 1)
    while starts and (header := _bgzf_size_at(tail, starts[-1])) is not None and starts[-1] + header[0] < len(tail):
        starts.append(starts[-1] + header[0])
    text = _bgzf_text_from(tail, starts[-3] if len(starts) >= 3 else 0, limit=3) if starts else b""
    last = next((x for x in map(parse, reversed(text.split(b"\n")[1:])) if x is not None), None)
    if last is None:  # a line longer than the last blocks: decode the whole tail
        text = _bgzf_text_from(tail, 0, limit=1 << 20)
        last = next((x for x in map(parse, reversed(text.split(b"\n")[1:])) if x is not None), None)
    if last is not None and last not in keys:
        keys.append(last)
    return keys


def sampled_records(path: Path, samples: int = 16) -> list[tuple[str, int, str]] | None:
    """(CHROM, POS, REF) of records read straight from the BGZF blocks of a bgzipped VCF (``sampled_keys``): 4
    spread over the first block, one near each of ``samples`` evenly spaced byte offsets and the file's last record.
    None when the file is not bgzipped VCF text (e.g. BCF)."""
    return sampled_keys(path, _record_key, samples, refuse_bcf=True)


def tabix_conf(index: Path) -> tuple[int, int, int, int, str, int] | None:
    """(format, sequence column, begin column, end column, meta character, lines skipped) from a tabix ``.tbi`` or a
    ``.csi`` with tabix's configuration, or None when the index holds none."""
    try:
        with gzip.open(index, "rb") as handle:
            head = handle.read(64)
    except (OSError, EOFError):
        return None
    try:
        if head[:4] == b"TBI\x01":
            fmt, seq, beg, end, meta, skip = struct.unpack("<6i", head[8:32])
        elif head[:4] == b"CSI\x01" and struct.unpack("<i", head[12:16])[0] >= 28:
            fmt, seq, beg, end, meta, skip = struct.unpack("<6i", head[16:40])
        else:
            return None
    except struct.error:
        return None
    if seq < 1 or beg < 1 or not 0 <= meta < 256:
        return None
    return fmt, seq, beg, end, chr(meta), skip


def tabix_table_mismatch(path: Path, index: Path, fetch: Callable[[str, int, int], Any]) -> str | None:
    """How a tabix-indexed table (``path``, its ``index``) shows that the index is not of the file as it is now:
    a row read straight from the file's BGZF blocks (``sampled_keys``) that ``fetch(chrom, start0, end0)`` does not
    return; None when every sampled row is found (or the index holds no tabix configuration to read rows by)."""
    conf = tabix_conf(index)
    if conf is None:
        return None
    fmt, seq, beg, _end, meta, _skip = conf
    zero_based = int(bool(fmt & 0x10000))
    meta_byte = meta.encode("latin-1")

    def parse(line: bytes) -> tuple[str, int, str] | None:
        line = line.rstrip(b"\r")
        if not line or line.startswith(meta_byte):
            return None
        cols = line.split(b"\t")
        if len(cols) < max(seq, beg) or not cols[beg - 1].isdigit():
            return None  # a header line
        try:
            return cols[seq - 1].decode(), int(cols[beg - 1]) + zero_based, line.decode()
        except UnicodeDecodeError:
            return None

    for chrom, pos, line in sampled_keys(path, parse) or []:
        try:
            rows = {str(r).rstrip("\r") for r in fetch(chrom, pos - 1, pos)}
        except (ValueError, OSError):
            rows = set()
        if line not in rows:
            return (f"the row at {chrom}:{pos}, read from the file itself, is not found through the index (the file "
                    "was changed or compressed again after it was indexed, or the index is another file's)")
    return None


# hts-specs CSIv1 (section 5.2): magic "CSI\1", min_shift, depth, l_aux, aux, n_ref; per reference n_bin and per bin:
# bin (uint32), loffset (uint64), n_chunk (int32) and n_chunk (chunk_beg, chunk_end) virtual offsets (uint64 pairs).
# Bin numbers count from the root, level by level (level l starts at ((1 << 3l) - 1) / 7); the pseudo-bin
# ((1 << 3(depth + 1)) - 1) / 7 + 1 holds the reference's first and last virtual offsets and record counts.
_CSI_BIN = struct.Struct("<IQi")
_CSI_CHUNK = struct.Struct("<QQ")


@dataclass
class CsiBins:
    """What a CSI index says about its data file: for each bin, its first chunk's start (a virtual offset:
    compressed offset << 16 | offset in the inflated block) with the reference id and bin; the end of the last
    record it lists."""

    min_shift: int
    depth: int
    starts: list[tuple[int, int, int]]  # (virtual offset, reference id, bin), in file order
    end: int  # virtual offset just past the last record the index lists

    def region(self, bin_: int) -> tuple[int, int]:
        """0-based half-open span of the reference a bin covers."""
        level = 0
        while level < self.depth and ((1 << 3 * (level + 1)) - 1) // 7 <= bin_:
            level += 1
        span = 1 << (self.min_shift + 3 * (self.depth - level))
        first = (bin_ - ((1 << 3 * level) - 1) // 7) * span
        return first, first + span


def read_csi(index: Path) -> CsiBins | None:
    """The bins of a CSI index (``CsiBins``), or None when the file is not a CSI index charcot can read."""
    try:
        with gzip.open(index, "rb") as handle:
            data = handle.read()
    except (OSError, EOFError, zlib.error):
        return None
    if data[:4] != b"CSI\x01":
        return None
    try:
        min_shift, depth, l_aux = struct.unpack_from("<3i", data, 4)
        if not 0 < min_shift < 32 or not 0 < depth < 16 or l_aux < 0:
            return None
        off = 16 + l_aux
        (n_ref,) = struct.unpack_from("<i", data, off)
        off += 4
        pseudo = ((1 << 3 * (depth + 1)) - 1) // 7 + 1
        starts: list[tuple[int, int, int]] = []
        end = 0
        for tid in range(n_ref):
            (n_bin,) = struct.unpack_from("<i", data, off)
            off += 4
            for _ in range(n_bin):
                bin_, _loffset, n_chunk = _CSI_BIN.unpack_from(data, off)
                off += 16
                if n_chunk > 0 and bin_ != pseudo:
                    starts.append((_CSI_CHUNK.unpack_from(data, off)[0], tid, bin_))
                    end = max(end, _CSI_CHUNK.unpack_from(data, off + 16 * (n_chunk - 1))[1])
                off += 16 * n_chunk
            if off > len(data):
                return None
    except struct.error:
        return None
    starts.sort()
    return CsiBins(min_shift, depth, starts, end)


def _bgzf_text_at(handle: Any, offset: int, need: int) -> bytes | None:
    """The inflated text of the BGZF blocks from the one that starts at byte ``offset`` on, until ``need`` bytes (or
    the end of the file); None when no intact block starts there."""
    parts: list[bytes] = []
    total = 0
    while total < need:
        handle.seek(offset)
        block = bgzf_block_at(handle.read(65536), 0)  # a BGZF block is at most 64 KiB
        if block is None:
            return None if not parts else b"".join(parts)
        parts.append(block[0])
        total += len(block[0])
        offset += block[1]
        if not block[0]:
            break  # the end-of-file marker (an empty block)
    return b"".join(parts)


_TYPE_SIZE = {0: 0, 1: 1, 2: 2, 3: 4, 5: 4, 7: 1}  # BCF2 typed values: missing, int8/16/32, float, char


def _typed(text: bytes, p: int) -> tuple[bytes, int]:
    """(bytes, position after) of the BCF2 typed value at ``text[p]`` (hts-specs VCFv4.3 section 6.3.3)."""
    kind, n = text[p] & 0xF, text[p] >> 4
    p += 1
    if n == 15:  # the count follows as a typed integer
        width = _TYPE_SIZE[text[p] & 0xF]
        n = int.from_bytes(text[p + 1:p + 1 + width], "little", signed=True)
        p += 1 + width
    width = _TYPE_SIZE[kind] * n
    if width < 0 or p + width > len(text):
        raise ValueError("past the end")
    return text[p:p + width], p + width


def _bcf_record_at(handle: Any, voffset: int) -> tuple[int, int, int, str] | None:
    """(reference id, 0-based POS, rlen, REF) of the BCF record at a virtual offset, read from the file's bytes
    (hts-specs VCFv4.3 section 6.3: l_shared, l_indiv, CHROM, POS, rlen, QUAL, n_allele_info, n_fmt_sample, ID,
    alleles); None when no intact block starts there or the bytes are not a record."""
    coffset, uoffset = voffset >> 16, voffset & 0xFFFF
    text = _bgzf_text_at(handle, coffset, uoffset + 32)
    if text is None or len(text) < uoffset + 32:
        return None
    l_shared, _l_indiv, rid, pos, rlen = struct.unpack_from("<IIiii", text, uoffset)
    (n_allele_info,) = struct.unpack_from("<I", text, uoffset + 24)
    if l_shared < 24 or rid < 0 or pos < 0 or rlen < 0 or n_allele_info >> 16 < 1:
        return None
    text = _bgzf_text_at(handle, coffset, uoffset + 8 + min(l_shared, 1 << 20)) or b""
    shared = text[uoffset + 8:uoffset + 8 + l_shared]
    try:
        _id, p = _typed(shared, 24)
        ref, _ = _typed(shared, p)
        return rid, pos, rlen, ref.decode("ascii")
    except (IndexError, KeyError, ValueError):
        return None


def _bcf_data_end_mismatch(handle: Any, size: int, voffset: int) -> str | None:
    """Whether the file's records end where the index says its last record ends (only empty blocks, the
    end-of-file marker, after it); the reason when not."""
    coffset, uoffset = voffset >> 16, voffset & 0xFFFF
    if size - coffset > 4 * 65536:
        return "the file goes on past the last record its index lists"
    parts: list[bytes] = []
    at = coffset
    while at < size:
        handle.seek(at)
        block = bgzf_block_at(handle.read(65536), 0)
        if block is None:
            return "the last record its index lists does not end where one of the file's compressed blocks is"
        parts.append(block[0])
        at += block[1]
    left = len(b"".join(parts))
    if left < uoffset:
        return "the file ends before the last record its index lists"
    if left > uoffset:
        return "the file goes on past the last record its index lists"
    return None


def bcf_index_mismatch(path: Path, vcf: Any, samples: int = 16) -> tuple[bool, str | None, int]:
    """Check a BCF's CSI index against the file (a BCF's records cross BGZF block boundaries, so they cannot be
    sampled from blocks as VCF lines are): the record at the first chunk of ``samples`` bins spread over the index
    (and of its last bin) is read from the file's bytes at that virtual offset and must be a record on the bin's
    reference inside the bin's span that a query through the index finds; the index's last record must end where
    the file's records do. (checked, the reason for a mismatch or None, records checked); not checked when the index
    cannot be read here (htslib read it: the caller decides)."""
    index = index_in_use(path)
    csi = read_csi(index) if index is not None else None
    if csi is None:
        return False, None, 0
    names = list(vcf.seqnames)
    picks = sorted({csi.starts[len(csi.starts) * k // samples] for k in range(samples)} | {csi.starts[-1]}
                   if csi.starts else set())
    size = path.stat().st_size
    with open(path, "rb") as handle:
        for voffset, tid, bin_ in picks:
            first, last = csi.region(bin_)
            where = (f"{names[tid]}:{first + 1:,}-{last:,}" if 0 <= tid < len(names)
                     else f"reference number {tid}")
            record = _bcf_record_at(handle, voffset)
            if record is None or record[0] != tid or tid >= len(names) or not first <= record[1] < last \
                    or record[1] + max(record[2], 1) > last:
                return True, (f"the index sends a query for records at {where} to byte {voffset >> 16:,} of the "
                              "file, where no record of that stretch starts"), 0
            rid, pos, _rlen, ref = record
            if not _found_through_index(vcf, (names[rid], pos + 1, ref)):
                return True, (f"the record at {names[rid]}:{pos + 1}, read from the file itself, is not found "
                              "through the index"), 0
        reason = _bcf_data_end_mismatch(handle, size, csi.end) if picks else None
    return True, reason, len(picks) + 1


def _found_through_index(vcf: Any, key: tuple[str, int, str]) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            hits = {(v.CHROM, int(v.POS), v.REF) for v in vcf(f"{key[0]}:{key[1]}-{key[1]}")}
    except Exception:
        hits = set()
    return key in hits


def index_in_use(path: Path) -> Path | None:
    """The index htslib reads for ``path``: ``.csi`` when there is one (htslib looks for it first), else ``.tbi``."""
    return next(iter(_index_files(path)), None)


def check_index(path: Path, vcf: Any, *, first_from_reader: bool = False) -> str | None:
    """Refuse an index that would make records disappear silently; bcftools refuses these too, and a
    silent miss would report 'no variant found'.

    The index is checked whatever its time-stamp: the file's first record, records read straight from evenly
    spaced BGZF blocks (and spread over the first block) and the file's last record must all be found through it.
    An index of another file, of this file before it changed, or of another compression of it misses one of them
    (its offsets point elsewhere in the file). The time-stamps prove nothing either way: a web upload or a plain
    ``cp`` of the VCF and its index writes them in either order, and a file rewritten after indexing can carry an
    older time-stamp than its index (``touch -r``, ``cp -p``, ``rsync -t``). A miss is refused; an older index that
    passes is used and the returned note says it was checked.

    A BCF's records cross BGZF block boundaries and cannot be sampled from blocks: its CSI index is read instead
    and the records it points to are checked (``bcf_index_mismatch``).

    Returns a note for the reading summary, None when there is nothing to say, or ``UNVERIFIED_INDEX``
    when an older index cannot be checked (a BCF index charcot cannot parse): the caller then reads the file
    without it.

    ``first_from_reader``: take the first record from ``vcf`` itself (a reader that is used only for region
    queries afterwards) instead of opening the file a second time."""
    index = index_in_use(path)
    if index is None:
        return None
    from cyvcf2 import VCF

    try:
        probe = vcf if first_from_reader else VCF(str(path), lazy=True)
    except Exception:
        return None  # the main reader reports the file itself
    try:
        first = next(iter(probe), None)
        key = (first.CHROM, int(first.POS), first.REF) if first is not None else None
    except Exception:
        key = None  # the record is reported when the file is read
    finally:
        if probe is not vcf:
            probe.close()
    older = index.stat().st_mtime_ns < path.stat().st_mtime_ns
    other = [i.name for i in _index_files(path) if i != index]
    which = (f" (htslib reads the {index.suffix} index when there is one, so {other[0]} beside it is not used)"
             if other else "")
    if key is not None and key[1] >= 1 and not _found_through_index(vcf, key):
        if older:
            raise InputError(f"the index {index.name} is older than the data file and does not match it: a query "
                             f"for the file's first record ({key[0]}:{key[1]}) does not find it, so the file changed "
                             f"after it was indexed{which}", path=index, hint=_rebuild_hint(path, index))
        raise InputError(f"the index {index.name} does not belong to this file: a query for the file's first "
                         f"record ({key[0]}:{key[1]}) does not find it{which}", path=index,
                         hint=_rebuild_hint(path, index))
    keys = sampled_records(path)
    if keys is None:
        checked, reason, n = bcf_index_mismatch(path, vcf) if _is_bgzf(path) else (False, None, 0)
        if not checked:  # a CSI index charcot cannot read (htslib did): an older one is not used
            return UNVERIFIED_INDEX if older else None
        if reason is not None:
            if older:
                raise InputError(f"the index {index.name} is older than the data file and does not match it: "
                                 f"{reason}, so region queries would silently miss records{which}", path=index,
                                 hint=_rebuild_hint(path, index))
            raise InputError(f"the index {index.name} does not match the data file: {reason} (the file was changed "
                             "or compressed again after it was indexed, though its time-stamp does not show it, or "
                             f"the index is another file's), so region queries would silently miss records{which}",
                             path=index, hint=_rebuild_hint(path, index))
        if not older:
            return None
        return (f"the index {index.name} is older than the data file (as after a copy or an upload); {n} records "
                "the index points to across the file were read from the file itself and found through it, and its "
                "last record ends where the file does, so it was used")
    for sample in keys:
        if not _found_through_index(vcf, sample):
            if older:
                raise InputError(f"the index {index.name} is older than the data file and does not match it: the "
                                 f"record at {sample[0]}:{sample[1]}, read from the file itself, is not found through "
                                 f"the index, so region queries would silently miss records{which}", path=index,
                                 hint=_rebuild_hint(path, index))
            raise InputError(f"the index {index.name} does not match the data file: the record at "
                             f"{sample[0]}:{sample[1]}, read from the file itself, is not found through the index (the "
                             "file was changed or compressed again after it was indexed, though its time-stamp does "
                             "not show it, or the index is another file's), so region queries would silently miss "
                             f"records{which}", path=index, hint=_rebuild_hint(path, index))
    if not older:
        return None
    return (f"the index {index.name} is older than the data file (as after a copy or an upload); "
            f"{len(keys) + 1} records sampled across the file were all found through it, so it was used")


UNVERIFIED_INDEX = "unverified"


def _stream_panel_count(path: Path, intervals: dict[str, tuple[list[int], list[int]]]) -> tuple[int, int]:
    """(records, records in the panel) reading the whole file without its index."""
    from cyvcf2 import VCF

    total = in_panel = 0
    reader = VCF(str(path), lazy=True)
    try:
        for v in reader:
            total += 1
            iv = intervals.get(normalise_contig(v.CHROM))
            if iv is not None and _in_intervals(iv, v.POS, v.end):
                in_panel += 1
    except Exception as exc:
        raise _unparsable_record(path, total, exc) from None
    finally:
        reader.close()
    return total, in_panel


def _no_records(path: Path) -> InputError:
    return InputError("the VCF has a header but no records: nothing can be assessed from it", path=path,
                      hint="check the variant-calling step that wrote it; an empty call set does not show that "
                           "no variant is present")


def _intervals(panel: Panel) -> dict[str, tuple[list[int], list[int]]]:
    out: dict[str, tuple[list[int], list[int]]] = {}
    for chrom, s, e in panel.regions():
        starts, ends = out.setdefault(chrom, ([], []))
        starts.append(s)
        ends.append(e)
    return out


def _in_intervals(iv: tuple[list[int], list[int]], start: int, end: int) -> bool:
    starts, ends = iv
    i = bisect.bisect_right(starts, end) - 1
    return i >= 0 and ends[i] >= start


def read_calls(path: Path, panel_for: Any, **options: Any) -> ReadResult:
    """Read the sample's calls in the panel. ``panel_for(build) -> Panel`` gives the panel once the
    build is known. A plain-gzip file is inflated once, by a ``GunzipFeeder``, while it is read."""
    path = Path(path)
    kind = _prefilter_kind(path) if options.get("prefetch") is None else None
    if kind is not None:
        try:
            return _read_calls(path, panel_for, select=kind, **options)
        except prefilter.Doubt:
            pass  # the record-by-record pass below gives the same result, or the exact error with its line
    feeder = None
    try:
        if path.is_file() and path.stat().st_size > 0 and is_plain_gzip(path) and GunzipFeeder.available():
            feeder = GunzipFeeder(path)
    except OSError:
        feeder = None  # open_vcf reports the file
    try:
        result = _read_calls(path, panel_for, feeder=feeder, **options)
    except InputError:
        if feeder is not None:
            if not feeder.done():
                feeder.abort()
            feeder.finish()  # damaged compression is the reason, if it is one
        raise
    if feeder is not None:
        feeder.finish()
    return result


def _prefilter_kind(path: Path) -> str | None:
    """"text" or "gzip" for a large unindexed plain-text or plain-gzip VCF that ``prefilter`` can select from."""
    if not prefilter.wanted(path) or _has_index(path):
        return None
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError:
        return None
    if head.startswith(b"##fileformat=VCF"):
        return "text"
    return "gzip" if head[:2] == b"\x1f\x8b" and not _is_bgzf(path) else None


def _read_calls(
    path: Path,
    panel_for: Any,
    *,
    select: str | None = None,
    feeder: GunzipFeeder | None = None,
    sample: str | None = None,
    build: str = "auto",
    sex: str | None = None,
    min_gq: int | None = None,
    min_dp: int | None = None,
    include_filtered: bool = False,
    threads: int = 1,
    prefetch: IndexPrefetch | None = None,
) -> ReadResult:
    vcf = open_vcf(path, threads=threads, feeder=feeder, intact_checked_later=select is not None,
                   index_once=select is None and prefetch is None and _has_index(path))
    infos, numbers, lengths, header_contigs, gvcf_header, raw_header = _header_info(vcf)
    if "#CHROM" not in raw_header:
        raise InputError("the header has no '#CHROM' line", path=path,
                         hint="the column line '#CHROM POS ID REF ALT ...' ends the header; the file is cut or edited")
    schema = schema_from_header(infos, str(path), numbers)
    resolved = resolve_build(build, lengths, path, header_contigs)
    for annotator, (annotated_on, said) in annotation_builds(raw_header).items():
        if annotator in schema.sources and annotated_on != resolved.value:
            # an annotation made on the other build (a VCF lifted over with its INFO, or annotated with the wrong
            # cache/database): its consequences describe other bases, and SnpEff flags a REF mismatch only where the
            # two builds' bases differ by chance
            raise InputError(f"the VCF is {resolved.value}, but its {annotator} annotation was made on {annotated_on} "
                             f"({said} in its header): its consequences describe the other build's positions",
                             path=path, hint=f"re-annotate the VCF on {resolved.value}, or remove the annotation "
                                             f"(bcftools annotate -x INFO/{schema.info_tag(annotator)}) "
                                             "to let charcot compute consequences")
    samples = list(vcf.samples)
    if not samples:
        raise InputError("the file has no sample columns (a sites-only VCF has no genotypes to interpret)",
                         path=path, hint="give the per-sample VCF from the variant caller")
    if sample is None:
        if len(samples) > 1:
            raise InputError(f"the file has {len(samples)} samples ({', '.join(samples[:10])}); say which one to interpret",
                             path=path, hint="pass --sample ID")
        sample = samples[0]
    if sample not in samples:
        raise InputError(f"sample {sample!r} is not in the file (samples: {', '.join(samples[:20])})", path=path,
                         hint="pass one of the listed sample IDs with --sample")
    if "##FORMAT=<ID=GT," not in raw_header:
        raise InputError("the header declares no FORMAT/GT field, so genotypes cannot be read", path=path,
                         hint="give the caller's VCF with genotypes (FORMAT GT)")
    check_call_thresholds(raw_header, path, min_gq, min_dp,
                          "every call would be dropped and the genes read as free of variants")
    sample_idx = samples.index(sample)
    panel: Panel = panel_for(resolved)
    indexed = _has_index(path)
    index_note: str | None = None
    if indexed:
        index_note = check_index(path, vcf, first_from_reader=True)  # then only region queries (or reopened)
        if index_note == UNVERIFIED_INDEX:
            indexed = False
            vcf.close()  # the check's index query moved the reader: stream from the start again
            vcf = open_vcf(path, threads=threads)
            index_note = (f"the index {_index_files(path)[0].name} is older than the data file and could not be "
                          "checked against it, so the whole file was read without it")
    temp_index = False
    if not indexed and (prefetch is not None or IndexPrefetch.wanted(path)):
        prefetch = prefetch or IndexPrefetch(path)
        # the same region queries below, on a small file holding every record they can return (bgzf_scan)
        subset = prefetch.selected(panel, header_contigs) if header_contigs else None
        if subset is not None:
            from cyvcf2 import VCF

            vcf.close()
            vcf = VCF(str(subset[0]), lazy=True, threads=threads)
            vcf.set_index(str(subset[1]))
            indexed = temp_index = True
        else:
            built = prefetch.index()
            if built is not None:
                vcf.set_index(str(built))
                indexed = temp_index = True
                if not header_contigs:
                    # no ##contig lines: the regions are asked by the index's names, as for a file opened with
                    # its own index (_header_info then reads them from the index); asked by none, every gene
                    # was "not assessed: no record on its chromosome" beside hundreds of thousands of records read
                    header_contigs = list(vcf.seqnames)
    result = ReadResult(path=path, sample=sample, samples=samples, build=resolved, schema=schema, calls=[],
                        # a header that merely declares <NON_REF> (GenotypeGVCFs output keeps it) is not a
                        # gVCF: only records using a reference-block ALT make one
                        blocks=[], gvcf=False, indexed=indexed and not temp_index,
                        temporary_index=temp_index, index_note=index_note,
                        format_ids=frozenset(re.findall(r"##FORMAT=<ID=([^,>]+)", raw_header)))
    declared = set(header_contigs)
    ploidy_male = (sex or "").lower() in ("male", "m")
    par = PAR_X[resolved]
    intervals = _intervals(panel)
    scan = None
    selection = None
    if select is not None:
        end_type = vcf.get_header_type("END") if gvcf_header and "##INFO=<ID=END," in raw_header else {}
        if indexed or temp_index or not header_contigs or (gvcf_header and (
                end_type.get("Type") != "Integer" or end_type.get("Number") != "1")):
            # (a reference block's END is checked through htslib's warning, given only for an Integer END)
            raise prefilter.Doubt("not a case for the selection pass")
        selection = tempfile.TemporaryDirectory(prefix="charcot-select-")
        targets, selected = Path(selection.name) / "targets.bed", Path(selection.name) / "panel.bcf"
        prefilter.write_targets(targets, panel.regions(), header_contigs, lengths)
        scan = prefilter.TextScan(set(header_contigs))
        vcf.close()
        try:
            prefilter.select(path, select == "gzip", targets, selected, scan)
            from cyvcf2 import VCF

            vcf = VCF(str(selected), lazy=True)
        except BaseException:
            selection.cleanup()
            raise

    def records() -> Iterator[tuple[Any, int | None]]:
        if indexed:
            # The regions are merged and sorted, so a record comes back from two queries only when it starts
            # before the second region (and so reaches past the end of an earlier one): only such records are
            # remembered and checked, not every record.
            seen: set[tuple[str, int, str, str]] = set()
            for chrom, s, e in panel.regions():
                name = contig_in_file(chrom, header_contigs) if header_contigs else None
                if name is None:
                    continue
                try:
                    it = vcf(f"{name}:{s}-{e}")
                except Exception as exc:
                    raise InputError(f"the index could not be used ({exc})", path=path,
                                     hint="rebuild it with 'tabix -p vcf' or 'bcftools index'") from None
                for v in it:
                    start = v.POS
                    if start < s or v.end > e:
                        k = (v.CHROM, start, v.REF, ",".join(v.ALT))
                        if start < s and k in seen:
                            continue
                        seen.add(k)
                    yield v, None
        elif scan is not None:
            # bcftools' selection of the panel records (plus any beyond their contig's end), in file order; the
            # whole-file facts come from the scan. Anything the record-by-record pass would refuse is a Doubt.
            chosen: str | None = None
            chosen_length = 0
            chosen_iv: tuple[list[int], list[int]] | None = None
            for v in vcf:
                chrom = v.CHROM
                if chrom != chosen:
                    chosen = chrom
                    chosen_iv = intervals.get(normalise_contig(chrom))
                    chosen_length = lengths.get(chrom, 0)
                start = v.POS
                if (chosen_length and start > chosen_length) or start < 1:
                    raise prefilter.Doubt("a record the careful pass refuses")
                if chosen_iv is not None and _in_intervals(chosen_iv, start, v.end):
                    yield v, None
            streamed[0] = scan.records
            result.contigs_with_records = prefilter.normalised(scan.contigs)
            alternates.update(c for c in (x.decode(errors="replace") for x in scan.contigs) if alternate_locus(c))
            result.spans = prefilter.normalised_spans(scan.spans)
        else:
            n = 0
            last_chrom = None
            run_first = start = 0
            contig_length = 0
            iv: tuple[list[int], list[int]] | None = None
            it = iter(vcf)
            while True:
                try:
                    v = next(it)
                except StopIteration:
                    if last_chrom is not None:
                        prefilter.widen(result.spans, normalise_contig(last_chrom), run_first, start)
                    break
                except Exception as exc:
                    raise _unparsable_record(path, n, exc) from None
                n += 1
                chrom = v.CHROM
                if chrom != last_chrom:
                    if last_chrom is not None:  # ``start``: the previous record's POS, the last of its run
                        prefilter.widen(result.spans, normalise_contig(last_chrom), run_first, start)
                    run_first = v.POS
                    last_chrom = chrom
                    result.contigs_with_records.add(normalise_contig(chrom))
                    if alternate_locus(chrom):
                        alternates.add(chrom)
                    if declared and chrom not in declared:
                        raise InputError(f"contig {chrom!r} is used by a record but not declared in the header",
                                         path=path, line=_line_of_record(path, n), record=f"{chrom}:{v.POS}",
                                         hint="add the ##contig line or reheader the file (bcftools reheader)")
                    iv = intervals.get(normalise_contig(chrom))
                    contig_length = lengths.get(chrom, 0)
                start = v.POS
                if contig_length and start > contig_length:
                    raise _bad_record(path, n, v, f"POS {start} is beyond the end of {chrom} "
                                      f"({contig_length:,} bp in the header)",
                                      "fix or remove the record; the position cannot exist on this contig")
                if start < 1:
                    raise _bad_record(path, n, v, f"POS {start} is not a position (VCF positions start at 1)",
                                      "fix or remove the record; POS 0 is only allowed for telomeres, "
                                      "which no ALS gene touches")
                if iv is None:
                    continue
                if gvcf_header:
                    _check_block_end(path, n, v)
                if not _in_intervals(iv, start, v.end):
                    continue
                yield v, n
            streamed[0] = n

    streamed = [0]
    alternates: set[str] = set()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # cyvcf2 warns for every panel region absent from the index
            for v, n in records():
                result.panel_records += 1
                _handle_record(v, n, path, result, schema, sample_idx, resolved, ploidy_male, par,
                               min_gq, min_dp, include_filtered, declared)
            if indexed:
                # the chromosomes of the calls and blocks just read have records; only the others are asked
                known = {c.chrom for c in result.calls} | {b.chrom for b in result.blocks}
                known.update(chrom for chrom, _, _, _ in result.symbolic)
                result.contigs_with_records = _contigs_with_records(vcf, panel, header_contigs, known)
                seen = prefetch.contigs_seen if prefetch is not None and temp_index else None
                alternates.update(_alternate_loci(vcf, header_contigs) if seen is None
                                  else (c for c in seen if alternate_locus(c)))
                if not result.blocks:  # a gVCF is judged by its callable exons instead
                    result.spans = _spans_through_index(vcf, panel, header_contigs, result.contigs_with_records)
    except InputError:
        if scan is not None:
            raise prefilter.Doubt("the careful pass names the line") from None
        raise
    except Exception as exc:
        if scan is not None:
            if isinstance(exc, prefilter.Doubt):
                raise
            raise prefilter.Doubt("htslib could not read the selection") from None
        damage = bgzf_damage(path) if _is_bgzf(path) else None
        raise InputError(damage or f"the file could not be read to the end ({exc.__class__.__name__}: {exc})",
                         path=path,
                         hint="check that the file is a complete VCF/BCF (bcftools view FILE > /dev/null)") from None
    finally:
        if prefetch is not None:
            prefetch.cleanup()
        if selection is not None:
            vcf.close()
            selection.cleanup()
    result.records_read = result.panel_records if indexed else streamed[0]
    result.alternate_loci = sorted(alternates)
    if indexed and result.panel_records == 0:
        # An index that finds nothing must not turn into 'no variant found': read the file itself.
        total, in_panel = _stream_panel_count(path, intervals)
        if total == 0:
            raise _no_records(path)
        if in_panel and not temp_index:
            index = _index_files(path)[0]
            raise InputError(f"the index {index.name} finds no record in the ALS gene regions, but reading the "
                             f"file without it finds {in_panel}: the index is stale or belongs to another file",
                             path=index, hint=_rebuild_hint(path, index))
        result.records_read = total
    elif not indexed and result.records_read == 0:
        if scan is not None:
            raise prefilter.Doubt("no records")
        raise _no_records(path)
    result.gvcf = result.gvcf or bool(result.blocks)
    _reach_of_calls(result)
    return result


def _reach_of_calls(result: ReadResult) -> None:
    """Widen the spans to the end of the sample's calls read in the panel (a deletion, a symbolic <DEL> reaches past
    its POS): the same on every path, since each reads the same panel records; a few, never the whole file."""
    spans = result.spans
    reach: list[tuple[str, int]] = [(c.chrom, c.vcf_pos + len(c.vcf_ref) - 1) for c in result.calls]
    reach += [(chrom, end) for chrom, _, end, _ in result.symbolic]
    for chrom, end in reach:
        span = spans.get(chrom)
        if span is not None and end > span[1]:
            spans[chrom] = (span[0], end)


def _alternate_loci(vcf: Any, header_contigs: list[str]) -> set[str]:
    """The header's alternate-locus contigs on which the indexed file has a record (one index query each; GRCh38's
    261 ALT contigs take ~2 ms)."""
    found: set[str] = set()
    for name in header_contigs:
        if alternate_locus(name):
            try:
                if next(iter(vcf(name)), None) is not None:
                    found.add(name)
            except Exception:  # a contig the index does not list has no record
                continue
    return found


def _contigs_with_records(vcf: Any, panel: Panel, header_contigs: list[str],
                          known: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """The panel's chromosomes on which the indexed file has at least one record (one index query each, except for
    the ``known`` ones, normalised names of chromosomes already seen to have records)."""
    found: set[str] = set()
    for chrom in sorted({c for c, _, _ in panel.regions()}):
        if normalise_contig(chrom) in known:
            found.add(normalise_contig(chrom))
            continue
        name = contig_in_file(chrom, header_contigs) if header_contigs else None
        if name is None:
            continue
        try:
            first = next(iter(vcf(name)), None)
        except Exception:  # a contig the index does not list has no record
            first = None
        if first is not None:
            found.add(normalise_contig(chrom))
    return found


# _record_at_or_after asks a window this long first: a query open to the chromosome's end makes htslib gather the index
# bins of the whole rest of the chromosome (2.3 ms for chr2:1- against 0.1 ms for chr2:1-1000000; issue 20)
_AFTER_WINDOW = 1_000_000


def _record_at_or_after(vcf: Any, name: str, pos: int) -> int | None:
    """POS of the first record of ``name`` at or after ``pos`` (an index query; records starting before ``pos`` and
    reaching over it are skipped), None when there is none. The window ``pos``..``pos + _AFTER_WINDOW - 1`` is asked
    first (the records are sorted, so a record starting in it is the first at or after ``pos``), the rest of the
    chromosome only when it holds none."""
    for region in (f"{name}:{pos}-{pos + _AFTER_WINDOW - 1}", f"{name}:{pos}-"):
        try:
            for v in vcf(region):
                start = int(v.POS)
                if start >= pos:
                    return start
        except Exception:  # a contig the index does not list has no record
            continue
    return None


def _spans_through_index(vcf: Any, panel: Panel, header_contigs: list[str],
                         with_records: set[str]) -> dict[str, tuple[int, int]]:
    """(first POS, last POS) of the records on each panel chromosome with records, by index queries: the first
    record, and a record at or after the end of the chromosome's last panel gene. Only when a gene lies outside
    what these show is the last POS found exactly (a binary search of about 30 queries): never a scan."""
    spans: dict[str, tuple[int, int]] = {}
    reach: dict[str, tuple[int, int]] = {}
    for g in panel.genes:
        chrom = normalise_contig(g.chrom)
        low, high = reach.get(chrom, (g.region_start, g.region_end))
        reach[chrom] = (min(low, g.region_start), max(high, g.region_end))
    for chrom, (low, high) in sorted(reach.items()):
        name = contig_in_file(chrom, header_contigs) if header_contigs else None
        if chrom not in with_records or name is None:
            continue
        first = _record_at_or_after(vcf, name, 1)
        if first is None:
            continue
        last = _record_at_or_after(vcf, name, high)
        if last is None or first > low:
            # some gene lies past the span's end or before its start: the span's last POS, exactly (the largest
            # position with a record at or after it)
            top, bottom = (high - 1, first) if last is None else (1 << 31, last)
            while bottom < top:
                middle = (bottom + top + 1) // 2
                found = _record_at_or_after(vcf, name, middle)
                if found is None:
                    top = middle - 1
                else:
                    bottom = found
            last = bottom
        spans[chrom] = (first, last)
    return spans


_GT_SEP = re.compile(r"[/|]")
# REF may hold IUPAC codes (a few GRCh37 reference positions do); ALT is bases, '*', a symbolic <ID>,
# a breakend, or a single breakend ('.A', 'A.').
_REF_OK = re.compile(r"[ACGTNRYKMSWBDHVacgtnrykmswbdhv]+")
_ALT_OK = re.compile(r"[ACGTNacgtn]+|\*|<[^<>\s]+>|[ACGTNacgtn]*[\[\]][^\s]*|\.[ACGTNacgtn]+|[ACGTNacgtn]+\.")


def _check_block_end(path: Path, n: int | None, v: Any) -> None:
    info_end = v.INFO.get("END")
    if info_end is not None and int(info_end) < int(v.POS):
        raise _bad_record(path, n, v, f"the reference block ends (END={info_end}) before it starts (POS={v.POS})",
                          "a gVCF block needs END >= POS; the file is damaged or was edited")


def _bad_record(path: Path, n: int | None, v: Any, message: str, hint: str) -> InputError:
    return InputError(message, path=path, line=_line_of_record(path, n) if n else None,
                      record=f"{v.CHROM}:{v.POS} {v.REF}>{','.join(v.ALT) or '.'}", hint=hint)


def _handle_record(v: Any, n: int | None, path: Path, result: ReadResult, schema: AnnotationSchema,
                   sample_idx: int, build: Build, male: bool, par: Sequence[tuple[int, int]],
                   min_gq: int | None, min_dp: int | None, include_filtered: bool, declared: set[str]) -> None:
    # called once per record in the panel (about 9,000 in a genome): each value is read from htslib once, and the
    # common case (one ALT, a diploid genotype) takes no detour (issue 20)
    chrom_file = v.CHROM
    pos: int = v.POS
    if declared and chrom_file not in declared:
        raise InputError(f"contig {chrom_file!r} is used by a record but not declared in the header", path=path,
                         line=_line_of_record(path, n) if n else None, record=f"{chrom_file}:{v.POS}",
                         hint="add the ##contig line or reheader the file (bcftools reheader)")
    chrom = _normalised_contig(chrom_file)
    alts: list[str] = list(v.ALT)
    ref: str = v.REF
    if pos < 1:
        raise _bad_record(path, n, v, f"POS {pos} is not a position (VCF positions start at 1)",
                          "fix or remove the record")
    if ref not in _ONE_BASE and not _REF_OK.fullmatch(ref):
        raise _bad_record(path, n, v, f"REF {ref[:20]!r} is not a sequence of bases",
                          "REF must be the reference bases (A, C, G, T, N); fix or remove the record")
    ref_upper = ref.upper()
    for alt in alts:
        if alt.upper() == ref_upper:
            raise _bad_record(path, n, v, f"ALT {alt[:20]!r} is the same as REF: the record describes no change",
                              "an ALT allele must differ from REF (VCF specification); fix or remove the record")
        if alt not in _ONE_BASE and not _ALT_OK.fullmatch(alt):
            raise _bad_record(path, n, v, f"ALT {alt[:20]!r} is not an allele",
                              "ALT must be bases, '*', a symbolic allele like <DEL>, or '.'; fix or remove "
                              "the record")
    if len(alts) > 1 and len({a.upper() for a in alts}) < len(alts):
        twice = next(a for i, a in enumerate(alts) if a.upper() in {b.upper() for b in alts[:i]})
        raise _bad_record(path, n, v, f"ALT {twice[:20]!r} is listed twice: the genotype's allele numbers cannot say "
                          "which copy is meant (a '1/2' would be this one allele twice)",
                          "list each ALT allele once and renumber the genotype to match; fix or remove the record")
    try:
        gts = v.genotypes
    except Exception:
        gts = None
    if gts is None or not gts:
        raise InputError("the record has no genotype (FORMAT/GT) for the sample", path=path,
                         line=_line_of_record(path, n) if n else None, record=f"{chrom_file}:{v.POS}",
                         hint="every record needs a GT value (use '.' or './.' for a no-call)")
    gt = gts[sample_idx]
    phased = bool(gt[-1]) if len(gt) > 1 else False
    # cyvcf2 gives the allele numbers as ints (-1 for a missing one) and the phase last: a copy of the numbers is enough
    alleles: list[int] = gt[:-1]
    n_alts = len(alts)
    if alleles and max(alleles) > n_alts:
        beyond = next(a for a in alleles if a > n_alts)
        raise _bad_record(path, n, v, f"the genotype names allele {beyond}, but the record has only "
                          f"{n_alts} ALT allele(s)",
                          "the GT values must index the record's ALT alleles (0 = REF, 1 = first ALT, ...); "
                          "the file was probably edited or split without updating GT (bcftools norm -m-)")
    fmt = result.format_ids
    gq = _format_int(v, "GQ", sample_idx) if "GQ" in fmt else None
    if not alts or _REF_BLOCK_ALTS.issuperset(alts):  # a reference block
        end = v.end
        info_end = v.INFO.get("END")
        if info_end is not None:
            end = int(info_end)
        _check_block_end(path, n, v)
        result.blocks.append(Block(chrom, pos, int(end), gq))
        return
    if result.gvcf or not _REF_BLOCK_ALTS.isdisjoint(alts):
        result.gvcf = True
        result.blocks.append(Block(chrom, pos, int(v.end), gq))
    if not alleles or max(alleles) < 0:
        result.no_call += 1
        result.no_call_sites.append((chrom, pos))
        return
    # a half-call ('./1', '1/.', '0/.'): one allele not called, so the genotype is not known (heterozygous or
    # homozygous, or carrying the ALT at all for '0/.'): a no-call for the sample, as family.segregation reads it. An
    # ALT it names is a call left out (listed, its position not assessed); '0/.' is a no-call site
    half = min(alleles) < 0
    if half and not any(a > 0 and alts[a - 1] != "*" for a in alleles):
        result.half_calls += 1
        result.no_call += 1
        result.no_call_sites.append((chrom, pos))
        return
    result.called_sites.append((chrom, pos))
    filt = v.FILTER
    # cyvcf2's FILTER is None both for PASS and for '.' (no filter applied); FILTERS tells them apart (['PASS'], [])
    filter_text = (("PASS" if v.FILTERS else FILTER_NOT_APPLIED) if filt is None
                   else "PASS" if filt == "PASS" else str(filt))
    if "FT" in fmt:  # the sample's own genotype filter (GATK VariantFiltration, Strelka2, DRAGEN): as FILTER for it
        ft = _format_str(v, "FT", sample_idx)
        if ft is not None and ft not in FT_PASSING:
            filter_text = f"FT {ft}" if filter_text in _KEPT_FILTERS else f"{filter_text}, FT {ft}"
    dp = _format_int(v, "DP", sample_idx) if "DP" in fmt else None
    ps = _format_int(v, "PS", sample_idx) if "PS" in fmt else None
    shape = (tuple(alleles), phased)
    gt_text = _GT_TEXT.get(shape)
    if gt_text is None:  # a genome has a handful of genotypes (0/1, 1/1, 0|1 ...): each written once
        gt_text = ("|" if phased else "/").join("." if a < 0 else str(a) for a in alleles)
        if len(_GT_TEXT) < 4096:
            _GT_TEXT[shape] = gt_text
    # the sample's allelic depths (read once per record; ~2 us): the allele balance of a reported call
    ad = _allelic_depths(v, sample_idx) if "AD" in fmt else None
    total_reads = (None if ad is None else sum(cast(list[int], ad)) if None not in ad
                   else sum(x for x in ad if x is not None))
    # an unannotated file's alleles need no INFO look-up (annotate_allele does not call it): no INFO object
    info_get = _no_info if schema.reads_nothing else v.INFO.get
    ploidy = len(alleles)
    bcsq_mask: list[int] | None = None
    if schema.has_bcsq:
        raw_bcsq = info_get("BCSQ")
        if raw_bcsq is not None and "+" in str(raw_bcsq):
            result.bcsq_joint[(chrom, pos)] = _split_bcsq(raw_bcsq)
        if "BCSQ" in fmt:
            bcsq_mask = _format_ints(v, "BCSQ", sample_idx)
    if half:
        result.half_calls += 1
    qual: float | None = v.QUAL
    # a '*' allele in the genotype: a deletion given in its own record removes this position on that haplotype
    spanned = "*" in alts and any(a > 0 and alts[a - 1] == "*" for a in alleles)
    for alt_index, alt in enumerate(alts, start=1):
        if alt == "*":
            # the spanning-deletion allele: this position is deleted on that haplotype by a deletion given in its own
            # record; it is not a structural variant and not an allele to interpret here
            continue
        if alt not in _ONE_BASE and is_symbolic(alt):  # also the reference-block ALTs
            if alt not in _REF_BLOCK_ALTS and alt_index in alleles:
                result.symbolic.append((chrom, pos, int(v.end), alt))
            continue
        copies = alleles.count(alt_index)
        if copies == 0:
            continue
        result.alleles_considered += 1
        if half:
            result.excluded.append((chrom, _minimal(pos, ref, alt), gt_text,
                                    f"half-call {gt_text}: one allele not called, so the genotype is unknown"))
            continue
        if filter_text not in _KEPT_FILTERS and not include_filtered:
            result.filtered_out += 1
            result.excluded.append((chrom, _minimal(pos, ref, alt), gt_text,
                                    filter_text if filter_text.startswith("FT ") else f"FILTER {filter_text}"))
            continue
        if (min_gq is not None and (gq is None or gq < min_gq)) or (min_dp is not None and (dp is None or dp < min_dp)):
            result.below_quality += 1
            result.excluded.append((chrom, _minimal(pos, ref, alt), gt_text, _below(gq, dp, min_gq, min_dp)))
            continue
        if len(ref) == 1 and len(alt) == 1:  # an SNV is its own minimal form and cannot shift (trim, left_shiftable)
            allele = Allele(pos, ref.upper(), alt.upper())
            shift = False
        else:
            allele = trim(pos, ref, alt)
            shift = left_shiftable(allele)
        if shift:
            result.not_left_aligned += 1
        haps = _HAPLOTYPES.get((shape[0], alt_index))
        if haps is None:
            haps = tuple(i for i, a in enumerate(alleles) if a == alt_index)
            if len(_HAPLOTYPES) < 4096:
                _HAPLOTYPES[(shape[0], alt_index)] = haps
        annotation = annotate_allele(info_get, schema, pos=pos, ref=ref, alts=alts, alt_index=alt_index,
                                     bcsq_mask=bcsq_mask, haplotypes=haps)
        # positional, in Call's field order (chrom, allele, vcf_pos, vcf_ref, vcf_alt, alt_index, genotype, copies,
        # ploidy, phased, phase_set, haplotypes, gq, dp, filter, not_left_aligned, annotation, line): ~9,000 a genome
        alt_reads = ad[alt_index] if ad is not None and alt_index < len(ad) else None
        result.calls.append(Call(chrom, allele, pos, ref, alt, alt_index, gt_text, copies, ploidy, phased, ps, haps,
                                 gq, dp, filter_text, shift, annotation, None, alt_reads,
                                 total_reads if alt_reads is not None else None, qual, spanned))


def _minimal(pos: int, ref: str, alt: str) -> Allele:
    """An allele in its minimal form, as the calls kept are (an SNV is its own)."""
    return Allele(pos, ref.upper(), alt.upper()) if len(ref) == 1 and len(alt) == 1 else trim(pos, ref, alt)


def _below(gq: int | None, dp: int | None, min_gq: int | None, min_dp: int | None) -> str:
    """Why a call is below the quality thresholds, in the options' words ("GQ 5 below --min-gq 20")."""
    said = []
    if min_gq is not None and (gq is None or gq < min_gq):
        said.append(f"GQ {'missing' if gq is None else gq} below --min-gq {min_gq}")
    if min_dp is not None and (dp is None or dp < min_dp):
        said.append(f"DP {'missing' if dp is None else dp} below --min-dp {min_dp}")
    return " and ".join(said)


_CONTIGS: dict[str, str] = {}
# single bases valid as both REF and ALT, checked without the regular expressions (most records of a genome)
_ONE_BASE = frozenset("ACGTNacgtn")
# genotype text by (allele numbers, phased) and haplotypes carrying an ALT by (allele numbers, ALT number)
_GT_TEXT: dict[tuple[tuple[int, ...], bool], str] = {}
_HAPLOTYPES: dict[tuple[tuple[int, ...], int], tuple[int, ...]] = {}


def _normalised_contig(name: str) -> str:
    """normalise_contig, remembered per name (a file has a few dozen contig names)."""
    found = _CONTIGS.get(name)
    if found is None:
        found = normalise_contig(name)
        if len(_CONTIGS) < 4096:
            _CONTIGS[name] = found
    return found


def _no_info(name: str) -> Any:
    return None


def _allelic_depths(v: Any, idx: int) -> list[int | None] | None:
    """The sample's FORMAT/AD values, a missing one None; None when the record has none for it (about 2 us)."""
    try:
        arr = v.format("AD")
        if arr is None:
            return None
        row: list[Any] = arr[idx].tolist()
    except Exception:
        return None
    if row and type(row[0]) is int and min(row) >= 0:  # the common case: every value given
        return row
    out: list[int | None] = [x if type(x) is int and x >= 0 else None for x in row]  # htslib's missing is negative
    return out if any(x is not None for x in out) else None


def check_call_thresholds(raw_header: str, path: Path | str, min_gq: int | None, min_dp: int | None,
                          consequence: str) -> None:
    """--min-gq/--min-dp against the VCF (``interpret`` and ``cohort burden``): a negative value, or a threshold on a
    FORMAT field the header does not declare (no call could meet it: ``consequence`` says what that would read as),
    is an InputError. A header without FORMAT/GT (a Hail MatrixTable's reconstructed header) is not checked."""
    for option, value, fmt_id in (("--min-gq", min_gq, "GQ"), ("--min-dp", min_dp, "DP")):
        if value is None:
            continue
        if value < 0:
            raise InputError(f"{option} {value} is negative: {fmt_id} values start at 0", hint=f"give {option} 0 or more")
        if "##FORMAT=<ID=GT," in raw_header and f"##FORMAT=<ID={fmt_id}," not in raw_header:
            raise InputError(f"{option} was given, but the VCF declares no FORMAT/{fmt_id}: {consequence}", path=path,
                             hint=f"leave {option} out for this file, or give a VCF whose calls carry {fmt_id}")


def _split_bcsq(value: Any) -> list[str]:
    if isinstance(value, tuple | list):
        return [str(x) for x in value]
    return [e for e in str(value).split(",") if e]


def _format_ints(v: Any, name: str, idx: int) -> list[int] | None:
    """The sample's values of an Integer FORMAT field (missing ones dropped), or None when it has none."""
    try:
        arr = v.format(name)
        if arr is None:
            return None
        row = [int(x) for x in arr[idx].tolist()]
    except Exception:
        return None
    values = [x for x in row if x >= 0]
    return values if values else None


def _format_str(v: Any, name: str, idx: int) -> str | None:
    """The sample's value of a String FORMAT field ('.' when it has none), or None when it cannot be read."""
    try:
        arr = v.format(name)
        return None if arr is None else str(arr[idx])
    except Exception:
        return None


def _format_int(v: Any, name: str, idx: int) -> int | None:
    try:
        arr = v.format(name)
    except Exception:
        return None
    if arr is None:
        return None
    try:
        # the sample's first value; item() gives it as a Python number without the row and scalar objects (issue 20)
        value = arr.item(idx, 0) if arr.ndim == 2 else arr[idx][0]
    except (IndexError, TypeError):
        return None
    if type(value) is int:  # an Integer field: htslib's missing value is INT32_MIN
        return value if value >= -2_000_000_000 else None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    if f != f or f < -2_000_000_000 or f == -2147483648:
        return None
    return int(f)


def is_x_nonpar(chrom: str, pos: int, build: Build) -> bool:
    return chrom == "X" and not any(s <= pos <= e for s, e in PAR_X[build])


def environ_threads() -> int:
    try:
        return max(1, int(os.environ.get("CHARCOT_THREADS", "1")))
    except ValueError:
        return 1
