"""The command line's log handler writes to the stderr of the moment (a second run in one process after the first
run's stderr was closed logged into the closed stream: '--- Logging error ---' in the full suite)."""

from __future__ import annotations

import io
import logging
import sys

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
