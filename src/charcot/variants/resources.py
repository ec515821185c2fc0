"""Optional user resources queried for panel variants: a tabix-indexed ClinVar VCF and a gnomAD
sites VCF (plain files the user downloads; no network at run time).

Records are matched on chromosome, position, REF and ALT after splitting multi-allelic resource
records and trimming both sides to their minimal representation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from charcot.errors import InputError
from charcot.genome.builds import contig_in_file, normalise_contig
from charcot.genome.normalise import Allele, trim
from charcot.variants.annotation import (
    AnnotationSchema,
    annotate_allele,
    clinvar_stars,
    pick_consequence,
    schema_from_header,
)
from charcot.variants.model import ClinVar, Frequencies


class TabixResource:
    """A bgzipped, indexed VCF opened once and queried by position."""

    def __init__(self, path: Path, role: str) -> None:
        from cyvcf2 import VCF

        self.path = Path(path)
        self.role = role
        if not self.path.exists():
            raise InputError(f"{role} file not found", path=self.path)
        if not (Path(str(self.path) + ".tbi").exists() or Path(str(self.path) + ".csi").exists()):
            raise InputError(f"the {role} VCF has no tabix/CSI index", path=self.path,
                             hint=f"index it with 'tabix -p vcf {self.path.name}'")
        try:
            self.vcf = VCF(str(self.path), lazy=True)
        except Exception as exc:
            raise InputError(f"the {role} file is not a readable VCF ({exc.__class__.__name__})",
                             path=self.path) from None
        self.contigs = list(self.vcf.seqnames)
        infos: dict[str, str] = {}
        for rec in self.vcf.header_iter():
            info = rec.info()
            if info.get("HeaderType") == "INFO":
                infos[info.get("ID", "")] = info.get("Description", "")
        self.infos = infos
        self.schema: AnnotationSchema = schema_from_header(infos, str(self.path))

    def query(self, chrom: str, start: int, end: int) -> Iterator[tuple[Allele, Any, int, list[str]]]:
        name = contig_in_file(chrom, self.contigs)
        if name is None:
            return
        try:
            records = self.vcf(f"{name}:{start}-{end}")
        except Exception as exc:
            raise InputError(f"the {self.role} index could not be queried ({exc})", path=self.path) from None
        for v in records:
            alts = list(v.ALT)
            for i, alt in enumerate(alts, start=1):
                yield trim(int(v.POS), v.REF, alt), v, i, alts

    def find(self, chrom: str, allele: Allele) -> tuple[Any, int, list[str]] | None:
        for other, v, i, alts in self.query(chrom, allele.pos - 1, allele.end + 1):
            if normalise_contig(v.CHROM) == chrom and other == allele:
                return v, i, alts
        return None


def _info_str(v: Any, name: str, idx: int, n: int) -> str | None:
    value = v.INFO.get(name)
    if value is None:
        return None
    if isinstance(value, tuple):
        value = value[idx - 1] if len(value) == n and n > 1 else ",".join(str(x) for x in value)
    return str(value)


class ClinVarResource(TabixResource):
    def __init__(self, path: Path) -> None:
        super().__init__(path, "ClinVar")
        if "CLNSIG" not in self.infos:
            raise InputError("the ClinVar VCF has no INFO/CLNSIG field", path=self.path,
                             hint="use ClinVar's own VCF release (clinvar.vcf.gz)")

    def assertion(self, chrom: str, allele: Allele) -> ClinVar | None:
        hit = self.find(chrom, allele)
        if hit is None:
            return None
        v, i, alts = hit
        sig = _info_str(v, "CLNSIG", i, len(alts))
        if not sig:
            return None
        rev = _info_str(v, "CLNREVSTAT", i, len(alts))
        return ClinVar(significance=sig.replace("_", " "), review_status=rev, stars=clinvar_stars(rev),
                       variation_id=str(v.ID) if v.ID else None, source=f"ClinVar resource {self.path.name}")

    def nearby(self, chrom: str, pos: int, gene: str, window: int = 2) -> list[dict[str, Any]]:
        """Classified records within ``window`` bp (the same codon), with their protein change when the
        ClinVar file itself carries a VEP/SnpEff/BCSQ annotation."""
        out = []
        for allele, v, i, alts in self.query(chrom, pos - window, pos + window):
            sig = _info_str(v, "CLNSIG", i, len(alts))
            if not sig:
                continue
            rev = _info_str(v, "CLNREVSTAT", i, len(alts))
            hgvs_p = None
            if self.schema.annotated:
                ann = annotate_allele(v.INFO.get, self.schema, pos=int(v.POS), ref=v.REF, alts=alts, alt_index=i)
                picked = pick_consequence(ann.consequences, gene)
                hgvs_p = picked.hgvs_p if picked else None
            out.append({"chrom": normalise_contig(v.CHROM), "allele": allele, "significance": sig.replace("_", " "),
                        "stars": clinvar_stars(rev), "hgvs_p": hgvs_p})
        return out


# gnomAD sites VCF INFO fields (v2: AF_popmax / faf95_popmax; v3: AF_popmax; v4: AF_grpmax / fafmax_faf95_max)
_G_AF = ("AF",)
_G_GRPMAX = ("AF_grpmax", "AF_popmax", "AF_joint_grpmax", "grpmax_AF")
_G_FAF = ("fafmax_faf95_max", "faf95_popmax", "fafmax_faf95_max_joint", "faf95_max")


class GnomadResource(TabixResource):
    def __init__(self, path: Path) -> None:
        super().__init__(path, "gnomAD")
        if "AF" not in self.infos:
            raise InputError("the gnomAD VCF has no INFO/AF field", path=self.path,
                             hint="use a gnomAD sites VCF (it carries AF, AF_grpmax, fafmax_faf95_max)")

    def frequencies(self, chrom: str, allele: Allele) -> Frequencies:
        hit = self.find(chrom, allele)
        if hit is None:
            return Frequencies(searched=True, source=f"gnomAD resource {self.path.name} (variant absent)")
        v, i, alts = hit

        def first(names: tuple[str, ...]) -> float | None:
            for name in names:
                if name in self.infos:
                    raw = _info_str(v, name, i, len(alts))
                    try:
                        return float(raw) if raw not in (None, ".", "") else None
                    except (TypeError, ValueError):
                        continue
            return None

        return Frequencies(af=first(_G_AF), grpmax_af=first(_G_GRPMAX), faf95=first(_G_FAF), searched=True,
                           source=f"gnomAD resource {self.path.name}")
