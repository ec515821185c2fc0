"""The interpret command's garbage-collection tuning (issue 20) stays inside the command: same findings, and the
collector's thresholds and frozen generation are as they were afterwards (the command also runs inside larger
processes, such as this test session or a notebook)."""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pytest

from charcot.cli import main
from charcot.variants.api import interpret, to_json
from charcot.variants.cli import fewer_collections

DATA = Path(__file__).resolve().parents[1] / "data" / "variants"


def test_fewer_collections_restores_the_collector() -> None:
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    with fewer_collections():
        assert gc.get_threshold() != before
        assert gc.get_freeze_count() > frozen
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_fewer_collections_restores_after_an_error() -> None:
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    try:
        with fewer_collections():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_interpret_command_same_findings_and_collector_restored(tmp_path: Path) -> None:
    vcf = DATA / "na12878_hg38_panel.vcf.gz"
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    out = tmp_path / "findings.json"
    assert main(["interpret", str(vcf), "-o", str(out), "-q"]) == 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen
    # the library call without the tuning writes the same findings JSON
    assert json.loads(out.read_text()) == json.loads(to_json(interpret(vcf)))


@pytest.mark.skipif(shutil.which("bcftools") is None, reason="bcftools (Debian package) not installed")
def test_chromosomes_with_records_without_a_query_per_chromosome(tmp_path: Path) -> None:
    """An indexed file's chromosomes with records come from the calls just read, plus one query per other panel
    chromosome: the same set as one query per panel chromosome, also where a chromosome's records give no call
    (here chromosome 22's records of the real Pfeiffer panel VCF, soft-filtered by bcftools)."""
    from cyvcf2 import VCF

    from charcot.genome.panel import build_panel
    from charcot.knowledge import get_knowledge
    from charcot.variants import reader

    filtered = tmp_path / "pfeiffer_22_filtered.vcf.gz"
    subprocess.run(["bcftools", "filter", "-s", "LowQual", "-e", 'CHROM=="22"', "-Oz", "-o", str(filtered),
                    str(DATA / "pfeiffer_panel.vcf.gz")], check=True, capture_output=True)
    subprocess.run(["bcftools", "index", "-t", str(filtered)], check=True)
    panels: dict[Any, Any] = {}

    def panel_for(build: Any) -> Any:
        return panels.setdefault(build, build_panel(get_knowledge().genes, build))

    seen_without_call = False
    for vcf_path in (DATA / "na12878_hg38_panel.vcf.gz", DATA / "pfeiffer_panel.vcf.gz", filtered):
        read = reader.read_calls(vcf_path, panel_for)
        assert read.indexed and read.calls
        vcf = VCF(str(vcf_path), lazy=True)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                every = reader._contigs_with_records(vcf, panels[read.build], list(vcf.seqnames))
        finally:
            vcf.close()
        assert read.contigs_with_records == every, vcf_path.name
        seen_without_call |= bool(every - {c.chrom for c in read.calls})
    assert seen_without_call  # the filtered chromosome 22 has records and no call, and was found by its query
