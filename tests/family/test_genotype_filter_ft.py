"""A parent's genotype the caller filtered for that person (FORMAT/FT) is not a confident call in the trio checks.

Unseen case: the real GIAB trio records (tests/data/family/ashk_trio_subset.vcf.gz) with FORMAT/FT added in GATK
VariantFiltration's words (its header line for FT, a genotype filter named lowGQ as its
--genotype-filter-name writes it) and the father's 0/0 call at the real de novo site 1:155036260 C>T marked lowGQ.
Before, FT was never read: PS2 was applied on that father's call as if it had passed."""

from __future__ import annotations

import gzip
from pathlib import Path

from charcot.family.pedigree import read_pedigree
from charcot.family.segregation import family_evidence

ROOT = Path(__file__).resolve().parents[1] / "data" / "family"
DE_NOVO = "1-155036260-C-T"
FT_HEADER = '##FORMAT=<ID=FT,Number=1,Type=String,Description="Genotype-level filter">\n'


def _with_ft(folder: Path, father_ft: str) -> Path:
    lines = []
    with gzip.open(ROOT / "ashk_trio_subset.vcf.gz", "rt") as handle:
        for line in handle:
            if line.startswith("#CHROM"):
                lines.append(FT_HEADER)
            fields = line.rstrip("\n").split("\t")
            if not line.startswith("#") and fields[1] == "155036260":
                fields[8] += ":FT"
                fields[9] += ":PASS"
                fields[10] += f":{father_ft}"  # HG003, the father
                fields[11] += ":PASS"
            lines.append("\t".join(fields) + "\n")
    out = folder / "trio_ft.vcf"
    out.write_text("".join(lines))
    return out


def _ps2(vcf: Path) -> tuple[bool, str]:
    out = family_evidence(vcf, read_pedigree(ROOT / "ashk_trio.ped"), "HG002", [DE_NOVO])
    ev = {e.criterion: e for e in out[DE_NOVO]}
    return ev["PS2"].applied, ev["PS2"].reason


def test_father_filtered_by_ft_is_not_a_confident_non_carrier(tmp_path: Path) -> None:
    applied, reason = _ps2(_with_ft(tmp_path, "lowGQ"))
    assert not applied
    assert "cannot decide whether de novo" in reason and "filtered for this person by the caller (FT lowGQ)" in reason


def test_ft_pass_keeps_the_de_novo(tmp_path: Path) -> None:
    applied, _ = _ps2(_with_ft(tmp_path, "PASS"))
    assert applied
