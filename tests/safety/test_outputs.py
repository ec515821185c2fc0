"""Hostile output targets: nothing an output points at is ever damaged (issue 12).

Run as root (CI containers are), the old atomic write replaced /dev/null with a regular file. Each test
builds its own device node, FIFO or folder in tmp_path, never touching the real /dev.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from charcot.errors import OutputError
from charcot.outputs import (
    check_output_dir,
    check_output_file,
    clean_stale_temporaries,
    output_directory,
    write_bytes,
    write_text,
)

DATA = Path(__file__).resolve().parents[1] / "data"
VCF = DATA / "variants" / "na12878_hg38_panel.vcf.gz"
PED = DATA / "family" / "three_generation.ped"
SRC = Path(__file__).resolve().parents[2] / "src"
IS_ROOT = os.geteuid() == 0


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(SRC)}


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _mknod_null(path: Path) -> None:
    if not IS_ROOT:  # only root may create device nodes; a FIFO is the closest stand-in
        os.mkfifo(path)
        return
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))


def _drain(path: Path) -> None:
    with open(path, "rb") as handle:
        handle.read()


# --- single-file targets through the real CLI -------------------------------------------------------


def test_device_node_stays_a_device(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dev = tmp_path / "null"
    _mknod_null(dev)  # a FIFO when not root (only root may make device nodes, and only root could replace one)
    if not IS_ROOT:
        reader = threading.Thread(target=_drain, args=(dev,))
        reader.start()
    res = run_cli("interpret", VCF, "-o", dev)
    assert res.code == 0, res.stderr
    if not IS_ROOT:
        reader.join(timeout=30)
        assert stat.S_ISFIFO(os.lstat(dev).st_mode)
        return
    assert stat.S_ISCHR(os.lstat(dev).st_mode), "the device node was replaced"
    assert os.lstat(dev).st_rdev == os.makedev(1, 3)


def test_full_device_gives_a_clear_error(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if IS_ROOT:  # a node of our own: a regression must never get to replace the system's /dev/full
        full = tmp_path / "full"
        os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # every write fails with ENOSPC
    else:
        full = Path("/dev/full")  # a non-root process cannot replace it
    res = run_cli("interpret", VCF, "-o", full)
    assert res.code == 2 and "Traceback" not in res.stderr
    assert "no space left" in res.stderr.lower() and str(full) in res.stderr
    assert stat.S_ISCHR(os.lstat(full).st_mode)


def test_symlink_to_device_keeps_link_and_device(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dev = tmp_path / "null"
    _mknod_null(dev)
    if not IS_ROOT:
        threading.Thread(target=_drain, args=(dev,), daemon=True).start()
    link = tmp_path / "out.json"
    link.symlink_to(dev)
    res = run_cli("repeats", DATA / "repeats" / "643594.clinical.str.vcf", "-o", link)
    assert res.code == 0, res.stderr
    assert link.is_symlink() and os.readlink(link) == str(dev)
    assert not stat.S_ISREG(os.lstat(dev).st_mode)


def test_fifo_is_written_through(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def reader() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    thread = threading.Thread(target=reader)
    thread.start()
    res = run_cli("interpret", VCF, "--format", "json", "-o", fifo)
    thread.join(timeout=30)
    assert res.code == 0, res.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert json.loads(received[0])["sample"] == "NA12878"


def test_symlink_to_regular_file_stays_a_link(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    res = run_cli("interpret", VCF, "--format", "json", "-o", link)
    assert res.code == 0, res.stderr
    assert link.is_symlink() and json.loads(real.read_text())["sample"] == "NA12878"


def test_dash_is_stdout(run_cli) -> None:  # type: ignore[no-untyped-def]
    res = run_cli("interpret", VCF, "--format", "json", "-o", "-")
    assert res.code == 0, res.stderr
    assert json.loads(res.stdout)["sample"] == "NA12878"
    assert not Path("-").exists()


def test_dev_stdout_and_process_substitution(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "charcot.cli", "interpret", str(VCF), "--format", "json", "-o", "/dev/stdout"]
    res = subprocess.run(cmd, capture_output=True, env=_env(), timeout=120, check=False)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["sample"] == "NA12878"
    assert Path("/dev/stdout").is_symlink()
    bash = shutil.which("bash")
    assert bash is not None
    script = (f'{sys.executable} -m charcot.cli interpret {VCF} --format json -o >(cat > {tmp_path}/got.json); '
              'rc=$?; wait; exit $rc')
    res = subprocess.run([bash, "-c", script], capture_output=True, env=_env(), timeout=120, check=False)
    assert res.returncode == 0 and b"Traceback" not in res.stderr, res.stderr
    for _ in range(50):
        if (tmp_path / "got.json").stat().st_size:
            break
        threading.Event().wait(0.1)
    assert json.loads((tmp_path / "got.json").read_text())["sample"] == "NA12878"


def test_existing_folder_as_file_output(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    res = run_cli("interpret", VCF, "-o", folder)
    assert res.code == 2 and "is a folder" in res.stderr and "Traceback" not in res.stderr
    assert _tree(folder) == {"keep.txt": b"mine"}


def test_second_output_to_folder_refused_before_first_written(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "risk.json"
    res = run_cli("risk", PED, "--gene", "C9orf72", "-o", out, "--draw", tmp_path)
    assert res.code == 2 and "--draw" in res.stderr and "Traceback" not in res.stderr
    assert not out.exists(), "the JSON was written before the drawing target was checked"


def test_missing_parent_and_file_as_parent(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # A missing parent folder is refused before anything runs (issue 12); nothing is created.
    res = run_cli("interpret", VCF, "-o", tmp_path / "no" / "such" / "out.json")
    assert res.code == 2 and "does not exist" in res.stderr and "mkdir -p" in res.stderr
    assert not (tmp_path / "no").exists() and "Traceback" not in res.stderr
    res = run_cli("report", "--vcf", VCF, "--no-pdf", "--outdir", tmp_path / "no" / "such" / "report")
    assert res.code == 2 and "does not exist" in res.stderr and not (tmp_path / "no").exists()
    # the output folder itself is created when its parent exists
    res = run_cli("interpret", VCF, "-o", tmp_path / "out.json")
    assert res.code == 0 and (tmp_path / "out.json").is_file()
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    res = run_cli("repeats", DATA / "repeats" / "643594.clinical.str.vcf", "-o", plain / "out.json")
    assert res.code == 2 and "Traceback" not in res.stderr and plain.read_text() == "x"


def test_same_file_twice(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "x.svg"
    res = run_cli("risk", PED, "--gene", "C9orf72", "-o", out, "--draw", out)
    assert res.code == 2 and "same file" in res.stderr and not out.exists()


def test_read_only_folder(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    cmd = [sys.executable, "-m", "charcot.cli", "interpret", str(VCF), "-o", str(ro / "out.json")]
    if IS_ROOT:  # root ignores folder modes; drop the capability that lets it
        setpriv = shutil.which("setpriv")
        assert setpriv is not None, "util-linux setpriv is needed to test a read-only folder as root"
        cmd = [setpriv, "--bounding-set=-dac_override", "--inh-caps=-dac_override", *cmd]
    res = subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=120, check=False)
    assert res.returncode == 2, res.stderr
    assert "read-only" in res.stderr and "Traceback" not in res.stderr
    assert list(ro.iterdir()) == []
    cmd[-2:] = ["--outdir", str(ro / "report")]
    cmd[cmd.index("interpret"):cmd.index("interpret") + 2] = ["report", "--vcf", str(VCF)]
    res = subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=120, check=False)
    assert res.returncode == 2 and "read-only" in res.stderr and "Traceback" not in res.stderr, res.stderr
    assert list(ro.iterdir()) == []


# --- report folders ----------------------------------------------------------------------------------


def test_report_folder_targets_refused_before_work(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a_file = tmp_path / "a_file"
    a_file.write_text("precious")
    for target, words in ((a_file, "is a file"), ("-", "standard output"),
                          (a_file / "out", "is a file")):
        res = run_cli("report", "--vcf", VCF, "--no-pdf", "--outdir", target)
        assert res.code == 2 and words in res.stderr and "Traceback" not in res.stderr, res.stderr
    assert a_file.read_text() == "precious"
    mixed = tmp_path / "home"
    mixed.mkdir()
    (mixed / "notes.txt").write_text("mine")
    (mixed / "report.json").write_text("{}")
    res = run_cli("demo", "--no-pdf", "--outdir", mixed)
    assert res.code == 2 and "notes.txt" in res.stderr
    assert _tree(mixed) == {"notes.txt": b"mine", "report.json": b"{}"}


def test_folder_swap_replaces_the_whole_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.pdf").write_bytes(b"%PDF other patient")
    (out / "report.json").write_text("old")
    names = ("report.json", "report.pdf", "report.html")
    with output_directory(out, names=names) as scratch:
        assert scratch.parent == out.parent and scratch != out
        (scratch / "report.json").write_text("new")
        (scratch / "report.html").write_text("new")
    assert _tree(out) == {"report.json": b"new", "report.html": b"new"}  # no stale report.pdf
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_failed_run_leaves_folder_and_no_temporaries(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").write_text("old")
    with pytest.raises(RuntimeError), output_directory(out, names=("report.json",)) as scratch:
        (scratch / "report.json").write_text("half")
        raise RuntimeError("render failed")
    assert _tree(out) == {"report.json": b"old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_stale_temporaries_of_dead_runs_are_cleaned(tmp_path: Path) -> None:
    out = tmp_path / "out"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    stale = tmp_path / f".out.charcot-tmp-{dead}-abc"
    stale.mkdir()
    (stale / "report.json").write_text("partial")
    live = tmp_path / f".out.charcot-tmp-{os.getpid()}-xyz"
    live.mkdir()
    old = tmp_path / f".out.charcot-old-{dead}-def"  # killed between the two renames of the fallback swap
    old.mkdir()
    (old / "report.json").write_text("previous complete set")
    clean_stale_temporaries(out)
    assert not stale.exists() and live.exists()
    assert (out / "report.json").read_text() == "previous complete set" and not old.exists()


def test_library_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_text("-", "to stdout\n")
    assert capsys.readouterr().out == "to stdout\n"
    target = tmp_path / "a.txt"
    target.write_text("old")
    target.chmod(0o640)
    write_bytes(target, b"new")
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
    with pytest.raises(OutputError):
        write_bytes(tmp_path, b"x")
    with pytest.raises(OutputError):
        check_output_file(tmp_path)
    with pytest.raises(OutputError):
        check_output_file("/proc/self/nope.json")
    with pytest.raises(OutputError):
        check_output_dir(tmp_path / "a.txt")
    check_output_file("-")
    check_output_dir(tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_plot_folder_targets(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = DATA / "clinical" / "example_case.yaml"
    a_file = tmp_path / "a_file"
    a_file.write_text("precious")
    dev = tmp_path / "null"
    os.mkfifo(dev)  # a special file, never opened here (the check refuses it first)
    for target in (a_file, dev, a_file / "plots"):
        res = run_cli("clinical", case, "--outdir", target, "-q")
        assert res.code == 2 and "Traceback" not in res.stderr and "internal error" not in res.stderr, res.stderr
    assert a_file.read_text() == "precious" and not stat.S_ISREG(os.lstat(dev).st_mode)
