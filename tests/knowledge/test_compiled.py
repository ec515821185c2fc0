"""The compiled knowledge store (charcot.knowledge.compiled): used when the snapshot is unchanged, never when a
data file changed, and never when the file could have been written by someone else (issue 20: knowledge
look-ups parsed and validated the YAML in every process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from charcot.errors import KnowledgeError
from charcot.knowledge import Knowledge, compiled, loader

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("CHARCOT_CACHE_DIR", str(root))
    monkeypatch.delenv("CHARCOT_KNOWLEDGE_CACHE", raising=False)
    return root / "knowledge"


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = loader.load_section

    def counting(section: str, data_dir: Path = loader.DATA_DIR) -> list:  # type: ignore[type-arg]
        parsed.append(section)
        return real(section, data_dir)

    monkeypatch.setattr("charcot.knowledge.load_section", counting)
    return parsed


def test_a_section_is_parsed_once_then_read_from_the_store(kb_copy: Path, store: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = _count_parses(monkeypatch)
    first = Knowledge(kb_copy).gene("SOD1")
    assert parsed == ["genes"]
    stored = list(store.glob("*/genes.pickle"))
    assert len(stored) == 1
    assert stored[0].stat().st_mode & 0o077 == 0  # private to the user
    again = Knowledge(kb_copy).gene("SOD1")
    assert parsed == ["genes"]  # not parsed again
    assert again == first and again is not first
    assert again.coords("GRCh38") == first.coords("GRCh38")


def test_a_changed_data_file_is_never_answered_from_the_store(kb_copy: Path, store: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = _count_parses(monkeypatch)
    assert "stored-note-check" not in (Knowledge(kb_copy).gene("SOD1").notes or "")
    path = kb_copy / "genes.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "Legacy numbering omits the initiator methionine"  # in SOD1's notes
    assert text.count(marker) == 1
    path.write_text(text.replace(marker, "stored-note-check " + marker), encoding="utf-8")
    assert (Knowledge(kb_copy).gene("SOD1").notes or "").startswith("stored-note-check")
    assert parsed == ["genes", "genes"]
    assert len(list(store.glob("*/genes.pickle"))) == 2
    # a derived table counts as data too
    derived = kb_copy / "derived" / "genes.json"
    derived.write_text(derived.read_text(encoding="utf-8").replace('"SOD1"', '"SOD1" ', 1), encoding="utf-8")
    _ = Knowledge(kb_copy).genes
    assert parsed == ["genes", "genes", "genes"]


def test_a_file_edited_while_loading_is_not_stored(kb_copy: Path, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = Knowledge(kb_copy)
    _ = kb.content_hash  # taken before the edit
    (kb_copy / "genes.yaml").write_text((kb_copy / "genes.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="changed while charcot was running"):  # not used either (probestale)
        _ = kb.genes
    assert not list(store.glob("*/genes.pickle"))


def test_a_file_others_could_write_is_ignored(kb_copy: Path, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = _count_parses(monkeypatch)
    _ = Knowledge(kb_copy).genes
    (stored,) = store.glob("*/genes.pickle")
    stored.chmod(0o666)
    _ = Knowledge(kb_copy).genes
    assert parsed == ["genes", "genes"]
    stored.write_bytes(b"not a pickle")
    stored.chmod(0o600)
    assert Knowledge(kb_copy).gene("SOD1").symbol == "SOD1"  # damaged entry: parsed again
    assert parsed == ["genes", "genes", "genes"]


def test_the_store_can_be_switched_off_and_is_pruned(kb_copy: Path, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARCOT_KNOWLEDGE_CACHE", "0")
    _ = Knowledge(kb_copy).genes
    assert not store.exists()
    monkeypatch.delenv("CHARCOT_KNOWLEDGE_CACHE")
    for i in range(compiled.KEEP + 2):
        (kb_copy / "extra.txt").write_text(str(i), encoding="utf-8")
        _ = Knowledge(kb_copy).meta
    assert len([p for p in store.iterdir() if p.is_dir()]) == compiled.KEEP


def test_a_warm_gene_lookup_parses_no_yaml(tmp_path: Path) -> None:
    """`charcot knowledge gene` in a new process with the store filled: no YAML parser, no schema build."""
    env = {**os.environ, "CHARCOT_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(REPO / "src")}
    env.pop("CHARCOT_KNOWLEDGE_CACHE", None)
    code = ("import sys; from charcot.knowledge import get_knowledge; g = get_knowledge().gene('SOD1'); "
            "from charcot.knowledge.schema.genes import Record; "
            "print(g.symbol, 'yaml' in sys.modules, Record.__pydantic_complete__)")
    outs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert outs[0].split()[:2] == ["SOD1", "True"]  # the first process parses and stores
    assert outs[1].split() == ["SOD1", "False", "False"]
