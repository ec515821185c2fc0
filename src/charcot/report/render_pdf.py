"""Report → PDF with WeasyPrint (imported lazily: it is heavy and optional)."""

from __future__ import annotations

from charcot.errors import ConfigurationError
from charcot.report.model import Report
from charcot.report.render_html import render_html


def render_pdf(report: Report) -> bytes:
    try:
        import weasyprint
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ConfigurationError("PDF output needs WeasyPrint", hint="pip install 'charcot[pdf]'") from exc
    html = render_html(report, for_pdf=True)
    # No base_url and a fetcher that refuses everything: the report is self-contained and a PDF
    # render must never reach the network, even if a user string smuggled in a URL.
    def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
        if url.startswith("data:"):
            return weasyprint.default_url_fetcher(url)  # type: ignore[no-any-return]
        raise ValueError(f"external resource refused: {url[:40]}")

    pdf = weasyprint.HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    assert pdf is not None
    return bytes(pdf)
