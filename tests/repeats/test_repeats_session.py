"""Repeat calls and cohort annotation left open by earlier reviews (repeats session, 2026-12-02).

Each test failed on the code before its fix:
- ``charcot repeats -`` headed its table "charcot repeats — -" and named charcot's temporary copy
  (charcot-stdin-XXXX.vcf) in its summary;
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
REPEATS = DATA / "repeats"
SRC = Path(__file__).resolve().parents[2] / "src"


def _charcot_stdin(args: list[str], stdin: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    with open(stdin, "rb") as handle:
        return subprocess.run([sys.executable, "-c", "import sys; sys.argv[0] = 'charcot'; "
                               "from charcot.cli import run; run()", *args], stdin=handle, capture_output=True,
                              env=env, timeout=300, check=False, text=True)


# --- 4. standard input is named as such ---------------------------------------------------------------------------


def test_repeats_from_standard_input_names_standard_input() -> None:
    """Before: the table was headed 'charcot repeats — -'; a file with no charcot locus said 'no charcot repeat locus
    was called in charcot-stdin-81zoovc_.vcf' (charcot's temporary copy). The input is named 'standard input'."""
    done = _charcot_stdin(["repeats", "-"], REPEATS / "justhusky_exphun_hugelymodelbat.eh5.vcf")
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first == "charcot repeats — standard input"
    # the real EH v3.0.0 example output (a toy chr1 locus): no charcot locus in it
    toy = _charcot_stdin(["repeats", "-", "--build", "GRCh37", "--format", "json"],
                         REPEATS / "eh_v3.0.0_example_repeats.vcf")
    assert toy.returncode != 0  # nothing assessed
    assert "charcot-stdin" not in toy.stdout + toy.stderr and "/tmp/" not in toy.stdout + toy.stderr
    assert "called in standard input" in toy.stdout
