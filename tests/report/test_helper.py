"""The report helper process (charcot.report.helper): the PDF and plots it makes are the bytes the main process
would make, and it never outlives the main process (issue 20: `charcot demo` imported WeasyPrint and matplotlib
one after the other on the critical path)."""

from __future__ import annotations

import os

from charcot.report import helper
from charcot.report.model import Report
from charcot.report.render_html import render_html
from charcot.report.render_pdf import pdf_from_html, start_pdf


def test_the_helper_lays_out_the_same_pdf(demo_report: Report) -> None:
    with helper.report_helper(pdf=True):
        active = helper._active
        assert active is not None
        assert active.run(os.getpid) != os.getpid()  # a separate process does the work
        pdf = start_pdf(demo_report)()
    assert helper._active is None
    assert pdf == pdf_from_html(render_html(demo_report, for_pdf=True))


def test_no_helper_when_switched_off(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CHARCOT_REPORT_HELPER", "0")
    with helper.report_helper(pdf=True):
        assert helper._active is None


def test_a_failed_run_stops_the_helper(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import multiprocessing

    res = run_cli("report", "--vcf", tmp_path / "missing.vcf.gz", "--outdir", tmp_path / "out")
    assert res.code == 2 and "Traceback" not in res.stderr
    assert helper._active is None and not multiprocessing.active_children()
