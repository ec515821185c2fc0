"""No page of the PDF ends with a lead-in whose content is on the next page.

Found by looking at the PDFs: the demo's page 12 ended with the resources table's header row ("Resource Version
Note") and its only row was on page 13; the Scout trio's page 2 ended with the family section's heading and status
line (the pedigree on page 3), and its page 4 with the folded "Not available to this patient now" line (its table on
page 5). Reports of three kinds are rendered and every page's last line of content is checked against every table
header row, heading, section status line and folded-table summary in the report's HTML.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from charcot.report.model import Report
from charcot.report.render_html import render_html
from charcot.report.render_pdf import render_pdf

FOOTER = re.compile(r"Supports, does not replace|page \d+ of \d+|charcot ALS report")


def _lead_ins(html: str) -> list[str]:
    """What must never end a page: every table header row (cells joined by single spaces), section and
    subsection heading, section status line and the summary line of a folded table."""
    def text(fragment: str) -> str:
        return " ".join(re.sub(r"<[^>]+>", " ", fragment).split()).replace("&#39;", "'").replace("&amp;", "&")

    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        if "<td" not in row and row.count("<th") >= 2:  # a header row: header cells only
            rows.append(" ".join(text(c) for c in re.findall(r"<th[^>]*>(.*?)</th>", row, flags=re.S)))
    for tag in ("h2", "h3", "h4", "summary"):
        rows += [text(t) for t in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", html, flags=re.S)]
    rows += [text(t) for t in re.findall(r'<p class="status[^"]*">(.*?)</p>', html, flags=re.S)]
    return [r for r in rows if r]


def _pages(pdf: bytes, folder: Path) -> list[list[str]]:
    path = folder / "r.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = []
    for page in (p for p in text.split("\f") if p.strip()):
        lines = [" ".join(line.split()) for line in page.splitlines()]
        pages.append([line for line in lines if line and not FOOTER.search(line)])
    return pages


@pytest.mark.parametrize("name", ["demo (= README command)", "Scout trio", "VCF only"])
def test_no_heading_or_table_header_alone_at_a_page_foot(every_report: dict[str, Report], name: str,
                                                          tmp_path: Path) -> None:
    report = every_report[name]
    lead_ins = _lead_ins(render_html(report))
    assert len(lead_ins) >= 10
    pages = _pages(render_pdf(report), tmp_path)
    assert len(pages) >= 3
    for n, lines in enumerate(pages[:-1], start=1):
        assert lines, n
        last = lines[-1]
        # a heading that wraps ends the page with its last line: compare the ends
        hit = [x for x in lead_ins if x == last or (len(last) >= 12 and x.endswith(last))]
        assert not hit, f"page {n} of {name!r} ends with {hit[0]!r}: its content is on the next page"



def test_the_sign_off_block_keeps_with_the_statement_it_signs(demo_report: Report, tmp_path: Path) -> None:
    """probecase (2026-12-02): a page 1 just too full for the sign-off table (the real unannotated Pfeiffer exome with
    a repeat file and a clinical record: many not-assessed lines and an identity banner) pushed the table alone onto
    page 2, a page holding nothing else, apart from the statement ("supports, and does not replace, the clinical
    judgement ...") the reviewer signs under. Page 1 is filled line by line here until the table moves: the statement
    moves with it every time."""
    from charcot.report.model import SummaryItem

    moved = 0
    for extra in range(0, 24):
        report = demo_report.model_copy(deep=True)
        report.summary += [SummaryItem(topic="Care", level="caution", text=f"padding line {n} of page 1")
                           for n in range(extra)]
        pages = _pages(render_pdf(report), tmp_path)
        signed = [i for i, page in enumerate(pages) if any(line.startswith("Signature") for line in page)]
        stated = [i for i, page in enumerate(pages) if "This report supports, and does not replace, the clinical"
                  in " ".join(page)]
        assert len(signed) == 1 and signed[0] in stated, (extra, signed, stated)
        moved += signed[0] > 0
        if moved >= 2:
            break
    assert moved, "page 1 never overflowed: pad it further"
