"""The command line's log handler writes to the stderr of the moment (a second run in one process after the first
run's stderr was closed logged into the closed stream: '--- Logging error ---' in the full suite)."""

from __future__ import annotations

import io
import logging
import sys
from pathlib import Path

import pytest

from charcot import cli_state


def test_a_warning_reaches_the_current_stderr_after_the_first_was_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    for h in [h for h in root.handlers if getattr(h, "_charcot", False)]:
        root.removeHandler(h)  # the handler is made by the first run of this process
    first = io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    cli_state.set_verbosity(0)
    logging.getLogger("charcot.test").warning("first run")
    assert "first run" in first.getvalue()
    first.close()  # as a test runner closes the stream it gave the first command
    second = io.StringIO()
    monkeypatch.setattr(sys, "stderr", second)
    cli_state.set_verbosity(0)
    logging.getLogger("charcot.test").warning("second run")
    assert "charcot: WARNING: second run" in second.getvalue()
    assert "Logging error" not in second.getvalue()


def test_a_command_after_serve_logs_to_its_own_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``charcot serve`` set up its logging with basicConfig(stream=sys.stderr, force=True): a handler bound to the
    stderr of that moment. A later command in the same process (the full suite: a serve test, then this one) logged
    through it into the closed stream as well as its own: '--- Logging error ---' on the current stderr."""
    from charcot.cli import main

    first = io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    # serve with a database that cannot be reached: the logging is set up, then the command stops in words
    code = main(["serve", "--port", "1", "--data-dir", str(tmp_path / "data"), "--database-url",
                 "postgresql+psycopg2://charcot@127.0.0.1:9/none"])
    assert code == 2, first.getvalue()
    first.close()
    second = io.StringIO()
    monkeypatch.setattr(sys, "stderr", second)
    cli_state.set_verbosity(0)
    logging.getLogger("charcot.test").warning("after serve")
    assert "charcot: WARNING: after serve" in second.getvalue(), second.getvalue()
    assert "Logging error" not in second.getvalue()
