"""Readers for repeat-caller output: ExpansionHunter v2-v5 VCF and v3-v5 JSON (v2 JSON is refused by name), TRGT,
GangSTR, HipSTR and LongTR VCFs, and Stranger-annotated VCFs of EH or TRGT.

STR VCFs are small (one record per catalog locus), so they are read as text: that gives exact line
numbers in errors. Only records that overlap a knowledge-base locus are parsed in full; every other
line is checked for its column count and position only.

Coordinates: every reader converts the caller's convention to the repeat interval, 1-based inclusive:
* ExpansionHunter: POS is the base before the repeat (= 0-based start), END the last repeat base;
* TRGT: POS is a padding base, REF includes it, END the last repeat base;
* GangSTR: POS..END is the repeat itself (1-based inclusive);
* HipSTR / LongTR: INFO START..END is the repeat (1-based inclusive).
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charcot.errors import InputError
from charcot.genome.builds import normalise_contig
from charcot.repeats.model import SupportType

_STR_ALT = re.compile(r"^<STR(\d+)>$")
# No repeat-unit count can exceed this: the longest C9orf72 expansions measured are a few thousand
# units (tens of kb), so 20,000 is several-fold beyond anything biological; larger is a broken file.
MAX_REPEAT_UNITS = 20_000


@dataclass
class RawAllele:
    size: int
    ci: tuple[int, int] | None = None
    support: SupportType = SupportType.UNKNOWN
    reads: dict[str, int] = field(default_factory=dict)
    length_bp: int | None = None
    length_range: tuple[int, int] | None = None  # the caller's bp range of length_bp (TRGT ALLR)


@dataclass
class RawCall:
    """One locus in one sample, as the caller reported it (alleles None = slot not called)."""

    chrom: str
    start: int
    end: int
    locus_name: str | None
    motif: str | None
    line: int
    genotype: str
    alleles: list[RawAllele | None]
    filter: str | None = None
    annotation: dict[str, str] = field(default_factory=dict)  # Stranger INFO fields
    warnings: list[str] = field(default_factory=list)
    dropout: bool = False  # Strdrop (Stranger) flagged a coverage drop: an allele may be missing from the call
    # other records of the same locus and sample with another genotype ("2/2 (line 82)"): the file contradicts itself
    conflicting: list[str] = field(default_factory=list)
    # Stranger's own verdict (INFO STR_STATUS: normal, pre_mutation, full_mutation) on the ALT alleles this sample
    # carries, as the file states it (Stranger counted the ALT's <STRn>, or TRGT's motif count)
    stranger_status: list[str] = field(default_factory=list)

    @property
    def called(self) -> list[RawAllele]:
        return [a for a in self.alleles if a is not None]


@dataclass
class Record:
    """A data line split into columns (only for lines that overlap a knowledge-base locus)."""

    line: int
    chrom: str
    pos: int
    ref: str
    alts: list[str]
    filter: str
    info: dict[str, str]
    format: list[str]
    samples: list[str]
    ident: str = "."  # the ID column (ExpansionHunter v2.0 names its repeat there: no REPID)


@dataclass
class StrFile:
    path: Path
    caller: str
    stranger: bool
    samples: list[str]
    contig_lengths: dict[str, int]
    meta: dict[str, str]
    records: list[Record]
    sex_hint: str | None = None  # from the caller's own parameters (EH JSON Sex, TRGT --karyotype)
    json_calls: dict[str, list[RawCall]] | None = None  # EH JSON: already parsed per sample
    # False when the file does not name its sample (EH JSON without SampleParameters.SampleId: the name is the
    # file's stem), so it cannot be compared with the patient's other identities
    samples_named: bool = True


Interval = tuple[str, int, int]


def _open_text(path: Path) -> Iterator[str]:
    with open(path, "rb") as probe:
        magic = probe.read(2)
    # utf-8-sig: a byte-order mark (a file saved by Excel or Notepad) is dropped, as for every text input
    if magic == b"\x1f\x8b":
        handle: Any = gzip.open(path, "rt", encoding="utf-8-sig", errors="replace")  # noqa: SIM115 - closed below
    else:
        handle = open(path, encoding="utf-8-sig", errors="replace")  # noqa: SIM115 - closed below
    with handle:
        yield from handle


def _info(text: str) -> dict[str, str]:
    if text in (".", ""):
        return {}
    out: dict[str, str] = {}
    for item in text.split(";"):
        key, _, value = item.partition("=")
        out[key] = value if _ else "1"
    return out


def _record_interval(caller: str, chrom: str, pos: int, ref: str, info: dict[str, str]) -> tuple[int, int]:
    if caller in ("HipSTR", "LongTR") and "START" in info and "END" in info:
        return int(info["START"]), int(info["END"])
    end = int(info["END"]) if info.get("END", "").isdigit() else pos + len(ref) - 1
    if caller == "GangSTR":
        return pos, end
    return pos + 1, end  # ExpansionHunter and TRGT: POS is the base before the repeat


def detect_caller(meta: dict[str, str], info_ids: set[str], format_ids: set[str], path: Path) -> str:
    command = meta.get("command", "")
    if "trgtVersion" in meta or {"AL", "MC"} <= format_ids:
        return "TRGT"
    if command.startswith("LongTR"):
        return "LongTR"
    if command.startswith("HipSTR") or ({"GB"} <= format_ids and "START" in info_ids and "PERIOD" in info_ids):
        return "LongTR" if "INEXACT_ALLELE" in info_ids and not command.startswith("HipSTR") else "HipSTR"
    if command.startswith("GangSTR") or {"RC", "ENCLREADS"} <= format_ids:
        return "GangSTR"
    if "REPID" in info_ids or "VARID" in info_ids:
        return "ExpansionHunter"
    # ExpansionHunter v2.0 wrote no REPID (the repeat's name is in the ID column): its INFO REF/RL/RU with the
    # per-allele read type and copy number (real v2.0.6-v2.0.9 output: FORMAT GT:SO:SP:CN:CI)
    if {"REF", "RL", "RU"} <= info_ids and "SO" in format_ids and ({"CN", "REPCN"} & format_ids):
        return "ExpansionHunter"
    if meta.get("source", "").lower().startswith("popstr"):
        raise InputError("popSTR output is not supported for repeat interpretation", path=path,
                         hint="use ExpansionHunter, TRGT, GangSTR, HipSTR or LongTR output")
    raise InputError("not a recognised repeat-caller VCF (no ExpansionHunter, TRGT, GangSTR, HipSTR or LongTR "
                     "header fields)", path=path,
                     hint="charcot repeats reads STR VCFs; a small-variant VCF holds no repeat sizes")


_CUT_LINE_HINT = "the file may be cut short or edited: give the caller's VCF as it wrote it"


def read_str_file(path: Path, wanted: list[Interval], window: int = 200) -> StrFile:
    """Read a repeat-caller file; keep full records only for lines near ``wanted`` intervals."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", path=path, hint="check the path (and the current folder for a relative path)")
    if path.is_dir():
        raise InputError("expected a file, got a directory", path=path, hint="give the repeat caller's output file inside it")
    with open(path, "rb") as probe:
        head = probe.read(2)
    if head[:1] == b"{" or path.suffix.lower() == ".json":
        return read_eh_json(path)
    if head == b"\x1f\x8b":
        from charcot.structured import gzip_damage, lines_before_damage

        damage = gzip_damage(path)  # STR files are small: check every block before trusting a line
        if damage:
            raise InputError(f"{damage}, after line {lines_before_damage(path)}", path=path,
                             line=lines_before_damage(path) + 1,
                             hint="copy the caller's output again; check it with 'bgzip -t'")
    by_chrom: dict[str, list[tuple[int, int]]] = {}
    for chrom, start, end in wanted:
        by_chrom.setdefault(chrom, []).append((start - window, end + window))

    meta: dict[str, str] = {}
    info_ids: set[str] = set()
    format_ids: set[str] = set()
    contigs: dict[str, int] = {}
    samples: list[str] | None = None
    caller = ""
    records: list[Record] = []
    line_no = 0
    n_cols = 0
    try:
        for line_no, raw in enumerate(_open_text(path), start=1):
            line = raw.rstrip("\n").rstrip("\r")
            if samples is None:
                if line_no == 1 and not line.startswith("##fileformat=VCF"):
                    raise InputError("not a VCF (first line is not ##fileformat=VCF...)", path=path, line=1,
                                     hint="give an STR VCF (.vcf/.vcf.gz) or an ExpansionHunter JSON")
                if line.startswith("##"):
                    key, _, value = line[2:].partition("=")
                    if key in ("INFO", "FORMAT"):
                        match = re.search(r"ID=([^,>]+)", value)
                        if match:
                            (info_ids if key == "INFO" else format_ids).add(match.group(1))
                    elif key == "contig":
                        cid = re.search(r"ID=([^,>]+)", value)
                        length = re.search(r"length=(\d+)", value)
                        if cid and length:
                            contigs[cid.group(1)] = int(length.group(1))
                    elif key not in meta:
                        meta[key] = value
                    continue
                if line.startswith("#CHROM"):
                    columns = line.split("\t")
                    if len(columns) < 8:
                        raise InputError("header line #CHROM has fewer than 8 tab-separated columns", path=path,
                                         line=line_no, hint="the columns must be separated by tabs, not spaces; give "
                                                            "the caller's VCF as it wrote it")
                    samples = columns[9:]
                    n_cols = len(columns)
                    caller = detect_caller(meta, info_ids, format_ids, path)
                    continue
                raise InputError("expected a header line (## or #CHROM) before the data", path=path, line=line_no,
                                 hint="give the caller's VCF with its header (ExpansionHunter, TRGT)")
            if not line:
                continue
            parts = line.split("\t", 2)
            if len(parts) < 3:
                raise InputError("truncated or malformed data line (fewer than 8 tab-separated columns)",
                                 path=path, line=line_no, hint=_CUT_LINE_HINT)
            try:
                pos = int(parts[1])
            except ValueError:
                raise InputError(f"POS is not an integer: {parts[1][:30]!r}", path=path, line=line_no,
                                 hint="the second column is the position, a whole number; the line is damaged") from None
            chrom = normalise_contig(parts[0])
            near = any(lo <= pos <= hi for lo, hi in by_chrom.get(chrom, ()))
            if not near:
                if parts[2].count("\t") < 5:
                    raise InputError("truncated or malformed data line (fewer than 8 tab-separated columns)",
                                     path=path, line=line_no, hint=_CUT_LINE_HINT)
                continue
            cols = line.split("\t")
            if len(cols) != n_cols:
                raise InputError(f"data line has {len(cols)} columns, the header has {n_cols}", path=path,
                                 line=line_no, hint="the file may be truncated or hand-edited")
            records.append(Record(line_no, chrom, pos, cols[3], cols[4].split(",") if cols[4] != "." else [],
                                  cols[6], _info(cols[7]), cols[8].split(":") if len(cols) > 8 else [], cols[9:],
                                  cols[2]))
    except (EOFError, zlib.error, gzip.BadGzipFile, OSError):
        raise InputError(f"the compressed file is truncated or corrupt after line {line_no}",
                         path=path, line=line_no + 1, hint="re-copy or re-compress the file (bgzip)") from None
    if samples is None:
        if line_no == 0:
            raise InputError("the file is empty", path=path, hint="give the STR caller's VCF output")
        raise InputError("no #CHROM header line: the file is truncated", path=path, line=line_no,
                         hint="the header ends with a #CHROM line; re-export the caller's VCF")
    sex_hint = None
    karyotype = re.search(r"--karyotype\s+(XX|XY)", meta.get("trgtCommand", ""))
    if karyotype:
        sex_hint = "female" if karyotype.group(1) == "XX" else "male"
    return StrFile(path, caller, "STR_STATUS" in info_ids, samples, contigs, meta, records, sex_hint)


