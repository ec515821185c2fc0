"""Report → PDF with WeasyPrint (imported lazily: it is heavy and optional)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from charcot.errors import ConfigurationError

if TYPE_CHECKING:  # not imported at run time: the report helper process lays out the PDF without the report's
    # models (charcot demo forks it before they are imported; issue 20)
    from charcot.report.model import Report

_LOCK = threading.Lock()


def _weasyprint() -> Any:
    from charcot.report.weasy import import_weasyprint

    try:
        return import_weasyprint()
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ConfigurationError("PDF output needs WeasyPrint", hint="pip install 'charcot[pdf]'") from exc


def _fetcher(weasyprint: Any) -> Any:
    """No base_url and only data: URLs: the report is self-contained and a PDF render must never reach the network or
    the file system, even if a user string smuggled in a URL."""
    if hasattr(weasyprint.urls, "URLFetcher"):  # WeasyPrint >= 68
        return weasyprint.urls.URLFetcher(allowed_protocols=["data"])

    def fetcher(url: str, *args: object, **kwargs: object) -> Any:  # pragma: no cover - older WeasyPrint
        if url.startswith("data:"):
            return weasyprint.default_url_fetcher(url)
        raise ValueError(f"external resource refused: {url[:40]}")

    return fetcher


def warm_pdf() -> None:
    """Import WeasyPrint and what its URL fetcher imports on its first data: URL (the email package's header
    classes), so that a report helper process does it before the report arrives (issue 20)."""
    fetcher = _fetcher(_weasyprint())
    if hasattr(fetcher, "fetch"):
        fetcher.fetch("data:,")


def pdf_from_html(html: str) -> bytes:
    """Lay out the report's print HTML as PDF in this process."""
    weasyprint = _weasyprint()
    fetcher = _fetcher(weasyprint)
    with _LOCK:  # WeasyPrint is not documented as thread-safe; the web app renders from worker threads
        pdf = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def start_pdf(report: Report) -> Callable[[], bytes]:
    """Start the PDF (in the report helper process when one is active, charcot.report.helper) and return
    a function that waits for its bytes; the caller can do other work meanwhile."""
    from charcot.report.helper import start_pdf_html
    from charcot.report.render_html import render_html

    return start_pdf_html(render_html(report, for_pdf=True))


def render_pdf(report: Report) -> bytes:
    return start_pdf(report)()
