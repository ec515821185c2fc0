"""A local panel resource bundle: the files a laboratory downloads (reference FASTA, Ensembl GFF3, gnomAD
sites VCFs, ClinVar ``clinvar.vcf.gz`` and ``variant_summary.txt.gz``, AlphaMissense, REVEL, SpliceAI and CADD
score files), each cut once to the ALS panel regions, with a manifest (source, version, date, build, checksum,
regions covered). ``interpret --resources BUNDLE`` reads it with no network; every run names the bundle version.

Layout::

    BUNDLE/manifest.json
    BUNDLE/reference.fa.gz (+ .fai, .gzi)   panel regions at their real coordinates, N elsewhere
    BUNDLE/transcripts.gff3                 Ensembl GFF3 lines overlapping the panel
    BUNDLE/gnomad.vcf.gz (+ .tbi)           one per gnomAD file given (gnomad-2.vcf.gz ...)
    BUNDLE/clinvar.vcf.gz (+ .tbi), BUNDLE/clinvar_summary.tsv.gz
    BUNDLE/alphamissense.tsv.gz, revel.tsv.gz, cadd.tsv.gz (bgzip + tabix), spliceai.vcf.gz
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from charcot.errors import InputError
from charcot.genome.builds import contig_in_file, normalise_contig
from charcot.model import Build
from charcot.variants.model import BundleManifest, BundleResource

MANIFEST = "manifest.json"
FORMAT = "charcot-resource-bundle/1"
# Bases added on each side of the panel regions (splice regions and flanking indels stay inside).
PADDING = 1000
SCORE_KINDS = ("alphamissense", "revel", "spliceai", "cadd")
BUNDLE_FILES = ("manifest.json", "reference.fa.gz", "reference.fa.gz.fai", "reference.fa.gz.gzi",
                "transcripts.gff3", "clinvar.vcf.gz", "clinvar.vcf.gz.tbi", "clinvar_summary.tsv.gz",
                "alphamissense.tsv.gz", "alphamissense.tsv.gz.tbi", "revel.tsv.gz", "revel.tsv.gz.tbi",
                "cadd.tsv.gz", "cadd.tsv.gz.tbi", "spliceai.vcf.gz", "spliceai.vcf.gz.tbi",
                *[f"gnomad{s}.vcf.gz{t}" for s in ("", "-2", "-3", "-4") for t in ("", ".tbi")])


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def panel_regions(build: Build, padding: int = PADDING) -> list[tuple[str, int, int]]:
    from charcot.genome.panel import knowledge_panel

    out: list[tuple[str, int, int]] = []
    for chrom, s, e in knowledge_panel(build).regions():
        s, e = max(1, s - padding), e + padding
        if out and out[-1][0] == chrom and s <= out[-1][2] + 1:
            out[-1] = (chrom, out[-1][1], max(out[-1][2], e))
        else:
            out.append((chrom, s, e))
    return out


# Predictor scores are kept for exons +- this many bases (score files list every possible SNV: genome-wide
# regions would make CADD alone hundreds of MB); deeper intronic positions keep their gnomAD/ClinVar data.
SCORE_PADDING = 50
# gnomAD INFO fields charcot reads (charcot.variants.resources): the hundreds of others are dropped, which
# makes a panel subset about twenty times smaller.
GNOMAD_KEEP = ("AC", "AN", "AF", "grpmax", "AC_grpmax", "AN_grpmax", "AF_grpmax", "fafmax_faf95_max",
               "popmax", "AC_popmax", "AN_popmax", "AF_popmax", "faf95_popmax", "faf95_afr", "faf95_amr", "faf95_eas",
               "faf95_nfe", "faf95_sas")
# A gnomAD v4.1 file with joint (exomes + genomes) frequencies: charcot reads the joint ones first, so only they
# are kept. One dataset per frequency (never a joint AF beside an exome-only FAF), and half the bytes per record
# (benchmarks/bench_bundle_size.py): gnomAD is most of a bundle.
GNOMAD_KEEP_JOINT = ("AC_joint", "AN_joint", "AF_joint", "grpmax_joint", "AC_grpmax_joint", "AN_grpmax_joint",
                     "AF_grpmax_joint", "fafmax_faf95_max_joint")


def gnomad_fields(header: str) -> tuple[str, ...]:
    """The INFO fields a bundle keeps from a gnomAD VCF with this header."""
    return GNOMAD_KEEP_JOINT if "##INFO=<ID=AF_joint," in header else GNOMAD_KEEP


def exon_regions(build: Build, padding: int = SCORE_PADDING) -> list[tuple[str, int, int]]:
    """Every panel exon +- ``padding`` (coding and splice-region positions), merged."""
    from charcot.genome.panel import knowledge_panel

    spans = sorted((g.chrom, e.start - padding, e.end + padding) for g in knowledge_panel(build).genes
                   for e in g.exons)
    out: list[tuple[str, int, int]] = []
    for chrom, s, e in spans:
        if out and out[-1][0] == chrom and s <= out[-1][2] + 1:
            out[-1] = (chrom, out[-1][1], max(out[-1][2], e))
        else:
            out.append((chrom, max(1, s), e))
    return out


def _in(regions: dict[str, list[tuple[int, int]]], chrom: str, pos: int) -> bool:
    return any(s <= pos <= e for s, e in regions.get(normalise_contig(chrom), ()))


def _by_chrom(regions: Sequence[tuple[str, int, int]]) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    for c, s, e in regions:
        out.setdefault(normalise_contig(c), []).append((s, e))
    return out


def _bcftools() -> str:
    exe = shutil.which("bcftools")
    if exe is None:
        raise InputError("bcftools is not installed", hint="install the Debian package 'bcftools'")
    return exe


def _run(args: list[str], what: str, path: Path) -> None:
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise InputError(f"{what} failed: {proc.stderr.strip()[:300]}", path=path)


def _vcf_header_text(path: Path) -> str:
    import pysam

    try:
        with pysam.VariantFile(str(path)) as vf:
            return str(vf.header)
    except (OSError, ValueError) as exc:
        raise InputError(f"not a readable VCF ({exc})", path=path) from None


def _subset_vcf(src: Path, dest: Path, regions: Sequence[tuple[str, int, int]], keep_info: Sequence[str] = ()
                ) -> None:
    """bcftools view of the regions (streaming when the source has no index), bgzip + tabix."""
    import pysam

    header = _vcf_header_text(src)
    names = re.findall(r"##contig=<ID=([^,>]+)", header)
    indexed = Path(str(src) + ".tbi").exists() or Path(str(src) + ".csi").exists()
    bed = dest.with_suffix(".regions.bed")
    if not names:
        # no ##contig lines (gnomAD v4, ClinVar): name the contigs as the records do
        with pysam.VariantFile(str(src)) as vf:
            first = next(iter(vf), None)
        prefix = "chr" if first is not None and str(first.chrom).startswith("chr") else ""
        names = [f"{prefix}{c}" for c, _s, _e in regions]
    lines = []
    for c, s, e in regions:
        name = contig_in_file(c, names) or c
        lines.append(f"{name}\t{s - 1}\t{e}")
    bed.write_text("\n".join(lines) + "\n")
    args = [_bcftools(), "view", "--no-version", ("-R" if indexed else "-T"), str(bed), "-Oz", "-o", str(dest)]
    if keep_info:
        present = [f for f in keep_info if f"##INFO=<ID={f}," in header]
        if present:
            args = [_bcftools(), "annotate", "--no-version", "-x", "^" + ",".join(f"INFO/{f}" for f in present),
                    ("-R" if indexed else "-T"), str(bed), "-Oz", "-o", str(dest)]
    _run([*args, str(src)], "subsetting", src)
    bed.unlink()
    try:
        pysam.tabix_index(str(dest), preset="vcf", force=True)
    except OSError:
        raise InputError("the file is not sorted by position, so its panel subset cannot be indexed", path=src,
                         hint="sort it first: bcftools sort -Oz -o sorted.vcf.gz FILE") from None


def _open_text(path: Path) -> Any:
    with open(path, "rb") as handle:
        magic = handle.read(2)
    return gzip.open(path, "rt", encoding="utf-8", errors="replace") if magic == b"\x1f\x8b" else \
        open(path, encoding="utf-8", errors="replace")


def _subset_table(src: Path, dest: Path, regions: dict[str, list[tuple[int, int]]], *, sep: str,
                  chrom_col: int, pos_col: int, header_prefix: str, build: Build, pos_cols: dict[Build, int] | None
                  = None) -> int:
    """Rows of a score table (TSV/CSV, plain or gzip) inside the regions, written as bgzipped TSV + tabix."""
    import pysam

    plain = dest.with_suffix("")
    kept = 0
    col = pos_cols[build] if pos_cols else pos_col
    with _open_text(src) as handle, open(plain, "w") as out:
        for line in handle:
            if line.startswith(header_prefix) or line.startswith("#"):
                out.write("#" + line.lstrip("#").replace(sep, "\t") if not line.startswith("##") else line)
                continue
            v = line.rstrip("\n").split(sep)
            if len(v) <= max(chrom_col, col):
                continue
            try:
                pos = int(v[col])
            except ValueError:
                continue
            if _in(regions, v[chrom_col], pos):
                out.write("\t".join(v) + "\n")
                kept += 1
    pysam.tabix_compress(str(plain), str(dest), force=True)
    plain.unlink()
    pysam.tabix_index(str(dest), seq_col=chrom_col, start_col=col, end_col=col, meta_char="#", force=True)
    return kept


def _subset_fasta(src: Path, dest: Path, regions: Sequence[tuple[str, int, int]], build: Build) -> None:
    """Each panel contig as one line: the panel regions' real bases at their real coordinates, N elsewhere, up
    to the last region (so positions, REF checks and bcftools csq work unchanged)."""
    import pysam

    try:
        fa = pysam.FastaFile(str(src))
    except (OSError, ValueError) as exc:
        raise InputError(f"the reference FASTA cannot be read or indexed ({exc})", path=src,
                         hint="give a plain or bgzip-compressed FASTA") from None
    try:
        from charcot.genome.builds import detect_build

        found = detect_build(dict(zip(fa.references, fa.lengths, strict=True)))
    except InputError:
        found = None
    if found is not None and found != build:
        raise InputError(f"the reference FASTA is {found.value} (contig lengths) but the bundle is {build.value}",
                         path=src, hint=f"give the {build.value} FASTA")
    plain = dest.with_suffix("")
    by = _by_chrom(regions)
    with open(plain, "w") as out:
        for canonical, spans in by.items():
            name = contig_in_file(canonical, list(fa.references))
            if name is None:
                continue
            length = fa.get_reference_length(name)
            out.write(f">{name}\n")
            cursor = 1
            for s, e in sorted(spans):
                s, e = max(s, cursor), min(e, length)
                if e < s:
                    continue
                if s > cursor:
                    _write_n(out, s - cursor)
                out.write(str(fa.fetch(name, s - 1, e)).upper())
                cursor = e + 1
            out.write("\n")
    pysam.tabix_compress(str(plain), str(dest), force=True)
    plain.unlink()
    pysam.faidx(str(dest))


def _write_n(out: Any, n: int) -> None:
    block = "N" * (1 << 20)
    while n > 0:
        out.write(block[: min(n, len(block))])
        n -= len(block)


def _subset_gff(src: Path, dest: Path, regions: dict[str, list[tuple[int, int]]]) -> int:
    """GFF3 feature lines overlapping the regions (genes, transcripts, exons, CDS, UTRs); header lines kept."""
    kept = 0
    with _open_text(src) as handle, open(dest, "w") as out:
        for line in handle:
            if line.startswith("#"):
                if line.startswith("##gff-version") or line.startswith("#!"):
                    out.write(line)
                continue
            c = line.split("\t")
            if len(c) < 9:
                continue
            try:
                s, e = int(c[3]), int(c[4])
            except ValueError:
                continue
            spans = regions.get(normalise_contig(c[0]), ())
            if c[2] == "chromosome" or any(s <= re_ and e >= rs for rs, re_ in spans):
                out.write(line)
                kept += 1
    if kept == 0:
        raise InputError("no transcript model of the GFF3 overlaps the ALS panel", path=src,
                         hint="give the Ensembl GFF3 of the same build (Homo_sapiens.GRCh38.<release>.gff3.gz)")
    return kept


def _version_of(path: Path, header: str = "") -> str:
    """A release label from the header (ClinVar fileDate, gnomAD/CADD/SpliceAI/VEP versions) or the file name."""
    for pattern in (r"gnomad\.(?:exomes|genomes|joint)\.((?:v|r)?[\d.]*\d)", r"##fileDate=(\S+)", r"SpliceAI(v[\d.]+)",
                    r"## CADD (v[\d.]+)"):
        m = re.search(pattern, header) or re.search(pattern, path.name)
        if m:
            return m.group(1)
    m = re.search(r"(v?\d+(?:\.\d+)+)", path.name)
    return m.group(1) if m else "unknown"


def build_bundle(out: Path, build: Build, *, fasta: Path | None = None, gff: Path | None = None,
                 gnomad: Sequence[Path] = (), clinvar: Path | None = None, clinvar_summary: Path | None = None,
                 scores: dict[str, Path] | None = None, regions: Sequence[tuple[str, int, int]] | None = None,
                 padding: int = PADDING) -> BundleManifest:
    """Cut every given resource to the panel regions (plus ``regions``) into the folder ``out``."""
    from charcot.knowledge import get_knowledge
    from charcot.outputs import output_directory
    from charcot.variants.clinvar import SUMMARY_COLUMNS
    from charcot.variants.resources import ClinVarResource

    given = [p for p in (fasta, gff, clinvar, clinvar_summary, *gnomad, *(scores or {}).values()) if p is not None]
    for p in given:
        if not Path(p).exists():
            raise InputError("resource file not found", path=p)
    if not given:
        raise InputError("no resource file was given", hint="give at least one of --fasta/--gff/--gnomad/--clinvar")
    if (fasta is None) != (gff is None):
        raise InputError("the reference FASTA and the GFF3 go together (the consequence engine needs both)",
                         hint="give both --fasta and --gff")
    spans = panel_regions(build, padding)
    if regions:
        spans = sorted([*spans, *((normalise_contig(c), s, e) for c, s, e in regions)])
    by = _by_chrom(spans)
    score_spans = exon_regions(build)
    if regions:
        score_spans = sorted([*score_spans, *((normalise_contig(c), s, e) for c, s, e in regions)])
    score_by = _by_chrom(score_spans)
    kb = get_knowledge()
    entries: list[BundleResource] = []
    with output_directory(out, names=BUNDLE_FILES) as tmp:
        def add(kind: str, file: str, src: Path, version: str, records: int | None = None) -> None:
            entries.append(BundleResource(
                kind=kind, file=file, source=Path(src).name, source_sha256=_sha256(Path(src)), version=version,
                date=date.fromtimestamp(Path(src).stat().st_mtime).isoformat(), sha256=_sha256(tmp / file),
                records=records))

        if fasta is not None and gff is not None:
            _subset_fasta(Path(fasta), tmp / "reference.fa.gz", spans, build)
            add("reference", "reference.fa.gz", Path(fasta), _version_of(Path(fasta)))
            n = _subset_gff(Path(gff), tmp / "transcripts.gff3", by)
            add("transcripts", "transcripts.gff3", Path(gff), _version_of(Path(gff)), n)
        for i, g in enumerate(gnomad):
            name = "gnomad.vcf.gz" if i == 0 else f"gnomad-{i + 1}.vcf.gz"
            _check_vcf_build(Path(g), "gnomAD", build)
            fields = gnomad_fields(_vcf_header_text(Path(g)))
            _subset_vcf(Path(g), tmp / name, spans, keep_info=fields)
            if fields == GNOMAD_KEEP_JOINT and not _all_have(tmp / name, "AF_joint"):
                # a record without joint values is read from its single-dataset fields: keep them as well
                _subset_vcf(Path(g), tmp / name, spans, keep_info=(*GNOMAD_KEEP, *GNOMAD_KEEP_JOINT))
            add("gnomad", name, Path(g), _version_of(Path(g), _vcf_header_text(Path(g))), _count(tmp / name))
        if clinvar is not None:
            _check_vcf_build(Path(clinvar), "ClinVar", build)
            _subset_vcf(Path(clinvar), tmp / "clinvar.vcf.gz", spans)
            ClinVarResource(tmp / "clinvar.vcf.gz").check_build(build)
            add("clinvar", "clinvar.vcf.gz", Path(clinvar), _version_of(Path(clinvar), _vcf_header_text(Path(clinvar))),
                _count(tmp / "clinvar.vcf.gz"))
        if clinvar_summary is not None:
            n = _subset_summary(Path(clinvar_summary), tmp / "clinvar_summary.tsv.gz", build,
                                {g.symbol.upper() for g in kb.genes}, SUMMARY_COLUMNS)
            add("clinvar_summary", "clinvar_summary.tsv.gz", Path(clinvar_summary), _version_of(Path(clinvar_summary)),
                n)
        for kind, src in sorted((scores or {}).items()):
            if kind not in SCORE_KINDS:
                raise InputError(f"unknown score file kind {kind!r}", hint=f"use one of {', '.join(SCORE_KINDS)}")
            src = Path(src)
            if kind == "spliceai":
                _check_vcf_build(src, "SpliceAI", build)
                _subset_vcf(src, tmp / "spliceai.vcf.gz", score_spans)
                add(kind, "spliceai.vcf.gz", src, _version_of(src, _vcf_header_text(src)),
                    _count(tmp / "spliceai.vcf.gz"))
            elif kind == "alphamissense":
                n = _subset_table(src, tmp / "alphamissense.tsv.gz", score_by, sep="\t", chrom_col=0, pos_col=1,
                                  header_prefix="#CHROM", build=build)
                add(kind, "alphamissense.tsv.gz", src, _version_of(src), n)
            elif kind == "cadd":
                n = _subset_table(src, tmp / "cadd.tsv.gz", score_by, sep="\t", chrom_col=0, pos_col=1,
                                  header_prefix="#Chrom", build=build)
                with _open_text(src) as handle:
                    add(kind, "cadd.tsv.gz", src, _version_of(src, handle.readline()), n)
            else:  # REVEL: chr,hg19_pos,grch38_pos,...
                n = _subset_table(src, tmp / "revel.tsv.gz", score_by, sep=",", chrom_col=0, pos_col=2,
                                  header_prefix="chr,", build=build,
                                  pos_cols={Build.GRCh37: 1, Build.GRCh38: 2})
                add(kind, "revel.tsv.gz", src, _version_of(src), n)
        digest = hashlib.sha256("".join(e.sha256 for e in entries).encode()).hexdigest()[:12]
        manifest = BundleManifest(
            format=FORMAT, version=f"{build.value}-{date.today().isoformat()}-{digest}", build=build.value,
            created=date.today().isoformat(), knowledge_version=kb.meta.version, padding=padding,
            regions=[(c, s, e) for c, s, e in spans], resources=entries)
        (tmp / MANIFEST).write_text(json.dumps(manifest.model_dump(mode="json"), indent=2, sort_keys=True) + "\n")
    return manifest


def _check_vcf_build(src: Path, role: str, build: Build) -> None:
    """Refuse a VCF of the other build before cutting it (header contig lengths, ##reference, gnomAD v4 fields)."""
    import pysam

    from charcot.variants.resources import resource_build

    try:
        with pysam.VariantFile(str(src)) as vf:
            header = vf.header
            lengths = {str(k): int(v.length) for k, v in header.contigs.items() if v.length}
            infos = list(header.info)
            raw = str(header)
    except (OSError, ValueError) as exc:
        raise InputError(f"the {role} file is not a readable VCF ({exc})", path=src) from None
    found, how = resource_build(raw, lengths, infos)
    if found is not None and found != build:
        raise InputError(f"the {role} file is {found.value} ({how}) but the bundle is {build.value}", path=src,
                         hint=f"give the {build.value} release")


def _all_have(vcf_gz: Path, field: str) -> bool:
    """Every record of the bgzipped VCF carries INFO ``field``."""
    tag = re.compile(rf"(?:^|;){re.escape(field)}=")
    with gzip.open(vcf_gz, "rt") as handle:
        return all(tag.search(line.split("\t")[7]) for line in handle if not line.startswith("#"))


def _count(vcf_gz: Path) -> int:
    with gzip.open(vcf_gz, "rt") as handle:
        return sum(1 for line in handle if not line.startswith("#"))


def _subset_summary(src: Path, dest: Path, build: Build, genes: set[str], columns: Sequence[str]) -> int:
    kept = 0
    with _open_text(src) as handle, gzip.open(dest, "wt") as out:
        header = handle.readline()
        cols = header.rstrip("\n").split("\t")
        missing = [c for c in columns if c not in cols]
        if missing:
            raise InputError(f"not a ClinVar variant_summary file: column(s) {', '.join(missing)} missing", path=src,
                             line=1, hint="use ClinVar's tab_delimited/variant_summary.txt.gz")
        out.write(header)
        gi, ai = cols.index("GeneSymbol"), cols.index("Assembly")
        for line in handle:
            v = line.split("\t")
            if len(v) > max(gi, ai) and v[ai] == build.value and v[gi].upper() in genes:
                out.write(line)
                kept += 1
    return kept


class Bundle:
    """A built bundle, opened for a run: its manifest and the paths of its files."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        path = self.folder / MANIFEST
        if not path.is_file():
            raise InputError("not a charcot resource bundle (no manifest.json)", path=self.folder,
                             hint="build one with 'charcot resources build'")
        try:
            self.manifest = BundleManifest.model_validate(json.loads(path.read_text()))
        except (ValueError, json.JSONDecodeError) as exc:
            raise InputError(f"the bundle manifest is not valid ({str(exc).splitlines()[0]})", path=path,
                             hint="rebuild the bundle with 'charcot resources build'") from None
        if self.manifest.format != FORMAT:
            raise InputError(f"unknown bundle format {self.manifest.format!r}", path=path,
                             hint="rebuild the bundle with this charcot version")
        for e in self.manifest.resources:
            if not (self.folder / e.file).is_file():
                raise InputError(f"the bundle's {e.kind} file {e.file} is missing", path=self.folder,
                                 hint="rebuild the bundle (files are listed in manifest.json)")

    @property
    def build(self) -> Build:
        return Build(self.manifest.build)

    def path(self, kind: str) -> Path | None:
        for e in self.manifest.resources:
            if e.kind == kind:
                return self.folder / e.file
        return None

    def paths(self, kind: str) -> list[Path]:
        return [self.folder / e.file for e in self.manifest.resources if e.kind == kind]

    def describe(self) -> str:
        """'<version> (gnomad v4.1, clinvar 2025-06-01, ...)': the line every run's provenance carries."""
        parts = ", ".join(f"{e.kind} {e.version}" for e in self.manifest.resources)
        return f"{self.manifest.version} ({parts})"

    def verify(self) -> Iterator[tuple[BundleResource, bool]]:
        for e in self.manifest.resources:
            yield e, _sha256(self.folder / e.file) == e.sha256
