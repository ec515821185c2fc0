"""Optional user resources queried for panel variants: a tabix-indexed ClinVar VCF and a gnomAD sites VCF
(the files a lab downloads, or their panel subsets in a ``charcot resources build`` bundle; no network at
run time).

Each resource is checked before use:

* **Build.** From the header's contig lengths (gnomAD v2), its ``##reference=`` line (ClinVar), a bundle
  manifest, or gnomAD v4's own fields (v4 is released on GRCh38 only). A resource of the other build than the
  patient's is refused; one whose build cannot be told is refused too (it would silently match nothing).
* **Coverage.** A resource covers the contigs its index lists and, for a bundle subset, the regions its
  manifest declares. Outside them a variant is "not assessed", never "absent" (no PM2).

Records are matched on chromosome, position, REF and ALT after splitting multi-allelic resource records and
trimming both sides to their minimal representation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

from charcot.errors import InputError
from charcot.genome.builds import BUILD_ALIASES, contig_in_file, detect_build, normalise_contig
from charcot.genome.normalise import Allele, left_shiftable, trim
from charcot.model import Build
from charcot.variants.annotation import (
    AnnotationSchema,
    annotate_allele,
    clinvar_stars,
    info_header,
    pick_consequence,
    schema_from_header,
)
from charcot.variants.model import ClinVar, Frequencies, LocalFrequency, Predictors

# gnomAD v4 INFO fields that no earlier release has (v4 is GRCh38 only: gnomAD v4.0/v4.1 release notes).
_GNOMAD_V4_FIELDS = ("grpmax", "fafmax_faf95_max", "AF_grpmax_joint", "fafmax_faf95_max_joint")


def _reindex_hint(path: Path) -> str:
    how = f"bcftools index -f {path.name}" if path.name.lower().endswith(".bcf") else f"tabix -f -p vcf {path.name}"
    return f"rebuild the index with '{how}' (or download the release's own index again)"


def index_contigs(path: Path, role: str) -> list[str]:
    """Contigs that have records, from the tabix/CSI index (a header may declare contigs it has no records on).
    An index that cannot be read is an error: read as "no contigs" it would make every position look uncovered,
    and a lookup through it would find nothing."""
    import pysam

    from charcot.variants.reader import quiet_htslib

    quiet_htslib()

    from charcot.variants.reader import index_in_use

    # the index htslib's queries read (.csi first): a .tbi beside it may be another file's
    index = index_in_use(path) or Path(str(path) + ".tbi")
    try:
        if path.name.lower().endswith(".bcf"):
            # a BCF's CSI index names every contig of the header: keep those with a record
            with pysam.VariantFile(str(path), index_filename=str(index)) as vf:
                if vf.index is None:
                    raise ValueError("no index")
                return [str(c) for c in vf.index if next(vf.fetch(str(c)), None) is not None]
        with pysam.TabixFile(str(path), index=str(index)) as tbx:
            return [str(c) for c in tbx.contigs]
    except (OSError, ValueError):
        what = "empty" if index.stat().st_size == 0 else "damaged or not a tabix/CSI index"
        raise InputError(f"the {role} file's index {index.name} cannot be read ({what})", path=index,
                         hint=_reindex_hint(path)) from None


def check_resource_index(path: Path, vcf: Any, role: str, *, first_from_reader: bool = False) -> None:
    """Refuse an index that does not belong to the data or is older than it and no longer matches (a resource
    updated in place, e.g. a newer ClinVar release copied over the old one, with the old index kept): queries through
    it would miss records, and a missed record would read as "not in ClinVar" or "absent from gnomAD"."""
    from charcot.variants.reader import UNVERIFIED_INDEX, check_index

    try:
        said = check_index(path, vcf, first_from_reader=first_from_reader)
    except InputError as exc:
        message = exc.message.replace("the index", f"the {role} file's index", 1)
        raise InputError(message, path=exc.path, hint=_reindex_hint(path)) from None
    if said == UNVERIFIED_INDEX:
        raise InputError(f"the {role} file's index is older than the data file and cannot be checked against it",
                         path=path, hint=_reindex_hint(path))


def resource_build(raw_header: str, lengths: dict[str, int], infos: Sequence[str]) -> tuple[Build | None, str]:
    """(build, how it was told) of a resource VCF from its header."""
    by_length = detect_build(lengths)
    if by_length is not None:
        return by_length, "header contig lengths"
    for line in raw_header.splitlines():
        m = re.match(r"##(?:reference|assembly|genome_build|genomeBuild)=(.+)$", line.strip(), flags=re.I)
        if m:
            text = m.group(1).strip().strip('"<>').lower()
            for alias, build in BUILD_ALIASES.items():
                if len(alias) > 2 and re.search(rf"(^|[^a-z0-9]){alias}([^a-z0-9]|$)", text):
                    return build, f"header line '{line.strip()[:60]}'"
        m = re.search(r"assembly=(?:gnomAD_)?(GRCh3[78]|hg19|hg38)", line)
        if m and line.startswith("##contig"):
            return BUILD_ALIASES[m.group(1).lower()], "header contig assembly"
    if any(f in infos for f in _GNOMAD_V4_FIELDS):
        return Build.GRCh38, "gnomAD v4 fields (v4 is released on GRCh38 only)"
    return None, ""


class TabixResource:
    """A bgzipped, indexed VCF opened once and queried by position."""

    def __init__(self, path: Path, role: str, *, build: Build | None = None,
                 regions: Sequence[tuple[str, int, int]] | None = None, label: str | None = None) -> None:
        from cyvcf2 import VCF

        from charcot.variants.reader import quiet_htslib

        quiet_htslib()

        self.path = Path(path)
        self.role = role
        self.label = label or self.path.name
        if not self.path.exists():
            from charcot.structured import file_not_found

            raise file_not_found(self.path, role)
        if not (Path(str(self.path) + ".tbi").exists() or Path(str(self.path) + ".csi").exists()):
            with self.path.open("rb") as handle:
                bgzf = handle.read(4) == b"\x1f\x8b\x08\x04"  # BGZF: gzip with the extra field
            raise InputError(f"the {role} VCF has no tabix/CSI index", path=self.path,
                             hint=(f"index it with 'bcftools index {self.path.name}'" if
                                   self.path.name.lower().endswith(".bcf") else
                                   f"index it with 'tabix -p vcf {self.path.name}'") if bgzf else
                             f"compress it with 'bgzip {self.path.name}' (not gzip) and index it with "
                             f"'tabix -p vcf {self.path.name}.gz'")
        try:
            self.vcf = VCF(str(self.path), lazy=True)
        except Exception as exc:
            from charcot.structured import gzip_damage

            if self.path.stat().st_size == 0:
                raise InputError(f"the {role} file is empty", path=self.path,
                                 hint="copy or download the file again (a bgzipped, tabix-indexed VCF)") from None
            damage = gzip_damage(self.path)
            if damage:
                raise InputError(f"the {role} file: {damage}", path=self.path,
                                 hint="download the resource again; check it with 'bgzip -t'") from None
            raise InputError(f"the {role} file is not a readable VCF ({exc.__class__.__name__})",
                             path=self.path, hint="give the resource's bgzipped VCF (.vcf.gz) with its index") from None
        self.contigs = list(self.vcf.seqnames)
        infos, numbers = info_header(self.vcf)
        self.infos = infos
        self.schema: AnnotationSchema = schema_from_header(infos, str(self.path), numbers)
        lengths: dict[str, int] = {}
        try:
            for name, length in zip(self.vcf.seqnames, self.vcf.seqlens, strict=False):
                if length and length > 0:
                    lengths[name] = int(length)
        except Exception:  # no contig lines with lengths
            lengths = {}
        found, how = resource_build(self.vcf.raw_header, lengths, list(infos))
        if build is not None and found is not None and found != build:
            raise InputError(f"the {role} file is declared {build.value} but its header says {found.value} ({how})",
                             path=self.path, hint="rebuild the resource bundle from files of one build")
        self.build: Build | None = build or found
        self.build_evidence = "declared by the bundle manifest" if build is not None else how
        self.covered = {normalise_contig(c) for c in index_contigs(self.path, role)}
        check_resource_index(self.path, self.vcf, role)
        self.regions: dict[str, list[tuple[int, int]]] | None = None
        if regions is not None:
            self.regions = {}
            for chrom, start, end in regions:
                self.regions.setdefault(normalise_contig(chrom), []).append((int(start), int(end)))

    def check_build(self, patient: Build) -> None:
        """Refuse a resource of the other build (or one whose build cannot be told)."""
        if self.build is None:
            raise InputError(f"cannot tell which genome build the {self.role} file is on: its header has no contig "
                             "lengths and no ##reference line", path=self.path,
                             hint="use the official release file (its header names the build) or build a resource "
                                  "bundle with 'charcot resources build --build GRCh38'")
        if self.build != patient:
            raise InputError(f"the {self.role} file is {self.build.value} ({self.build_evidence}) but the patient's "
                             f"VCF is {patient.value}", path=self.path,
                             hint=f"use the {patient.value} release of {self.role} (positions differ between builds)")

    def not_covered(self, chrom: str, start: int, end: int) -> str | None:
        """Why this resource cannot speak for the position (None when it covers it)."""
        if chrom not in self.covered:
            listed = ", ".join(sorted(self.covered, key=lambda c: (len(c), c))[:6]) or "none"
            return (f"the {self.role} file {self.label} has no records on chromosome {chrom} (its index lists: "
                    f"{listed})")
        if self.regions is not None:
            spans = self.regions.get(chrom, [])
            if not any(s <= start and end <= e for s, e in spans):
                return f"the position is outside the regions the {self.role} subset {self.label} declares"
        return None

    def query(self, chrom: str, start: int, end: int) -> Iterator[tuple[Allele, Any, int, list[str]]]:
        name = contig_in_file(chrom, self.contigs)
        if name is None:
            return
        try:
            records = self.vcf(f"{name}:{start}-{end}")
        except Exception as exc:
            raise InputError(f"the {self.role} index could not be queried ({exc})", path=self.path,
                             hint="rebuild the index (tabix -f -p vcf FILE, or bcftools index -f FILE)") from None
        for v in records:
            alts = list(v.ALT)
            for i, alt in enumerate(alts, start=1):
                yield trim(int(v.POS), v.REF, alt), v, i, alts

    def find(self, chrom: str, allele: Allele) -> tuple[Any, int, list[str]] | None:
        for other, v, i, alts in self.query(chrom, allele.pos - 1, allele.end + 1):
            if normalise_contig(v.CHROM) == chrom and other == allele:
                return v, i, alts
        return None

    def find_allele(self, chrom: str, allele: Allele) -> tuple[Any, int, list[str]] | None:
        """The resource's record of ``allele``: as written, else (an indel) the same change written elsewhere."""
        hit = self.find(chrom, allele)
        if hit is None and left_shiftable(allele):
            hit = self.find_shifted(chrom, allele)
        return hit

    def find_shifted(self, chrom: str, allele: Allele, window: int = 50) -> tuple[Any, int, list[str]] | None:
        """For an indel that is not left-aligned: the resource's record of the same change written elsewhere in the
        repeat, told from the reference bases the two records' REF fields show (no FASTA needed); None when no record
        can be shown to be the same change."""
        for other, v, i, alts in self.query(chrom, max(1, allele.pos - window), allele.end + 1):
            if normalise_contig(v.CHROM) == chrom and same_change(allele, other):
                return v, i, alts
        return None


