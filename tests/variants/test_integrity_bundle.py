"""A resource bundle's file replaced by another of the same size (integrity review).

Every run checked the bundle files' sizes only; the SHA-256 in the manifest was compared by ``resources info --verify``
alone. Now each file's identity (device, inode, size, mtime, ctime) is recorded when the bundle is built and whenever
its SHA-256 is found to match; a file whose identity changed is hashed in full against the manifest before use.

Real files: the bundle of tests/variants/test_bundle.py (GRCh38 chr21 around MRPL39, ClinVar/gnomAD/summary rows of
SOD1, AlphaMissense and REVEL heads); the replacement is the bundled AlphaMissense table with one score changed,
compressed again with bgzip (pysam's BGZF writer), of the same size."""

from __future__ import annotations

import gzip
import logging
import os
import shutil
from pathlib import Path

import pysam
import pytest

from charcot.errors import InputError
from charcot.variants.bundle import Bundle

from .test_bundle import _bundle


def _same_size_edit(table: Path) -> bytes:
    """The bundled score table with AlphaMissense's score of 1:69094 G>A changed (0.3296 -> another), bgzipped, of
    the same compressed size (the first such score, from 0.9999 down)."""
    text = gzip.decompress(table.read_bytes()).decode()
    assert "G\tA\t0.3296" in text
    scratch = table.with_name("edit.tsv.gz")
    for score in (f"0.{n:04d}" for n in range(9999, 1000, -1)):
        with pysam.BGZFile(str(scratch), "wb") as handle:
            handle.write(text.replace("G\tA\t0.3296", f"G\tA\t{score}", 1).encode())
        if scratch.stat().st_size == table.stat().st_size:
            data = scratch.read_bytes()
            scratch.unlink()
            return data
    raise AssertionError("no same-size edit found")


def test_a_score_table_replaced_by_one_of_the_same_size_is_refused(tmp_path: Path, run_cli,  # type: ignore[no-untyped-def]
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARCOT_CACHE_DIR", str(tmp_path / "cache"))
    out, _inputs = _bundle(tmp_path)
    assert getattr(Bundle(out), "hashed", []) == []  # a bundle left alone as built: no file is read
    table = out / "alphamissense.tsv.gz"
    original = table.read_bytes()
    st = table.stat()
    edited = _same_size_edit(table)
    replacement = tmp_path / "am.tsv.gz"
    replacement.write_bytes(edited)
    os.utime(replacement, ns=(st.st_atime_ns, st.st_mtime_ns))  # cp -p: the old time-stamp too
    os.replace(replacement, table)
    assert table.stat().st_size == len(original) and table.read_bytes() != original
    # before: accepted, and the changed score for 1:69094 G>A read as AlphaMissense's
    with pytest.raises(InputError, match=r"the bundle's alphamissense file alphamissense\.tsv\.gz has changed since the "
                                         r"bundle was built: its SHA-256 is not the one the manifest recorded"):
        Bundle(out)
    res = run_cli("interpret", str(Path(__file__).parents[1] / "data" / "variants" / "na12878_hg38_panel.vcf.gz"),
                  "--resources", str(out), "-o", str(tmp_path / "out.json"))
    assert res.code == 2 and "has changed since the bundle was built" in res.stderr
    assert "Traceback" not in res.stderr and not (tmp_path / "out.json").exists()
    # the bundle's own file put back (another inode, another ctime): hashed once, then remembered
    with open(table, "wb") as handle:
        handle.write(original)
    assert Bundle(out).hashed == ["alphamissense.tsv.gz"]
    assert Bundle(out).hashed == []


def test_a_bundle_whose_folder_cannot_be_written_is_remembered_in_the_cache_or_hashed_each_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    out, _inputs = _bundle(tmp_path)
    copy = tmp_path / "copied"
    shutil.copytree(out, copy)  # another place: every identity differs, so every file is hashed once
    (copy / "verified-identities.json").unlink()
    (copy / "verified-identities.json").mkdir()  # the record cannot be written there (as on a read-only share; the tests run as root)
    monkeypatch.setenv("CHARCOT_CACHE_DIR", str(tmp_path / "cache"))
    files = sorted(e.file for e in Bundle(out).manifest.resources)
    assert sorted(Bundle(copy).hashed) == files
    assert Bundle(copy).hashed == []  # remembered in the user's cache
    writable = tmp_path / "copied-writable"
    shutil.copytree(out, writable)
    before = (writable / "verified-identities.json").read_bytes()
    assert sorted(Bundle(writable).hashed) == files and Bundle(writable).hashed == []
    # a run never writes into the bundle (one of its inputs): what it verified is kept in the user's cache
    assert (writable / "verified-identities.json").read_bytes() == before
    cache_file = tmp_path / "not-a-folder"
    cache_file.write_text("")
    monkeypatch.setenv("CHARCOT_CACHE_DIR", str(cache_file))
    with caplog.at_level(logging.WARNING):
        assert sorted(Bundle(copy).hashed) == files
        assert sorted(Bundle(copy).hashed) == files  # nowhere to remember: every run hashes, and says so
    assert "every run will read them whole again" in caplog.text
