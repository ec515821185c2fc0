"""An output never damages an input, and a command's output files are written together (issue 12 re-check).

Found by the adversarial re-check: ``-o`` naming the command's own input (the case YAML, a report.json, a
link to either) replaced it; of a command's several output files, those written before a later one failed
stayed behind; ``knowledge snapshot save -`` mixed its message into the archive on stdout; a --config that
does not exist was ignored by every command that reads no setting.
"""

from __future__ import annotations

import gzip
import io
import os
import stat
import tarfile
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
CASE = DATA / "clinical" / "example_case.yaml"
PED = DATA / "family" / "three_generation.ped"
CLAIM = DATA / "therapy" / "claim_class1_rct.yaml"


def _full_device(tmp_path: Path) -> Path:
    """A node whose every write fails with ENOSPC (our own as root, so a regression never touches /dev)."""
    if os.geteuid() == 0:
        full = tmp_path / "full"
        os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
        return full
    return Path("/dev/full")


@pytest.mark.parametrize("how", ["same", "symlink", "hardlink"])
def test_output_naming_the_input_is_refused(run_cli, tmp_path: Path, how: str) -> None:  # type: ignore[no-untyped-def]
    case = tmp_path / "case.yaml"
    case.write_bytes(CASE.read_bytes())
    target = case
    if how == "symlink":
        target = tmp_path / "out.yaml"
        target.symlink_to(case)
    elif how == "hardlink":
        target = tmp_path / "out.yaml"
        os.link(case, target)
    res = run_cli("clinical", case, "-o", target)
    assert res.code == 2, res.stderr
    assert "input" in res.stderr and "Traceback" not in res.stderr
    assert case.read_bytes() == CASE.read_bytes(), "the input was overwritten"


