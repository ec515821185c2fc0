"""Run-wide state set by the command line: verbosity (-q/-v) and the --config file.

Kept apart from ``charcot.cli_contract`` so library code (``charcot.config``, the report) can read it
without importing typer.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

_STATE: dict[str, Any] = {"verbosity": 0, "config": None}


def verbosity() -> int:
    """-1 quiet, 0 default, 1 verbose (-v), 2 debug (-vv)."""
    return int(_STATE["verbosity"])


def config_path() -> str | None:
    """The --config file given on the command line, if any."""
    value = _STATE["config"]
    return None if value is None else str(value)


def set_config_path(path: str | None) -> None:
    _STATE["config"] = path


class _LibraryWarningFilter(logging.Filter):
    """Warnings from libraries (Python ``warnings``) reach the terminal only from ``-v``."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.name != "py.warnings" or verbosity() >= 1


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the ``sys.stderr`` of the moment: a command run twice in one process (tests, an embedding program)
    whose first run's stderr was replaced and closed would otherwise log into the closed stream."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


_CLI_FORMAT = "charcot: %(levelname)s: %(message)s"


def _stderr_handler() -> _StderrHandler:
    """The root logger's one charcot handler (made, with Python warnings routed to logging, on first use)."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "_charcot", False)), None)
    if handler is None:
        handler = _StderrHandler()
        handler._charcot = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        logging.captureWarnings(True)
    return handler  # type: ignore[return-value]


def set_verbosity(level: int) -> None:
    """The command line's logging: one line per message on stderr, library warnings only from -v."""
    _STATE["verbosity"] = level
    handler = _stderr_handler()
    handler.setFormatter(logging.Formatter(_CLI_FORMAT))
    if not any(isinstance(f, _LibraryWarningFilter) for f in handler.filters):
        handler.addFilter(_LibraryWarningFilter())
    logging.getLogger().setLevel({-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(level, logging.DEBUG)
                                 if level <= 1 else logging.DEBUG)


def log_as_server(level: int, fmt: str) -> None:
    """A server's logging (``charcot serve``): its format and level on the same stderr handler, library warnings
    included, and no other root handler. A handler of its own, bound to the stderr of the moment, logged into a
    closed stream once a later command in the same process had replaced stderr ('--- Logging error ---')."""
    root = logging.getLogger()
    handler = _stderr_handler()
    for other in [h for h in root.handlers if h is not handler]:
        root.removeHandler(other)
    handler.setFormatter(logging.Formatter(fmt))
    for f in [f for f in handler.filters if isinstance(f, _LibraryWarningFilter)]:
        handler.removeFilter(f)
    root.setLevel(level)
