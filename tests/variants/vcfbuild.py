"""Build small test VCFs at run time: a real header (from a fixture) plus spiked records placed at
coordinates derived from the knowledge base (never typed), optionally with a VEP CSQ annotation
whose field list is the real VEP v104 header of the Scout fixture."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pysam

from charcot.errors import InputError
from charcot.knowledge import get_knowledge
from charcot.model import Build

DATA = Path(__file__).resolve().parents[1] / "data" / "variants"
PFEIFFER = DATA / "pfeiffer_panel.vcf.gz"  # GRCh37, no chr prefix, sample 'manuel'
NA12878_38 = DATA / "na12878_hg38_panel.vcf.gz"  # GRCh38, chr prefix, sample 'NA12878'
VEP104 = DATA / "scout_vep104_annotated.vcf"


def header_lines(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as handle:  # type: ignore[operator]
        return [line.rstrip("\n") for line in handle if line.startswith("#")]


def data_lines(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as handle:  # type: ignore[operator]
        return [line.rstrip("\n") for line in handle if not line.startswith("#")]


def csq_header_line() -> str:
    for line in header_lines(VEP104):
        if line.startswith("##INFO=<ID=CSQ"):
            return line
    raise AssertionError("no CSQ header in the VEP v104 fixture")


def csq_fields() -> list[str]:
    line = csq_header_line()
    return line.split("Format: ")[1].rstrip('">').split("|")


def csq_value(**values: str) -> str:
    """One CSQ entry with the given fields set (others empty), in the real header's order."""
    fields = csq_fields()
    unknown = set(values) - set(fields)
    assert not unknown, unknown
    return "|".join(values.get(f, "") for f in fields)


@dataclass
class Rec:
    chrom: str
    pos: int
    ref: str
    alt: str
    gt: str = "0/1"
    info: dict[str, str] = field(default_factory=dict)
    filter: str = "PASS"
    gq: int | None = 99
    dp: int | None = 40
    ps: int | None = None
    qual: str = "50"

    def line(self, chr_prefix: bool) -> str:
        chrom = f"chr{self.chrom}" if chr_prefix and not self.chrom.startswith("chr") else self.chrom
        info = ";".join(f"{k}={v}" for k, v in self.info.items()) or "."
        fmt = ["GT"]
        vals = [self.gt]
        if self.gq is not None:
            fmt.append("GQ")
            vals.append(str(self.gq))
        if self.dp is not None:
            fmt.append("DP")
            vals.append(str(self.dp))
        if self.ps is not None:
            fmt.append("PS")
            vals.append(str(self.ps))
        return "\t".join([chrom, str(self.pos), ".", self.ref, self.alt, self.qual, self.filter, info, ":".join(fmt),
                          ":".join(vals)])


def write_vcf(path: Path, records: Sequence[Rec], *, build: Build = Build.GRCh37, csq: bool = False,
              extra_header: Sequence[str] = (), index: bool = True, sample: str | None = None) -> Path:
    """Write a bgzipped (and indexed) VCF with a real header of the given build."""
    base = PFEIFFER if build == Build.GRCh37 else NA12878_38
    chr_prefix = build == Build.GRCh38
    header = [h for h in header_lines(base) if not h.startswith("#CHROM")]
    for needed in ('##FORMAT=<ID=GQ,', '##FORMAT=<ID=DP,', '##FORMAT=<ID=PS,'):
        if not any(h.startswith(needed) for h in header):
            kind = needed.split("ID=")[1].rstrip(",")
            typ = "Integer"
            header.append(f'##FORMAT=<ID={kind},Number=1,Type={typ},Description="test">')
    if csq:
        header.append(csq_header_line())
    header += list(extra_header)
    chrom_line = header_lines(base)[-1].split("\t")
    if sample is not None:
        chrom_line[-1] = sample
    header.append("\t".join(chrom_line))
    ordered = sorted(records, key=lambda r: (_order(r.chrom), r.pos))
    text = "\n".join(header + [r.line(chr_prefix) for r in ordered]) + "\n"
    plain = path.with_suffix("") if path.suffix == ".gz" else path
    plain.write_text(text)
    if path.suffix != ".gz":
        return path
    pysam.tabix_compress(str(plain), str(path), force=True)
    plain.unlink()
    if index:
        pysam.tabix_index(str(path), preset="vcf", force=True)
    return path


def _order(chrom: str) -> tuple[int, str]:
    c = chrom.removeprefix("chr")
    return (int(c), "") if c.isdigit() else ({"X": 23, "Y": 24}.get(c, 25), c)


def exon(gene: str, number: int, build: Build = Build.GRCh37) -> tuple[str, int, int, str]:
    """(chrom, start, end, strand) of a canonical exon from the knowledge base's derived table."""
    coords = get_knowledge().gene(gene).coords(build)
    assert coords is not None
    for e in coords.exons:
        if e.number == number:
            return coords.span.chrom, e.start, e.end, coords.span.strand
    raise AssertionError(f"{gene} has no exon {number}")


def exon_count(gene: str, build: Build = Build.GRCh37) -> int:
    coords = get_knowledge().gene(gene).coords(build)
    assert coords is not None
    return len(coords.exons)


def mane(gene: str) -> str:
    m = get_knowledge().gene(gene).mane
    assert m is not None
    return m.ensembl_transcript


def known(variant_id: str, build: Build = Build.GRCh37) -> tuple[str, int, str, str, str, str]:
    """(chrom, pos, ref, alt, hgvs_c, hgvs_p) of a knowledge-base known variant."""
    for r in get_knowledge().records("variants"):
        if getattr(r, "id", None) == variant_id:
            a = r.allele(build)  # type: ignore[attr-defined]
            assert a is not None
            return a.chrom, a.pos, a.ref, a.alt, r.hgvs_c, r.hgvs_p  # type: ignore[attr-defined]
    raise AssertionError(variant_id)


def clinvar_record(variation_id: int, build: Build = Build.GRCh38) -> tuple[str, int, str, str, str, str]:
    """(chrom, pos, ref, alt, hgvs_c, hgvs_p) of a real ClinVar record (Variation ID) from the knowledge base's
    ClinVar-derived table (scripts/derive_known_variants.py: InterVar's ClinVar P/LP missense rows, both builds)."""
    import charcot.knowledge
    from charcot.knowledge.schema.variants import _clinvar_table

    row = _clinvar_table(Path(charcot.knowledge.__file__).parent / "data")[str(variation_id)]
    a = row["grch38" if build == Build.GRCh38 else "grch37"]
    return a["chrom"], a["pos"], a["ref"], a["alt"], row["hgvs_c"], row["hgvs_p"]


def outcome(path: Path, run: Callable[[Path], Any]) -> Any:
    """("ok", what ``run(path)`` returns) or ("error", the InputError's message, line, record, hint): two ways of
    reading one file compare equal when they agree, errors included."""
    try:
        return ("ok", run(path))
    except InputError as exc:
        return ("error", str(exc), exc.line, exc.record, exc.hint)


def edit_column(records: list[str], index: int, column: int, value: str) -> list[str]:
    """A copy of ``records`` (VCF data lines) with column ``column`` of line ``index`` set to ``value``."""
    out = list(records)
    cols = out[index].split("\t")
    cols[column] = value
    out[index] = "\t".join(cols)
    return out
