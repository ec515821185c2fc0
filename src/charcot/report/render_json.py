"""Report → JSON: deterministic (sorted keys, fixed indentation); the only time is ``run.run_time``."""

from __future__ import annotations

import json

from charcot.report.model import Report


def render_json(report: Report) -> str:
    return json.dumps(report.model_dump(mode="json"), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def load_json(text: str) -> Report:
    """Read a report back (the web app and tests use it); validates against the schema."""
    return Report.model_validate_json(text)
