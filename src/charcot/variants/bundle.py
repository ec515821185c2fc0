"""A local panel resource bundle: the files a laboratory downloads (reference FASTA, Ensembl GFF3, gnomAD
sites VCFs, ClinVar ``clinvar.vcf.gz`` and ``variant_summary.txt.gz``, AlphaMissense, REVEL, SpliceAI and CADD
score files), each cut once to the ALS panel regions it is read in, with a manifest (source, version, date, build,
checksum, the regions each file covers and the fields it keeps). ``interpret --resources BUNDLE`` reads it with no
network; every run names the bundle version.

Layout (format 2; what each file covers is a named region set of the manifest, read by the interpretation: outside
it the resource is "not assessed", never "absent")::

    BUNDLE/manifest.json
    BUNDLE/verified-identities.json          each file's identity when the bundle was built (machine-local)
    BUNDLE/reference.fa.gz (+ .fai, .gzi)   genes: panel genes +- 1 kb at their real coordinates, N elsewhere
    BUNDLE/transcripts.gff3.gz              genes: Ensembl GFF3 lines overlapping them
    BUNDLE/clinvar.vcf.gz (+ .tbi)          genes: CLNSIG, CLNREVSTAT, MC, GENEINFO (+ an annotation field)
    BUNDLE/clinvar_summary.tsv.gz           panel genes' rows of the build, the columns charcot reads
    BUNDLE/gnomad.vcf.gz (+ .tbi)           gnomad: panel exons +- 100 bp (splice regions, UTRs); the INFO fields
                                            charcot reads; no ID/QUAL. One per gnomAD file given (gnomad-2...)
    BUNDLE/gnomad_coverage.tsv.gz (+ .tbi)  gnomad: gnomAD's per-base coverage summary (chrom, pos, median, over_10)
    BUNDLE/spliceai.tsv.gz (+ .tbi)         splice: exons +- 50 bp; CHROM POS REF ALT max delta score
    BUNDLE/alphamissense.tsv.gz, revel.tsv.gz, cadd.tsv.gz (+ .tbi)
                                            coding: exons; CHROM POS REF ALT score (CADD: PHRED only; REVEL: the
                                            highest over transcripts, as read). These predictors are read for
                                            missense variants only, which lie in exons.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from charcot.errors import InputError
from charcot.genome.builds import contig_in_file, normalise_contig
from charcot.model import Build
from charcot.outputs import file_identity, sha256_file, write_cache_json
from charcot.variants.model import BundleManifest, BundleRegionSet, BundleResource

MANIFEST = "manifest.json"
# each resource file's identity (device, inode, size, mtime_ns, ctime_ns) when its SHA-256 last matched the manifest:
# machine-local, not content (a copied bundle hashes its files once, on its first run)
IDENTITIES = "verified-identities.json"
FORMAT = "charcot-resource-bundle/2"
# Bases added on each side of the panel regions (splice regions and flanking indels stay inside).
PADDING = 1000
SCORE_KINDS = ("alphamissense", "revel", "spliceai", "cadd")
BUNDLE_FILES = ("manifest.json", IDENTITIES, "reference.fa.gz", "reference.fa.gz.fai", "reference.fa.gz.gzi",
                "transcripts.gff3.gz", "clinvar.vcf.gz", "clinvar.vcf.gz.tbi", "clinvar_summary.tsv.gz",
                "alphamissense.tsv.gz", "alphamissense.tsv.gz.tbi", "revel.tsv.gz", "revel.tsv.gz.tbi",
                "cadd.tsv.gz", "cadd.tsv.gz.tbi", "spliceai.tsv.gz", "spliceai.tsv.gz.tbi",
                "gnomad_coverage.tsv.gz", "gnomad_coverage.tsv.gz.tbi",
                *[f"gnomad{s}.vcf.gz{t}" for s in ("", "-2", "-3", "-4") for t in ("", ".tbi")])


def _cached_identities(folder: Path) -> Path:
    """Where a run remembers the identities of a bundle's files it verified: the user's cache, one file per bundle
    folder."""
    import os

    from charcot.outputs import user_cache_dir

    key = hashlib.sha256(os.path.realpath(folder).encode()).hexdigest()[:24]
    return user_cache_dir() / "bundles" / f"{key}.json"


def _read_identities(path: Path) -> dict[str, list[int]]:
    try:
        raw = json.loads(path.read_text())
        return {str(k): [int(x) for x in v] for k, v in raw.items()} if isinstance(raw, dict) else {}
    except (OSError, ValueError, TypeError):
        return {}


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


# Bases kept around each panel exon in a gnomAD subset: the splice region (VEP: up to 8 bp into the intron), the
# intronic positions of ClinGen's splicing recommendations (Walker et al. 2023: to -20 and +6 and beyond) and the
# flanks an exome capture reads (gnomAD exome calls reach about 50-100 bp into introns). UTRs are part of the exons.
# Deeper intronic positions are outside the gnomAD subset: "not assessed" for PM2/BS1/BA1, never "absent".
GNOMAD_PADDING = 100
# SpliceAI is kept for exons +- this many bases (its precomputed files list every SNV of every gene body).
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
# gnomAD defines each AF as AC/AN of the same dataset and group: where every record of a subset carries both, the AF
# field is dropped and the reader computes it (about a quarter fewer bytes per record).
GNOMAD_AF_OF = {"AF": ("AC", "AN"), "AF_grpmax": ("AC_grpmax", "AN_grpmax"), "AF_popmax": ("AC_popmax", "AN_popmax"),
                "AF_joint": ("AC_joint", "AN_joint"), "AF_grpmax_joint": ("AC_grpmax_joint", "AN_grpmax_joint")}
# ClinVar INFO fields charcot reads (variants.resources.ClinVarResource: CLNSIG, CLNREVSTAT, MC; GENEINFO names the
# gene) and the annotation fields a ClinVar file annotated by VEP/SnpEff/bcftools csq may carry (protein changes).
CLINVAR_KEEP = ("CLNSIG", "CLNREVSTAT", "MC", "GENEINFO", "CSQ", "ANN", "BCSQ")
# The region set each kind of file covers (BundleManifest.region_sets).
COVERS = {"reference": "genes", "transcripts": "genes", "clinvar": "genes", "clinvar_summary": "genes",
          "gnomad": "gnomad", "gnomad_coverage": "gnomad", "spliceai": "splice", "alphamissense": "coding", "revel": "coding", "cadd": "coding"}


def gnomad_fields(header: str) -> tuple[str, ...]:
    """The INFO fields a bundle keeps from a gnomAD VCF with this header (a release without group-maximum fields
    keeps its group AF fields, by which it is told to be gnomAD: variants.resources.not_gnomad)."""
    from charcot.variants.resources import GNOMAD_GROUP_AF, GNOMAD_SIGNATURE_FIELDS

    if "##INFO=<ID=AF_joint," in header:
        return GNOMAD_KEEP_JOINT
    if any(f"##INFO=<ID={f}," in header for f in GNOMAD_SIGNATURE_FIELDS):
        return GNOMAD_KEEP
    return (*GNOMAD_KEEP, *(g for g in GNOMAD_GROUP_AF if f"##INFO=<ID={g}," in header))


def exon_regions(build: Build, padding: int = SCORE_PADDING) -> list[tuple[str, int, int]]:
    """Every panel exon +- ``padding`` (coding and splice-region positions), merged."""
    from charcot.genome.panel import knowledge_panel

    genes = knowledge_panel(build).genes
    spans = [(g.chrom, e.start - padding, e.end + padding) for g in genes for e in g.exons]
    # a gene without an exon table in this build (NIPA1, SARM1 on GRCh38) keeps its whole span: its exons are unknown
    spans += [(g.chrom, g.start - padding, g.end + padding) for g in genes if not g.exons]
    return _merge(spans)


def genes_without_exons(build: Build) -> list[str]:
    from charcot.genome.panel import knowledge_panel

    return sorted(g.symbol for g in knowledge_panel(build).genes if not g.exons)


def _merge(spans: Sequence[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    for chrom, s, e in sorted((normalise_contig(c), max(1, s), e) for c, s, e in spans):
        if out and out[-1][0] == chrom and s <= out[-1][2] + 1:
            out[-1] = (chrom, out[-1][1], max(out[-1][2], e))
        else:
            out.append((chrom, s, e))
    return out


def region_sets(build: Build, *, padding: int = PADDING, gnomad_padding: int = GNOMAD_PADDING,
                extra: Sequence[tuple[str, int, int]] = ()) -> dict[str, BundleRegionSet]:
    """The bundle's named region sets (``extra`` regions are added to every set)."""
    whole = genes_without_exons(build)

    def made(description: str, pad: int, spans: Sequence[tuple[str, int, int]]) -> BundleRegionSet:
        if whole and "exons" in description:
            description += f" (whole gene for {', '.join(whole)}: no exon table in {build.value})"
        return BundleRegionSet(description=description + (" and the extra regions given" if extra else ""),
                               padding=pad, regions=_merge([*spans, *extra]))

    return {"genes": made(f"panel genes +- {padding} bp", padding, panel_regions(build, padding)),
            "gnomad": made(f"panel exons +- {gnomad_padding} bp", gnomad_padding, exon_regions(build, gnomad_padding)),
            "splice": made(f"panel exons +- {SCORE_PADDING} bp", SCORE_PADDING, exon_regions(build, SCORE_PADDING)),
            "coding": made("panel exons", 0, exon_regions(build, 0))}


