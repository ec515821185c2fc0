"""Phenotype files: accepted codings and clear errors (file, line, sample)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charcot.errors import InputError
from charcot.population.phenotypes import expand_covariates, read_phenotypes

DATA = Path(__file__).resolve().parents[1] / "data" / "population"
VCF = DATA / "cyvcf2_test.189samples.vcf.gz"


def _write(tmp_path: Path, text: str, name: str = "p.tsv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case,control,coding", [("case", "control", "case/control"), ("1", "0", "1/0 (1 = case)"),
                                                 ("2", "1", "PED 2/1 (2 = case)")])
def test_codings(tmp_path: Path, case: str, control: str, coding: str) -> None:
    p = read_phenotypes(_write(tmp_path, f"sample\tstatus\nA\t{case}\nB\t{control}\nC\t{control}\n"))
    assert p.coding == coding and p.status == {"A": True, "B": False, "C": False}


def test_ped_file_real(tmp_path: Path) -> None:
    # the real CEPH PED from slivar (copied subset not needed: PED reading only)
    ped = _write(tmp_path, "1408\t1011\t1012\t1014\t2\t2\n1408\t1012\t0\t0\t1\t1\n", "x.ped")
    p = read_phenotypes(ped, ["sex"])
    assert p.status == {"1011": True, "1012": False} and p.covariates["sex"] == {"1011": 1.0, "1012": 0.0}


def test_non_binary_status_names_line_and_sample(tmp_path: Path) -> None:
    path = _write(tmp_path, "sample\tstatus\nA\tcase\nB\tmaybe\n")
    with pytest.raises(InputError) as err:
        read_phenotypes(path)
    assert err.value.line == 3 and err.value.record == "B" and "not binary" in err.value.message


def test_ambiguous_mixed_numeric_coding(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read_phenotypes(_write(tmp_path, "sample\tstatus\nA\t2\nB\t1\nC\t0\n"))
    assert err.value.record == "C" and "ambiguous" in err.value.message


def test_duplicate_and_bad_covariate(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="listed twice"):
        read_phenotypes(_write(tmp_path, "sample\tstatus\nA\t1\nA\t0\n"))
    with pytest.raises(InputError, match="PC1 = 'x'"):
        read_phenotypes(_write(tmp_path, "sample\tstatus\tPC1\nA\t1\t0.1\nB\t0\tx\n"), ["PC1"])
    with pytest.raises(InputError, match="not a column"):
        read_phenotypes(_write(tmp_path, "sample\tstatus\nA\t1\nB\t0\n"), ["PC2"])


def test_expand_covariates() -> None:
    assert expand_covariates("sex,PC1..PC3") == ["sex", "PC1", "PC2", "PC3"]
    assert expand_covariates("") == []


def test_missing_sample_in_vcf_is_a_clear_cli_error(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    lines = (DATA / "cohort189.pheno.tsv").read_text().splitlines()
    lines.append("NOT-IN-VCF\tcase\tM\t0.1")
    pheno = _write(tmp_path, "\n".join(lines) + "\n")
    out = tmp_path / "out"
    res = run_cli("cohort", "burden", VCF, "--phenotypes", pheno, "--all-genes", "--outdir", out)
    assert res.code == 2
    assert "NOT-IN-VCF" in res.stderr and f"line {len(lines)}" in res.stderr and "Traceback" not in res.stderr
    assert not out.exists() or not any(out.iterdir())


@given(st.text(alphabet="ab\t\n01 2case", max_size=80))
@settings(max_examples=80, deadline=None)
def test_fuzz_never_crashes(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.tsv"
        path.write_text(text, encoding="utf-8")
        with contextlib.suppress(InputError):
            read_phenotypes(path)
