"""The report's visit table and JSON keep a slow vital capacity apart from an FVC (lead, 2026-12-02).

Before: every vital capacity of the record went into ``clinical.visits[].fvc_percent`` and under the table's "FVC %"
heading, so a record whose capacities were slow VCs (``fvc_kind: slow``) showed them as FVCs, while the trial
criteria and the prognosis already said which kind they read (leftclin)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from charcot.report.demo import demo_dir


def test_slow_vital_capacities_are_not_shown_as_fvc(run_cli: Any, tmp_path: Path) -> None:
    demo = demo_dir()
    record = yaml.safe_load((demo / "demo_case.yaml").read_text())
    visits = [v for v in record["visits"] if v.get("fvc_percent_predicted") is not None]
    assert len(visits) >= 2
    visits[-1]["fvc_kind"] = "slow"  # the last capacity measured as a slow VC, the others forced
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump(record, sort_keys=False))
    out = tmp_path / "out"
    r = run_cli("report", "--vcf", demo / "demo.vcf.gz", "--ped", demo / "demo.ped", "--proband", "NA12878",
                "--ages", demo / "demo.ages.tsv", "--clinical", case, "--no-pdf", "--outdir", out)
    assert r.code == 0, r.stderr
    report = json.loads((out / "report.json").read_text())
    by_date = {v["date"]: v for v in report["clinical"]["visits"]}
    slow = by_date[str(visits[-1]["date"])]
    assert slow["fvc_percent"] is None and slow["svc_percent"] == visits[-1]["fvc_percent_predicted"], slow
    forced = by_date[str(visits[0]["date"])]
    assert forced["fvc_percent"] == visits[0]["fvc_percent_predicted"] and forced["svc_percent"] is None
    html = (out / "report.html").read_text()
    table = html.split("<h3>Visits</h3>", 1)[1].split("</table>", 1)[0]
    assert "<th>FVC % predicted</th><th>Slow VC % predicted</th>" in table, table