def region_bp(regions: Sequence[tuple[str, int, int]]) -> int:
    return sum(e - s + 1 for _c, s, e in regions)

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


_VCF_SOURCE_HINT = "give the resource's bgzipped VCF (.vcf.gz) as downloaded, with its index"


def _run(args: list[str], what: str, path: Path) -> None:
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise InputError(f"{what} failed: {proc.stderr.strip()[:300]}", path=path,
                         hint="check that the file is a complete, indexed source of the bundle's build")


def _vcf_header_text(path: Path) -> str:
    import pysam

    try:
        with pysam.VariantFile(str(path)) as vf:
            return str(vf.header)
    except (OSError, ValueError) as exc:
        raise InputError(f"not a readable VCF ({exc})", path=path, hint=_VCF_SOURCE_HINT) from None


def _check_gnomad(path: Path) -> None:
    """Refuse a file given as gnomAD that is not a gnomAD sites VCF (a cohort VCF, an in-house frequency file)."""
    import pysam

    from charcot.variants.resources import GNOMAD_HINT, not_gnomad

    try:
        with pysam.VariantFile(str(path)) as vf:
            infos, n_samples = list(vf.header.info), len(vf.header.samples)
    except (OSError, ValueError) as exc:
        raise InputError(f"not a readable VCF ({exc})", path=path, hint=_VCF_SOURCE_HINT) from None
    why = not_gnomad(infos, n_samples)
    if why is not None:
        raise InputError(f"the file given as gnomAD is not a gnomAD sites VCF: {why}", path=path, hint=GNOMAD_HINT)


