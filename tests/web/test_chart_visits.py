"""Visits entered by hand in the web workspace's patient chart reach the report (chart, 2026-12-02), over real HTTP
on SQLite and PostgreSQL.

Before: a case's report was built from its uploaded clinical record alone. A visit a neurologist added to the chart
(ALSFRS-R, FVC, weight) changed nothing in the report's ALSFRS-R slope, stages, ENCALS prognosis or weight alerts;
the sign-off only showed that chart and report differ. Now the chart's visits are merged with the record's by date
when the report is built (new case, amendment, rebuild, re-analysis); a date both record differently is a conflict
a person decides; the merged record is validated as a file is; the report names each visit's origin and the chart
snapshot it read."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from tests.web.conftest import demo_files, wait_done
from tests.web.test_probeweb_security import _login, _token
from tests.web.test_security import add_users

KEY = "DEMO-001"  # the demo clinical record's id: the case's patient
# a fifth visit, a month after the record's last (2026-08-20, ALSFRS-R 30): 12 items summing to 27
ITEMS = {"q1": "4", "q2": "4", "q3": "3", "q4": "2", "q5a": "1", "q6": "2", "q7": "1", "q8": "1", "q9": "0",
         "q10": "2", "q11": "3", "q12": "4"}


def _upload(c: httpx.Client, **fields: str) -> str:
    files = demo_files()
    r = c.post("/api/cases", data={"csrf_token": _token(c, "/cases/new"), **fields},
               files={"clinical": files["clinical"], "str_file": files["str_file"]})
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


def _report(c: httpx.Client, case_id: str) -> dict[str, Any]:
    r = c.get(f"/cases/{case_id}/report.json")
    assert r.status_code == 200, r.text
    return dict(r.json())


def _post_visit(c: httpx.Client, **fields: str) -> httpx.Response:
    return c.post("/visits", data={"csrf_token": _token(c, f"/patients/{KEY}"), "patient": KEY, **fields},
                  follow_redirects=False)


def _visit_id(c: httpx.Client, when: str) -> str:
    page = c.get(f"/patients/{KEY}", headers={"accept": "text/html"}).text
    rows = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td>.*?\?edit=(\d+)#visit-form", page, flags=re.S)
    return dict(rows)[when]


def _edit(c: httpx.Client, when: str, **values: str) -> httpx.Response:
    visit_id = _visit_id(c, when)
    page = c.get(f"/patients/{KEY}?edit={visit_id}", headers={"accept": "text/html"}).text
    hidden = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"',
                             page.split('id="visit-form"')[1].split("</form>")[0]))
    return c.post("/visits", data={**hidden, "visit_date": when, **values}, follow_redirects=False)


def _rebuild(c: httpx.Client, case_id: str) -> dict[str, Any]:
    r = c.post(f"/cases/{case_id}/rebuild", data={"csrf_token": _token(c, f"/cases/{case_id}")},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    return wait_done(c, case_id)


def _measure(report: dict[str, Any], start: str) -> str:
    return next(str(m["value"]) for m in report["clinical"]["measures"] if m["name"].startswith(start))


def _built_case(tmp_path: Path, live_server_factory: Any, database_url: str | None) -> tuple[Any, Any, str]:
    """(the server, carol signed in, her demo case built from the record file alone)."""
    add_users(tmp_path / "data0", database_url, ("carol", "clinician"))
    server = live_server_factory(pdf=False, database_url=database_url)
    carol = _login(server.url, "carol")
    case_id = _upload(carol)
    assert wait_done(carol, case_id)["status"] == "done"
    return server, carol, case_id


def test_a_visit_added_in_the_chart_is_in_the_rebuilt_report_with_its_origin(
        tmp_path: Path, live_server_factory: Any, database_url: str | None) -> None:
    _server, carol, case_id = _built_case(tmp_path, live_server_factory, database_url)
    before = _report(carol, case_id)
    assert [v["date"] for v in before["clinical"]["visits"]] == ["2025-11-20", "2026-02-19", "2026-05-21",
                                                                 "2026-08-20"]
    assert before["header"]["chart"]["merged"] == 0

    r = _post_visit(carol, visit_date="2026-09-24", fvc_percent="58", weight_kg="55.8", **ITEMS)
    assert r.status_code == 303, r.text
    # the chart itself says who entered the visit (it said "manual")
    page = carol.get(f"/patients/{KEY}").text
    assert "entered in the chart by carol on " in page and "by system" not in page  # a report's rows say "copied on"
    assert _rebuild(carol, case_id)["status"] == "done"
    after = _report(carol, case_id)
    visits = {v["date"]: v for v in after["clinical"]["visits"]}
    added = visits["2026-09-24"]
    assert (added["alsfrs_r"], added["fvc_percent"], added["weight_kg"]) == (27, 58.0, 55.8)
    assert added["source"] == "patient chart" and "entered by carol on " in added["origin"], added
    # the record's visits say so, and the chart's copy of them agrees
    assert visits["2026-08-20"]["source"] == "clinical record and patient chart", visits["2026-08-20"]
    assert "demo_case.yaml" in visits["2026-08-20"]["origin"]
    # the analyses read it: the latest ALSFRS-R, the slope and the ΔFS are the new visit's
    assert _measure(after, "ALSFRS-R (latest)") == "27/48 on 2026-09-24"
    assert _measure(after, "ALSFRS-R slope") != _measure(before, "ALSFRS-R slope")
    # the report names the chart snapshot it read, and is another report
    chart = after["header"]["chart"]
    assert chart["visits"] == 5 and chart["merged"] == 1 and chart["last_changed"] is not None, chart
    assert after["header"]["report_id"] != before["header"]["report_id"]
    html = carol.get(f"/cases/{case_id}/report.html").text
    assert 'id="chart-snapshot"' in html and "entered by carol" in html


def test_a_date_both_record_differently_is_decided_by_a_person(
        tmp_path: Path, live_server_factory: Any, database_url: str | None) -> None:
    server, carol, case_id = _built_case(tmp_path, live_server_factory, database_url)
    # the clinician corrects the record's last visit in the chart: ALSFRS-R 30 -> 29 (total only), weight 57 -> 56.4
    assert _edit(carol, "2026-08-20", alsfrs_r="29", fvc_percent="66", weight_kg="56.4").status_code == 303
    state = _rebuild(carol, case_id)
    assert state["status"] == "failed", state
    assert ("2026-08-20: ALSFRS-R 30 in the clinical record, 29 in the patient chart; weight 57 kg in the clinical "
            "record, 56.4 kg in the patient chart") in state["error"], state["error"]
    page = carol.get(f"/cases/{case_id}", headers={"accept": "text/html"}).text
    box = page.split('id="visit-conflicts"')[1].split("</div>")[0]
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]{16})"', box).group(1)  # type: ignore[union-attr]

    def decide(use: str, fp: str) -> httpx.Response:
        return carol.post(f"/cases/{case_id}/visit-conflicts", follow_redirects=False,
                          data={"csrf_token": _token(carol, f"/cases/{case_id}"), "date": "2026-08-20",
                                "fingerprint": fp, "use": use})

    # a decision on values other than those on screen is refused
    assert decide("chart", "0" * 16).status_code == 409
    assert decide("chart", fingerprint).status_code == 303
    assert wait_done(carol, case_id)["status"] == "done"
    report = _report(carol, case_id)
    last = {v["date"]: v for v in report["clinical"]["visits"]}["2026-08-20"]
    assert (last["alsfrs_r"], last["weight_kg"], last["fvc_percent"]) == (29, 56.4, 66.0), last
    assert "chosen over the clinical record demo_case.yaml" in last["origin"] and "by carol" in last["origin"]
    # a total without its items is shown, and said not to be used by the item-based analyses
    assert last["note"] and "not used" in last["note"]
    assert any("total only" in n["what"] for n in report["not_assessed"])
    assert report["header"]["chart"]["choices"], report["header"]["chart"]
    trail = server.app.state.store.audit_trail(patient=KEY)
    assert any(e["action"] == "resolve-visit" and "patient chart's values kept" in e["detail"] for e in trail)

    # the chart changes again: the decision was on other values, so the date is open again
    assert _edit(carol, "2026-08-20", alsfrs_r="28", fvc_percent="66", weight_kg="56.4").status_code == 303
    state = _rebuild(carol, case_id)
    assert state["status"] == "failed" and "28 in the patient chart" in state["error"], state
    page = carol.get(f"/cases/{case_id}", headers={"accept": "text/html"}).text
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]{16})"',  # type: ignore[union-attr]
                            page.split('id="visit-conflicts"')[1]).group(1)
    # the record's values this time: the chart is corrected to them, and the report states them
    assert decide("record", fingerprint).status_code == 303
    assert wait_done(carol, case_id)["status"] == "done"
    last = {v["date"]: v for v in _report(carol, case_id)["clinical"]["visits"]}["2026-08-20"]
    assert (last["alsfrs_r"], last["weight_kg"]) == (30, 57.0) and last["source"] != "patient chart", last
    chart = {v["date"].isoformat(): v for v in server.app.state.store.patient(KEY)["visits"]}
    assert (chart["2026-08-20"]["alsfrs_r"], chart["2026-08-20"]["weight_kg"]) == (30, 57.0)


def test_the_merged_record_is_validated_as_a_file_is(
        tmp_path: Path, live_server_factory: Any, database_url: str | None) -> None:
    """The visit form checks a weight against the chart's weighings only; merged, a chart visit meets the clinical
    record's own (pounds), its onset (a visit before symptoms began) and every other rule of clinical.model."""
    add_users(tmp_path / "data0", database_url, ("carol", "clinician"))
    server = live_server_factory(pdf=False, database_url=database_url)
    carol = _login(server.url, "carol")
    # the patient's chart first (a case of the genome alone), then the clinical record
    r = carol.post("/api/cases", data={"csrf_token": _token(carol, "/cases/new"), "patient": KEY},
                   files={"str_file": demo_files()["str_file"]})
    assert r.status_code == 202 and wait_done(carol, str(r.json()["id"]))["status"] == "done"
    # 125.7 lb is 57.0 kg: the chart holds no other weighing, so the form takes it
    assert _post_visit(carol, visit_date="2026-09-24", alsfrs_r="27", weight_kg="125.7").status_code == 303
    case_id = _upload(carol, patient=KEY)
    state = wait_done(carol, case_id)
    assert state["status"] == "failed", state
    said = state["error"]
    assert "the patient chart's weight_kg (2026-09-24) 125.7" in said and "pounds" in said, said
    assert "weight confirmed" in said, said
    # a visit before the record's symptom onset (2025-06)
    assert _edit(carol, "2026-09-24", alsfrs_r="27", weight_kg="55.9").status_code == 303
    assert _post_visit(carol, visit_date="2025-03-01", alsfrs_r="48").status_code == 303
    state = _rebuild(carol, case_id)
    assert state["status"] == "failed" and "the patient chart's visit of 2025-03-01" in state["error"] and \
        "before symptom onset" in state["error"], state
    assert "/" not in state["error"].split("hint")[0].replace("ΔFS", ""), state["error"]  # no server path


