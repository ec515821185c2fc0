"""`charcot cohort burden --backend hail` on a real Spark standalone cluster (a master and two workers on
127.0.0.1, started by scripts/spark-cluster.sh from the pyspark that Hail installs) equals the local backend.
Runs in the Hail environment (pytest -m hail)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "population"
SCRIPT = ROOT / "scripts" / "spark-cluster.sh"
pytestmark = pytest.mark.hail


def _table(path: Path, key: int = 2) -> dict[tuple[str, ...], list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return {tuple(r.split("\t")[:key]): r.split("\t") for r in lines[1:]} | {("header",): header}


def _close(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return abs(x - y) <= 1e-8 * max(1.0, abs(x))


def test_cli_on_standalone_cluster_equals_local(tmp_path: Path) -> None:
    env = dict(os.environ, CHARCOT_SPARK_STATE=str(tmp_path / "spark"), HAIL_PYTHON=sys.executable,
               PYTHONPATH=str(ROOT / "src"))
    started = subprocess.run(["bash", str(SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=900)
    try:
        assert started.returncode == 0, started.stderr
        master = started.stdout.strip().rsplit("=", 1)[1]
        assert master.startswith("spark://127.0.0.1:")
        common = [str(DATA / "synthetic300.vcf.gz"), "--phenotypes", str(DATA / "synthetic300.pheno.tsv"),
                  "--covariates", "sex,PC1", "--all-genes"]
        cluster = subprocess.run(
            [sys.executable, "-m", "charcot.cli", "cohort", "burden", *common, "--backend", "hail",
             "--hail-master", master, "--outdir", str(tmp_path / "hail")],
            env=env | {"CHARCOT_HAIL_EXECUTOR_MEMORY": "1g", "CHARCOT_HAIL_DRIVER_MEMORY": "1g",
                         "CHARCOT_HAIL_SKAT_CHECK": "0"},  # hl.skat is checked in test_hail_backend.py
            capture_output=True, text=True, timeout=1800)
        assert cluster.returncode == 0, cluster.stderr[-3000:]
        # the work ran on the cluster's executors: each worker launched an executor for the application
        logs = "".join(p.read_text(errors="replace") for p in (tmp_path / "spark").glob("worker*.log"))
        assert "Asked to launch executor" in logs
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True, timeout=120)
    local = subprocess.run([sys.executable, "-m", "charcot.cli", "cohort", "burden", *common, "--backend", "local",
                            "--outdir", str(tmp_path / "local")], env=env, capture_output=True, text=True, timeout=300)
    assert local.returncode == 0, local.stderr[-3000:]
    for name, key in (("burden.tsv", 2), ("masks.tsv", 2), ("variants.tsv", 6)):
        a, b = _table(tmp_path / "local" / name, key), _table(tmp_path / "hail" / name, key)
        assert a.keys() == b.keys(), name
        header = a[("header",)]
        for key, row in a.items():
            for col, x, y in zip(header, row, b[key], strict=True):
                if col == "p_skat_hail":  # only the Hail backend runs hl.skat
                    continue
                assert _close(x, y), (name, key, col, x, y)
    assert (tmp_path / "hail" / "manhattan.png").stat().st_size > 1000  # plots work in the Hail environment
