"""Adversarial re-check of the knowledge command line (issue 18 re-check): unknown names, snapshots from a
newer charcot, the order of released versions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from charcot.knowledge import DATA_DIR, _knowledge_for


@pytest.mark.parametrize("args, words", [
    (("therapies", "--gene", "NOPE1"), "gene 'NOPE1' is not in the charcot knowledge base"),
    (("trials", "--gene", "NOPE1"), "gene 'NOPE1' is not in the charcot knowledge base"),
    (("trials", "--status", "recruting"), "unknown trial status 'recruting'"),
    (("therapies", "--jurisdiction", "XX"), "jurisdiction 'XX' has no regulatory record"),
])
def test_an_unknown_name_is_an_error_not_an_empty_list(args: tuple[str, ...], words: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    # each printed nothing (or every therapy with "XX: no record") and exited 0
    r = run_cli("knowledge", *args)
    assert r.code == 2 and words in r.stderr and "Traceback" not in r.stderr


def test_filters_accept_aliases_and_say_when_nothing_matches(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("knowledge", "trials", "--status", "Recruiting")
    assert r.code == 0 and "status recruiting" in r.stdout
    r = run_cli("knowledge", "therapies", "--gene", "TDP-43")  # an alias of TARDBP, which no therapy targets
    assert r.code == 0 and (r.stdout.strip() == "no therapy in the knowledge base targets TARDBP"
                            or "targets TARDBP" in r.stdout)


def _copy(tmp_path: Path, version: str) -> Path:
    folder = tmp_path / version
    shutil.copytree(DATA_DIR, folder)
    meta = (folder / "meta.yaml").read_text(encoding="utf-8")
    old = next(line for line in meta.splitlines() if line.startswith("version:"))
    # a field this version's meta schema does not know, as a later charcot might add
    (folder / "meta.yaml").write_text(meta.replace(old, f'version: "{version}"\nschema_revision: 2', 1),
                                      encoding="utf-8")
    return folder


def test_a_snapshot_from_a_newer_charcot_says_so(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    _knowledge_for.cache_clear()
    try:
        r = run_cli("knowledge", "diff", str(_copy(tmp_path, "9999.1.0")), "current")
        assert r.code == 2 and "knowledge snapshot 9999.1.0 is newer than this charcot" in r.stderr
        assert "use a charcot release that ships knowledge 9999.1.0 or later" in r.stderr
        # the same fault in an older snapshot is a plain schema error (nothing to upgrade)
        r = run_cli("knowledge", "diff", str(_copy(tmp_path, "2000.1.0")), "current")
        assert r.code == 2 and "schema_revision" in r.stderr and "newer than this charcot" not in r.stderr
    finally:
        _knowledge_for.cache_clear()


def test_released_versions_are_listed_in_version_order(run_cli) -> None:  # type: ignore[no-untyped-def]
    from charcot.knowledge.loader import version_key
    from charcot.knowledge.snapshots import released_versions

    versions = released_versions()
    assert [version_key(v) for v in versions] == sorted(version_key(v) for v in versions)  # type: ignore[type-var]
    r = run_cli("knowledge", "diff", "no-such-version")
    assert r.code == 2 and ", ".join(versions) in r.stderr


def test_snapshot_archives_saved_elsewhere_and_named_in_errors(tmp_path: Path, run_cli,  # type: ignore[no-untyped-def]
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import tarfile

    folder = tmp_path / "kb"
    shutil.copytree(DATA_DIR, folder)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("CHARCOT_KNOWLEDGE", str(folder))
    _knowledge_for.cache_clear()
    try:
        # saving into the snapshot folder added the archive to the snapshot it saved (exit 0)
        r = run_cli("knowledge", "snapshot", "save", str(folder / "derived" / "saved.tar.gz"))
        assert r.code == 2 and "inside the knowledge snapshot folder" in r.stderr
        assert not (folder / "derived" / "saved.tar.gz").exists()
    finally:
        monkeypatch.delenv("CHARCOT_KNOWLEDGE")
        _knowledge_for.cache_clear()
    # an archive made by hand with tar (folder entries included) loads; a broken file in it is named by the
    # archive, not by the cache folder it was unpacked into
    genes = folder / "genes.yaml"
    genes.write_text(genes.read_text(encoding="utf-8").replace("symbol:", "symbol: [", 1), encoding="utf-8")
    archive = tmp_path / "by-hand.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname="data")
    r = run_cli("knowledge", "diff", str(archive), "current")
    assert r.code == 2 and f"{archive}: data/genes.yaml line" in r.stderr and "cache" not in r.stderr, r.stderr
