"""Knowledge snapshots as versions: identity, archives, and record-level differences."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from charcot.knowledge import Knowledge
from charcot.knowledge.loader import DATA_DIR
from charcot.knowledge.snapshots import content_hash, describe, diff_knowledge, open_snapshot, save_snapshot


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def changed_snapshot(tmp_path: Path) -> Path:
    """A copy of the installed snapshot with one variant class, one trial status and one threshold changed."""
    new = tmp_path / "new"
    shutil.copytree(DATA_DIR, new, ignore=shutil.ignore_patterns("__pycache__"))
    _edit(new / "meta.yaml", 'version: "', 'version: "9999.')
    _edit(new / "variants.yaml", "    classification: Pathogenic\n", "    classification: Likely pathogenic\n")
    _edit(new / "trials.yaml", "status: active_not_recruiting", "status: completed")
    _edit(new / "repeats.yaml", "{category: pathogenic, min: 31, label: pathogenic}",
          "{category: pathogenic, min: 33, label: pathogenic}")
    return new


def test_identical_snapshots_have_no_changes() -> None:
    d = diff_knowledge(Knowledge(DATA_DIR), Knowledge(DATA_DIR))
    assert d.changes == [] and d.old.content_hash == d.new.content_hash
    assert "identical" in describe(d)


def test_diff_finds_exactly_the_changed_records(changed_snapshot: Path) -> None:
    d = diff_knowledge(Knowledge(DATA_DIR), Knowledge(changed_snapshot))
    assert d.new.version.startswith("9999.") and d.old.content_hash != d.new.content_hash
    touched = {(c.section, c.change) for c in d.changes}
    assert touched == {("variants", "changed"), ("trials", "changed"), ("repeats", "changed")}
    assert len(d.changes) == 3
    variant = d.for_section("variants")[0]
    assert [(f.field, f.old, f.new) for f in variant.fields] == [
        ("classification", "Pathogenic", "Likely pathogenic")]
    trial = d.for_section("trials")[0]
    assert [(f.old, f.new) for f in trial.fields] == [("active_not_recruiting", "completed")]
    repeat = d.for_section("repeats")[0]
    assert [(f.old, f.new) for f in repeat.fields] == [(31, 33)]
    words = describe(d)
    assert "classification: Pathogenic → Likely pathogenic" in words
    assert "active_not_recruiting → completed" in words


def test_same_version_different_content_is_called_out(tmp_path: Path) -> None:
    new = tmp_path / "new"
    shutil.copytree(DATA_DIR, new, ignore=shutil.ignore_patterns("__pycache__"))
    _edit(new / "trials.yaml", "status: active_not_recruiting", "status: completed")
    assert "was not bumped" in describe(diff_knowledge(Knowledge(DATA_DIR), Knowledge(new)))


def test_archive_round_trip_is_deterministic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    a, b = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"
    assert save_snapshot(DATA_DIR, a) == save_snapshot(DATA_DIR, b) == content_hash(DATA_DIR)
    assert a.read_bytes() == b.read_bytes()
    unpacked = open_snapshot(a)
    assert content_hash(unpacked) == content_hash(DATA_DIR)
    assert Knowledge(unpacked).meta.version == Knowledge(DATA_DIR).meta.version


def test_a_hostile_archive_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    import io
    import tarfile

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(bad, "w:gz") as tar:
        info = tarfile.TarInfo("../escape.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    r = run_cli("knowledge", "diff", str(bad))
    assert r.code == 2 and "not a plain file under data/" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "escape.txt").exists()
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not an archive")
    r = run_cli("knowledge", "diff", str(garbage))
    assert r.code == 2 and "not a readable knowledge snapshot" in r.stderr


def test_cli_diff_json_and_environment_snapshot(changed_snapshot: Path, tmp_path: Path, run_cli,  # type: ignore[no-untyped-def]
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "d.json"
    r = run_cli("knowledge", "diff", str(DATA_DIR), str(changed_snapshot), "--format", "json", "-o", str(out))
    assert r.code == 0, r.stderr
    payload = json.loads(out.read_text())
    assert {c["section"] for c in payload["changes"]} == {"variants", "trials", "repeats"}
    # CHARCOT_KNOWLEDGE makes every command run against another snapshot ('current' follows it)
    from charcot.knowledge import _knowledge_for

    _knowledge_for.cache_clear()
    monkeypatch.setenv("CHARCOT_KNOWLEDGE", str(changed_snapshot))
    try:
        r = run_cli("knowledge", "snapshot", "info")
        assert r.code == 0 and "version 9999." in r.stdout
    finally:
        monkeypatch.delenv("CHARCOT_KNOWLEDGE")
        _knowledge_for.cache_clear()


def test_an_archive_is_read_once_per_process_until_it_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With CHARCOT_KNOWLEDGE naming an archive, every get_knowledge() call read and hashed the whole archive again
    (89 times for one FHIR export of the demo)."""
    import hashlib

    from charcot.knowledge import get_knowledge, snapshots

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    archive = tmp_path / "kb.tar.gz"
    save_snapshot(DATA_DIR, archive)
    hashed: list[int] = []
    real = hashlib.sha256

    def counting(data: bytes = b"") -> object:
        hashed.append(len(data))
        return real(data)

    monkeypatch.setattr(snapshots.hashlib, "sha256", counting)
    monkeypatch.setenv("CHARCOT_KNOWLEDGE", str(archive))
    first = get_knowledge()
    assert get_knowledge() is first and get_knowledge() is first
    assert len(hashed) == 1
    save_snapshot(DATA_DIR, tmp_path / "other.tar.gz")
    shutil.copyfile(tmp_path / "other.tar.gz", archive)  # replaced: read again
    hashed.clear()
    get_knowledge()
    assert len(hashed) == 1


def test_an_archive_that_unpacks_to_far_more_than_a_snapshot_is_refused_before_unpacking(  # type: ignore[no-untyped-def]
        run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A small gzip of zeros (a 'zip bomb' named like a snapshot) was unpacked in full into the user's cache (a 2 MiB
    archive: 2 GiB on disk, left there after the error)."""
    import gzip
    import io
    import tarfile

    from charcot.knowledge.snapshots import MAX_UNPACKED_BYTES

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    bomb = tmp_path / "snapshot.tar.gz"
    size = MAX_UNPACKED_BYTES + 1
    with gzip.open(bomb, "wb", compresslevel=1) as gz, tarfile.open(fileobj=gz, mode="w") as tar:
        info = tarfile.TarInfo("data/meta.yaml")
        info.size = size
        tar.addfile(info, io.BytesIO(bytes(size)))
    assert bomb.stat().st_size < size // 50
    for args in (("knowledge", "snapshot", "info", bomb), ("knowledge", "diff", bomb)):
        r = run_cli(*args)
        assert r.code == 2 and "would unpack to" in r.stderr and "Traceback" not in r.stderr, r.stderr
    cache = tmp_path / "cache"
    assert sum(f.stat().st_size for f in cache.rglob("*") if f.is_file()) < 1 << 20 if cache.exists() else True
