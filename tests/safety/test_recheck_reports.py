"""Stored report.json files that are not text, found by the adversarial re-check of issue 12: 'reanalyse' and
'export' stopped with an internal error (UnicodeDecodeError, exit 1). A re-analysis that could re-run no case
also exited 0 like a real result; it now exits 3 (docs/CLI.md), with the reason for each case in the output."""

from __future__ import annotations

from pathlib import Path


def _cases(tmp_path: Path) -> Path:
    root = tmp_path / "cases"
    (root / "binary").mkdir(parents=True)
    (root / "binary" / "report.json").write_bytes(b"\xf4\x00\x9c" * 100)
    (root / "broken").mkdir()
    (root / "broken" / "report.json").write_text("{\n")
    return root


def test_reanalyse_names_each_unreadable_case_and_exits_3(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = _cases(tmp_path)
    res = run_cli("reanalyse", root)
    assert res.code == 3, res.stderr
    assert "internal error" not in res.stderr
    assert "binary" in res.stdout and "not UTF-8" in res.stdout and "broken" in res.stdout


def test_export_of_a_binary_report_is_a_clear_error(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = _cases(tmp_path)
    for kind in ("fhir", "clinvar"):
        res = run_cli("export", kind, root / "binary")
        assert res.code == 2, res.stderr
        assert "not UTF-8" in res.stderr and "internal error" not in res.stderr
