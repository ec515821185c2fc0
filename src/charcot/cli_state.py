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


def set_verbosity(level: int) -> None:
    _STATE["verbosity"] = level
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "_charcot", False)), None)
    if handler is None:
        handler = _StderrHandler()
        handler._charcot = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter("charcot: %(levelname)s: %(message)s"))
        handler.addFilter(_LibraryWarningFilter())
        root.addHandler(handler)
        logging.captureWarnings(True)
    root.setLevel({-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(level, logging.DEBUG)
                  if level <= 1 else logging.DEBUG)
