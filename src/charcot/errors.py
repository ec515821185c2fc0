"""One exception hierarchy for everything a user can get wrong.

Every error carries a message for a person, where the problem is (file, line, record) and a hint
on how to fix it. The CLI prints ``charcot: error: <where>: <message>`` plus the hint and exits
with code 2; it never shows a traceback for these.
"""

from __future__ import annotations

from pathlib import Path

# Exit codes (docs/CLI.md): 0 done; 2 bad input or usage; 3 the run finished but could not assess
# what was asked (e.g. no variant could be read, nothing in the panel was covered); 1 only for a bug.
EXIT_BUG = 1
EXIT_BAD_INPUT = 2
EXIT_NOT_ASSESSED = 3


class CharcotError(Exception):
    """Base class: a problem the user can fix (bad input, bad configuration)."""

    exit_code: int = EXIT_BAD_INPUT

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        record: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.record = record
        self.hint = hint

    @property
    def location(self) -> str:
        """Where the error is: the file (unless the message already names it), line and record."""
        parts: list[str] = []
        if self.path and self.path not in self.message:
            parts.append(self.path)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.record:
            parts.append(f"record {self.record}")
        return " ".join(parts)

    def render(self) -> str:
        where = self.location
        text = f"charcot: error: {where}: {self.message}" if where else f"charcot: error: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def __str__(self) -> str:
        return self.render()


class InputError(CharcotError):
    """A user-supplied file or argument is malformed, missing or inconsistent."""


class KnowledgeError(CharcotError):
    """A knowledge-base data file is invalid (schema, unknown source key, duplicate, disagreement)."""


class ConfigurationError(CharcotError):
    """A configured resource (ClinVar, gnomAD, database URL, ...) is unusable."""


class NothingAssessed(CharcotError):
    """The run finished but could not assess what was asked (exit code 3). Raised by a command after
    it has written its (not-assessed) result, so the caller's script can tell it from a real answer."""

    exit_code = EXIT_NOT_ASSESSED

    def render(self) -> str:
        text = f"charcot: not assessed: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class NotAssessable(CharcotError):
    """An analysis was asked for but its inputs fall outside its domain; callers usually turn
    this into a 'not assessed' result instead of failing."""


class OutputError(CharcotError):
    """An output target is unusable (a folder where a file is expected, a missing or read-only
    folder, a folder holding other files); raised before anything is written."""