def same_change(a: Allele, b: Allele) -> bool:
    """Whether two alleles make the same haplotype over the reference their REF fields jointly show (both REF
    strings must cover one unbroken stretch and agree where they overlap; otherwise it cannot be told: False)."""
    if a == b:
        return True
    ref: dict[int, str] = {}
    for x in (a, b):
        for k, base in enumerate(x.ref.upper()):
            if ref.setdefault(x.pos + k, base) != base:
                return False
    start, end = min(ref), max(ref)
    if len(ref) != end - start + 1:
        return False

    def haplotype(x: Allele) -> str:
        left = "".join(ref[p] for p in range(start, x.pos))
        right = "".join(ref[p] for p in range(x.pos + len(x.ref), end + 1))
        return left + x.alt.upper() + right

    return haplotype(a) == haplotype(b)


def _info_str(v: Any, name: str, idx: int, n: int) -> str | None:
    value = v.INFO.get(name)
    if value is None:
        return None
    if isinstance(value, tuple):
        value = value[idx - 1] if len(value) == n and n > 1 else ",".join(str(x) for x in value)
    return str(value)


class ClinVarResource(TabixResource):
    def __init__(self, path: Path, *, build: Build | None = None,
                 regions: Sequence[tuple[str, int, int]] | None = None, label: str | None = None,
                 protein_changes: dict[str, str] | None = None) -> None:
        super().__init__(path, "ClinVar", build=build, regions=regions, label=label)
        if "CLNSIG" not in self.infos:
            raise InputError("the ClinVar VCF has no INFO/CLNSIG field", path=self.path,
                             hint="use ClinVar's own VCF release (clinvar.vcf.gz)")
        # Variation ID -> protein change (from variant_summary.txt.gz's Name column, see charcot.variants.clinvar)
        self.protein_changes = dict(protein_changes or {})

    def assertion(self, chrom: str, allele: Allele) -> ClinVar | None:
        hit = self.find_allele(chrom, allele)
        if hit is None:
            return None
        v, i, alts = hit
        sig = _info_str(v, "CLNSIG", i, len(alts))
        if not sig:
            return None
        rev = _info_str(v, "CLNREVSTAT", i, len(alts))
        return ClinVar(significance=sig.replace("_", " "), review_status=rev, stars=clinvar_stars(rev),
                       variation_id=str(v.ID) if v.ID else None, source=f"ClinVar resource {self.label}")

    def nearby(self, chrom: str, pos: int, gene: str, window: int = 2,
               preferred: Sequence[str] = ()) -> list[dict[str, Any]]:
        """Classified records within ``window`` bp (the same codon), with their protein change from
        variant_summary (by Variation ID), else from a VEP/SnpEff/BCSQ annotation inside the ClinVar file on the
        gene's reference transcript (``preferred``: its MANE Select ids; another isoform's residue number is not
        comparable), and whether ClinVar lists a splice consequence for them (INFO/MC)."""
        out = []
        for allele, v, i, alts in self.query(chrom, pos - window, pos + window):
            sig = _info_str(v, "CLNSIG", i, len(alts))
            if not sig:
                continue
            rev = _info_str(v, "CLNREVSTAT", i, len(alts))
            vid = str(v.ID) if v.ID else None
            hgvs_p = self.protein_changes.get(vid) if vid else None
            if hgvs_p is None and self.schema.annotated:
                ann = annotate_allele(v.INFO.get, self.schema, pos=int(v.POS), ref=v.REF, alts=alts, alt_index=i)
                picked = pick_consequence(ann.consequences, gene, preferred)
                hgvs_p = picked.hgvs_p if picked else None
            mc = _info_str(v, "MC", i, len(alts)) or ""
            out.append({"chrom": normalise_contig(v.CHROM), "allele": allele, "significance": sig.replace("_", " "),
                        "stars": clinvar_stars(rev), "hgvs_p": hgvs_p, "variation_id": vid,
                        "splice": "splice" in mc.lower()})
        return out


