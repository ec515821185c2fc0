"""--data-dir of the web commands (re-check of issue 12): a file was an internal error (FileExistsError) in
'serve' and 'users', and 'users list' on a mistyped folder created an empty data folder and listed nobody."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.mark.parametrize("args", [("users", "list"), ("users", "disable", "bob"), ("serve", "--port", "1")])
def test_data_dir_that_is_a_file(run_cli, tmp_path: Path, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    file = tmp_path / "notes.txt"
    file.write_text("not a folder\n")
    res = run_cli(*args, "--data-dir", file)
    assert res.code == 2 and "is a file, not a folder" in res.stderr, res.stderr
    assert file.read_text() == "not a folder\n"


def test_listing_accounts_never_creates_a_data_folder(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "charcot-dta"
    res = run_cli("users", "list", "--data-dir", missing)
    assert res.code == 2 and "not a charcot web data folder" in res.stderr, res.stderr
    assert not missing.exists()
