"""A cohort's multi-allelic record: each ALT's population frequency read by the INFO field's header Number (the
local backend here; the Hail backend is held equal in test_hail_backend).

Defect (2026-12-02 session): both backends took value[k - 1] of a field's values for ALT k, whatever its Number: a
Number=R frequency (REF first) gave ALT 2 the frequency of ALT 1, and a Number=1 value given once for the record
was every ALT's. Here a TBK1 record C>A,T whose gnomAD_AF is declared Number=R (REF 0.79999, A 0.2, T 0.00001):
the rare stop T was read at 0.2 and left out of the burden as common. Now Number=R is indexed from REF, Number=A
per ALT, and a per-allele value written once for several ALTs is no ALT's (the cohort's own frequency is used, as
for an allele without one). Cohort: tests/population/cohort_build.py (real Pfeiffer panel records, KB positions)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pysam
import pytest
from cohort_build import _csq, panel_cohort_vcf, pheno_tsv, spikes

from charcot.population.api import run_burden
from charcot.population.qualifying import Criteria


def multiallelic_cohort(folder: Path, number: str, values: str, n_t: int = 3) -> tuple[Path, Path]:
    """The panel cohort with its common TBK1 stop spike rewritten as C>A,T: the old spike's carriers carry A, ``n_t``
    of them T instead; gnomAD_AF declared with Number=``number`` and given ``values``."""
    base = panel_cohort_vcf(folder / "base.vcf.gz")
    spike = next(s for s in spikes() if s.name == "tbk1_common_stop")
    t_carriers = sorted(spike.carriers)[:n_t]
    with gzip.open(base, "rt") as handle:
        lines = handle.read().splitlines()
    out = []
    for line in lines:
        if line.startswith("##INFO=<ID=gnomAD_AF,"):
            line = line.replace("Number=A", f"Number={number}")
        elif not line.startswith("#") and line.split("\t")[2] == spike.name:
            cols = line.split("\t")
            cols[4] = "A,T"
            cols[7] = (f"gnomAD_AF={values};CSQ=" + _csq("A", "TBK1", "stop_gained", "p.(Tyr170Ter)", "170") + ","
                       + _csq("T", "TBK1", "stop_gained", "p.(Tyr170Ter)", "170"))
            cols[9:] = ["0/2" if i in t_carriers else g for i, g in enumerate(cols[9:])]
            line = "\t".join(cols)
        out.append(line)
    plain = folder / f"multi_{number}.vcf"
    plain.write_text("\n".join(out) + "\n")
    path = folder / f"multi_{number}.vcf.gz"
    pysam.tabix_compress(str(plain), str(path), force=True)
    pysam.tabix_index(str(path), preset="vcf", force=True)
    return path, pheno_tsv(folder / "pheno.tsv")


def _t(result):  # type: ignore[no-untyped-def]
    return [v for v in result.variants if v.gene == "TBK1" and v.alt == "T" and v.cls == "lof"]


def test_number_r_frequency_is_read_from_the_alts_place(tmp_path: Path) -> None:
    vcf, pheno = multiallelic_cohort(tmp_path, "R", "0.79999,0.2,0.00001")
    result = run_burden(vcf, pheno, criteria=Criteria(plp_source="sites"), workers=1)
    (t,) = _t(result)
    assert t.af == pytest.approx(1e-05, rel=1e-6) and t.af_source == "population"
    assert not [v for v in result.variants if v.gene == "TBK1" and v.alt == "A" and v.cls == "lof"]  # 0.2: common


def test_one_value_for_two_alts_is_neither_alts(tmp_path: Path) -> None:
    # one carrier of T in 60 samples: rare in the cohort (1/120 < --max-af 1%); before, the record's one value 0.2 (A's) made it common
    vcf, pheno = multiallelic_cohort(tmp_path, "1", "0.2", n_t=1)
    result = run_burden(vcf, pheno, criteria=Criteria(plp_source="sites", max_af=0.01), workers=1)
    (t,) = _t(result)
    assert t.af_source == "cohort" and t.af == pytest.approx(1 / 120)  # T's rarity judged on the cohort