# gnomAD sites VCF INFO fields, joint exome+genome first (v4.1), then v4 per-dataset, then v2/v3 names.
_G_FAF = ("fafmax_faf95_max_joint", "fafmax_faf95_max", "faf95_popmax")
_G_GRPMAX = ("AF_grpmax_joint", "AF_grpmax", "AF_popmax")
_G_GRPMAX_AN = ("AN_grpmax_joint", "AN_grpmax", "AN_popmax")
_G_GRPMAX_AC = ("AC_grpmax_joint", "AC_grpmax", "AC_popmax")
_G_AC = ("AC_joint", "AC")
_G_GROUP = ("grpmax_joint", "grpmax", "popmax")
_G_AF = ("AF_joint", "AF")
_G_AN = ("AN_joint", "AN")
_V2_FAF_POPS = ("afr", "amr", "eas", "nfe", "sas")


# INFO fields only a gnomAD release declares (the group maximum and the filtering allele frequency gnomAD computes
# over its genetic-ancestry groups): v4 ``grpmax``/``fafmax_faf95_max`` (and their ``_joint`` twins in v4.1), v2/v3
# ``popmax``/``faf95_popmax`` and the per-group ``faf95_<group>`` of v2.1. A lab's own sites VCF (``bcftools +fill-tags``
# AC/AN/AF over its cohort) has none of them.
GNOMAD_SIGNATURE_FIELDS = ("grpmax", "AF_grpmax", "fafmax_faf95_max", "grpmax_joint", "AF_grpmax_joint",
                           "fafmax_faf95_max_joint", "popmax", "AF_popmax", "faf95_popmax",
                           *(f"faf95_{p}" for p in _V2_FAF_POPS))