def test_output_inside_an_input_folder_is_refused(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "case1"
    folder.mkdir()
    stored = folder / "report.json"
    stored.write_text('{"not": "checked before the output"}\n')
    for command in (("export", "fhir"), ("reanalyse",)):
        res = run_cli(*command, folder, "-o", stored)
        assert res.code == 2, res.stderr
        assert "input" in res.stderr and "Traceback" not in res.stderr
        assert stored.read_text() == '{"not": "checked before the output"}\n'


def test_a_failing_output_leaves_the_others_unwritten(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    full = _full_device(tmp_path)
    drawing = tmp_path / "family.svg"
    res = run_cli("risk", PED, "--gene", "SOD1", "--draw", drawing, "-o", full)
    assert res.code == 2 and "no space left" in res.stderr.lower(), res.stderr
    assert not drawing.exists(), "--draw was written although -o failed"
    table = tmp_path / "risk.tsv"
    res = run_cli("risk", PED, "--gene", "SOD1", "--draw", drawing, "-o", table)
    assert res.code == 0, res.stderr
    assert drawing.exists() and table.exists()
    assert not [p for p in tmp_path.iterdir() if ".charcot-" in p.name]


def test_two_outputs_with_one_path_are_refused_in_every_command(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "grade.png"
    res = run_cli("claim", "check", CLAIM, "--plot", out, "-o", out)
    assert res.code == 2 and "same file" in res.stderr, res.stderr
    assert not out.exists()


def test_snapshot_archive_to_stdout_is_only_the_archive(tmp_path: Path) -> None:
    import subprocess
    import sys

    src = Path(__file__).resolve().parents[2] / "src"
    done = subprocess.run([sys.executable, "-m", "charcot.cli", "knowledge", "snapshot", "save", "-"],
                          capture_output=True, env={**os.environ, "PYTHONPATH": str(src)}, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(done.stdout))) as tar:
        assert any(n.endswith("meta.yaml") for n in tar.getnames())
    assert b"saved knowledge" in done.stderr


def test_snapshot_archive_target_checked_like_any_output(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    res = run_cli("knowledge", "snapshot", "save", tmp_path / "missing" / "k.tar.gz")
    assert res.code == 2 and "does not exist" in res.stderr, res.stderr
    assert not (tmp_path / "missing").exists()


def test_missing_or_broken_config_refused_by_every_command(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "charcot.toml"
    broken.write_text("jurisdiction = = EU\n")
    for config in (tmp_path / "absent.toml", broken):
        res = run_cli("epi", "prevalence", "--incidence", "2", "--duration", "3", "--config", config)
        assert res.code == 2, res.stderr
        assert str(config) in res.stderr and "Traceback" not in res.stderr


def test_plots_into_an_outdir_wait_for_the_other_outputs(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plots = tmp_path / "plots"
    res = run_cli("clinical", CASE, "--outdir", plots, "-o", _full_device(tmp_path))
    assert res.code == 2, res.stderr
    assert not plots.exists() or not list(plots.iterdir()), "plots were written although -o failed"
    res = run_cli("clinical", CASE, "--outdir", plots, "-o", tmp_path / "c.json")
    assert res.code == 0 and list(plots.glob("*.png")), res.stderr


def test_socket_target_refused_before_work(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import socket

    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        res = run_cli("clinical", CASE, "-o", path)
    assert res.code == 2 and "is a socket" in res.stderr, res.stderr
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


@pytest.mark.parametrize("suffix", [".tbi", ".csi"])
def test_output_naming_an_inputs_index_is_refused(run_cli, tmp_path: Path, suffix: str) -> None:  # type: ignore[no-untyped-def]
    """The index read beside an input VCF is an input too: ``interpret X.vcf.gz -o X.vcf.gz.tbi`` replaced
    the index with the JSON (rc 0), and the next run on X failed or read nothing."""
    source = DATA / "variants" / "na12878_hg38_panel.vcf.gz"
    vcf = tmp_path / "patient.vcf.gz"
    vcf.write_bytes(source.read_bytes())
    index = Path(f"{vcf}{suffix}")
    original = Path(f"{source}.tbi").read_bytes()
    index.write_bytes(original)
    res = run_cli("interpret", vcf, "-o", index)
    assert res.code == 2, res.stderr
    assert "index" in res.stderr and "Traceback" not in res.stderr
    assert index.read_bytes() == original, "the input's index was overwritten"


def test_output_over_charcots_own_files_is_refused(tmp_path: Path) -> None:
    """charcot's installed files (the knowledge base, demo data, templates) are an input of every command:
    'charcot knowledge genes -o <package>/knowledge/data/meta.yaml' replaced the knowledge base's meta.yaml
    (rc 0), and every later command failed. Run on a copy of the package, so a regression damages only it."""
    import shutil
    import subprocess
    import sys

    package = Path(__file__).resolve().parents[2] / "src" / "charcot"
    copy = tmp_path / "site" / "charcot"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "released"))
    meta = copy / "knowledge" / "data" / "meta.yaml"
    original = meta.read_bytes()
    env = {**os.environ, "PYTHONPATH": str(copy.parent)}

    def charcot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "charcot.cli", *args], capture_output=True, text=True, env=env,
                              timeout=120, check=False)

    done = charcot("knowledge", "genes", "-o", str(meta))
    assert done.returncode == 2 and "charcot installation" in done.stderr, done.stderr
    assert meta.read_bytes() == original, "the knowledge base was overwritten"
    done = charcot("demo", "--no-pdf", "--outdir", str(copy / "report" / "demo-output"))
    assert done.returncode == 2 and "charcot installation" in done.stderr, done.stderr
    assert charcot("knowledge", "summary").returncode == 0


@pytest.mark.parametrize("how", ["user file", "CHARCOT_CONFIG"])
def test_output_over_the_configuration_in_force_is_refused(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                           how: str) -> None:
    """The user's charcot.toml (and a CHARCOT_CONFIG file) is read by every command without being on its line:
    'charcot config show -o ~/.config/charcot/charcot.toml' replaced it with the listing (rc 0)."""
    toml = tmp_path / "xdg" / "charcot" / "charcot.toml"
    toml.parent.mkdir(parents=True)
    toml.write_text('laboratory = "Lab A"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    if how == "CHARCOT_CONFIG":
        moved = tmp_path / "site.toml"
        toml.rename(moved)
        toml = moved
        monkeypatch.setenv("CHARCOT_CONFIG", str(toml))
    res = run_cli("config", "show", "-o", toml)
    assert res.code == 2 and "configuration file" in res.stderr and "Traceback" not in res.stderr, res.stderr
    assert toml.read_text() == 'laboratory = "Lab A"\n'
    assert run_cli("config", "show", "-o", tmp_path / "listing.txt").code == 0