# --- per-caller sample parsing ---------------------------------------------------------------


def _split(value: str | None, sep: str = "/") -> list[str]:
    if value is None or value in (".", ""):
        return []
    return value.replace("|", sep).split(sep)


def _int(text: str) -> int | None:
    try:
        return int(float(text))
    except ValueError:
        return None


def _ci(text: str) -> tuple[int, int] | None:
    low, _, high = text.partition("-")
    lo, hi = _int(low), _int(high)
    return (lo, hi) if lo is not None and hi is not None else None


def _gt_slots(gt: str) -> list[str]:
    return re.split(r"[/|]", gt) if gt not in ("", ".") else ["."]


def parse_sample(sf: StrFile, rec: Record, index: int) -> RawCall:
    """One sample's call at one record (caller-specific FORMAT fields)."""
    values = rec.samples[index].split(":")
    fmt = dict(zip(rec.format, values, strict=False))
    gt = fmt.get("GT", ".")
    slots = _gt_slots(gt)
    start, end = _record_interval(sf.caller, rec.chrom, rec.pos, rec.ref, rec.info)
    name = rec.info.get("REPID") or rec.info.get("VARID") or rec.info.get("TRID") or (
        rec.ident if rec.ident not in (".", "") else None)
    motif = rec.info.get("RU") or (rec.info.get("MOTIFS", "").split(",")[0] or None)
    call = RawCall(rec.chrom, start, end, name, motif, rec.line, gt, [None] * len(slots),
                   filter=rec.filter if rec.filter not in (".", "") else None)
    if "STRDROP" in rec.info or fmt.get("DROP") == "1":
        call.warnings.append("Strdrop reports a coverage drop at this locus (possible allele dropout): "
                             "treat the genotype with caution")
        call.filter = call.filter or "LowDepth (Strdrop)"
        call.dropout = True
    for key in ("STR_STATUS", "STR_NORMAL_MAX", "STR_PATHOLOGIC_MIN", "Disease", "SourceDisplay"):
        if key in rec.info:
            call.annotation[key] = rec.info[key]
    try:
        if sf.caller == "ExpansionHunter":
            _parse_eh(sf, rec, fmt, slots, call)
        elif sf.caller == "TRGT":
            _parse_trgt(rec, fmt, slots, call)
        elif sf.caller == "GangSTR":
            _parse_gangstr(fmt, slots, call)
        else:
            _parse_hipstr(sf, rec, fmt, slots, call)
    except (ValueError, IndexError) as exc:
        raise InputError(f"cannot read the {sf.caller} fields of sample {sf.samples[index]!r}: {exc}", path=sf.path,
                         line=rec.line, hint="the record does not follow the caller's documented format") from None
    _check_plausible(sf, rec, call, index)
    if call.called and rec.info.get("STR_STATUS"):
        # Number=A: one status per ALT; the statuses of the ALTs this sample's genotype names (one value: the record's)
        statuses = rec.info["STR_STATUS"].split(",")
        alts = [int(s) for s in slots if s.isdigit() and int(s) > 0]
        call.stranger_status = (statuses if len(statuses) == 1 else
                                [statuses[k - 1] for k in alts if k <= len(statuses)])
    return call


