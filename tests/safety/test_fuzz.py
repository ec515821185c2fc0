"""Hypothesis fuzzing of interpret, repeats, risk, clinical and report over damaged real fixtures: bit
flips inside BGZF blocks, corrupted indexes, edited lines. Every run ends in exit 0 or a clean exit 2
('charcot: error: ...', never a traceback or an internal error), and an exit 0 on a damaged compressed
file or index gives exactly the clean file's answer (no silently wrong result). Derandomized, so CI
sees the same examples every time."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

DATA = Path(__file__).resolve().parents[1] / "data"
VCF = DATA / "variants" / "na12878_hg38_panel.vcf.gz"
STR_GZ = DATA / "repeats" / "643594.clinical.str.annotated.limits.vcf.gz"
STR_TEXT = DATA / "repeats" / "643594.clinical.str.vcf"
PED = DATA / "family" / "three_generation.ped"
CASE = DATA / "clinical" / "example_case.yaml"

def fuzz(examples: int) -> settings:
    return settings(derandomize=True, deadline=None, database=None, max_examples=examples,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _check_clean_exit(res) -> None:  # type: ignore[no-untyped-def]
    assert res.code in (0, 2), (res.code, res.stderr[-2000:])
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr, res.stderr[-2000:]
    if res.code == 2:
        assert "charcot: error:" in res.stderr


def _flip(data: bytes, position: float, bit: int) -> bytes:
    b = bytearray(data)
    b[min(len(b) - 1, int(position * len(b)))] ^= 1 << bit
    return bytes(b)


def _findings(text: str) -> list[tuple[str, int, str, str, str]]:
    from charcot.variants.findings_json import expand

    data = expand(json.loads(text))
    return sorted((f["chrom"], f["pos"], f["ref"], f["alt"], f["genotype"]) for f in data["findings"])


@pytest.fixture(scope="module")
def clean_findings(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, int, str, str, str]]:
    from charcot.variants.api import interpret, to_json

    return _findings(to_json(interpret(VCF)))


flips = st.lists(st.tuples(st.floats(0.0, 0.999), st.integers(0, 7)), min_size=1, max_size=3)


@fuzz(15)
@given(flips=flips, indexed=st.booleans())
def test_interpret_bgzf_bit_flips(run_cli, tmp_path: Path, clean_findings, flips, indexed) -> None:  # type: ignore[no-untyped-def]
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    data = VCF.read_bytes()
    for position, bit in flips:
        data = _flip(data, position, bit)
    vcf = work / "p.vcf.gz"
    vcf.write_bytes(data)
    if indexed:
        shutil.copy(Path(str(VCF) + ".tbi"), Path(str(vcf) + ".tbi"))
    res = run_cli("interpret", vcf, "--format", "json", "-o", "-")
    _check_clean_exit(res)
    if res.code == 0:
        assert _findings(res.stdout) == clean_findings, "a damaged file gave a different answer with exit 0"


@fuzz(12)
@given(flips=flips, truncate=st.one_of(st.none(), st.floats(0.05, 0.95)))
def test_interpret_corrupted_index(run_cli, tmp_path: Path, clean_findings, flips, truncate) -> None:  # type: ignore[no-untyped-def]
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    vcf = work / "p.vcf.gz"
    shutil.copy(VCF, vcf)
    index = Path(str(VCF) + ".tbi").read_bytes()
    for position, bit in flips:
        index = _flip(index, position, bit)
    if truncate is not None:
        index = index[: int(len(index) * truncate)]
    Path(str(vcf) + ".tbi").write_bytes(index)
    res = run_cli("interpret", vcf, "--format", "json", "-o", "-")
    _check_clean_exit(res)
    if res.code == 0:
        assert _findings(res.stdout) == clean_findings, "a damaged index gave a different answer with exit 0"


@pytest.fixture(scope="module")
def clean_repeats() -> str:
    from charcot.repeats.api import assess_repeats

    return assess_repeats(STR_GZ).model_dump_json()


@fuzz(12)
@given(flips=flips)
@example(flips=[(0.00390625, 0)])  # a gzip header MTIME bit: harmless, exit 0, same answer (seen in CI)
def test_repeats_bgzf_bit_flips(run_cli, tmp_path: Path, clean_repeats: str, flips) -> None:  # type: ignore[no-untyped-def]
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    data = STR_GZ.read_bytes()
    for position, bit in flips:
        data = _flip(data, position, bit)
    path = work / "str.vcf.gz"
    path.write_bytes(data)
    res = run_cli("repeats", path, "--format", "json", "-o", "-")
    _check_clean_exit(res)
    if res.code == 0:
        got, want = json.loads(res.stdout), json.loads(clean_repeats)
        for d in (got, want):  # where the file lies is not part of the answer (the damaged copy is elsewhere)
            d.pop("input", None)
            d.pop("path", None)
            d.pop("provenance", None)
        assert got == want


# Line edits: a field replaced by a hostile token, a line duplicated, dropped or cut short.
TOKENS = st.sampled_from(["", ".", "-1", "0", "999999999", "nan", "inf", "x", "1/7", "2026-13-45", "HP:XYZ",
                          "\ufeff", "\t", ":", "/", "{", "[", "&a", "*a", "~", "null", "1e309", "é"])


def _edit_lines(text: str, edits: list[tuple[float, float, str, int]]) -> str:
    lines = text.splitlines()
    for where, column, token, action in edits:
        i = int(where * len(lines))
        if action == 0:
            parts = lines[i].split("\t") if "\t" in lines[i] else lines[i].split(" ")
            parts[int(column * len(parts))] = token
            lines[i] = ("\t" if "\t" in lines[i] else " ").join(parts)
        elif action == 1:
            lines.insert(i, lines[i])
        elif action == 2:
            del lines[i]
        else:
            lines[i] = lines[i][: len(lines[i]) // 2] + token
        if not lines:
            break
    return "\n".join(lines) + "\n"


edits = st.lists(st.tuples(st.floats(0, 0.999), st.floats(0, 0.999), TOKENS, st.integers(0, 3)),
                 min_size=1, max_size=3)


@fuzz(15)
@given(edits=edits)
def test_repeats_text_edits(run_cli, tmp_path: Path, edits) -> None:  # type: ignore[no-untyped-def]
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "input.vcf"
    path.write_text(_edit_lines(STR_TEXT.read_text(), edits))
    _check_clean_exit(run_cli("repeats", path, "-o", "-"))


@fuzz(15)
@given(edits=edits)
def test_risk_ped_edits(run_cli, tmp_path: Path, edits) -> None:  # type: ignore[no-untyped-def]
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "input.ped"
    path.write_text(_edit_lines(PED.read_text(), edits))
    _check_clean_exit(run_cli("risk", path, "--gene", "SOD1", "-o", "-"))


@fuzz(15)
@given(edits=edits)
def test_clinical_yaml_edits(run_cli, tmp_path: Path, edits) -> None:  # type: ignore[no-untyped-def]
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "input.yaml"
    path.write_text(_edit_lines(CASE.read_text(), edits))
    _check_clean_exit(run_cli("clinical", path, "-o", "-"))


@fuzz(3)
@given(flips=flips)
def test_report_with_damaged_vcf(run_cli, tmp_path: Path, flips) -> None:  # type: ignore[no-untyped-def]
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    data = VCF.read_bytes()
    for position, bit in flips:
        data = _flip(data, position, bit)
    vcf = work / "p.vcf.gz"
    vcf.write_bytes(data)
    out = work / "report"
    res = run_cli("report", "--vcf", vcf, "--no-pdf", "-q", "--outdir", out)
    _check_clean_exit(res)
    if res.code == 2:
        assert not out.exists()