# gnomAD's genetic-ancestry group AF fields (AF_afr, AF_nfe ...), in every release whatever its group-maximum names
GNOMAD_GROUP_AF = tuple(f"AF_{g}" for g in ("afr", "amr", "asj", "eas", "fin", "nfe", "sas", "mid", "oth", "remaining"))


def not_gnomad(infos: Sequence[str], n_samples: int) -> str | None:
    """Why a VCF given as gnomAD is not a gnomAD sites VCF (None when it is one).

    A diagnostic lab reads gnomAD as the reference population: BA1/BS1/PM2 thresholds are defined on gnomAD's
    grpmax filtering allele frequency (Whiffin et al. 2017; ClinGen SVI). A sample/cohort VCF or an in-house
    sites-only frequency file is refused, not read with gnomAD's authority: its AF is the lab's own callset (a few
    hundred or thousand people, often related, often patients)."""
    if n_samples:
        return (f"it has genotype columns for {n_samples} sample(s): it is a sample or cohort VCF, not a gnomAD sites "
                "VCF, and its AF is that callset's own")
    declared = set(infos)
    if not declared & set(GNOMAD_SIGNATURE_FIELDS) and len(declared & set(GNOMAD_GROUP_AF)) < 3:
        kept = ", ".join(sorted(declared & {"AC", "AN", "AF"})) or "no AC/AN/AF"
        return (f"it is a sites-only VCF without gnomAD's group fields (it declares {kept}, but none of AF_grpmax, "
                "fafmax_faf95_max, AF_popmax, faf95_popmax, nor gnomAD's group AF_afr/AF_nfe/...): an in-house or "
                "other frequency file, whose AF is not "
                "gnomAD's population frequency")
    return None


def gnomad_dataset(infos: Sequence[str] | dict[str, str], name: str) -> str | None:
    """Which gnomAD data a sites VCF holds: "joint" (v4.1 joint release: its ``not_called_in_exomes``/``_genomes``
    flags), "exomes" (the exome release's capture-region flags ``outside_ukb_capture_region`` and
    ``outside_broad_capture_region``, which gnomAD writes for exomes only; or gnomAD's file name
    ``gnomad.exomes...``), "genomes" (``gnomad.genomes...``); None when it cannot be told. An allele absent from
    exome data is absent only inside the exome capture."""
    declared = set(infos)
    if declared & {"not_called_in_exomes", "not_called_in_genomes"} or re.search(r"gnomad\.joint\.", name, re.I):
        return "joint"
    if declared & {"outside_ukb_capture_region", "outside_broad_capture_region"} or \
            re.search(r"gnomad\.exomes\.", name, re.I):
        return "exomes"
    if re.search(r"gnomad\.genomes\.", name, re.I):
        return "genomes"
    return None


GNOMAD_HINT = ("pass gnomAD's own sites VCF (gnomad.joint/exomes/genomes.v4.1.sites...vcf.bgz, or v2.1.1 for GRCh37) or "
               "a 'charcot resources build' bundle made from it; an in-house frequency file cannot stand in for gnomAD: "
               "give it with --local-frequencies to show its frequencies next to the findings (never used for "
               "BA1/BS1/PM2)")


# An allele absent from a gnomAD file counts as absent from gnomAD (PM2) only where the file has records around it.
# gnomAD lists a variant every few bases wherever its samples were sequenced (v4 genomes: about 1 per 4 bases;
# exomes: nearly every coding base's neighbourhood), so a file with no record within NEAR bases of the allele is a
# subset that stops short of it (cut to other regions, or to part of the gene), not evidence of absence. The check
# complements the whole-gene one (a subset without the gene) and the bundle's declared regions.
NEAR = 100


