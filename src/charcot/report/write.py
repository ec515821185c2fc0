"""Write a Report's outputs atomically: report.html, report.pdf, report.json, phenopacket.json."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from charcot.outputs import atomic_directory

if TYPE_CHECKING:  # `charcot demo` reads OUTPUT_NAMES before its report helper is forked: no models yet (issue 20)
    from charcot.report.model import Report

OUTPUT_NAMES = ("report.html", "report.pdf", "report.json", "phenopacket.json")


def write_report(report: Report, outdir: str | Path, *, pdf: bool = True,
                 progress: Callable[[str], None] | None = None,
                 before_move: Callable[[], None] | None = None) -> dict[str, Path]:
    """Render every format first, then move them into ``outdir`` together: a failure leaves no partial set.
    ``before_move`` runs between the two (the web workspace claims the case there): if it raises, nothing is moved."""
    from charcot.report.phenopacket import render_phenopacket
    from charcot.report.render_html import render_html
    from charcot.report.render_json import render_json

    say = progress or (lambda _m: None)
    pdf_bytes: Callable[[], bytes] | None = None
    if pdf:  # started first: with a report helper process it is laid out while the other formats render
        from charcot.report.render_pdf import start_pdf

        pdf_bytes = start_pdf(report)
    say("rendering HTML, JSON and phenopacket")
    rendered: dict[str, bytes] = {
        "report.html": render_html(report).encode("utf-8"),
        "report.json": render_json(report).encode("utf-8"),
        "phenopacket.json": render_phenopacket(report).encode("utf-8"),
    }
    if pdf_bytes is not None:
        say("rendering PDF")
        rendered["report.pdf"] = pdf_bytes()
    target = Path(outdir)
    if before_move is not None:
        before_move()
    with atomic_directory(target, names=OUTPUT_NAMES) as scratch:
        for name, data in rendered.items():
            (scratch / name).write_bytes(data)
    return {name: target / name for name in rendered}