def _subset_vcf(src: Path, dest: Path, regions: Sequence[tuple[str, int, int]], keep_info: Sequence[str] = (),
                drop: Sequence[str] = ()) -> list[str]:
    """bcftools view of the regions (records overlapping them; streaming when the source has no index), only the
    INFO fields ``keep_info`` (all when empty) and without the columns ``drop`` (ID, QUAL), bgzip + tabix. Returns
    the INFO fields kept."""
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
    where = (["-R", str(bed), "--regions-overlap", "1"] if indexed else ["-T", str(bed), "--targets-overlap", "1"])
    declared = re.findall(r"##INFO=<ID=([^,>]+)", header)
    present = [f for f in keep_info if f in declared]
    remove = list(drop)
    if keep_info:
        remove.append("^" + ",".join(f"INFO/{f}" for f in present) if present else "INFO")
    if remove:
        # bcftools annotate has no targets (-T) option: the regions are cut by 'view', fields dropped by 'annotate'
        with tempfile.TemporaryFile() as errors:  # a file, not a pipe: warnings never block the stream
            view = subprocess.Popen([_bcftools(), "view", "--no-version", *where, "-Ou", str(src)],
                                    stdout=subprocess.PIPE, stderr=errors)
            annotate = subprocess.run([_bcftools(), "annotate", "--no-version", "-x", ",".join(remove), "-Oz", "-o",
                                       str(dest), "-"], stdin=view.stdout, capture_output=True, text=True, check=False)
            assert view.stdout is not None
            view.stdout.close()
            code = view.wait()
            errors.seek(0)
            view_err = errors.read().decode(errors="replace")
        if code != 0 or annotate.returncode != 0:
            raise InputError(f"subsetting failed: {(view_err or annotate.stderr).strip()[:300]}", path=src,
                             hint="check that the file is complete and indexed (bcftools view FILE > /dev/null)")
    else:
        _run([_bcftools(), "view", "--no-version", *where, "-Oz", "-o", str(dest), str(src)], "subsetting", src)
    bed.unlink()
    _tabix_vcf(dest, src)
    return present if keep_info else declared


def _tabix_vcf(dest: Path, src: Path) -> None:
    import pysam

    try:
        pysam.tabix_index(str(dest), preset="vcf", force=True)
    except OSError:
        raise InputError("the file is not sorted by position, so its panel subset cannot be indexed", path=src,
                         hint="sort it first: bcftools sort -Oz -o sorted.vcf.gz FILE") from None


def _derivable_af(vcf_gz: Path, af_fields: Sequence[str]) -> list[str]:
    """The AF fields that every record of the subset carries with their AC and AN (so AF = AC/AN can be read)."""
    ok = set(af_fields)
    with gzip.open(vcf_gz, "rt") as handle:
        for line in handle:
            if line.startswith("#") or not ok:
                continue
            keys = {kv.split("=", 1)[0] for kv in line.split("\t")[7].split(";")}
            for f in list(ok):
                if f in keys and not all(k in keys for k in GNOMAD_AF_OF[f]):
                    ok.discard(f)
    return [f for f in af_fields if f in ok]

@contextmanager
def _naming_damaged_sources() -> Iterator[list[Path]]:
    """The source being cut (the caller sets ``reading[:] = [path]``): a compressed source that ends inside a gzip
    member or holds a damaged block is named in words. Python's EOFError escaped as 'charcot: interrupted' (exit 130:
    the command line takes an EOFError for Ctrl-D)."""
    import zlib

    reading: list[Path] = []
    try:
        yield reading
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        if not reading:
            raise
        raise InputError(f"the compressed file is truncated or corrupt ({exc})", path=reading[0],
                         hint="copy or download the file again; check it with 'gzip -t'") from None
    except NotImplementedError as exc:  # pysam on a gzip (not BGZF) file: "seek not implemented in files compressed"
        if not reading or "seek" not in str(exc):
            raise
        raise InputError("the file is compressed with gzip, not BGZF: htslib cannot index or seek in it",
                         path=reading[0], hint=f"recompress it with bgzip: zcat {reading[0].name} | bgzip > "
                                               f"{reading[0].name}.bgz") from None


def _open_text(path: Path) -> Any:
    with open(path, "rb") as handle:
        magic = handle.read(2)
    return gzip.open(path, "rt", encoding="utf-8", errors="replace") if magic == b"\x1f\x8b" else \
        open(path, encoding="utf-8", errors="replace")


def _chrom_key(chrom: str) -> tuple[int, str]:
    c = normalise_contig(chrom)
    return (int(c), "") if c.isdigit() else ({"X": 23, "Y": 24, "MT": 25}.get(c, 26), c)


def _score_rows(src: Path, kind: str, build: Build, regions: Sequence[tuple[str, int, int]]
                ) -> Iterator[tuple[str, int, str, str, str]]:
    """(chrom, pos, ref, alt, score) of a score source inside the regions: AlphaMissense TSV (am_pathogenicity),
    REVEL CSV (REVEL, by the build's position column), CADD TSV (PHRED) or SpliceAI VCF (the highest of its four
    delta scores for the allele)."""
    if kind == "spliceai":
        yield from _spliceai_rows(src, regions)
        return
    # (separator, chromosome, position, REF, ALT, score column names) of each release's column line
    sep, chrom_name, pos_name, ref_name, alt_name, score_name = {
        "alphamissense": ("\t", "CHROM", "POS", "REF", "ALT", "am_pathogenicity"),
        "revel": (",", "chr", "grch38_pos" if build == Build.GRCh38 else "hg19_pos", "ref", "alt", "REVEL"),
        "cadd": ("\t", "Chrom", "Pos", "Ref", "Alt", "PHRED")}[kind]
    need = (chrom_name, pos_name, ref_name, alt_name, score_name)
    at: list[int] = []
    n = 1
    with _open_text(src) as handle:
        for n, line in enumerate(handle, start=1):
            cols = line.lstrip("#").rstrip("\n").split(sep)
            if all(c in cols for c in need):
                at = [cols.index(c) for c in need]
                break
            if not line.startswith("#") or n > 50:
                break
        if not at:
            raise InputError(f"not a {SCORE_NAMES[kind]} score file: no column line with {', '.join(need)}", path=src,
                             line=n, hint="give the release file as downloaded")
        index = next((i for i in (Path(str(src) + ".tbi"), Path(str(src) + ".csi")) if i.exists()), None)
        if index is not None and kind != "revel":
            # a tabix-indexed release (CADD's whole-genome files: billions of rows): only the regions are read
            yield from _indexed_score_rows(src, index, regions, sep, at)
            return
        by = _by_chrom(regions)
        for line in handle:
            v = line.rstrip("\n").split(sep)
            if len(v) <= max(at):
                continue
            try:
                pos = int(v[at[1]])
            except ValueError:
                continue  # REVEL rows without a position on this build
            if _in(by, v[at[0]], pos):
                yield normalise_contig(v[at[0]]), pos, v[at[2]], v[at[3]], v[at[4]]