def test_a_chart_changed_after_the_report_is_a_sign_off_difference_and_reanalysis_reads_it(
        tmp_path: Path, live_server_factory: Any, database_url: str | None) -> None:
    add_users(tmp_path / "data0", database_url, ("carol", "clinician"), ("rita", "reviewer"))
    server = live_server_factory(pdf=False, database_url=database_url)
    carol, rita = _login(server.url, "carol"), _login(server.url, "rita")
    case_id = _upload(carol)
    assert wait_done(carol, case_id)["status"] == "done"
    # a re-analysis with the chart unchanged: no change
    r = carol.post(f"/cases/{case_id}/reanalyse", data={"csrf_token": _token(carol, f"/cases/{case_id}")},
                   follow_redirects=False)
    assert r.status_code == 303, r.text
    rows = server.app.state.store.reanalyses(case_id)
    assert rows[0]["status"] == "no change", rows[0]
    r = carol.post(f"/cases/{case_id}/review", data={"csrf_token": _token(carol, f"/cases/{case_id}"),
                                                     "action": "submit", "version": "1"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert 'id="chart-changes"' not in rita.get(f"/cases/{case_id}", headers={"accept": "text/html"}).text
    # a visit added after the report was built, dated after its last visit
    assert _post_visit(carol, visit_date="2026-09-24", alsfrs_r="27").status_code == 303
    page = rita.get(f"/cases/{case_id}", headers={"accept": "text/html"}).text
    assert 'id="chart-changes"' in page and "2026-09-24" in page.split('id="chart-changes"')[1].split("</div>")[0]
    # returned to the author and re-analysed: the chart's new visit is a change to review
    r = rita.post(f"/cases/{case_id}/review", data={"csrf_token": _token(rita, f"/cases/{case_id}"),
                                                    "action": "return", "version": "1"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    r = carol.post(f"/cases/{case_id}/reanalyse", data={"csrf_token": _token(carol, f"/cases/{case_id}")},
                   follow_redirects=False)
    assert r.status_code == 303
    row = server.app.state.store.reanalyses(case_id)[0]
    assert row["status"] == "needs review" and '"visit of 2026-09-24"' in row["result"], row
