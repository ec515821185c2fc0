"""Run the bad-input corpus through the real command line: exit code 2, a message that names the file
(or option) and the problem, no traceback, and nothing written or damaged."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from safety.corpus import DATA, Case, all_cases

CASES = all_cases()
OUTPUT_OPTION = {"interpret": "-o", "repeats": "-o", "risk": "-o", "clinical": "-o", "therapies": "-o",
                 "claim": "-o"}


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def fixtures_before() -> dict[str, str]:
    return _snapshot(DATA)


def test_corpus_is_large_and_covers_every_input_kind() -> None:
    assert len(CASES) >= 150, len(CASES)
    kinds = {c.kind for c in CASES}
    assert {"vcf", "index", "bcf", "str", "ped", "ages", "case", "phenopacket", "claim", "facts",
            "resource"} <= kinds, kinds
    assert len({c.id for c in CASES}) == len(CASES), "duplicate case ids"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    argv, named = case.make(tmp_path)
    (tmp_path / "out").mkdir()  # an existing folder: charcot never creates the folders above an output
    out = tmp_path / "out" / "result.json"
    option = OUTPUT_OPTION.get(argv[0])
    if option is not None:
        argv = [*argv, option, str(out)]
    before = _snapshot(tmp_path)
    res = run_cli(*argv)
    err = res.stderr
    assert res.code == 2, f"exit {res.code}\nstdout: {res.stdout[:500]}\nstderr: {err}"
    assert "Traceback" not in err and "Error:" not in err.replace("charcot: error:", ""), err
    assert "charcot: error:" in err, err
    err = err[err.index("charcot: error:"):]  # the report command prints progress lines first
    assert case.expect.lower() in err.lower(), f"expected {case.expect!r} in: {err}"
    assert named in err, f"the message does not name {named!r}: {err}"
    assert not out.exists() and not any((tmp_path / "out").iterdir()), "an output was written"
    assert not (tmp_path / "report").exists(), "a report folder was written"
    assert _snapshot(tmp_path) == before, "an input was changed or a file was left behind"


def test_fixtures_untouched(fixtures_before: dict[str, str]) -> None:
    assert _snapshot(DATA) == fixtures_before