def _check_plausible(sf: StrFile, rec: Record, call: RawCall, index: int) -> None:
    """Impossible values are refused, never interpreted: a negative or absurd size, a confidence
    interval that excludes its own call, a TRGT allele too short for its motif count."""
    where = f"{call.locus_name or rec.chrom + ':' + str(rec.pos)} (sample {sf.samples[index]})"
    motifs = [m for m in rec.info.get("MOTIFS", "").split(",") if m]
    shortest = min((len(m) for m in motifs), default=0)
    check_alleles(sf.path, rec.line, where, sf.caller, shortest, call.alleles)


def check_alleles(path: Path, line: int | None, where: str, caller: str, shortest: int,
                  alleles: list[RawAllele | None]) -> None:
    """The plausibility checks of one call's alleles (see _check_plausible)."""
    hint = "the caller never writes this value; the file was edited or damaged"
    for allele in alleles:
        if allele is None:
            continue
        if allele.size < 0:
            raise InputError(f"repeat size {allele.size} is negative", path=path, line=line, record=where,
                             hint=hint)
        if allele.size > MAX_REPEAT_UNITS:
            raise InputError(f"repeat size {allele.size} is beyond any plausible length (more than "
                             f"{MAX_REPEAT_UNITS:,} repeat units)", path=path, line=line, record=where,
                             hint=hint)
        if caller == "TRGT" and allele.length_bp is not None and shortest:
            # MC counts motifs inside AL bp: they cannot need more bases than the allele has (real files
            # stay within a few percent; 1.5x plus 10 bp leaves room for rounding and interruptions).
            needed = allele.size * shortest
            if needed > 1.5 * allele.length_bp + 10:
                raise InputError(f"TRGT allele length AL={allele.length_bp} bp cannot hold the motif count "
                                 f"MC={allele.size} of a {shortest}-bp motif ({needed} bp)", path=path,
                                 line=line, record=where, hint=hint)
        if allele.ci is not None:
            low, high = allele.ci
            if low > high or not low <= allele.size <= high:
                raise InputError(f"the confidence interval {low}-{high} does not contain the call "
                                 f"{allele.size}", path=path, line=line, record=where, hint=hint)
        if allele.length_bp is not None and allele.length_bp < 0:
            raise InputError(f"allele length {allele.length_bp} bp is negative", path=path, line=line,
                             record=where, hint=hint)
        # a length in bp becomes the size (units over the catalog region), so it meets the same bound
        if allele.length_bp is not None and allele.length_bp > MAX_REPEAT_UNITS * (shortest or 6):
            raise InputError(f"allele length {allele.length_bp:,} bp is beyond any plausible length (more than "
                             f"{MAX_REPEAT_UNITS:,} repeat units)", path=path, line=line, record=where, hint=hint)


