"""Hail backend on a Hail MatrixTable input (run in .venv-hail: pytest -m hail)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from charcot.population.api import run_burden

DATA = Path(__file__).resolve().parents[1] / "data" / "population"
pytestmark = pytest.mark.hail


def _close(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b or abs(a - b) <= 1e-8


def test_matrix_table_input_equals_local_vcf(tmp_path: Path) -> None:
    """A Hail MatrixTable (written with the VCF header kept as a global) gives the same results as the VCF."""
    from charcot.population.burden_hail import vcf_to_matrix_table

    vcf, pheno = DATA / "synthetic300.vcf.gz", DATA / "synthetic300.pheno.tsv"
    mt = vcf_to_matrix_table(str(vcf), str(tmp_path / "cohort.mt"))
    kwargs = {"covariates": ["sex", "PC1"], "all_genes": True}
    local = run_burden(vcf, pheno, backend="local", **kwargs)
    hail = run_burden(mt, pheno, backend="hail", **kwargs)
    assert [(g.gene, g.cls, g.case_carriers, g.control_carriers) for g in local.groups] == \
        [(g.gene, g.cls, g.case_carriers, g.control_carriers) for g in hail.groups]
    assert local.groups and local.masks
    for a, b in zip(local.masks, hail.masks, strict=True):
        assert (a.gene, a.mask, a.n_variants) == (b.gene, b.mask, b.n_variants)
        assert _close(a.skato_p, b.skato_p) and _close(a.burden_p, b.burden_p)
    assert hail.timings["startup"] >= 0 and hail.timings["collapse"] > 0
