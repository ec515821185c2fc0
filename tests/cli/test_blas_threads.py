"""The command line starts OpenBLAS with one thread unless the user chose otherwise (charcot.cli.one_blas_thread;
issue 20: the pool's spinning threads cost ~0.19 s CPU per ``interpret`` of a genome). Checked in a real process
through threadpoolctl's view of the BLAS libraries numpy loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

PROBE = """
import json, sys
from charcot import cli
cli.main(sys.argv[1:])
import numpy
from threadpoolctl import threadpool_info
print(json.dumps([(x["internal_api"], x["num_threads"]) for x in threadpool_info() if x["user_api"] == "blas"]))
"""


def _blas_threads(env_value: str | None) -> list[tuple[str, int]]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("OPENBLAS_NUM_THREADS", None)
    if env_value is not None:
        env["OPENBLAS_NUM_THREADS"] = env_value
    done = subprocess.run([sys.executable, "-c", PROBE, "interpret", "--help"], env=env, capture_output=True,
                          text=True, check=True)
    return [tuple(x) for x in json.loads(done.stdout.strip().splitlines()[-1])]


def test_the_command_line_starts_blas_with_one_thread() -> None:
    found = _blas_threads(None)
    assert found, "numpy loaded no BLAS library threadpoolctl can see"
    assert all(n == 1 for _, n in found), found


def test_the_users_own_setting_is_kept() -> None:
    found = _blas_threads("2")
    assert found and all(n == 2 for _, n in found), found
