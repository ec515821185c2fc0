"""Knowledge files changed under a running process, and in-process caches keyed by time-stamps (probestale review).

Real knowledge: a copy of the installed snapshot, edited as a curator (or an upgrade in place) would edit it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from charcot.errors import KnowledgeError
from charcot.knowledge import Knowledge
from charcot.knowledge.loader import DATA_DIR


@pytest.fixture
def snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHARCOT_CACHE_DIR", str(tmp_path / "cache"))  # an empty compiled store
    folder = tmp_path / "kb"
    shutil.copytree(DATA_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def _drop_first_curated_criterion(folder: Path, variant: str = "SOD1-A5V") -> str:
    doc = yaml.safe_load((folder / "variants.yaml").read_text(encoding="utf-8"))
    record = next(r for r in doc["records"] if r["id"] == variant)
    removed = str(record["curated_evidence"].pop(0)["criterion"])
    (folder / "variants.yaml").write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return removed


def test_a_section_edited_after_the_snapshot_was_first_read_is_an_error(snapshot: Path) -> None:
    # a process (a web server, a long re-analysis) reads the snapshot's version and hash, then a section it had not
    # used yet is changed in place. Before: that section came from the edited file while every report of the process
    # named the first hash and version: two snapshots mixed in one run, nothing said
    kb = Knowledge(snapshot)
    version, first = kb.meta.version, kb.content_hash
    _drop_first_curated_criterion(snapshot)
    with pytest.raises(KnowledgeError, match="knowledge files changed while charcot was running") as err:
        kb.records("variants")
    assert first[:12] in err.value.message and "restart" in (err.value.hint or "")
    fresh = Knowledge(snapshot)  # a new process reads the edited snapshot whole, under its own hash
    assert fresh.content_hash != first and fresh.meta.version == version
    assert fresh.records("variants")


def _sod1_start(kb: Knowledge) -> int:
    gene = kb.gene("SOD1")
    return int(gene.coordinates[next(b for b in gene.coordinates if b.value == "GRCh38")].span.start)


def test_the_derived_gene_table_edited_with_its_old_timestamp_is_read_again(snapshot: Path) -> None:
    # the derived gene table (coordinates) was cached in the process by (path, mtime): rewritten with its old
    # time-stamp ('touch -r', 'cp -p', a coarse file-system clock), a new snapshot object joined the OLD coordinates
    # to the new files, and the compiled store kept that mix under the new content hash for every later process
    table = snapshot / "derived" / "genes.json"
    before = table.stat()
    assert _sod1_start(Knowledge(snapshot)) == 31659666
    doc = json.loads(table.read_text(encoding="utf-8"))
    doc["genes"]["SOD1"]["coordinates"]["GRCh38"]["span"]["start"] = 31659667
    table.write_text(json.dumps(doc), encoding="utf-8")
    os.utime(table, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert _sod1_start(Knowledge(snapshot)) == 31659667


def _archive(folder: Path, out: Path) -> None:
    """``folder`` as data/ in a tar.gz stored without compression (its size is its content's), fixed member times."""
    import tarfile

    with open(out, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=0) as tar:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = tar.gettarinfo(str(path), arcname=str(Path("data") / path.relative_to(folder)))
                info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
                with open(path, "rb") as handle:
                    tar.addfile(info, handle)


def test_an_archive_replaced_by_one_of_the_same_size_and_timestamp_is_read_again(
        snapshot: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # CHARCOT_KNOWLEDGE=archive.tar.gz is resolved on every get_knowledge() call; the process remembered archives by
    # (path, mtime, size). Replaced in place by another release of the same size with its time-stamp kept (cp -p),
    # the running process went on answering with the old archive's folder
    from charcot.knowledge.snapshots import open_snapshot

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    archive = tmp_path / "kb.tar.gz"
    _archive(snapshot, archive)
    first = open_snapshot(archive)
    stamp = archive.stat()
    meta = (snapshot / "meta.yaml").read_text(encoding="utf-8")
    version = str(yaml.safe_load(meta)["version"])
    other = version[:-1] + ("9" if version[-1] != "9" else "8")  # another release, a version of the same length
    assert f"version: \"{version}\"" in meta
    (snapshot / "meta.yaml").write_text(meta.replace(f"version: \"{version}\"", f"version: \"{other}\"", 1),
                                        encoding="utf-8")
    (tmp_path / "next").mkdir()
    nxt = tmp_path / "next" / archive.name  # gzip's header holds the file name
    _archive(snapshot, nxt)
    assert nxt.stat().st_size == stamp.st_size
    archive.write_bytes(nxt.read_bytes())  # replaced in place, then given its old time-stamp
    os.utime(archive, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    second = open_snapshot(archive)
    assert second != first
    assert str(yaml.safe_load((second / "meta.yaml").read_text(encoding="utf-8"))["version"]) == other