def _parse_eh(sf: StrFile, rec: Record, fmt: dict[str, str], slots: list[str], call: RawCall) -> None:
    cn = fmt.get("REPCN", fmt.get("CN"))
    ci = fmt.get("REPCI", fmt.get("CI"))
    so = fmt.get("SO")
    reads = {name: fmt.get(a, fmt.get(b)) for name, a, b in
             (("spanning", "ADSP", "AD_SP"), ("flanking", "ADFL", "AD_FL"), ("in_repeat", "ADIR", "AD_IR"),
              ("supporting", "SP", "SP"))}  # SP: ExpansionHunter v2.0's reads supporting the allele
    sizes = _split(cn)
    # REPCN sizes the alleles it names; an allele it leaves '.' (a half-call, '1/.' with REPCN '2/.') is not sized
    if sizes and any(s not in (".", "") for s in sizes):
        cis = _split(ci)
        sos = _split(so)
        if len(sizes) != len(slots) and len(slots) != 1:
            raise ValueError(f"REPCN has {len(sizes)} values for genotype {fmt.get('GT')}")
        call.alleles = []
        for i, size_text in enumerate(sizes):
            if size_text in (".", ""):
                call.alleles.append(None)
                continue
            size = int(size_text)
            support = {"SPANNING": SupportType.SPANNING, "FLANKING": SupportType.FLANKING,
                       "INREPEAT": SupportType.IN_REPEAT}.get(sos[i] if i < len(sos) else "", SupportType.UNKNOWN)
            counts = {k: int(v.split("/")[i]) for k, v in reads.items()
                      if v and v != "." and i < len(v.split("/")) and v.split("/")[i].isdigit()}
            call.alleles.append(RawAllele(size, _ci(cis[i]) if i < len(cis) else None, support, counts))
        # ALT <STRn> should agree with REPCN; Stranger's test fixture has ALT <STR4> with REPCN 2/2
        alt_sizes = set()
        for slot in slots:
            if slot.isdigit() and int(slot) > 0 and int(slot) <= len(rec.alts):
                match = _STR_ALT.match(rec.alts[int(slot) - 1])
                if match:
                    alt_sizes.add(int(match.group(1)))
        if alt_sizes and not alt_sizes <= {a.size for a in call.called}:
            call.warnings.append(f"ALT {','.join(rec.alts)} disagrees with REPCN {cn}; REPCN used (line {rec.line})")
        return
    # GT-only records (EH output split into one ALT per record by vt decompose, every FORMAT field but GT dropped):
    # the sizes are only the REF copy number and the <STRn> labels, with no read type and no confidence interval
    # (support UNKNOWN, ci None: repeats.interpret's interval policy does not let such a size stand as a category)
    if any(slot not in (".", "") for slot in slots):
        call.warnings.append("the caller's record gives the genotype only (no REPCN/CN, SO or REPCI/CI): the "
                             "sizes are the ALT's <STRn> labels and the INFO REF copy number, with no confidence "
                             "interval and no read type; give the caller's own VCF or JSON")
    ref_cn = _int(rec.info.get("REF", ""))
    for i, slot in enumerate(slots):
        if slot == ".":
            continue
        k = int(slot)
        if k == 0:
            if ref_cn is None:
                raise ValueError("genotype uses the reference allele but INFO REF (reference copy number) is missing")
            call.alleles[i] = RawAllele(ref_cn)
        else:
            match = _STR_ALT.match(rec.alts[k - 1])
            if not match:
                raise ValueError(f"ALT {rec.alts[k - 1]!r} is not an <STRn> allele")
            call.alleles[i] = RawAllele(int(match.group(1)))