class GnomadResource(TabixResource):
    def __init__(self, path: Path, *, build: Build | None = None,
                 regions: Sequence[tuple[str, int, int]] | None = None, label: str | None = None) -> None:
        super().__init__(path, "gnomAD", build=build, regions=regions, label=label)
        self._spans: dict[tuple[str, int, int], bool] = {}
        if not any(f in self.infos for f in ("AF", "AF_joint")) and not {"AC", "AN"} <= set(self.infos) and \
                not {"AC_joint", "AN_joint"} <= set(self.infos):
            raise InputError("the gnomAD VCF has no INFO/AF field", path=self.path,
                             hint="use a gnomAD sites VCF (it carries AF, AF_grpmax, fafmax_faf95_max)")
        why = not_gnomad(list(self.infos), len(list(self.vcf.samples)))
        if why is not None:
            # its INFO/AF is that callset's frequency, not the population's: never BA1/BS1/PM2 evidence
            raise InputError(f"the file given as gnomAD is not a gnomAD sites VCF: {why}", path=self.path,
                             hint=GNOMAD_HINT)
        self.dataset = gnomad_dataset(self.infos, self.path.name)

    def _has_records(self, chrom: str, start: int, end: int) -> bool:
        key = (chrom, start, end)
        cached = self._spans.get(key)
        if cached is None:
            cached = self._spans[key] = next(iter(self.query(chrom, start, end)), None) is not None
        return cached

    def frequencies(self, chrom: str, allele: Allele, gene: tuple[str, int, int] | None = None) -> Frequencies:
        """The allele's gnomAD frequencies. ``gene`` (symbol, start, end): the gene the allele lies in; a file that
        has not one record in the whole gene does not cover it (a region subset made for other genes), so the
        allele is not assessed there rather than absent (gnomAD has variants in every protein-coding gene)."""
        why = self.not_covered(chrom, allele.pos, allele.end)
        if why is not None:
            return Frequencies(searched=False, not_covered=why, source=f"gnomAD resource {self.label}")
        hit = self.find(chrom, allele)
        if hit is None and left_shiftable(allele):
            hit = self.find_shifted(chrom, allele)
            if hit is None:
                return Frequencies(searched=False, source=f"gnomAD resource {self.label}", not_covered=(
                    "the indel is not left-aligned and gnomAD writes indels left-aligned, so its absence from "
                    f"{self.label} cannot be told; normalise the VCF with 'bcftools norm -f REF.fa'"))
        if hit is None:
            if gene is not None and self.regions is None and not self._has_records(chrom, gene[1], gene[2]):
                return Frequencies(searched=False, source=f"gnomAD resource {self.label}", not_covered=(
                    f"the gnomAD file {self.label} has no record anywhere in {gene[0]} ({chrom}:{gene[1]}-{gene[2]}), "
                    "so it does not cover the gene (a subset cut for other regions?)"))
            if self.regions is None and not self._has_records(chrom, max(1, allele.pos - NEAR), allele.end + NEAR):
                return Frequencies(searched=False, source=f"gnomAD resource {self.label}", not_covered=(
                    f"the gnomAD file {self.label} has no record within {NEAR} bases of this position, so it does not "
                    "reach it (a subset cut for other regions, or a stretch gnomAD did not call)"))
            return Frequencies(searched=True, dataset=self.dataset,
                               source=f"gnomAD resource {self.label} (variant absent)")
        v, i, alts = hit
        used: list[str] = []

        # gnomAD v4.1 joint (exomes + genomes) frequencies when the record has them, and then only those: never a
        # joint AF beside an exome-only FAF
        joint = any(n in self.infos and _info_str(v, n, i, len(alts)) not in (None, ".", "", "nan")
                    for n in ("AF_joint", "AN_joint"))

        def first(names: tuple[str, ...]) -> str | None:
            for name in names:
                if joint and not name.endswith("_joint"):
                    continue
                if name in self.infos:
                    raw = _info_str(v, name, i, len(alts))
                    if raw not in (None, ".", "", "nan"):
                        used.append(name)
                        return raw
            return None

        def num(names: tuple[str, ...]) -> float | None:
            raw = first(names)
            try:
                return float(raw) if raw is not None else None
            except ValueError:
                return None

        faf = num(_G_FAF)
        if faf is None and not joint:
            # gnomAD v2.1 has per-population FAF only: grpmax FAF is their maximum over the non-bottlenecked
            # populations (v2 excludes Ashkenazi Jewish, Finnish and 'other'; gnomAD browser help 'faf')
            pops = [num((f"faf95_{p}",)) for p in _V2_FAF_POPS if f"faf95_{p}" in self.infos]
            if any(p is not None for p in pops):
                faf = max(p for p in pops if p is not None)
        grpmax = num(_G_GRPMAX)
        grpmax_an = num(_G_GRPMAX_AN)
        grpmax_ac = num(_G_GRPMAX_AC)
        ac = num(_G_AC)
        group = first(_G_GROUP)
        af = num(_G_AF)
        an = num(_G_AN)
        # gnomAD's AF is AC/AN of the same dataset by definition; a bundle keeps AC and AN only
        if af is None and ac is not None and an:
            af = ac / an
        if grpmax is None and grpmax_ac is not None and grpmax_an:
            grpmax = grpmax_ac / grpmax_an
        filt = v.FILTER
        return Frequencies(af=af, an=int(an) if an is not None else None, ac=int(ac) if ac is not None else None,
                           grpmax_af=grpmax, grpmax_an=int(grpmax_an) if grpmax_an is not None else None,
                           grpmax_ac=int(grpmax_ac) if grpmax_ac is not None else None, grpmax_group=group,
                           faf95=faf, dataset="joint" if any(n.endswith("_joint") for n in used) else None,
                           filtered=str(filt) if filt not in (None, "PASS", ".") else None, searched=True,
                           source=f"gnomAD resource {self.label}")


