"""Bad input: one clear error naming the file (and line where known), exit code 2, no traceback, no
partial output. Fuzzing: the reader either interprets or raises InputError, never anything else."""

from __future__ import annotations

import gzip
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charcot.errors import InputError
from charcot.variants.api import interpret
from variants.vcfbuild import DATA, Rec, exon, header_lines, write_vcf

REAL = DATA / "pfeiffer_panel.vcf.gz"


def _text(path: Path) -> str:
    with gzip.open(path, "rt") as handle:
        return handle.read()


def _check(run_cli: Callable[..., object], path: Path, tmp_path: Path, *args: str, expect: str,
           line: bool = False, where: Path | bool | None = True) -> None:
    (tmp_path / "out").mkdir(exist_ok=True)
    out = tmp_path / "out" / "findings.json"
    res = run_cli("interpret", path, "-o", out, *args)
    assert res.code == 2, (res.code, res.stderr)  # type: ignore[attr-defined]
    err: str = res.stderr  # type: ignore[attr-defined]
    named = path if where is True else where
    assert err.startswith("charcot: error: ") and expect in err, err
    if named:
        assert str(named) in err, err
    assert "Traceback" not in err and err.count("charcot: error:") == 1
    if line:
        assert " line " in err, err
    assert not out.exists()


def test_truncated_gzip(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = REAL.read_bytes()
    bad = tmp_path / "trunc.vcf.gz"
    bad.write_bytes(data[: len(data) // 2])
    _check(run_cli, bad, tmp_path, expect="truncated or corrupt")


def test_not_a_vcf(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "notes.vcf"
    bad.write_text("patient notes\nnot a variant file\n")
    _check(run_cli, bad, tmp_path, expect="not a VCF", line=True)


def test_missing_chrom_header_line(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = _text(REAL).splitlines()
    bad = tmp_path / "nochrom.vcf"
    bad.write_text("\n".join(line for line in lines if not line.startswith("#CHROM")) + "\n")
    _check(run_cli, bad, tmp_path, expect="")


def test_empty_file(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "empty.vcf"
    bad.write_bytes(b"")
    _check(run_cli, bad, tmp_path, expect="empty")


def test_header_only_file_is_never_assessed(tmp_path: Path) -> None:
    # Issue 12: a VCF with no record must not become "no pathogenic variant found" in 66 assessed genes.
    path = tmp_path / "header_only.vcf"
    path.write_text("\n".join(header_lines(REAL)) + "\n")
    with pytest.raises(InputError, match="no records"):
        interpret(path)


def test_contig_absent_from_header(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chrom, start, _, _ = exon("TBK1", 5)
    good = write_vcf(tmp_path / "g.vcf", [Rec(chrom, start + 1, "C", "T")])
    text = good.read_text().replace(f"\n{chrom}\t", "\nchrUn_weird\t")
    bad = tmp_path / "contig.vcf"
    bad.write_text(text)
    _check(run_cli, bad, tmp_path, expect="not declared in the header", line=True)


def test_gt_missing(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chrom, start, _, _ = exon("TBK1", 5)
    good = write_vcf(tmp_path / "g.vcf", [Rec(chrom, start + 1, "C", "T")])
    lines = [line for line in good.read_text().splitlines() if not line.startswith("##FORMAT=<ID=GT")]
    lines = [line.replace("\tGT:GQ:DP\t0/1:", "\tGQ:DP\t") for line in lines]
    bad = tmp_path / "nogt.vcf"
    bad.write_text("\n".join(lines) + "\n")
    _check(run_cli, bad, tmp_path, expect="GT")


def test_sample_not_found_and_multi_sample_needs_choice(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    trio = DATA / "scout_643594_subset.vcf.gz"
    _check(run_cli, trio, tmp_path, "--sample", "NOBODY", expect="sample 'NOBODY' is not in the file")
    _check(run_cli, trio, tmp_path, expect="say which one")


def test_build_mismatch(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _check(run_cli, REAL, tmp_path, "--build", "GRCh38", expect="contig lengths are those of GRCh37")


def test_csq_header_without_format(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chrom, start, _, _ = exon("TBK1", 5)
    bad = write_vcf(tmp_path / "csq.vcf", [Rec(chrom, start + 1, "C", "T")], extra_header=[
        '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP">'])
    _check(run_cli, bad, tmp_path, expect="no 'Format:'")


def test_bad_options(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _check(run_cli, REAL, tmp_path, "--hpo", "ALS", expect="not an HPO term", where=False)
    _check(run_cli, REAL, tmp_path, "--clinvar", tmp_path / "missing.vcf.gz", expect="--clinvar file not found",
           where=tmp_path / "missing.vcf.gz")
    unindexed = tmp_path / "gn.vcf.gz"
    shutil.copy(REAL, unindexed)
    _check(run_cli, REAL, tmp_path, "--gnomad", unindexed, expect="no tabix/CSI index", where=unindexed)


def test_missing_file(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _check(run_cli, tmp_path / "nope.vcf.gz", tmp_path, expect="file not found")


_BASE = None


def _base_text() -> str:
    global _BASE
    if _BASE is None:
        chrom, start, _, _ = exon("TBK1", 5)
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d) / "base.vcf"
            write_vcf(tmp, [Rec(chrom, start + i * 7, "C", "T", gt=g) for i, g in enumerate(["0/1", "1/1", "1|0"])])
            _BASE = tmp.read_text()
    return _BASE


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_record_lines(tmp_path: Path, data: st.DataObject) -> None:
    """Mutate data lines of a real-header VCF: result or InputError, nothing else."""
    text = _base_text()
    header, _, body = text.rpartition("#CHROM")
    head = header + "#CHROM" + body.split("\n", 1)[0] + "\n"
    rows = body.split("\n", 1)[1].splitlines()
    i = data.draw(st.integers(0, len(rows) - 1))
    cols = rows[i].split("\t")
    j = data.draw(st.integers(0, len(cols) - 1))
    cols[j] = data.draw(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=12))
    rows[i] = "\t".join(cols) if data.draw(st.booleans()) else rows[i][: data.draw(st.integers(0, len(rows[i])))]
    path = tmp_path / "fuzz.vcf"
    path.write_text(head + "\n".join(rows) + "\n")
    try:
        interpret(path)
    except InputError as exc:
        assert exc.path == str(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=st.binary(max_size=400), gz=st.booleans())
def test_fuzz_bytes(tmp_path: Path, blob: bytes, gz: bool) -> None:
    path = tmp_path / ("x.vcf.gz" if gz else "x.vcf")
    path.write_bytes(gzip.compress(blob) if gz else blob)
    with pytest.raises(InputError):
        interpret(path)