def _tabix_lines(src: Path, index: Path, regions: Sequence[tuple[str, int, int]]
                 ) -> Iterator[tuple[int, int, str]]:
    """(start, end, line) of every line of a tabix-indexed table overlapping each region (only the regions are read:
    a whole-genome CADD or coverage file has billions of rows); a stale or unreadable index is a clear error."""
    import pysam

    try:
        tbx = pysam.TabixFile(str(src), index=str(index))
    except (OSError, ValueError) as exc:
        raise InputError(f"the file's tabix index cannot be read ({exc})", path=src,
                         hint="re-index it with 'tabix' or remove the stale index") from None
    with tbx:
        from charcot.variants.reader import tabix_table_mismatch

        # rows read straight from the file must be found through the index, whatever the time-stamps: an index of
        # the file before it changed leaves rows out of the bundle, read by every later run as "no score"
        problem = tabix_table_mismatch(src, index, tbx.fetch)
        if problem is not None:
            raise InputError(f"the file's tabix index {index.name} does not match it: {problem}", path=index,
                             hint="re-index it with 'tabix' (the columns as for the release) or remove the stale "
                                  "index")
        contigs = list(tbx.contigs)
        for c, s, e in regions:
            name = contig_in_file(c, contigs)
            if name is not None:
                for line in tbx.fetch(name, s - 1, e):
                    yield s, e, str(line)


def _indexed_score_rows(src: Path, index: Path, regions: Sequence[tuple[str, int, int]], sep: str, at: list[int]
                        ) -> Iterator[tuple[str, int, str, str, str]]:
    for s, e, row in _tabix_lines(src, index, regions):
        v = row.split(sep)
        if len(v) <= max(at):
            continue
        try:
            pos = int(v[at[1]])
        except ValueError:
            continue
        if s <= pos <= e:
            yield normalise_contig(v[at[0]]), pos, v[at[2]], v[at[3]], v[at[4]]


def _spliceai_rows(src: Path, regions: Sequence[tuple[str, int, int]]) -> Iterator[tuple[str, int, str, str, str]]:
    with tempfile.TemporaryDirectory(prefix="charcot-spliceai-") as tmp:
        sub = Path(tmp) / "s.vcf.gz"
        _subset_vcf(src, sub, regions, keep_info=("SpliceAI",), drop=("ID", "QUAL"))
        with gzip.open(sub, "rt") as handle:
            for line in handle:
                if line.startswith("#"):
                    continue
                v = line.rstrip("\n").split("\t")
                info = dict(kv.split("=", 1) for kv in v[7].split(";") if "=" in kv)
                best: dict[str, tuple[float, str]] = {}
                for entry in info.get("SpliceAI", "").split(","):
                    parts = entry.split("|")
                    if len(parts) < 6:
                        continue
                    for x in parts[2:6]:
                        try:
                            f = float(x)
                        except ValueError:
                            continue
                        if parts[0] not in best or f > best[parts[0]][0]:
                            best[parts[0]] = (f, x)
                for alt in v[4].split(","):
                    if alt in best:
                        yield normalise_contig(v[0]), int(v[1]), v[3], alt, best[alt][1]


def _score_table(src: Path, dest: Path, kind: str, build: Build, regions: Sequence[tuple[str, int, int]]) -> int:
    """A compact score table: CHROM POS REF ALT SCORE (one row per allele, the highest score when the source lists
    several, e.g. REVEL's one row per transcript), sorted, bgzip + tabix."""
    import pysam

    best: dict[tuple[str, int, str, str], tuple[float, str]] = {}
    for chrom, pos, ref, alt, score in _score_rows(src, kind, build, regions):
        try:
            value = float(score)
        except ValueError:
            continue
        key = (chrom, pos, ref, alt)
        if key not in best or value > best[key][0]:
            best[key] = (value, score)
    plain = dest.with_suffix("")
    with open(plain, "w") as out:
        out.write(f"#CHROM\tPOS\tREF\tALT\t{kind}\n")
        for (chrom, pos, ref, alt) in sorted(best, key=lambda k: (_chrom_key(k[0]), k[1], k[2], k[3])):
            out.write(f"{chrom}\t{pos}\t{ref}\t{alt}\t{best[(chrom, pos, ref, alt)][1]}\n")
    pysam.tabix_compress(str(plain), str(dest), force=True)
    plain.unlink()
    pysam.tabix_index(str(dest), seq_col=0, start_col=1, end_col=1, meta_char="#", force=True)
    return len(best)