class ScoreResources:
    """Predictor scores from a bundle's compact score tables (``CHROM POS REF ALT SCORE``, bgzip + tabix; written by
    ``charcot resources build``: AlphaMissense am_pathogenicity, REVEL, CADD PHRED, SpliceAI's highest delta score),
    looked up by chromosome, position, REF and ALT (indels compared in their minimal representation)."""

    KINDS: ClassVar[tuple[str, ...]] = ("alphamissense", "revel", "cadd", "spliceai")

    def __init__(self, files: dict[str, Path], label: str) -> None:
        import pysam

        from charcot.variants.reader import quiet_htslib

        quiet_htslib()

        self.label = label
        self.tables: dict[str, Any] = {}
        for kind, path in files.items():
            if kind in self.KINDS:
                try:
                    self.tables[kind] = pysam.TabixFile(str(path))
                except (OSError, ValueError) as exc:
                    raise InputError(f"the {kind} score table cannot be opened: its tabix index is missing or "
                                     f"damaged ({exc})", path=path,
                                     hint="rebuild the bundle with 'charcot resources build'") from None

    def _lookup(self, kind: str, chrom: str, pos: int, ref: str, alt: str) -> float | None:
        table = self.tables.get(kind)
        if table is None:
            return None
        name = contig_in_file(chrom, list(table.contigs))
        if name is None:
            return None
        want = trim(pos, ref, alt)
        values = []
        for row in table.fetch(name, max(0, pos - 2), pos + len(ref)):
            v = row.split("\t")
            if len(v) < 5:
                continue
            try:
                if trim(int(v[1]), v[2], v[3]) != want:
                    continue
                values.append(float(v[4]))
            except ValueError:
                continue
        return max(values) if values else None

    def predictors(self, chrom: str, vcf_pos: int, vcf_ref: str, vcf_alt: str) -> Predictors:
        found = {kind: self._lookup(kind, chrom, vcf_pos, vcf_ref, vcf_alt) for kind in self.KINDS}
        used = [k for k, x in found.items() if x is not None]
        return Predictors(revel=found["revel"], cadd_phred=found["cadd"], alphamissense=found["alphamissense"],
                          spliceai_max=found["spliceai"],
                          source=f"{', '.join(used)} ({self.label})" if used else None)


class GnomadSet:
    """Several gnomAD files (e.g. v4 exomes and genomes of a bundle) read as one: the first file that has the
    allele gives its frequencies (joint files first); absent only when every file covering the position lacks it;
    not assessed when none covers it."""

    def __init__(self, files: Sequence[GnomadResource]) -> None:
        self.files = sorted(files, key=lambda f: "AF_joint" not in f.infos and "AN_joint" not in f.infos)

    def check_build(self, patient: Build) -> None:
        for f in self.files:
            f.check_build(patient)

    def frequencies(self, chrom: str, allele: Allele, gene: tuple[str, int, int] | None = None) -> Frequencies:
        results = [f.frequencies(chrom, allele, gene) for f in self.files]
        for r in results:
            if r.present or r.filtered is not None:
                return r
        searched = [r for r in results if r.searched]
        if searched:
            # absent from exome data only: says nothing outside the exome capture (the caller decides by region)
            exomes = all(r.dataset == "exomes" for r in searched)
            return Frequencies(searched=True, dataset="exomes" if exomes else None,
                               source="; ".join(r.source or "" for r in searched))
        return results[0]


# gnomAD per-base coverage summary (``gnomad.exomes/genomes...coverage.summary.tsv.bgz``): v2 names the position by
# ``chrom``/``pos`` columns and its median ``median``; v3/v4 by one ``locus`` column (``chr1:12345``) and
# ``median_approx``. Both give ``over_N``, the fraction of samples with depth >= N.
# A position counts as covered when at least half of gnomAD's samples reach depth 10 (``over_10`` >= 0.5, else the
# median depth >= 10): gnomAD drops genotypes below DP 10 (its release header's AC0 filter: "low-confidence
# genotypes (GQ < 20; DP < 10 ...)"), so below that most samples cannot have contributed a genotype there. The
# threshold is charcot's choice from that rule, not a published PM2 cut-off (SVI PM2 v1.0 asks to check coverage
# without giving one).
COVERAGE_MIN_DEPTH = 10
COVERAGE_MIN_FRACTION = 0.5


def refuse_coverage_build(path: Path, found: Build | None, how: str, patient: Build,
                          against: str = "the patient's VCF") -> None:
    """A gnomAD coverage summary of the other build than the patient's (or the bundle's) is refused."""
    if found is not None and found != patient:
        raise InputError(f"the gnomAD coverage file is {found.value} ({how}) but {against} is {patient.value}",
                         path=path, hint=f"use the coverage summary of gnomAD's {patient.value} release (positions "
                                         "differ between builds)")


