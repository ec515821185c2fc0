"""probeweb review (2026-12-01 evening): a --database-url that cannot be used is the user's configuration, not a
bug. Before, 'charcot serve' and 'charcot users' answered a PostgreSQL server that is not running, a URL that does
not parse, the common 'postgres://' spelling and a driver that is not installed with "internal error (a bug in
charcot)", exit 1, and 'serve' had already made the data folder's sub-folders."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends: nothing listens there


@pytest.mark.parametrize("url", ["postgresql+psycopg2://charcot:S3cret-pw@127.0.0.1:{port}/cases", "not a url",
                                 "postgres://charcot:S3cret-pw@127.0.0.1/cases", "mysql://charcot:S3cret-pw@127.0.0.1/c"])
@pytest.mark.parametrize("command", ["serve", "users-list", "users-add"])
def test_an_unusable_database_url_is_a_configuration_error(run_cli: Any, tmp_path: Path, url: str, command: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    url = url.format(port=_closed_port())
    data = tmp_path / "data"
    monkeypatch.setenv("PROBEWEB_PW", "a-long-enough-password")
    args = {"serve": ["serve", "--port", "1"],
            "users-list": ["users", "list"],
            "users-add": ["users", "add", "ann", "--role", "reviewer", "--password-env", "PROBEWEB_PW"]}[command]
    result = run_cli(*args, "--data-dir", data, "--database-url", url)
    assert result.code == 2, (result.code, result.stderr)
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert "database" in result.stderr and "hint:" in result.stderr
    assert "S3cret-pw" not in result.stderr  # the password is never echoed
    assert not data.exists(), sorted(p.name for p in data.iterdir())