def _subset_fasta(src: Path, dest: Path, regions: Sequence[tuple[str, int, int]], build: Build) -> None:
    """Each panel contig as one line: the panel regions' real bases at their real coordinates, N elsewhere, up
    to the last region (so positions, REF checks and bcftools csq work unchanged)."""
    import pysam

    from charcot.variants.consequence import _indexed_fasta

    try:
        # its own .fai checked against it (a stale one cuts other bases into the bundle), or one built privately
        fa = pysam.FastaFile(str(_indexed_fasta(src)))
    except (OSError, ValueError) as exc:
        raise InputError(f"the reference FASTA cannot be read or indexed ({exc})", path=src,
                         hint="give a plain or bgzip-compressed FASTA") from None
    from charcot.genome.builds import detect_build

    found = detect_build(dict(zip(fa.references, fa.lengths, strict=True)))
    if found is not None and found != build:
        raise InputError(f"the reference FASTA is {found.value} (contig lengths) but the bundle is {build.value}",
                         path=src, hint=f"give the {build.value} FASTA")
    plain = dest.with_suffix("")
    by = _by_chrom(regions)
    written = 0
    with open(plain, "w") as out:
        for canonical, spans in by.items():
            name = contig_in_file(canonical, list(fa.references))
            if name is None:
                continue
            length = fa.get_reference_length(name)
            inside = [(max(1, s), min(e, length)) for s, e in sorted(spans) if max(1, s) <= min(e, length)]
            if not inside:
                continue  # the FASTA's contig ends before the panel regions on it (a cut reference)
            out.write(f">{name}\n")
            cursor = 1
            for s, e in inside:
                s = max(s, cursor)
                if e < s:
                    continue
                if s > cursor:
                    _write_n(out, s - cursor)
                out.write(str(fa.fetch(name, s - 1, e)).upper())
                cursor = e + 1
            out.write("\n")
            written += 1
    if not written:
        plain.unlink()
        raise InputError("the reference FASTA holds none of the panel regions (its contigs are named differently or "
                         "end before them)", path=src, hint=f"give the whole {build.value} reference FASTA")
    pysam.tabix_compress(str(plain), str(dest), force=True)
    plain.unlink()
    pysam.faidx(str(dest))


def _write_n(out: Any, n: int) -> None:
    block = "N" * (1 << 20)
    while n > 0:
        out.write(block[: min(n, len(block))])
        n -= len(block)


def _subset_gff(src: Path, dest: Path, regions: dict[str, list[tuple[int, int]]]) -> int:
    """GFF3 feature lines overlapping the regions (genes, transcripts, exons, CDS, UTRs); header lines kept; gzip."""
    kept = 0
    with _open_text(src) as handle, gzip.open(dest, "wt") as out:
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

def vcf_release_label(path: Path) -> str:
    """The release label of a resource VCF (``release_label`` over its header and name); "unknown" when neither says."""
    return release_label(path, _vcf_header_text(path))