class CoverageColumns:
    """Where a gnomAD coverage summary TSV keeps what charcot reads, from its header line (read by
    ``GnomadCoverage`` and by ``charcot resources build`` when it cuts the file): the position (v2 ``chrom`` and
    ``pos``, v3/v4 ``locus``), the median depth (``median`` or ``median_approx``) and ``over_10`` when present.
    The column positions are found once, not per row."""

    def __init__(self, path: Path, names: list[str], first_row: list[str] | None = None) -> None:
        self.names = names
        self.first_row = first_row  # the first data row, as the file writes it
        self.first_contig = first_row[0].split(":", 1)[0] or None if first_row else None
        median = "median" if "median" in names else "median_approx" if "median_approx" in names else None
        self.split_locus = "locus" in names and "chrom" not in names
        if median is None or not ({"chrom", "pos"} <= set(names) or self.split_locus):
            raise InputError("the gnomAD coverage file has no header with the position (chrom and pos, or locus) and "
                             "the median depth (median or median_approx)", path=path, line=1,
                             hint="give gnomAD's coverage summary TSV with its header line")
        self.median = median
        self.median_at = names.index(median)
        self.over_10_at = names.index("over_10") if "over_10" in names else None
        self._locus_at = names.index("locus") if self.split_locus else -1
        self._chrom_at = -1 if self.split_locus else names.index("chrom")
        self._pos_at = -1 if self.split_locus else names.index("pos")

    @classmethod
    def read(cls, path: Path) -> CoverageColumns:
        import gzip

        try:
            with gzip.open(path, "rt") as handle:
                first = handle.readline().rstrip("\n")
                row = handle.readline()
        except (OSError, EOFError) as exc:
            raise InputError(f"the gnomAD coverage file is not a gzip/bgzip TSV ({exc.__class__.__name__})",
                             path=path, hint="give gnomAD's coverage.summary.tsv.bgz as downloaded") from None
        return cls(path, [c.lstrip("#") for c in first.split("\t")], row.rstrip("\n").split("\t") if row.strip() else None)

    def build(self) -> tuple[Build | None, str]:
        """(build, how it was told) of a gnomAD coverage summary, which names no build: gnomAD v3 genomes and v4 exomes
        (``median_approx``) were released on GRCh38 only, gnomAD v2 (``median``, chromosomes named without "chr") on
        GRCh37. None when it cannot be told (a v2-style table with "chr" names)."""
        if self.median == "median_approx":
            return Build.GRCh38, "its median_approx column is gnomAD v3/v4's, released on GRCh38 only"
        if self.first_contig is not None and not self.first_contig.lower().startswith("chr"):
            return Build.GRCh37, ("its median column and chromosome names without 'chr' are gnomAD v2's, released on "
                                  "GRCh37")
        return None, ""

    def key(self, v: list[str]) -> tuple[str, int] | None:
        """(chromosome, position) of a row; None for a row that does not give one."""
        try:
            if self.split_locus:
                chrom, pos = v[self._locus_at].rsplit(":", 1)
                return normalise_contig(chrom), int(pos)
            return normalise_contig(v[self._chrom_at]), int(v[self._pos_at])
        except (ValueError, IndexError):
            return None


