"""Damaged resources, found by the adversarial re-check of issue 12.

- A bundle whose score table lost its tabix index (or got a damaged one) was an internal error (exit 1);
  one whose file was cut short since the build was used without a word (only 'resources info --verify'
  noticed).
- A truncated gnomAD file gave the right error, preceded by htslib's own "[E::bgzf_read_block] ..." line
  (pysam carries its own htslib, which quiet_htslib did not reach).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
SCORES = DATA / "variants" / "resources" / "scores"
RESOURCES = DATA / "variants" / "resources"
VCF38 = DATA / "variants" / "na12878_hg38_panel.vcf.gz"
VCF37 = DATA / "variants" / "na12878_hg19_panel.vcf.gz"
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from charcot.cli import main

    out = tmp_path_factory.mktemp("bundle") / "b38"
    code = main(["resources", "build", "--outdir", str(out), "--build", "GRCh38", "-q",
                 "--revel", str(SCORES / "revel-v1.3.head.csv"),
                 "--alphamissense", str(SCORES / "AlphaMissense_hg38.head.tsv")])
    assert code == 0
    return out


def _copy(bundle: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "bundle"
    shutil.copytree(bundle, copy)
    return copy


def test_intact_bundle_is_used(run_cli, bundle: Path) -> None:  # type: ignore[no-untyped-def]
    res = run_cli("interpret", VCF38, "--resources", bundle)
    assert res.code == 0, res.stderr


@pytest.mark.parametrize("damage", ["index deleted", "index replaced", "table cut short"])
def test_damaged_bundle_file_is_refused(run_cli, bundle: Path, tmp_path: Path, damage: str) -> None:  # type: ignore[no-untyped-def]
    copy = _copy(bundle, tmp_path)
    table = copy / "revel.tsv.gz"
    index = copy / "revel.tsv.gz.tbi"
    if damage == "index deleted":
        index.unlink()
    elif damage == "index replaced":
        index.write_bytes(b"not an index\n")
    else:
        table.write_bytes(table.read_bytes()[:-30])
    res = run_cli("interpret", VCF38, "--resources", copy)
    assert res.code == 2, res.stderr
    assert "revel" in res.stderr and "rebuild the bundle" in res.stderr
    assert "internal error" not in res.stderr
    shown = run_cli("resources", "info", copy)
    assert shown.code == 2 and "bundle GRCh38" in shown.stdout and "has changed" in shown.stderr


def test_damaged_score_index_of_the_recorded_size_is_refused(run_cli, bundle: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    copy = _copy(bundle, tmp_path)
    index = copy / "revel.tsv.gz.tbi"
    index.write_bytes(b"\0" * index.stat().st_size)  # same size: only opening it tells
    res = run_cli("interpret", VCF38, "--resources", copy)
    assert res.code == 2 and "index is missing or damaged" in res.stderr, res.stderr


def test_htslib_lines_of_a_damaged_gnomad_stay_off_the_terminal(tmp_path: Path) -> None:
    src = RESOURCES / "gnomad.exomes.r2.1.sites.grch37-subset.vcf.bgz"
    cut = tmp_path / "gnomad.vcf.bgz"
    cut.write_bytes(src.read_bytes()[: src.stat().st_size * 2 // 3])
    shutil.copy(str(src) + ".tbi", str(cut) + ".tbi")
    done = subprocess.run([sys.executable, "-m", "charcot.cli", "interpret", str(VCF37), "--gnomad", str(cut)],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(SRC)}, timeout=120,
                          check=False)
    assert done.returncode == 2, done.stderr
    assert "truncated" in done.stderr
    assert "[E::" not in done.stderr and "[W::" not in done.stderr


def test_unindexed_reference_is_indexed_privately(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # htslib wrote reference.fa.gz.fai and .gzi beside the user's FASTA (an input; a read-only folder failed)
    engine = RESOURCES / "engine"
    folder = tmp_path / "ref"
    folder.mkdir()
    fasta = folder / "grch38_chr21_MRPL39.fa.gz"
    shutil.copy(engine / fasta.name, fasta)
    args = ("interpret", VCF38, "--transcripts", engine / "MRPL39.ensembl.gff3", "--format", "json")
    unindexed = run_cli(*args, "--reference", fasta)
    assert unindexed.code == 0, unindexed.stderr
    assert sorted(p.name for p in folder.iterdir()) == [fasta.name], "an index was written beside the input"
    indexed = run_cli(*args, "--reference", engine / fasta.name)
    strip = lambda text: text.replace(str(fasta), "F").replace(str(engine / fasta.name), "F")  # noqa: E731
    assert '"provenance"' in indexed.stdout
    assert strip(unindexed.stdout).split('"provenance"')[0] == strip(indexed.stdout).split('"provenance"')[0]