def release_label(path: Path, header: str = "") -> str:
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
                 padding: int = PADDING, gnomad_padding: int = GNOMAD_PADDING,
                 gnomad_coverage: Path | None = None) -> BundleManifest:
    """Cut every given resource to the panel regions it is read in (plus ``regions``) into the folder ``out``."""
    from charcot.knowledge import get_knowledge
    from charcot.outputs import output_directory
    from charcot.variants.clinvar import SUMMARY_COLUMNS
    from charcot.variants.resources import ClinVarResource

    given = [p for p in (fasta, gff, clinvar, clinvar_summary, gnomad_coverage, *gnomad, *(scores or {}).values())
             if p is not None]
    from charcot.structured import file_not_found, require_regular_file

    for p in given:
        if not Path(p).exists():
            raise file_not_found(p, "resource")
        if Path(p).is_dir():
            raise InputError("the resource path is a folder, not a file", path=p, hint="give the file inside it")
        # a FIFO or <(...) would be read once and then wait for ever
        require_regular_file(p, "resource", "it is read more than once: cut, then checksummed for the manifest")
    if not given:
        raise InputError("no resource file was given", hint="give at least one of --reference/--transcripts/--gnomad/--clinvar")
    if (fasta is None) != (gff is None):
        raise InputError("the reference FASTA and the GFF3 go together (the consequence engine needs both)",
                         hint="give both --reference and --transcripts")
    for kind in (scores or {}):
        if kind not in SCORE_KINDS:
            raise InputError(f"unknown score file kind {kind!r}", hint=f"use one of {', '.join(SCORE_KINDS)}")
    sets = region_sets(build, padding=padding, gnomad_padding=gnomad_padding,
                       extra=[(normalise_contig(c), s, e) for c, s, e in regions or ()])
    spans = {name: rs.regions for name, rs in sets.items()}
    kb = get_knowledge()
    entries: list[BundleResource] = []
    with output_directory(out, names=BUNDLE_FILES) as tmp, _naming_damaged_sources() as reading:
        def add(kind: str, file: str, src: Path, version: str, records: int | None = None,
                fields: Sequence[str] = ()) -> None:
            size = sum((tmp / f).stat().st_size for f in (file, file + ".tbi", file + ".fai", file + ".gzi")
                       if (tmp / f).exists())
            entries.append(BundleResource(
                kind=kind, file=file, source=Path(src).name, source_sha256=sha256_file(Path(src)), version=version,
                date=date.fromtimestamp(Path(src).stat().st_mtime).isoformat(), sha256=sha256_file(tmp / file),
                records=records, covers=COVERS[kind], fields=list(fields), size=size))

        if fasta is not None and gff is not None:
            reading[:] = [Path(fasta)]
            _subset_fasta(Path(fasta), tmp / "reference.fa.gz", spans["genes"], build)
            add("reference", "reference.fa.gz", Path(fasta), release_label(Path(fasta)))
            reading[:] = [Path(gff)]
            n = _subset_gff(Path(gff), tmp / "transcripts.gff3.gz", _by_chrom(spans["genes"]))
            add("transcripts", "transcripts.gff3.gz", Path(gff), release_label(Path(gff)), n)
        for i, g in enumerate(gnomad):
            name = "gnomad.vcf.gz" if i == 0 else f"gnomad-{i + 1}.vcf.gz"
            reading[:] = [Path(g)]
            _check_vcf_build(Path(g), "gnomAD", build)
            _check_gnomad(Path(g))
            header = _vcf_header_text(Path(g))
            fields = gnomad_fields(header)
            kept = _subset_vcf(Path(g), tmp / name, spans["gnomad"], keep_info=fields, drop=("ID", "QUAL"))
            if fields == GNOMAD_KEEP_JOINT and not _all_have(tmp / name, "AF_joint"):
                # a record without joint values is read from its single-dataset fields: keep them as well
                kept = _subset_vcf(Path(g), tmp / name, spans["gnomad"], keep_info=(*GNOMAD_KEEP, *GNOMAD_KEEP_JOINT),
                                   drop=("ID", "QUAL"))
            derivable = _derivable_af(tmp / name, [f for f in kept if f in GNOMAD_AF_OF])
            if derivable:
                slim = tmp / f".{name}.slim.vcf.gz"
                _run([_bcftools(), "annotate", "--no-version", "-x", ",".join(f"INFO/{f}" for f in derivable), "-Oz",
                      "-o", str(slim), str(tmp / name)], "dropping the AF fields", Path(g))
                slim.replace(tmp / name)
                _tabix_vcf(tmp / name, Path(g))
                kept = [f for f in kept if f not in derivable]
            add("gnomad", name, Path(g), release_label(Path(g), header), _count(tmp / name), ["FILTER", *kept])
        if gnomad_coverage is not None:
            from charcot.variants.resources import CoverageColumns, refuse_coverage_build

            reading[:] = [Path(gnomad_coverage)]
            refuse_coverage_build(Path(gnomad_coverage), *CoverageColumns.read(Path(gnomad_coverage)).build(), build,
                                  against="the bundle (--build)")
            n, cols = _subset_coverage(Path(gnomad_coverage), tmp / "gnomad_coverage.tsv.gz", spans["gnomad"])
            add("gnomad_coverage", "gnomad_coverage.tsv.gz", Path(gnomad_coverage), release_label(Path(gnomad_coverage)),
                n, cols)
        if clinvar is not None:
            reading[:] = [Path(clinvar)]
            _check_vcf_build(Path(clinvar), "ClinVar", build)
            kept = _subset_vcf(Path(clinvar), tmp / "clinvar.vcf.gz", spans["genes"], keep_info=CLINVAR_KEEP,
                               drop=("QUAL",))
            ClinVarResource(tmp / "clinvar.vcf.gz").check_build(build)
            add("clinvar", "clinvar.vcf.gz", Path(clinvar), release_label(Path(clinvar), _vcf_header_text(Path(clinvar))),
                _count(tmp / "clinvar.vcf.gz"), ["ID", *kept])
        if clinvar_summary is not None:
            reading[:] = [Path(clinvar_summary)]
            n = _subset_summary(Path(clinvar_summary), tmp / "clinvar_summary.tsv.gz", build,
                                {g.symbol.upper() for g in kb.genes}, SUMMARY_COLUMNS)
            add("clinvar_summary", "clinvar_summary.tsv.gz", Path(clinvar_summary), release_label(Path(clinvar_summary)),
                n, SUMMARY_COLUMNS)
        for kind, src in sorted((scores or {}).items()):
            src = Path(src)
            reading[:] = [src]
            file = f"{kind}.tsv.gz"
            if kind == "spliceai":
                _check_vcf_build(src, "SpliceAI", build)
                version = release_label(src, _vcf_header_text(src))
            elif kind == "cadd":
                with _open_text(src) as handle:
                    version = release_label(src, handle.readline())
            else:
                version = release_label(src)
            _check_score_build(src, kind, build)
            n = _score_table(src, tmp / file, kind, build, spans[COVERS[kind]])
            add(kind, file, src, version, n, [SCORE_COLUMN[kind]])
        digest = hashlib.sha256("".join(e.sha256 for e in entries).encode()).hexdigest()[:12]
        used = {e.covers for e in entries}
        manifest = BundleManifest(
            format=FORMAT, version=f"{build.value}-{date.today().isoformat()}-{digest}", build=build.value,
            created=date.today().isoformat(), knowledge_version=kb.meta.version, padding=padding,
            region_sets={k: v for k, v in sets.items() if k in used}, resources=entries)
        (tmp / MANIFEST).write_text(json.dumps(manifest.model_dump(mode="json"), indent=2, sort_keys=True) + "\n")
        # the files as hashed above (the folder is renamed into place as a whole: the files keep their identity)
        write_cache_json(tmp / IDENTITIES, {e.file: file_identity(tmp / e.file) for e in entries})
    return manifest


# the release name of each score kind, as the user knows it (messages)
SCORE_NAMES = {"alphamissense": "AlphaMissense", "revel": "REVEL", "cadd": "CADD", "spliceai": "SpliceAI"}
# the source column each score table keeps
SCORE_COLUMN = {"alphamissense": "am_pathogenicity", "revel": "REVEL (highest over transcripts)", "cadd": "PHRED",
                "spliceai": "SpliceAI (highest of DS_AG, DS_AL, DS_DG, DS_DL)"}