class GnomadCoverage:
    """A gnomAD coverage summary TSV, tabix-indexed (v2 as released, ``tabix -s1 -b2 -e2 -S1``; v3/v4 after splitting
    ``locus`` into chrom and pos, as VEP's --custom recipes do), or a small unindexed subset read whole."""

    SMALL = 20_000_000  # bytes: an unindexed file up to this size is read whole

    def __init__(self, path: Path, *, build: Build | None = None) -> None:
        import gzip

        self.path = Path(path)
        if not self.path.exists():
            from charcot.structured import file_not_found

            raise file_not_found(self.path, "gnomAD coverage")
        from charcot.structured import require_regular_file

        require_regular_file(self.path, "gnomAD coverage file", "its columns are read, then its rows")
        self.layout = CoverageColumns.read(self.path)
        # a bundle's manifest declares the build of the coverage it cut (and checked when it was built)
        self.build, self.build_evidence = (build, "declared by the bundle manifest") if build is not None else \
            self.layout.build()
        index = Path(str(self.path) + ".tbi")
        self.table: Any = None
        self.rows: dict[tuple[str, int], list[str]] | None = None
        if index.exists():
            import pysam

            from charcot.variants.reader import quiet_htslib

            quiet_htslib()
            try:
                self.table = pysam.TabixFile(str(self.path), index=str(index))
            except (OSError, ValueError) as exc:
                raise InputError(f"the gnomAD coverage file's tabix index cannot be read ({exc})", path=self.path,
                                 hint="re-index it with 'tabix' or remove the stale index") from None
            first = self.layout.key(self.layout.first_row) if self.layout.first_row else None
            if first is not None and self._row(*first) is None:
                # an index of another file, or of this file before it changed: lookups would find no row anywhere
                raise InputError(f"the gnomAD coverage file's index {index.name} does not match it: the file's first "
                                 f"row ({first[0]}:{first[1]}) is not found through it", path=index,
                                 hint=f"re-index it with 'tabix -f -s1 -b2 -e2 -S1 {self.path.name}'")
            from charcot.variants.reader import tabix_table_mismatch

            # rows further on, whatever the time-stamps (an index of the file before it changed misses them: "not
            # covered" where gnomAD covered the base)
            problem = tabix_table_mismatch(self.path, index, self.table.fetch)
            if problem is not None:
                raise InputError(f"the gnomAD coverage file's index {index.name} does not match it: {problem}",
                                 path=index, hint=f"re-index it with 'tabix -f -s1 -b2 -e2 -S1 {self.path.name}'")
        elif self.path.stat().st_size <= self.SMALL:
            self.rows = {}
            with gzip.open(self.path, "rt") as handle:
                next(handle)
                for line in handle:
                    v = line.rstrip("\n").split("\t")
                    key = self.layout.key(v)
                    if key is not None:
                        self.rows[key] = v
        else:
            raise InputError("the gnomAD coverage file has no tabix index", path=self.path,
                             hint=f"index it with 'tabix -s1 -b2 -e2 -S1 {self.path.name}' (gnomAD v2); for v3/v4 "
                                  "split the locus column first: zcat FILE | sed '1s/^locus/chrom\\tpos/; s/:/\\t/' | "
                                  "bgzip > cov.tsv.bgz, then the same tabix command")

    def check_build(self, patient: Build) -> None:
        """Refuse a coverage summary of the other build: its depth at the patient's positions describes other bases,
        so absence from gnomAD would be called covered (PM2) or not on the wrong evidence."""
        refuse_coverage_build(self.path, self.build, self.build_evidence, patient)

    def _row(self, chrom: str, pos: int) -> list[str] | None:
        if self.rows is not None:
            return self.rows.get((chrom, pos))
        name = contig_in_file(chrom, list(self.table.contigs))
        if name is None:
            return None
        for line in self.table.fetch(name, pos - 1, pos):
            v: list[str] = str(line).split("\t")
            key = self.layout.key(v)
            if key == (chrom, pos):
                return v
        return None

    @cached_property
    def chromosomes(self) -> frozenset[str]:
        """The chromosomes the file has rows on (charcot's names); found once, not per allele looked up."""
        if self.rows is not None:
            return frozenset(chrom for chrom, _pos in self.rows)
        return frozenset(normalise_contig(str(c)) for c in self.table.contigs)

    def covered(self, chrom: str, start: int, end: int) -> tuple[bool, str]:
        """(covered, what the file says) for every base of [start, end]; a base the file has no row for is not
        covered (gnomAD lists the bases it called); a chromosome the file has no row on is not covered either, and
        said so (a per-chromosome file or a cut of other regions, not a base gnomAD failed to call)."""
        if chrom not in self.chromosomes:
            listed = ", ".join(sorted(self.chromosomes, key=lambda c: (len(c), c))[:6]) or "none"
            return False, (f"the gnomAD coverage file {self.path.name} has no rows on chromosome {chrom} (it has: "
                           f"{listed}), so gnomAD's coverage there was not checked")
        worst: tuple[float, str] | None = None
        for pos in range(start, end + 1):
            v = self._row(chrom, pos)
            if v is None:
                return False, f"gnomAD coverage file {self.path.name} has no row for {chrom}:{pos} (not called there)"
            median = float(v[self.layout.median_at])
            over = float(v[self.layout.over_10_at]) if self.layout.over_10_at is not None else None
            ok = over >= COVERAGE_MIN_FRACTION if over is not None else median >= COVERAGE_MIN_DEPTH
            shown = (f"median depth {median:g}" + (f", {over:.0%} of samples at depth >= {COVERAGE_MIN_DEPTH}"
                                                   if over is not None else ""))
            if not ok:
                return False, (f"gnomAD coverage at {chrom}:{pos} is too low to call the allele absent: {shown} "
                               f"(charcot needs at least {COVERAGE_MIN_FRACTION:.0%} of samples at depth >= "
                               f"{COVERAGE_MIN_DEPTH}; {self.path.name})")
            key = over if over is not None else median
            if worst is None or key < worst[0]:
                worst = (key, shown)
        assert worst is not None
        return True, f"gnomAD coverage checked ({self.path.name}): {worst[1]}"


class LocalFrequencies(TabixResource):
    """A laboratory's own frequency file (a sites or cohort VCF with INFO AF, or AC and AN), shown next to the
    findings and never used as population evidence."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, "local frequency")
        if "AF" not in self.infos and not {"AC", "AN"} <= set(self.infos):
            raise InputError("the local frequency file has neither INFO/AF nor INFO/AC and AN", path=self.path,
                             hint="add them with 'bcftools +fill-tags FILE -- -t AC,AN,AF'")

    def lookup(self, chrom: str, allele: Allele) -> LocalFrequency | None:
        hit = self.find_allele(chrom, allele)
        if hit is None:
            return None
        v, i, alts = hit

        def num(name: str) -> float | None:
            raw = _info_str(v, name, i, len(alts)) if name in self.infos else None
            try:
                return float(raw) if raw not in (None, ".", "") else None
            except ValueError:
                return None

        ac, an, af = num("AC"), num("AN"), num("AF")
        if af is None and ac is not None and an:
            af = ac / an
        return LocalFrequency(af=af, ac=int(ac) if ac is not None else None, an=int(an) if an is not None else None,
                              source=f"local frequency file {self.label}")
