"""The reader process of ``charcot interpret`` (``charcot.variants.early``, issue 20) changes nothing but the time.

An indexed VCF is read in a forked process while the command imports and classifies; its calls come back in
batches. These tests run real VCFs both ways and compare the findings JSON byte for byte, check that the reader
process was really used, and that a reader that fails (a bad record) or dies gives the same result or the same
error as reading in one process, with nothing left running.
"""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pysam
import pytest

from charcot.errors import InputError
from charcot.variants import api, early
from charcot.variants.early import EarlyRead
from charcot.variants.findings_json import load

from .test_quiet_memo import DEMO, _relocated_vcf

DATA = Path(__file__).resolve().parents[1] / "data" / "variants"
SRC = Path(api.__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def relocated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _relocated_vcf(tmp_path_factory.mktemp("early") / "na12878_relocated.vcf.gz")


def _start(vcf: Path, **options: Any) -> EarlyRead:
    reader = EarlyRead.start(vcf, selection=None, sample=options.get("sample"), build="auto", sex=options.get("sex"),
                             min_gq=options.get("min_gq"), min_dp=options.get("min_dp"),
                             include_filtered=options.get("include_filtered", False))
    assert reader is not None, "the reader process was not started (fork, CPUs or a running thread)"
    return reader


def _both(vcf: Path, **options: Any) -> tuple[str, str, EarlyRead]:
    """(findings JSON read in a reader process, read here, the reader)."""
    reader = _start(vcf, **options)
    try:
        two = api.to_json(api.interpret(vcf, early=reader, **options))
    finally:
        reader.close()
    one = api.to_json(api.interpret(vcf, **options))
    return two, one, reader


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.mark.parametrize("options", [
    {"sex": "male"},
    {"sex": "female", "include_filtered": True, "diagnosis": "ALS", "hpo": ["HP:0007354"]},
])
def test_relocated_real_calls_identical(relocated: Path, options: dict[str, Any]) -> None:
    two, one, reader = _both(relocated, **options)
    assert two == one
    assert reader._done  # the result came from the reader process
    assert _reaped(reader.pid)
    assert len(load(two).findings) > early.BATCH  # more than one batch


@pytest.mark.parametrize("vcf, options", [
    (DEMO, {}),
    (DATA / "pfeiffer_panel.vcf.gz", {"sex": "male"}),  # VEP-annotated: annotations travel as objects
    (DATA / "na12878_hg19_panel.vcf.gz", {}),
    (DATA / "scout_643594_subset.vcf.gz", {"sample": "ADM1059A3"}),  # three samples
], ids=["demo", "pfeiffer", "hg19", "scout"])
def test_real_indexed_vcfs_identical(vcf: Path, options: dict[str, Any]) -> None:
    two, one, reader = _both(vcf, **options)
    assert two == one
    assert reader._done


def _bad_record_vcf(tmp_path: Path) -> Path:
    """The real NA12878 panel VCF with one record's REF spoiled, bgzipped and indexed."""
    with gzip.open(DATA / "na12878_hg38_panel.vcf.gz", "rt") as handle:
        lines = handle.read().splitlines()
    first = next(i for i, x in enumerate(lines) if not x.startswith("#"))
    cols = lines[first + 3].split("\t")
    cols[3] = "X?"
    lines[first + 3] = "\t".join(cols)
    plain = tmp_path / "bad.vcf"
    plain.write_text("\n".join(lines) + "\n")
    out = tmp_path / "bad.vcf.gz"
    pysam.tabix_compress(str(plain), str(out), force=True)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    return out


def test_reader_error_is_the_same_error(tmp_path: Path) -> None:
    vcf = _bad_record_vcf(tmp_path)
    reader = _start(vcf)
    try:
        with pytest.raises(InputError) as two:
            api.interpret(vcf, early=reader)
    finally:
        reader.close()
    with pytest.raises(InputError) as one:
        api.interpret(vcf)
    assert str(two.value) == str(one.value) and "REF 'X?'" in str(one.value)
    assert not reader._done
    assert _reaped(reader.pid)


def test_cli_error_exit_2_no_traceback(tmp_path: Path) -> None:
    vcf = _bad_record_vcf(tmp_path)
    runs = []
    for flag in ("1", "0"):
        env = {**os.environ, "PYTHONPATH": str(SRC), "CHARCOT_EARLY_READ": flag}
        runs.append(subprocess.run([sys.executable, "-m", "charcot.cli", "interpret", str(vcf), "-o",
                                    str(tmp_path / f"out{flag}.json")], capture_output=True, text=True, env=env,
                                   timeout=120))
    assert runs[0].returncode == runs[1].returncode == 2
    assert runs[0].stderr == runs[1].stderr and "Traceback" not in runs[0].stderr and "X?" in runs[0].stderr
    assert not list(tmp_path.glob("out*"))


def test_dead_reader_falls_back(relocated: Path) -> None:
    reader = _start(relocated, sex="male")
    os.kill(reader.pid, signal.SIGKILL)
    try:
        two = api.to_json(api.interpret(relocated, early=reader, sex="male"))
    finally:
        reader.close()
    assert two == api.to_json(api.interpret(relocated, sex="male"))
    assert not reader._done
    assert _reaped(reader.pid)


def test_error_before_reading_stops_the_reader(relocated: Path) -> None:
    reader = _start(relocated)
    try:
        with pytest.raises(InputError, match="unknown sex"):
            api.interpret(relocated, early=reader, sex="robot")
    finally:
        reader.close()
    assert _reaped(reader.pid)


def test_not_started_where_it_cannot_pay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = tmp_path / "x.vcf.gz"
    plain.write_bytes((DATA / "na12878_hg38_panel.vcf.gz").read_bytes())
    assert not early.wanted(plain)  # no index
    assert early.wanted(DEMO)
    monkeypatch.setenv("CHARCOT_EARLY_READ", "0")
    assert not early.wanted(DEMO)


def _alive_with(marker: str) -> list[int]:
    """Processes whose command line holds ``marker`` (the reader is a fork: it has its parent's command line)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_killed_run_leaves_nothing(relocated: Path, tmp_path: Path) -> None:
    """SIGTERM or SIGKILL at a random moment of an interpret run with a reader process: no traceback, the output
    absent or whole, and no reader left running (it dies with the main process)."""
    import json
    import random
    import time

    env = {**os.environ, "PYTHONPATH": str(SRC), "CHARCOT_EARLY_READ": "1"}
    out = tmp_path / "killed-findings.json"
    cmd = [sys.executable, "-m", "charcot.cli", "interpret", str(relocated), "-o", str(out)]
    start = time.perf_counter()
    assert subprocess.run(cmd, capture_output=True, env=env, timeout=120).returncode == 0
    duration = time.perf_counter() - start
    rng = random.Random(int(os.environ.get("CHARCOT_KILL_SEED", "12")))
    for signum in (signal.SIGTERM, signal.SIGKILL, signal.SIGTERM):
        out.unlink(missing_ok=True)
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        time.sleep(rng.uniform(0.1, duration))
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=60)
        assert b"Traceback" not in stderr, stderr.decode()
        if out.exists():
            json.loads(out.read_text())
        deadline = time.monotonic() + 10
        while _alive_with(str(out)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _alive_with(str(out)) == [], "a reader process outlived the killed run"
        assert [p.name for p in tmp_path.iterdir() if ".charcot-" in p.name] == [] or signum == signal.SIGKILL


def test_gnomad_annotated_vcf_identical(tmp_path: Path) -> None:
    """A VCF with gnomAD INFO fields: the calls are classified once all are read (a chromosome's annotation is judged
    on all its alleles), through the reader process too."""
    out = tmp_path / "scout_vep104.vcf.gz"
    pysam.tabix_compress(str(DATA / "scout_vep104_annotated.vcf"), str(out), force=True)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    sample = next(iter(pysam.VariantFile(str(out)).header.samples))
    two, one, reader = _both(out, sample=sample)
    assert two == one
    assert reader._done
