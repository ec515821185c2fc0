"""Input identity without the directory layout: no input's folder in report.json (its analyses included), every
per-run resource named with its release in the resources table, input roles in words (regression tests)."""

from __future__ import annotations

import shutil
from pathlib import Path

from charcot.report.build import CaseInputs, build_report
from charcot.report.demo import demo_dir
from charcot.report.render_html import render_html
from charcot.report.render_json import render_json

GNOMAD37 = Path(__file__).resolve().parents[1] / "data" / "variants" / "resources" / \
    "gnomad.exomes.r2.1.sites.grch37-subset.vcf.bgz"


def test_report_names_inputs_by_file_name_and_resources_by_release(tmp_path: Path) -> None:
    where = tmp_path / "clinic_share" / "patient_folder"
    where.mkdir(parents=True)
    for name in ("demo.vcf.gz", "demo.vcf.gz.tbi"):
        shutil.copy(demo_dir() / name, where / name)
    for suffix in ("", ".tbi"):
        shutil.copy(str(GNOMAD37) + suffix, str(where / GNOMAD37.name) + suffix)
    report = build_report(CaseInputs(vcf=where / "demo.vcf.gz", gnomad=where / GNOMAD37.name))
    text = render_json(report)
    assert "clinic_share" not in text and str(tmp_path) not in text
    resources = {r.name: r for r in report.header.resources}
    assert resources["gnomAD"].version == "r2.1" and GNOMAD37.name in (resources["gnomAD"].note or "")
    html = render_html(report)
    assert "clinic_share" not in html
    assert "<td>small-variant VCF</td>" in html and "<td>gnomAD</td>" in html and "<td>vcf</td>" not in html