def _check_score_build(src: Path, kind: str, build: Build) -> None:
    """Refuse a score table of the other build than the bundle's, where the release says its build: AlphaMissense's
    ``genome`` column (hg19 or hg38, on every row; AlphaMissense_hg19/hg38.tsv.gz) and CADD's first line from v1.4 on
    (``## CADD GRCh38-v1.6 ...``). Its scores would be attached to other bases at the same positions. (REVEL carries
    both builds' positions and is read by the bundle's; SpliceAI's VCF is checked like the other VCFs.)"""
    if kind not in ("alphamissense", "cadd"):
        return
    found: Build | None = None
    how = ""
    with _open_text(src) as handle:
        genome_at: int | None = None
        for n, line in enumerate(handle, start=1):
            if kind == "cadd":
                m = re.match(r"## CADD (GRCh3[78])", line)
                if m:
                    found, how = Build(m.group(1)), f"its first line '{line.strip()[:40]}'"
                break
            cols = line.lstrip("#").rstrip("\n").split("\t")
            if line.startswith("#"):
                if "genome" in cols and "am_pathogenicity" in cols:
                    genome_at = cols.index("genome")
            elif genome_at is not None and len(cols) > genome_at:
                label = cols[genome_at].strip().lower()
                if label in ("hg19", "hg38"):
                    found, how = Build.GRCh37 if label == "hg19" else Build.GRCh38, f"its genome column says {label}"
                break
            if n > 50:
                break
    if found is not None and found != build:
        raise InputError(f"the {SCORE_NAMES[kind]} file is {found.value} ({how}) but the bundle is {build.value}",
                         path=src, hint=f"give the {build.value} release of {SCORE_NAMES[kind]}"
                         + (f" (AlphaMissense_{'hg38' if build == Build.GRCh38 else 'hg19'}.tsv.gz)"
                            if kind == "alphamissense" else ""))


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
        raise InputError(f"the {role} file is not a readable VCF ({exc})", path=src, hint=_VCF_SOURCE_HINT) from None
    found, how = resource_build(raw, lengths, infos)
    if found is not None and found != build:
        raise InputError(f"the {role} file is {found.value} ({how}) but the bundle is {build.value}", path=src,
                         hint=f"give the {build.value} release")
    if Path(str(src) + ".tbi").exists() or Path(str(src) + ".csi").exists():
        # the cut reads the source through its index: one that is damaged, of another file, or older than a newer
        # release copied over the data would leave records out of the bundle, read later as "absent" / "not in ClinVar"
        from cyvcf2 import VCF

        from charcot.variants.resources import check_resource_index, index_contigs

        index_contigs(src, role)
        reader = VCF(str(src), lazy=True)
        try:
            check_resource_index(src, reader, role, first_from_reader=True)  # a reader opened for this check only
        finally:
            reader.close()


def _all_have(vcf_gz: Path, field: str) -> bool:
    """Every record of the bgzipped VCF carries INFO ``field``."""
    tag = re.compile(rf"(?:^|;){re.escape(field)}=")
    with gzip.open(vcf_gz, "rt") as handle:
        return all(tag.search(line.split("\t")[7]) for line in handle if not line.startswith("#"))


def _count(vcf_gz: Path) -> int:
    with gzip.open(vcf_gz, "rt") as handle:
        return sum(1 for line in handle if not line.startswith("#"))


def _subset_coverage(src: Path, dest: Path, regions: Sequence[tuple[str, int, int]]) -> tuple[int, list[str]]:
    """gnomAD's per-base coverage summary inside the regions, with the columns charcot reads (position, median
    depth, fraction of samples at depth >= 10: ``variants.resources.GnomadCoverage``): v2's chrom/pos or v3/v4's
    locus (split into chrom and pos), bgzip + tabix. An indexed source is read by region."""
    import pysam

    from charcot.variants.resources import CoverageColumns

    layout = CoverageColumns.read(src)
    keep = [layout.median, *(["over_10"] if layout.over_10_at is not None else [])]
    at = [layout.median_at, *([layout.over_10_at] if layout.over_10_at is not None else [])]

    def rows() -> Iterator[list[str]]:
        index = Path(str(src) + ".tbi")
        if index.exists():
            for _s, _e, line in _tabix_lines(src, index, regions):
                yield line.split("\t")
            return
        with gzip.open(src, "rt") as handle:
            next(handle)
            for line in handle:
                yield line.rstrip("\n").split("\t")

    by = _by_chrom(regions)
    plain = dest.with_suffix("")
    kept = 0
    with open(plain, "w") as out:
        out.write("#chrom\tpos\t" + "\t".join(keep) + "\n")
        for v in rows():
            key = layout.key(v)
            if key is None or len(v) <= max(at) or not _in(by, *key):
                continue
            out.write(f"{key[0]}\t{key[1]}\t" + "\t".join(v[i] for i in at) + "\n")
            kept += 1
    pysam.tabix_compress(str(plain), str(dest), force=True)
    plain.unlink()
    pysam.tabix_index(str(dest), seq_col=0, start_col=1, end_col=1, meta_char="#", force=True)
    return kept, ["chrom", "pos", *keep]


def _subset_summary(src: Path, dest: Path, build: Build, genes: set[str], columns: Sequence[str]) -> int:
    """The rows of the build and the panel genes, with only the columns charcot reads (``columns``)."""
    kept = 0
    with _open_text(src) as handle, gzip.open(dest, "wt") as out:
        header = handle.readline()
        cols = header.rstrip("\n").split("\t")
        missing = [c for c in columns if c not in cols]
        if missing:
            raise InputError(f"not a ClinVar variant_summary file: column(s) {', '.join(missing)} missing", path=src,
                             line=1, hint="use ClinVar's tab_delimited/variant_summary.txt.gz")
        take = [cols.index(c) for c in columns]
        out.write("\t".join(columns) + "\n")
        gi, ai = cols.index("GeneSymbol"), cols.index("Assembly")
        for line in handle:
            v = line.rstrip("\n").split("\t")
            if len(v) >= len(cols) and v[ai] == build.value and v[gi].upper() in genes:
                out.write("\t".join(v[i] for i in take) + "\n")
                kept += 1
    return kept


