"""`charcot knowledge gene NAME` answered from the stored gene cards (charcot.knowledge.cards) prints the same
bytes and exit code as the full typer command, and imports neither typer nor pydantic (issue 20: the look-up
took 0.53 s on an idle machine, most of it importing typer and pydantic; target 0.4 s)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from charcot.knowledge import cards, get_knowledge

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHARCOT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CHARCOT_KNOWLEDGE_CACHE", raising=False)
    monkeypatch.delenv("CHARCOT_KNOWLEDGE", raising=False)
    return tmp_path / "cache"


def _full(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from charcot.cli import PROG, get_app
    from charcot.cli_contract import run_app

    capsys.readouterr()
    code = run_app(get_app(), args, prog_name=PROG)
    out, err = capsys.readouterr()
    return code, out, err


def test_both_paths_print_the_same_bytes_for_every_name(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from charcot.cli import main

    assert cards.answer("SOD1") is None  # nothing stored yet: the full command runs
    assert main(["knowledge", "gene", "SOD1"]) == 0  # ... and stores the cards
    assert list((store / "knowledge-cards").glob("*.json"))
    kb = get_knowledge()
    # every name find_gene resolves (symbols, HGNC ids, aliases, previous symbols) resolves to the same gene
    (stored,) = (store / "knowledge-cards").glob("*.json")
    index = json.loads(stored.read_text(encoding="utf-8"))["index"]
    assert index == kb.gene_names() and len(index) > 2 * len(kb.genes)
    # every card, and names that resolve (in other case, with spaces) to another symbol
    tried = [*(gene.symbol for gene in kb.genes), "sod1", " tdp-43 ", "c21orf2", "HGNC:11179", "ALS1"]
    for name in tried:
        code, full_out, full_err = _full(["knowledge", "gene", name], capsys)
        assert cards.answer(name) == 0, name
        fast_out, fast_err = capsys.readouterr()
        assert (code, full_err) == (0, "")
        assert fast_out.encode() == full_out.encode(), name
        assert fast_err == ""
    # a name not in the index, an option: the fast path declines and the full command answers (exit 2, usage)
    for args in (["knowledge", "gene", "NOTAGENE"], ["knowledge", "gene", "--format"]):
        assert cards.answer(args[2]) is None
        code, _, err = _full(args, capsys)
        assert main(args) == code == 2
        assert capsys.readouterr().err == err


def test_a_warm_lookup_imports_neither_typer_nor_pydantic(store: Path) -> None:
    env = {**os.environ, "CHARCOT_CACHE_DIR": str(store), "PYTHONPATH": str(REPO / "src")}
    code = ("import sys; from charcot.cli import main; rc = main(['knowledge', 'gene', 'TDP-43']); "
            "print(rc, 'typer' in sys.modules, 'pydantic' in sys.modules, 'yaml' in sys.modules, file=sys.stderr)")
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
            for _ in range(2)]
    assert runs[0].stderr.split() == ["0", "True", "True", "True"]  # the first process renders and stores
    assert runs[1].stderr.split() == ["0", "False", "False", "False"]
    assert runs[0].stdout == runs[1].stdout
    assert runs[1].stdout.startswith("TARDBP (HGNC:11571)") and "  resolved from: TDP-43\n" in runs[1].stdout


def test_stored_cards_are_tied_to_the_data_and_to_their_owner(store: Path, kb_copy: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    before = cards._cards_path(kb_copy)
    (kb_copy / "genes.yaml").write_text((kb_copy / "genes.yaml").read_text(encoding="utf-8") + "\n# edited\n",
                                        encoding="utf-8")
    assert cards._cards_path(kb_copy) != before  # changed data: other cards
    from charcot.cli import main

    assert main(["knowledge", "gene", "FUS"]) == 0
    capsys.readouterr()
    (stored,) = (store / "knowledge-cards").glob("*.json")
    assert cards.answer("FUS") == 0
    stored.chmod(0o666)  # writable by others: never read
    assert cards.answer("FUS") is None
    stored.chmod(0o600)
    stored.write_text('{"index": {"FUS": "FUS"}, "cards": {"FUS": 3}}', encoding="utf-8")  # damaged: not used
    assert cards.answer("FUS") is None
