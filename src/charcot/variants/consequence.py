"""Consequences and HGVS for panel variants the VCF does not annotate, from the user's reference FASTA and
transcript models (Ensembl GFF3), with a real engine: ``bcftools csq`` (Danecek & McCarthy 2017), which Debian
ships with bcftools. charcot does not predict consequences itself.

* The REF of every panel record is checked against the FASTA first: a wrong REF (wrong build, wrong reference)
  is an error, never "no findings".
* Indels are left-aligned with ``bcftools norm -f`` before ``bcftools csq --local-csq`` (sites, no phasing).
* ``bcftools csq`` writes consequence terms and the amino-acid change (``331A>331T``) but no HGVS c.; the HGVS
  c. is derived here from its genomic change and the transcript model of the same GFF3, in the conventions VEP
  uses: transcript orientation, intronic offsets (``c.100+1G>A``), UTR positions (``c.-5``, ``c.*18``), indels
  shifted to their most 3' position in the transcript (the HGVS 3' rule) and insertions of a copy of the
  preceding sequence written as ``dup``. HGVS p. is predicted, so written in parentheses with three-letter
  amino acids and ``Ter`` (``p.(Ala331Thr)``, ``p.(Trp619Ter)``, frameshifts in the short form ``p.(Thr203fs)``
  with the first changed residue and the new stop when bcftools reports them).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from charcot.errors import InputError
from charcot.genome.builds import contig_in_file, normalise_contig
from charcot.model import Build
from charcot.variants.annotation import _AA3, _BCSQ_TERMS, normalise_terms
from charcot.variants.model import TranscriptConsequence

ENGINE = "bcftools csq"
_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")


def revcomp(seq: str) -> str:
    return seq.translate(_COMPLEMENT)[::-1]


@dataclass
class Transcript:
    """One transcript of the GFF3: exons and CDS as 1-based inclusive genomic intervals."""

    id: str  # without version
    version: str | None
    gene: str | None
    chrom: str
    strand: str
    exons: list[tuple[int, int]] = field(default_factory=list)
    cds: list[tuple[int, int]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.id}.{self.version}" if self.version else self.id

    @cached_property
    def _ordered(self) -> list[tuple[int, int]]:
        """Exons 5'->3' in transcript orientation."""
        return sorted(self.exons, reverse=self.strand == "-")

    def _tpos(self, g: int) -> int | None:
        """Transcript (cDNA) position of genomic ``g`` when exonic."""
        t = 0
        for s, e in self._ordered:
            if s <= g <= e:
                return t + (g - s + 1 if self.strand == "+" else e - g + 1)
            t += e - s + 1
        return None

    @cached_property
    def _cds_bounds(self) -> tuple[int, int] | None:
        if not self.cds:
            return None
        lo = min(s for s, _ in self.cds)
        hi = max(e for _, e in self.cds)
        first, last = (lo, hi) if self.strand == "+" else (hi, lo)
        a, b = self._tpos(first), self._tpos(last)
        return (a, b) if a is not None and b is not None else None

    def _c_of_t(self, t: int) -> str:
        bounds = self._cds_bounds
        if bounds is None:
            return str(t)  # non-coding: n. numbering
        start, end = bounds
        if t < start:
            return f"-{start - t}"
        if t > end:
            return f"*{t - end}"
        return str(t - start + 1)

    def c_pos(self, g: int) -> str:
        """HGVS c. position of genomic ``g`` (exonic, intronic with offset, or beyond the transcript)."""
        t = self._tpos(g)
        if t is not None:
            return self._c_of_t(t)
        # intronic: distance to the nearest exon end, in transcript orientation
        best: tuple[int, str] | None = None
        for s, e in self._ordered:
            for boundary, after in ((e, True), (s, False)) if self.strand == "+" else ((s, True), (e, False)):
                # 'after' = the boundary is the 3' end of an exon (c.N+d); else the 5' start of one (c.N-d)
                d = (g - boundary) if self.strand == "+" else (boundary - g)
                if (after and d > 0) or (not after and d < 0):
                    dist = abs(d)
                    tb = self._tpos(boundary)
                    if tb is None:
                        continue
                    text = f"{self._c_of_t(tb)}{'+' if after else '-'}{dist}"
                    if best is None or dist < best[0] or (dist == best[0] and after):
                        best = (dist, text)
        return best[1] if best is not None else "?"


def read_gff3(path: Path, wanted: set[str] | None = None) -> dict[str, Transcript]:
    """Transcripts of an Ensembl GFF3 (ID=transcript:ENST...; exons/CDS with Parent=transcript:...)."""
    import gzip

    opener: Any = gzip.open if path.suffix in (".gz", ".bgz") else open
    txs: dict[str, Transcript] = {}
    genes: dict[str, str] = {}
    parts: list[tuple[str, str, int, int]] = []
    try:
        with opener(path, "rt") as handle:
            for line in handle:
                if line.startswith("#") or not line.strip():
                    continue
                c = line.rstrip("\n").split("\t")
                if len(c) < 9:
                    continue
                attrs = dict(kv.split("=", 1) for kv in c[8].split(";") if "=" in kv)
                kind = c[2]
                if kind == "gene" or attrs.get("ID", "").startswith("gene:"):
                    genes[attrs.get("ID", "")] = attrs.get("Name", "")
                elif attrs.get("ID", "").startswith("transcript:"):
                    tid = attrs["ID"].split(":", 1)[1]
                    if wanted is None or tid in wanted:
                        txs[tid] = Transcript(id=tid, version=attrs.get("version"), gene=attrs.get("Parent", ""),
                                              chrom=normalise_contig(c[0]), strand=c[6])
                elif kind in ("exon", "CDS") and attrs.get("Parent", "").startswith("transcript:"):
                    parts.append((attrs["Parent"].split(":", 1)[1], kind, int(c[3]), int(c[4])))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"the transcript models could not be read ({exc})", path=path,
                         hint="give an Ensembl GFF3 (e.g. Homo_sapiens.GRCh38.<release>.gff3.gz)") from None
    for tid, kind, s, e in parts:
        tx = txs.get(tid)
        if tx is not None:
            (tx.exons if kind == "exon" else tx.cds).append((s, e))
    for tx in txs.values():
        tx.gene = genes.get(tx.gene or "", tx.gene)
    return txs


def _aa(one: str) -> str:
    return _AA3.get(one, one)


_CODE = dict(zip((a + b + c for a in "TCAG" for b in "TCAG" for c in "TCAG"),
                 "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG", strict=True))


def translate(cds: str) -> str:
    """Standard-code translation of a coding sequence ('X' for a codon with N or another symbol)."""
    return "".join(_CODE.get(cds[i:i + 3], "X") for i in range(0, len(cds) - 2, 3))


def _insertion(start: int, ins: str, protein: str) -> str | None:
    """HGVS p. of residues ``ins`` inserted before residue ``start`` of ``protein`` (1-based): moved to their
    most C-terminal position (the 3' rule), written as ``dup`` when they copy the residues before them."""
    if "*" in ins:
        return None
    after = start - 1  # the inserted residues follow residue ``after``
    while after < len(protein) and protein[after] == ins[0]:
        ins, after = ins[1:] + ins[0], after + 1
    n = len(ins)
    if after < 1 or after > len(protein):
        return None
    if after - n >= 0 and protein[after - n:after] == ins:
        first = f"{_aa(protein[after - n])}{after - n + 1}"
        return f"p.({first}dup)" if n == 1 else f"p.({first}_{_aa(protein[after - 1])}{after}dup)"
    if after >= len(protein):
        return None
    return (f"p.({_aa(protein[after - 1])}{after}_{_aa(protein[after])}{after + 1}"
            f"ins{''.join(_aa(a) for a in ins)})")


def hgvs_p(change: str, terms: Sequence[str], protein: str | None = None) -> str | None:
    """Predicted HGVS p. from bcftools csq's amino-acid change ('331A>331T', '619W>619*', '202FT>202S').
    An in-frame insertion ('205D>205KD') needs the reference ``protein`` for its flanking residues."""
    m = re.fullmatch(r"(\d+)([A-Z*]+)(?:>(\d+)([A-Z*]+))?", change)
    if not m:
        return None
    pos = int(m.group(1))
    ref = m.group(2)
    alt = m.group(4)
    if alt is None:  # synonymous: '204K'
        return f"p.({_aa(ref[0])}{pos}=)" if len(ref) == 1 else None
    if "frameshift_variant" in terms:
        k = 0
        while k < min(len(ref), len(alt)) and ref[k] == alt[k]:
            k += 1
        if k >= len(ref):
            return None
        first = f"{_aa(ref[k])}{pos + k}"
        if k < len(alt) and "*" in alt[k:]:
            ter = alt[k:].index("*") + 1
            return f"p.({first}{_aa(alt[k])}fsTer{ter})"
        return f"p.({first}fs)"
    # trim the common prefix and suffix of an in-frame change
    k = 0
    while k < min(len(ref), len(alt)) and ref[k] == alt[k]:
        k += 1
    ref_t, alt_t, start = ref[k:], alt[k:], pos + k
    while ref_t and alt_t and ref_t[-1] == alt_t[-1]:
        ref_t, alt_t = ref_t[:-1], alt_t[:-1]
    if not ref_t and not alt_t:
        return f"p.({_aa(ref[0])}{pos}=)"
    if len(ref_t) == 1 and len(alt_t) == 1:
        if ref_t == "M" and start == 1:
            return "p.(Met1?)"
        return f"p.({_aa(ref_t)}{start}{_aa(alt_t)})"
    if not ref_t:
        # an insertion needs the flanking residues, which bcftools does not print: read them from the protein
        return _insertion(start, alt_t, protein) if protein else None
    span = f"{_aa(ref_t[0])}{start}" + (f"_{_aa(ref_t[-1])}{start + len(ref_t) - 1}" if len(ref_t) > 1 else "")
    if not alt_t:
        return f"p.({span}del)"
    return f"p.({span}delins{''.join(_aa(a) for a in alt_t)})"


def gff3_build(path: Path) -> tuple[Build | None, str]:
    """(build, how it was told) of a GFF3 from its head: ``##sequence-region`` lengths or ``chromosome`` feature
    spans (Ensembl writes both), else ``#!genome-build``/``#!genome-version``; (None, '') when it does not say."""
    import gzip

    from charcot.genome.builds import BUILD_ALIASES, detect_build

    opener: Any = gzip.open if path.suffix in (".gz", ".bgz") else open
    lengths: dict[str, int] = {}
    named: tuple[Build, str] | None = None
    try:
        with opener(path, "rt") as handle:
            for n, line in enumerate(handle):
                if n > 5000:
                    break
                if line.startswith("##sequence-region"):
                    f = line.split()
                    if len(f) >= 4 and f[3].isdigit():
                        lengths[f[1]] = int(f[3])
                elif line.startswith("#!genome-build") or line.startswith("#!genome-version"):
                    text = line.split(None, 1)[1].strip().lower() if len(line.split(None, 1)) > 1 else ""
                    for alias, build in BUILD_ALIASES.items():
                        if named is None and len(alias) > 2 and re.match(rf"{alias}([^a-z0-9]|$)", text):
                            named = (build, f"its '{line.strip()[:40]}' line")
                elif not line.startswith("#") and line.strip():
                    c = line.split("\t")
                    if len(c) < 9 or c[2] not in ("chromosome", "region", "scaffold"):
                        break
                    if c[3] == "1" and c[4].isdigit():
                        lengths.setdefault(c[0], int(c[4]))
    except (OSError, UnicodeDecodeError, ValueError):
        return None, ""
    by_length = detect_build(lengths)
    if by_length is not None:
        return by_length, "its sequence lengths"
    return named if named is not None else (None, "")


class _FastaBytes:
    """Bytes of a plain or bgzip-compressed FASTA at uncompressed offsets (a bgzip file through its .gzi: one block
    inflated per read, never the whole file)."""

    def __init__(self, path: Path, gzi: Path | None) -> None:
        import struct

        self.handle = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.blocks: list[tuple[int, int]] | None = None
        self.cache: dict[int, bytes] = {}
        if gzi is not None:
            raw = gzi.read_bytes()
            n = struct.unpack("<Q", raw[:8])[0] if len(raw) >= 8 else -1
            if n < 0 or len(raw) != 8 + 16 * n:
                raise ValueError("the .gzi index is not a BGZF block index")
            pairs = struct.iter_unpack("<QQ", raw[8:])
            self.blocks = [(0, 0), *((int(c), int(u)) for c, u in pairs)]  # (compressed, uncompressed) offsets
            self.starts = [u for _, u in self.blocks]

    def _block(self, i: int) -> bytes:
        from charcot.variants.reader import bgzf_block_at

        assert self.blocks is not None
        if i not in self.cache:
            self.handle.seek(self.blocks[i][0])
            block = bgzf_block_at(self.handle.read(1 << 16), 0)  # a BGZF block is at most 64 KiB
            if block is None:
                raise ValueError(f"no intact BGZF block at byte {self.blocks[i][0]}")
            self.cache[i] = block[0]
        return self.cache[i]

    def read(self, offset: int, n: int) -> bytes:
        if offset < 0:
            n, offset = n + offset, 0
        if self.blocks is None:
            self.handle.seek(offset)
            return self.handle.read(max(0, n))
        import bisect

        out = b""
        i = bisect.bisect_right(self.starts, offset) - 1
        while n > 0 and i < len(self.blocks):
            text = self._block(i)
            start = offset - self.blocks[i][1]
            if start >= len(text):
                i += 1
                continue
            part = text[start:start + n]
            out += part
            n -= len(part)
            offset += len(part)
            i += 1
        return out

    def close(self) -> None:
        self.handle.close()


def fai_mismatch(fasta: Path, fai: Path, gzi: Path | None) -> str | None:
    """What shows that ``fai`` (and ``gzi``) is not the index of ``fasta`` as it is now, or None. For each contig:
    the line before its sequence is its own '>' header, its first line is as long as the index says, and its last
    base is followed by the end of a line (a FASTA re-wrapped, edited or with a contig added or removed fails).
    A few small reads per contig (one BGZF block each through the .gzi), never the whole file."""
    try:
        rows = [line.split("\t") for line in fai.read_text(encoding="utf-8").splitlines() if line.strip()]
        entries = [(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows]
    except (OSError, UnicodeDecodeError, ValueError, IndexError):
        return "the index cannot be read as a .fai (name, length, offset, bases per line, bytes per line)"
    try:
        data = _FastaBytes(fasta, gzi)
    except (OSError, ValueError) as exc:
        return f"its .gzi cannot be read ({exc})"
    try:
        for name, length, offset, bases, width in entries:
            if length == 0:
                continue  # an empty sequence: nothing is read through it
            if length < 0 or bases < 1 or width < bases:
                return f"its line for contig {name} is not a valid .fai line"
            before = data.read(offset - len(name) - 2 - 4096, len(name) + 2 + 4096)
            header = before[:-1].rsplit(b"\n", 1)[-1] if before.endswith(b"\n") else b""
            if not (header.startswith(b">" + name.encode()) and header[len(name) + 1:len(name) + 2] in (b"", b" ",
                                                                                                      b"\t", b"\r")):
                return f"contig {name}'s sequence does not start where the index says (byte {offset:,})"
            if length > bases and data.read(offset + bases, 1) not in (b"\n", b"\r"):
                return f"contig {name}'s lines are not {bases} bases long as the index says"
            last = offset + (length - 1) // bases * width + (length - 1) % bases
            tail = data.read(last, 2)
            if len(tail) < 1 or tail[:1] in (b"\n", b"\r", b">") or tail[1:2] not in (b"", b"\n", b"\r"):
                return f"contig {name} does not end where the index says ({length:,} bases)"
    except (OSError, ValueError, EOFError) as exc:
        return f"the FASTA cannot be read at the index's offsets ({exc})"
    finally:
        data.close()
    return None


def _indexed_fasta(path: Path) -> Path:
    """``path`` when its faidx index (and, for bgzip, its .gzi) lies beside it; otherwise a link to it in a
    temporary folder, removed when the process ends, where htslib writes the index it builds."""
    import atexit

    with open(path, "rb") as handle:
        compressed = handle.read(2) == b"\x1f\x8b"
    beside = [Path(str(path) + ".fai")] + ([Path(str(path) + ".gzi")] if compressed else [])
    if all(p.exists() for p in beside):
        problem = fai_mismatch(path, beside[0], beside[1] if compressed else None)
        if problem is not None:
            # htslib reads bases at the offsets the .fai gives: an index of the FASTA before it was edited (re-wrapped,
            # a contig added or changed) reads other bases, or Ns, silently; its time-stamp proves nothing
            raise InputError(f"the FASTA index {beside[0].name} does not match {path.name}: {problem}, so the FASTA "
                             "changed after it was indexed (or the index is another FASTA's)", path=beside[0],
                             hint=f"rebuild it with 'samtools faidx {path.name}' or delete "
                                  f"{' and '.join(p.name for p in beside)}: charcot then indexes the FASTA itself")
        return path
    folder = Path(tempfile.mkdtemp(prefix="charcot-fai-"))
    atexit.register(shutil.rmtree, folder, True)
    link = folder / path.name
    link.symlink_to(path.resolve())
    return link


class ConsequenceEngine:
    """bcftools csq over the user's FASTA and Ensembl GFF3, plus the HGVS c. derivation."""

    def __init__(self, fasta: Path, gff: Path | None) -> None:
        import pysam

        self.fasta_path = Path(fasta)
        self.gff_path = Path(gff) if gff is not None else self.fasta_path
        for p, what in ((self.fasta_path, "reference FASTA"), (self.gff_path, "transcript models (GFF3)")):
            if not p.exists():
                from charcot.structured import file_not_found

                raise file_not_found(p, what)
            if p.is_dir():  # _indexed_fasta opens the FASTA before htslib does
                raise InputError(f"the {what} path is a folder, not a file", path=p, hint="give the file inside it")
        self.bcftools = shutil.which("bcftools")
        if self.bcftools is None:
            raise InputError("bcftools is not installed: consequences cannot be computed from the FASTA and GFF3",
                             hint="install bcftools (Debian package 'bcftools')")
        # An unindexed FASTA is indexed in a private folder, never beside the user's file (which may be
        # read-only, and is an input charcot does not write into); bcftools is given the same path.
        self.fasta_file = _indexed_fasta(self.fasta_path)  # what htslib opens; fasta_path names the user's file
        try:
            self.fasta = pysam.FastaFile(str(self.fasta_file))
        except (OSError, ValueError) as exc:
            why = str(exc).replace(str(self.fasta_file), str(self.fasta_path))
            raise InputError(f"the reference FASTA cannot be read or indexed ({why})", path=self.fasta_path,
                             hint="give an uncompressed or bgzip-compressed FASTA ('samtools faidx' must work)"
                             ) from None
        self.contigs = list(self.fasta.references)

    @property
    def build(self) -> Build | None:
        """The FASTA's build from its contig lengths (None for a cut or unknown reference)."""
        from charcot.genome.builds import detect_build

        return detect_build(dict(zip(self.fasta.references, self.fasta.lengths, strict=True)))

    def check_build(self, patient: Build) -> None:
        found = self.build
        if found is not None and found != patient:
            raise InputError(f"the reference FASTA is {found.value} (contig lengths) but the VCF is {patient.value}",
                             path=self.fasta_path, hint=f"give the {patient.value} FASTA the VCF was called against")
        if self.gff_path != self.fasta_path:
            gff, how = gff3_build(self.gff_path)
            if gff is not None and gff != patient:
                # transcript models of the other build put every exon at the wrong place: wrong consequences, no error
                raise InputError(f"the transcript models (GFF3) are {gff.value} ({how}) but the VCF is {patient.value}",
                                 path=self.gff_path, hint=f"give the {patient.value} Ensembl GFF3 "
                                                          f"(Homo_sapiens.{patient.value}.<release>.gff3.gz)")

    def fetch(self, chrom: str, start: int, end: int) -> str:
        """Reference bases ``start``..``end`` (1-based inclusive), upper case; '' outside the FASTA."""
        name = contig_in_file(chrom, self.contigs)
        if name is None or start < 1:
            return ""
        return str(self.fasta.fetch(name, start - 1, end)).upper()

    def covers(self, chrom: str, pos: int, ref: str) -> bool:
        """The FASTA has real bases (not N, not past the contig's end) under the whole REF allele."""
        seq = self.fetch(chrom, pos, pos + len(ref) - 1)
        return len(seq) == len(ref) and "N" not in seq

    def check_ref(self, records: Sequence[tuple[str, int, str, int | None]], source: Path) -> None:
        """Refuse a VCF whose REF alleles do not match the FASTA (wrong build or wrong reference)."""
        bad: list[str] = []
        checked = 0
        for chrom, pos, ref, line in records:
            seq = self.fetch(chrom, pos, pos + len(ref) - 1)
            if not seq or set(seq) == {"N"}:
                continue
            checked += 1
            if seq != ref.upper():
                bad.append(f"{chrom}:{pos} REF {ref} but the FASTA has {seq}" + (f" (line {line})" if line else ""))
        if bad:
            raise InputError(f"{len(bad)} of {checked} panel record(s) have a REF allele that differs from the "
                             f"reference FASTA {self.fasta_path.name}, first: {bad[0]}", path=source,
                             hint="the VCF and the FASTA are of different builds or references: give the FASTA the "
                                  "VCF was called against")

    def _run(self, args: list[str], what: str) -> str:
        assert self.bcftools is not None
        proc = subprocess.run([self.bcftools, *args], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            msg = " ".join(line for line in proc.stderr.splitlines() if line and not line.startswith(("Parsing",
                                                                                                      "Indexed",
                                                                                                      "Calling")))
            msg = msg.replace(str(self.fasta_file), str(self.fasta_path))
            raise InputError(f"{what} failed: {msg[:300] or 'bcftools exited with ' + str(proc.returncode)}",
                             path=self.gff_path if "csq" in args else self.fasta_path,
                             hint="bcftools csq needs an Ensembl GFF3 (gene/transcript/exon/CDS lines with "
                                  "ID=transcript:ENST... and biotype=) and the FASTA of the same build")
        return proc.stdout

    def annotate(self, sites: Sequence[tuple[str, int, str, str]], wanted: set[str] | None = None
                 ) -> dict[int, list[TranscriptConsequence]]:
        """Consequences per site index for (chrom, pos, ref, alt) VCF-style sites."""
        if not sites:
            return {}
        transcripts = read_gff3(self.gff_path)
        if not transcripts:
            raise InputError("no transcript in the transcript models: bcftools csq reads Ensembl GFF3 (lines with "
                             "ID=transcript:ENST...)", path=self.gff_path,
                             hint="give Ensembl's Homo_sapiens.<build>.<release>.gff3.gz (GTF, GENCODE and RefSeq "
                                  "GFF3 use other identifiers)")
        out: dict[int, list[TranscriptConsequence]] = {}
        with tempfile.TemporaryDirectory(prefix="charcot-csq-") as tmp:
            vcf = Path(tmp) / "sites.vcf"
            lines = ["##fileformat=VCFv4.2"]
            for name in self.contigs:
                lines.append(f"##contig=<ID={name},length={self.fasta.get_reference_length(name)}>")
            lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
            rows = []
            for i, (chrom, pos, ref, alt) in enumerate(sites):
                contig = contig_in_file(chrom, self.contigs)
                if contig is None or not self.covers(chrom, pos, ref):
                    continue  # outside the FASTA's sequence (a cut or panel reference): no consequence, not a failure
                rows.append((self.contigs.index(contig), pos, f"{contig}\t{pos}\t{i}\t{ref}\t{alt}\t.\t.\t."))
            lines += [r[2] for r in sorted(rows)]
            vcf.write_text("\n".join(lines) + "\n")
            normed = Path(tmp) / "norm.vcf"
            normed.write_text(self._run(["norm", "-f", str(self.fasta_file), "-c", "e", str(vcf)],
                                        "bcftools norm (left-align against the FASTA)"))
            gff = self._gff_named_as_fasta(Path(tmp))
            text = self._run(["csq", "-f", str(self.fasta_file), "-g", str(gff), "--local-csq",
                              "--force", str(normed)], "bcftools csq")
        for line in text.splitlines():
            if line.startswith("#"):
                continue
            c = line.split("\t")
            m = re.search(r"(?:^|;)BCSQ=([^;\t]+)", c[7])
            if not m or not c[2].isdigit():
                continue
            idx = int(c[2])
            chrom, pos, ref, alt = normalise_contig(c[0]), int(c[1]), c[3], c[4]
            out[idx] = self._consequences(m.group(1), chrom, pos, ref, alt, transcripts)
        return out

    def _gff_named_as_fasta(self, tmp: Path) -> Path:
        """The GFF3 itself, or a copy whose chromosome names follow the FASTA's ('21' vs 'chr21'): bcftools csq
        silently finds no transcript when they differ."""
        import gzip

        opener: Any = gzip.open if self.gff_path.suffix in (".gz", ".bgz") else open
        rename: dict[str, str] = {}
        with opener(self.gff_path, "rt") as handle:
            seqids = {line.split("\t", 1)[0] for line in handle if line.strip() and not line.startswith("#")}
        for seqid in seqids:
            if seqid in self.contigs:
                continue
            name = contig_in_file(normalise_contig(seqid), self.contigs)
            if name is not None:
                rename[seqid] = name
        if not rename:
            return self.gff_path
        out = tmp / "models.gff3"
        with opener(self.gff_path, "rt") as handle, open(out, "w") as dest:
            for line in handle:
                seqid, sep, rest = line.partition("\t")
                dest.write(f"{rename.get(seqid, seqid)}{sep}{rest}" if sep else line)
        return out

    def _consequences(self, bcsq: str, chrom: str, pos: int, ref: str, alt: str,
                      transcripts: dict[str, Transcript]) -> list[TranscriptConsequence]:
        merged: dict[str, dict[str, Any]] = {}
        for entry in bcsq.split(","):
            if entry.startswith("@"):
                continue
            v = entry.lstrip("*").split("|")
            if len(v) < 3:
                continue
            tid = v[2]
            item = merged.setdefault(tid, {"gene": v[1] or None, "terms": [], "aa": None})
            item["terms"] += [_BCSQ_TERMS.get(t, t) for t in v[0].split("&")]
            if len(v) > 5 and v[5]:
                item["aa"] = v[5]
        out = []
        for tid, item in merged.items():
            terms = normalise_terms(item["terms"])
            tx = transcripts.get(tid)
            hgvs_c = self.hgvs_c(tx, chrom, pos, ref, alt) if tx is not None else None
            protein = self.protein(tx) if tx is not None and "inframe_insertion" in terms else None
            p = hgvs_p(item["aa"], terms, protein) if item["aa"] else None
            prot = int(m.group(1)) if item["aa"] and (m := re.match(r"(\d+)", item["aa"])) else None
            out.append(TranscriptConsequence(
                gene=item["gene"], transcript=tx.name if tx is not None else tid, consequences=terms,
                hgvs_c=f"{tx.name}:{hgvs_c}" if tx is not None and hgvs_c else None, hgvs_p=p,
                protein_position=prot, source=ENGINE))
        return out

    def protein(self, tx: Transcript) -> str | None:
        """The reference protein of ``tx``: its CDS from the FASTA, in transcript orientation, translated."""
        if not tx.cds:
            return None
        parts = [self.fetch(tx.chrom, s, e) for s, e in sorted(tx.cds)]
        if any(not p for p in parts):
            return None
        cds = "".join(parts)
        return translate(cds if tx.strand == "+" else revcomp(cds))

    def hgvs_c(self, tx: Transcript, chrom: str, pos: int, ref: str, alt: str) -> str | None:
        """HGVS c. of a VCF-style allele on ``tx`` (3' rule in transcript orientation)."""
        # trim to the minimal allele: common suffix, then common prefix
        while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
            ref, alt = ref[:-1], alt[:-1]
        while ref and alt and ref[0] == alt[0]:
            ref, alt, pos = ref[1:], alt[1:], pos + 1
        plus = tx.strand == "+"
        orient = (lambda s: s) if plus else revcomp
        if len(ref) == 1 and len(alt) == 1:
            return f"c.{tx.c_pos(pos)}{orient(ref)}>{orient(alt)}"
        if ref and not alt:  # deletion of pos..pos+len-1, shifted 3' in the transcript
            s, e = pos, pos + len(ref) - 1
            s, e = self._shift_del(chrom, s, e, plus)
            a, b = (s, e) if plus else (e, s)
            return f"c.{tx.c_pos(a)}del" if s == e else f"c.{tx.c_pos(a)}_{tx.c_pos(b)}del"
        if alt and not ref:  # insertion of alt between pos-1 and pos
            left, ins = self._shift_ins(chrom, pos - 1, alt, plus)
            n = len(ins)
            dup_span = (left - n + 1, left) if plus else (left + 1, left + n)
            if self.fetch(chrom, dup_span[0], dup_span[1]) == ins:
                a, b = dup_span if plus else (dup_span[1], dup_span[0])
                return f"c.{tx.c_pos(a)}dup" if n == 1 else f"c.{tx.c_pos(a)}_{tx.c_pos(b)}dup"
            a, b = (left, left + 1) if plus else (left + 1, left)
            return f"c.{tx.c_pos(a)}_{tx.c_pos(b)}ins{orient(ins)}"
        s, e = pos, pos + len(ref) - 1
        a, b = (s, e) if plus else (e, s)
        span = tx.c_pos(a) if s == e else f"{tx.c_pos(a)}_{tx.c_pos(b)}"
        return f"c.{span}delins{orient(alt)}"

    def _shift_del(self, chrom: str, s: int, e: int, plus: bool) -> tuple[int, int]:
        if plus:
            while True:
                nxt = self.fetch(chrom, e + 1, e + 1)
                if nxt and nxt == self.fetch(chrom, s, s):
                    s, e = s + 1, e + 1
                else:
                    return s, e
        while True:
            prev = self.fetch(chrom, s - 1, s - 1)
            if prev and prev == self.fetch(chrom, e, e):
                s, e = s - 1, e - 1
            else:
                return s, e

    def _shift_ins(self, chrom: str, left: int, ins: str, plus: bool) -> tuple[int, str]:
        """Insertion of ``ins`` after genomic ``left``, moved as far 3' (transcript orientation) as it goes."""
        if plus:
            while True:
                nxt = self.fetch(chrom, left + 1, left + 1)
                if nxt and nxt == ins[0]:
                    ins, left = ins[1:] + ins[0], left + 1
                else:
                    return left, ins
        while True:
            prev = self.fetch(chrom, left, left)
            if prev and prev == ins[-1]:
                ins, left = ins[-1] + ins[:-1], left - 1
            else:
                return left, ins


_INTRONIC = re.compile(r"c\.(?:[-*]?\d+)([+-])(\d+)")


def consequence_from_hgvs(hgvs_c: str | None, hgvs_p: str | None) -> list[str] | None:
    """Sequence Ontology terms read from curated HGVS (the knowledge base's own names for a variant, not a
    prediction): 'p.(Trp619Ter)' -> stop_gained, 'c.1234+1G>A' -> splice_donor_variant, and so on."""
    terms: list[str] = []
    c = (hgvs_c or "").split(":")[-1]
    p = (hgvs_p or "").split(":")[-1].replace("(", "").replace(")", "")
    m = _INTRONIC.match(c)
    if m:
        offset = int(m.group(2))
        donor = m.group(1) == "+"
        if offset <= 2:
            terms.append("splice_donor_variant" if donor else "splice_acceptor_variant")
        elif donor and offset == 5:
            terms.append("splice_donor_5th_base_variant")
        elif offset <= 8:
            terms.append("splice_region_variant")
        else:
            terms.append("intron_variant")
    if p.startswith("p."):
        body = p[2:]
        if body in ("?", "0"):
            pass
        elif "fs" in body:
            terms.append("frameshift_variant")
        elif body.startswith("Met1") and body.endswith("?"):
            terms.append("start_lost")
        elif body.endswith(("Ter", "*")) and not body.startswith(("Ter", "*")):
            terms.append("stop_gained")
        elif body.startswith(("Ter", "*")) and "ext" in body:
            terms.append("stop_lost")
        elif body.endswith("="):
            terms.append("synonymous_variant")
        elif "delins" in body or ("del" in body and "ins" in body):
            terms.append("protein_altering_variant")
        elif "del" in body:
            terms.append("inframe_deletion")
        elif "ins" in body or "dup" in body:
            terms.append("inframe_insertion")
        elif re.fullmatch(r"[A-Z][a-z]{2}\d+[A-Z][a-z]{2}", body):
            terms.append("missense_variant")
    if not terms and c.startswith("c.-"):
        terms.append("5_prime_UTR_variant")
    if not terms and c.startswith("c.*"):
        terms.append("3_prime_UTR_variant")
    return terms or None