def _parse_trgt(rec: Record, fmt: dict[str, str], slots: list[str], call: RawCall) -> None:
    al = _split(fmt.get("AL"), ",")
    mc = _split(fmt.get("MC"), ",")
    allr = _split(fmt.get("ALLR"), ",")
    sd = _split(fmt.get("SD"), ",")
    motifs = rec.info.get("MOTIFS", "").split(",")
    unit = len(motifs[0]) if motifs and motifs[0] else 0
    struc = rec.info.get("PathologicStruc")
    wanted = [int(x) for x in re.findall(r"\d+", struc)] if struc else None
    filled = [i for i, s in enumerate(slots) if s != "."]
    for j, i in enumerate(filled):
        if j >= len(mc) or mc[j] == ".":
            continue
        parts = [int(x) for x in mc[j].split("_")]
        size = sum(parts[k] for k in wanted if k < len(parts)) if wanted else sum(parts)
        ci = None
        length = int(al[j]) if j < len(al) and al[j].isdigit() else None
        if j < len(allr) and unit and length is not None:
            bp = _ci(allr[j])
            if bp:  # ALLR is the allele-length range in bp: shift the motif count by the same number of units
                ci = (size - -(-(length - bp[0]) // unit), size + -(-(bp[1] - length) // unit))
        reads = {"spanning": int(sd[j])} if j < len(sd) and sd[j].isdigit() else {}
        call.alleles[i] = RawAllele(size, ci, SupportType.LONG_READ, reads, length,
                                    _ci(allr[j]) if j < len(allr) else None)


def _parse_gangstr(fmt: dict[str, str], slots: list[str], call: RawCall) -> None:
    sizes = _split(fmt.get("REPCN"), ",")
    if not sizes or "." in sizes:
        return
    cis = _split(fmt.get("REPCI"), ",")
    rc = [_int(x) or 0 for x in _split(fmt.get("RC"), ",")]
    enclosing = set()
    for item in _split(fmt.get("ENCLREADS"), "|"):
        key = item.split(",")[0]
        if key.isdigit():
            enclosing.add(int(key))
    counts = dict(zip(("enclosing", "spanning_pairs", "frr", "bounding"), rc, strict=False))
    call.alleles = []
    for i, text in enumerate(sizes):
        size = int(text)
        support = SupportType.SPANNING if size in enclosing else SupportType.FRAGMENT
        call.alleles.append(RawAllele(size, _ci(cis[i]) if i < len(cis) else None, support, counts))


def _parse_hipstr(sf: StrFile, rec: Record, fmt: dict[str, str], slots: list[str], call: RawCall) -> None:
    period = _int(rec.info.get("PERIOD", "")) or 0
    if period <= 0:
        raise ValueError("INFO PERIOD is missing")
    ref_len = int(rec.info["END"]) - int(rec.info["START"]) + 1
    gb = _split(fmt.get("GB"))
    support = SupportType.LONG_READ if sf.caller == "LongTR" else SupportType.SPANNING
    depth = _int(fmt.get("DP", "")) if fmt.get("DP", ".") != "." else None
    for i, slot in enumerate(slots):
        if slot == "." or i >= len(gb) or gb[i] == ".":
            continue
        length = ref_len + int(gb[i])
        call.alleles[i] = RawAllele(round(length / period), None, support,
                                    {"reads": depth} if depth is not None else {}, length)


def units_over_region(call: RawCall, region_length: int, motif_length: int) -> None:
    """Re-size the alleles a caller gave as lengths in bp (TRGT AL/ALLR, HipSTR and LongTR GB) in repeat units
    over the knowledge base's catalog region, the region every threshold is defined on.

    A caller's own region is often wider than the catalog's: TRGT's AR region runs on past the CAG tract
    through a second, short CAG run, and its C9orf72 region takes in 44 bp of GC-rich flank. Counting motifs
    over the wider region (TRGT MC) then adds the second run to the AR size and drops the CAA interruptions
    of ATXN2, which the thresholds count. The sequence outside the catalog region is taken to be the
    reference's (its length is the caller's reference length minus the catalog's), so an allele's units are
    (length - that extra) / motif length, rounded: the counting ExpansionHunter, and so the thresholds, use.

    A caller that gives repeat units (ExpansionHunter REPCN, GangSTR) counted them over its catalog's region: when
    that region differs from the knowledge base's (another catalog, an older release), the units of the difference
    are taken off on the same assumption (reference sequence outside the catalog region). A difference that is not a
    whole number of units is rounded, and the allele's confidence interval widened by one unit on each side, so a
    size next to a threshold reads indeterminate (repeats.interpret) rather than on the wrong side of it; the call
    says so in a warning.
    """
    extra = (call.end - call.start + 1) - region_length
    if motif_length <= 0:
        return

    def units(length: int) -> int:
        return max(0, (2 * (length - extra) + motif_length) // (2 * motif_length))

    shift, rest = divmod(extra, motif_length)
    if 2 * rest > motif_length:  # the nearest whole number of units
        shift, rest = shift + 1, rest - motif_length
    shifted = False
    for allele in call.alleles:
        if allele is None:
            continue
        if allele.length_bp is not None:
            allele.size = units(allele.length_bp)
            if allele.length_range is not None:
                low, high = sorted(allele.length_range)
                allele.ci = (min(units(low), allele.size), max(units(high), allele.size))
        elif extra:
            low, high = allele.ci if allele.ci is not None else (allele.size, allele.size)
            widen = 1 if rest else 0
            allele.size = max(0, allele.size - shift)
            allele.ci = (max(0, low - shift - widen), max(0, high - shift + widen)) if (allele.ci or widen) else None
            shifted = True
    if shifted:
        call.warnings.append(
            f"the caller's region for this locus ({call.chrom}:{call.start:,}-{call.end:,}, {call.end - call.start + 1} "
            f"bp) differs from the catalog region the thresholds use ({region_length} bp): its repeat counts were put "
            f"on the catalog region by taking off {extra} bp"
            + (f" ({shift} unit(s), rounded: the confidence interval was widened by one unit)" if rest else
               f" ({shift} unit(s))") + "; check the caller's variant catalog")


# --- ExpansionHunter JSON --------------------------------------------------------------------


def _count_pairs(text: str | None) -> dict[int, int]:
    if not text:
        return {}
    return {int(a): int(b) for a, b in re.findall(r"\((\d+),\s*(\d+)\)", text)}


def read_eh_json(path: Path) -> StrFile:
    from charcot.structured import loads_json, read_text

    data = loads_json(read_text(path, "ExpansionHunter JSON"), path)
    if isinstance(data, dict) and "LocusResults" not in data and any(
            isinstance(v, dict) and "RepeatSizes" in v and "TargetRegion" in v for v in data.values()):
        # ExpansionHunter v2 keyed its JSON by repeat (Genotype, GenotypeCi, RepeatSizes, TargetRegion)
        raise InputError("ExpansionHunter v2 JSON (one key per repeat, with RepeatSizes) is not read", path=path,
                         hint="give the VCF ExpansionHunter v2 wrote beside it (<prefix>.vcf), or the output of "
                              "ExpansionHunter v3-v5")
    if not isinstance(data, dict) or "LocusResults" not in data:
        raise InputError("JSON without 'LocusResults': not ExpansionHunter output", path=path,
                         hint="give the <prefix>.json written by ExpansionHunter")
    params = data.get("SampleParameters") or {}
    named = bool(params.get("SampleId"))
    sample = str(params.get("SampleId") or path.stem)
    sex = str(params.get("Sex", "")).lower()
    calls: list[RawCall] = []
    loci = data.get("LocusResults") or {}
    if not isinstance(loci, dict) or not all(isinstance(v, dict) and isinstance(v.get("Variants") or {}, dict)
                                             and all(isinstance(x, dict) for x in (v.get("Variants") or {}).values())
                                             for v in loci.values()):
        raise InputError("'LocusResults' is not ExpansionHunter's locus → variants mapping", path=path,
                         hint="give the <prefix>.json written by ExpansionHunter, unedited")
    for locus_id, locus in loci.items():
        for variant in (locus.get("Variants") or {}).values():
            if variant.get("VariantType") != "Repeat":
                continue
            region = str(variant.get("ReferenceRegion", ""))
            match = re.fullmatch(r"([^:]+):(\d+)-(\d+)", region)
            if not match:
                raise InputError(f"locus {locus_id}: ReferenceRegion {region!r} is not chrom:start-end", path=path,
                                 hint="give the ExpansionHunter JSON as it wrote it (ReferenceRegion like chr9:27573527-27573544)")
            gt = str(variant.get("Genotype") or ".")
            # one slot per allele, an uncalled one ('2/.') kept as None so the locus knows a copy was not sized
            sizes = [s for s in gt.split("/") if s]
            cis = str(variant.get("GenotypeConfidenceInterval") or "").split("/")
            spanning = _count_pairs(variant.get("CountsOfSpanningReads"))
            flanking = _count_pairs(variant.get("CountsOfFlankingReads"))
            inrepeat = _count_pairs(variant.get("CountsOfInrepeatReads"))
            alleles: list[RawAllele | None] = []
            for i, text in enumerate(sizes):
                if text == ".":
                    alleles.append(None)
                    continue
                try:
                    size = int(text)
                except ValueError:
                    raise InputError(f"locus {locus_id}: Genotype {gt!r} is not a pair of repeat sizes", path=path,
                                     hint="ExpansionHunter writes sizes like 2/8") from None
                if size in spanning:
                    support = SupportType.SPANNING
                elif inrepeat and size >= max(inrepeat):
                    support = SupportType.IN_REPEAT
                else:
                    support = SupportType.FLANKING
                reads = {"spanning": spanning.get(size, 0), "flanking": sum(flanking.values()),
                         "in_repeat": sum(inrepeat.values())}
                alleles.append(RawAllele(size, _ci(cis[i]) if i < len(cis) else None, support, reads))
            check_alleles(path, None, f"locus {locus_id} (sample {sample})", "ExpansionHunter", 0, alleles)
            # ReferenceRegion is 0-based half-open: the repeat is start+1..end (1-based inclusive)
            calls.append(RawCall(normalise_contig(match.group(1)), int(match.group(2)) + 1, int(match.group(3)),
                                 str(variant.get("VariantId") or locus_id), variant.get("RepeatUnit"), 0,
                                 gt, alleles if any(a is not None for a in alleles) else [None]))
    sf = StrFile(path, "ExpansionHunter (JSON)", False, [sample], {}, {}, [],
                 sex_hint=sex if sex in ("male", "female") else None, json_calls={sample: calls}, samples_named=named)
    return sf
