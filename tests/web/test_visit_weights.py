"""Weights entered in the web workspace's visit form, over real HTTP (lead, 2026-12-02).

Before: the form took any number as kilograms: -5 or 5,000, and a weight typed in pounds beside visits in kilograms
(62.5 kg, then 137.8) was charted as a 120 % gain. The clinical record's rules (clinical.model: at most 650 kg, two
weighings a factor near 2.2046 apart are one in pounds) now hold for the form too."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from tests.web.test_probeweb_security import _login, _token
from tests.web.test_security import add_users


def _weights(c: httpx.Client, key: str) -> dict[str, str]:
    page = c.get(f"/patients/{key}", headers={"accept": "text/html"}).text
    rows = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td><td>[^<]*</td>\s*<td[^>]*>[^<]*</td>\s*<td>[^<]*</td>\s*"
                      r"<td>([^<]*)</td>", page)
    return dict(rows)


def test_a_weight_in_pounds_or_out_of_range_is_refused(tmp_path: Path, live_server_factory: Any,
                                                       database_url: str | None) -> None:
    add_users(tmp_path / "data0", database_url, ("carol", "clinician"))
    server = live_server_factory(pdf=False, database_url=database_url)
    carol = _login(server.url, "carol")
    store = server.app.state.store
    store.upsert_visit("P-WEIGHT", date(2026, 1, 10), alsfrs_r=40, fvc_percent=80.0, weight_kg=62.5, source="manual")
    store.upsert_visit("P-WEIGHT", date(2026, 7, 10), alsfrs_r=34, fvc_percent=70.0, weight_kg=59.0, source="manual")

    def post(**fields: str) -> httpx.Response:
        return carol.post("/visits", data={"csrf_token": _token(carol, "/patients/P-WEIGHT"), "patient": "P-WEIGHT",
                                           **fields}, follow_redirects=False)

    # 137.8 lb is 62.5 kg: typed after the January visit in kilograms
    r = post(visit_date="2026-04-10", alsfrs_r="37", weight_kg="137.8")
    assert r.status_code == 422, r.text
    said = r.json()["detail"]
    assert "2026-01-10" in said and "pounds" in said and "62.5 kg" in said and "nothing was changed" in said, said
    # before the first visit: its neighbour after it
    r = post(visit_date="2025-12-10", alsfrs_r="42", weight_kg="140")
    assert r.status_code == 422 and "2026-01-10" in r.json()["detail"], r.text
    for bad in ("-5", "0", "5000"):
        r = post(visit_date="2026-04-10", alsfrs_r="37", weight_kg=bad)
        assert r.status_code == 422 and "kilograms" in r.json()["detail"], (bad, r.text)
    assert "2026-04-10" not in _weights(carol, "P-WEIGHT")
    # a real change is saved; a checked value the rule would refuse is saved with the box ticked
    assert post(visit_date="2026-04-10", alsfrs_r="37", weight_kg="61.2").status_code == 303
    assert post(visit_date="2026-12-10", alsfrs_r="20", weight_kg="26.5", weight_confirmed="yes").status_code == 303
    assert _weights(carol, "P-WEIGHT") == {"2026-01-10": "62.5", "2026-04-10": "61.2", "2026-07-10": "59.0",
                                           "2026-12-10": "26.5"}
    # editing a visit is checked against its neighbours, not against itself
    visit_id = re.findall(r"\?edit=(\d+)#visit-form", carol.get("/patients/P-WEIGHT",
                                                                 headers={"accept": "text/html"}).text)[1]
    page = carol.get(f"/patients/P-WEIGHT?edit={visit_id}", headers={"accept": "text/html"}).text
    hidden = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"',
                             page.split('id="visit-form"')[1].split("</form>")[0]))
    r = post(**{**hidden, "visit_date": "2026-04-10", "alsfrs_r": "37", "weight_kg": "60.8"})
    assert r.status_code == 303, r.text
    assert _weights(carol, "P-WEIGHT")["2026-04-10"] == "60.8"
