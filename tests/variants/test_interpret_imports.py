"""What ``charcot interpret`` imports (issue 20): the command reads a VCF and writes JSON, so the libraries of other
commands stay unloaded. PyYAML came in through ``charcot.structured`` (the BGZF helpers the index check uses) and
cost 8-20 ms of every run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
VCF = Path(__file__).resolve().parents[1] / "data" / "variants" / "na12878_hg38_panel.vcf.gz"


def test_interpret_of_an_indexed_vcf_imports_no_yaml_or_report_libraries(tmp_path: Path) -> None:
    out = tmp_path / "findings.json"
    code = ("import sys, json; from charcot.cli import main; rc = main(" + repr(["interpret", str(VCF), "-o", str(out)])
            + "); sys.stderr.write(json.dumps([rc, sorted(sys.modules)]))")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    rc, modules = json.loads(done.stderr.splitlines()[-1])
    assert rc in (0, 3) and json.loads(out.read_text())["records_read"] > 0
    loaded = sorted({m.split(".")[0] for m in modules} & {"yaml", "jinja2", "weasyprint", "matplotlib", "scipy",
                                                          "fastapi", "sqlalchemy", "pysam"})
    assert loaded == []
