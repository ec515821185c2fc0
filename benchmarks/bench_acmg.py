"""Run the ACMG concordance benchmark (benchmarks/acmg/run_acmg.py) as part of ``make bench``."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.argv = [str(Path(__file__).parent / "acmg" / "run_acmg.py")]
    runpy.run_path(sys.argv[0], run_name="__main__")
