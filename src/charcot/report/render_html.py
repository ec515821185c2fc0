"""Report → one self-contained HTML file (inline CSS, plots as data: URIs, no external references).

Jinja2 autoescaping is on for every template: VCF INFO/ID fields, names and notes are user-supplied
and may carry markup.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from charcot.report.model import Report

if TYPE_CHECKING:
    import jinja2


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("charcot.report", "templates"),
        autoescape=True,  # always, not only for .html: every string may come from a user's file
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * float(v):.1f}%"
    env.filters["human"] = lambda v: str(v).replace("_", " ")
    return env


def render_html(report: Report, *, for_pdf: bool = False) -> str:
    return environment().get_template("report.html.j2").render(r=report, for_pdf=for_pdf)
