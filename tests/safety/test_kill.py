"""Kill `charcot report` at random moments (SIGTERM and SIGKILL): the output folder always holds either
the previous complete set or the new complete set, never a mix, and temporaries never outlive a run
(SIGTERM cleans its own; the next run cleans those of a SIGKILLed one). Issue 12: before the fix 5 of
10 killed runs left old and new files mixed and hidden '.charcot-*' folders behind."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "variants"
NEW_VCF = DATA / "na12878_hg38_panel.vcf.gz"
OLD_VCF = DATA / "na12878_hg19_panel.vcf.gz"
SRC = Path(__file__).resolve().parents[2] / "src"
NEW_NAMES = {"report.html", "report.json", "phenopacket.json"}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def _complete_new_set(files: dict[str, bytes], names: set[str]) -> bool:
    if set(files) != names or not all(files.values()):
        return False
    report = json.loads(files["report.json"])
    json.loads(files["phenopacket.json"])
    text = json.dumps(report)
    return NEW_VCF.name in text and files["report.html"].rstrip().endswith(b"</html>") and (
        "report.pdf" not in names or files["report.pdf"].startswith(b"%PDF"))


def _temporaries(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".charcot-" in p.name)


def _cmd(out: Path, pdf: bool) -> list[str]:
    cmd = [sys.executable, "-m", "charcot.cli", "report", "--vcf", str(NEW_VCF), "--outdir", str(out), "-q"]
    return cmd if pdf else [*cmd, "--no-pdf"]


def _run(cmd: list[str]) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run(cmd, capture_output=True, env=env, timeout=300, check=False)


def test_killed_report_leaves_old_or_new_set(tmp_path: Path) -> None:
    out = tmp_path / "report"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    # The previous patient's complete set (another VCF); its duration sets the kill window.
    start = time.perf_counter()
    old = _run([*_cmd(out, pdf=False)[:5], str(OLD_VCF), *_cmd(out, pdf=False)[6:]])
    duration = time.perf_counter() - start
    assert old.returncode == 0, old.stderr
    assert NEW_VCF.name not in (out / "report.json").read_text()
    rng = random.Random(int(os.environ.get("CHARCOT_KILL_SEED", "12")))  # fixed in CI; vary to stress
    outcomes: list[str] = []
    trials = [(signal.SIGTERM, False), (signal.SIGKILL, False), (signal.SIGTERM, False), (signal.SIGKILL, False),
              (signal.SIGTERM, True)]
    for signum, pdf in trials:
        before = _snapshot(out)
        proc = subprocess.Popen(_cmd(out, pdf), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        # Spread the kills over the whole run, the final swap included (up to a little past the
        # reference run time; the PDF run is longer).
        time.sleep(rng.uniform(0.2, duration * (1.6 if pdf else 1.1)))
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=120)
        assert b"Traceback" not in stderr, stderr.decode()
        after = _snapshot(out)
        names = NEW_NAMES | ({"report.pdf"} if pdf else set())
        if after == before:
            outcomes.append("old")
        else:
            assert _complete_new_set(after, names), f"mixed or partial set after {signum!r}: {sorted(after)}"
            outcomes.append("new")
        if signum == signal.SIGTERM:  # its own; a SIGKILLed run's are removed by the next run's checks
            own = [t for t in _temporaries(tmp_path) if f"-{proc.pid}-" in t]
            assert own == [], f"SIGTERM left temporaries behind: {own}"
    # A run that completes cleans what SIGKILLed runs left, and replaces the whole set (a report.pdf
    # of an earlier run never stays beside a --no-pdf report).
    final = _run(_cmd(out, pdf=False))
    assert final.returncode == 0, final.stderr
    assert _temporaries(tmp_path) == []
    assert _complete_new_set(_snapshot(out), NEW_NAMES), "the new set must not keep the old report.pdf"
    assert outcomes, outcomes