class Bundle:
    """A built bundle, opened for a run: its manifest and the paths of its files."""

    def __init__(self, folder: Path, *, check_sizes: bool = True) -> None:
        """``check_sizes``: refuse a bundle whose files or indexes no longer have the recorded sizes (every
        run; 'resources info' shows such a bundle and says what changed)."""
        self.folder = Path(folder)
        path = self.folder / MANIFEST
        if not path.is_file():
            raise InputError("not a charcot resource bundle (no manifest.json)", path=self.folder,
                             hint="build one with 'charcot resources build'")
        try:
            raw = json.loads(path.read_text())
        except (ValueError, json.JSONDecodeError) as exc:
            raise InputError(f"the bundle manifest is not valid JSON ({exc})", path=path,
                             hint="rebuild the bundle with 'charcot resources build'") from None
        if isinstance(raw, dict) and raw.get("format") != FORMAT:
            raise InputError(f"the bundle is of format {raw.get('format')!r}, which this charcot does not read (it "
                             f"reads {FORMAT})", path=path, hint="rebuild the bundle with 'charcot resources build'")
        try:
            self.manifest = BundleManifest.model_validate(raw)
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
            # A cheap integrity check on every run (the full one is 'resources info --verify'): a file or index
            # cut short, replaced or deleted since the build changes the size the manifest recorded.
            size = sum((self.folder / f).stat().st_size for f in (e.file, e.file + ".tbi", e.file + ".fai",
                                                                  e.file + ".gzi") if (self.folder / f).is_file())
            if check_sizes and e.size and size != e.size:
                raise InputError(f"the bundle's {e.kind} file {e.file} (with its index) has changed since the bundle "
                                 f"was built: {size} bytes, the manifest says {e.size}", path=self.folder,
                                 hint="rebuild the bundle with 'charcot resources build' ('charcot resources info "
                                      "BUNDLE --verify' checks every file)")
        self.hashed: list[str] = []  # the files this run hashed (their identity was not one remembered)
        if check_sizes:
            self._check_contents()

    def _check_contents(self) -> None:
        """A file replaced by another of the same size keeps the size the manifest recorded: each file's identity
        (device, inode, size, mtime, ctime; the bundle's ``IDENTITIES``, written when it was built, and the user's cache,
        written whenever a file's SHA-256 was last found to match) is compared with the file's now, and a file whose identity changed is hashed
        in full against the manifest before use. A bundle left alone costs one ``stat`` per file."""
        here, cached = _read_identities(self.folder / IDENTITIES), _read_identities(_cached_identities(self.folder))
        verified: dict[str, list[int]] = {}
        for e in self.manifest.resources:
            path = self.folder / e.file
            identity = file_identity(path)
            if identity in (here.get(e.file), cached.get(e.file)):
                continue
            if sha256_file(path) != e.sha256:
                raise InputError(f"the bundle's {e.kind} file {e.file} has changed since the bundle was built: its "
                                 "SHA-256 is not the one the manifest recorded (its size is the same: it was replaced "
                                 "or edited in place)", path=self.folder,
                                 hint="rebuild the bundle with 'charcot resources build', or put the bundle's own "
                                      "file back")
            verified[e.file] = identity
            self.hashed.append(e.file)
        if verified:
            self._remember({**cached, **verified})

    def _remember(self, identities: dict[str, list[int]]) -> None:
        """Keep the identities verified by this run in the user's cache: a run never writes into the bundle, which is
        one of its inputs (only ``resources build`` writes the bundle's own ``IDENTITIES``). Where the cache cannot be
        written, the files are hashed on every run, and a warning says so."""
        current = {e.file for e in self.manifest.resources}
        identities = {k: v for k, v in identities.items() if k in current}
        try:
            write_cache_json(_cached_identities(self.folder), identities)
            return
        except OSError:
            pass
        import logging

        logging.getLogger(__name__).warning(
            "the resource bundle's files were checked in full (SHA-256) because charcot's cache folder cannot be "
            "written to remember them: every run will read them whole again (set CHARCOT_CACHE_DIR to a writable "
            "folder)")

    @property
    def build(self) -> Build:
        return Build(self.manifest.build)

    def path(self, kind: str) -> Path | None:
        for e in self.manifest.resources:
            if e.kind == kind:
                return self.folder / e.file
        return None

    def regions_of(self, path: Path) -> list[tuple[str, int, int]]:
        """The regions the bundle file ``path`` covers (exactly those its manifest entry names)."""
        for e in self.manifest.resources:
            if self.folder / e.file == Path(path):
                return list(self.manifest.region_sets[e.covers].regions)
        raise KeyError(str(path))

    def files(self) -> list[str]:
        """Names of the bundle's files: the manifest, each resource and its index (tabix, faidx, gzi)."""
        out = [MANIFEST]
        for e in self.manifest.resources:
            out += [f for f in (e.file, e.file + ".tbi", e.file + ".fai", e.file + ".gzi") if (self.folder / f).exists()]
        return out

    def paths(self, kind: str) -> list[Path]:
        return [self.folder / e.file for e in self.manifest.resources if e.kind == kind]

    def describe(self) -> str:
        """'<version> (gnomad v4.1, clinvar 2025-06-01, ...)': the line every run's provenance carries."""
        parts = ", ".join(f"{e.kind} {e.version}" for e in self.manifest.resources)
        return f"{self.manifest.version} ({parts})"

    def verify(self) -> Iterator[tuple[BundleResource, bool]]:
        """Each file's full SHA-256 against the manifest (the identities of the files that match are remembered)."""
        good: dict[str, list[int]] = {}
        for e in self.manifest.resources:
            identity = file_identity(self.folder / e.file)
            ok = sha256_file(self.folder / e.file) == e.sha256
            if ok:
                good[e.file] = identity
            yield e, ok
        if good:
            self._remember({**_read_identities(_cached_identities(self.folder)), **good})
