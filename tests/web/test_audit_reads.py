"""Every read of patients' records is in the audit trail, lists and searches included.

Defect: the case list (`/`, `/api/cases`), its search (by gene, variant, class, patient), the patient list, the case
status API, the cohort dashboard and the audit page itself were not audited: a user could list every SOD1 carrier,
or poll any case's patient key and upload checksums, without a trace, while opening one case was audited. Now each is
an entry naming the reader, what was asked and how much was shown; the status API, which the case page polls while a
report is built, is one entry per reader and case in ten minutes.
"""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from charcot.web.app import Settings, create_app
from tests.web.test_security import BASE, add_users

SAME = {"origin": BASE}


def _entries(c: TestClient) -> list[dict[str, object]]:
    return json.loads(c.get("/audit.json").text)


def test_lists_searches_status_and_dashboard_are_audited(tmp_path: Path, database_url: str | None) -> None:
    data = tmp_path / "data"
    add_users(data, database_url, ("rita", "reviewer"))
    app = create_app(Settings(data_dir=data, database_url=database_url, pdf=False))
    with TestClient(app, base_url=BASE) as c:
        r = c.post("/login", data={"username": "rita", "password": "rita-password-123"}, headers=SAME,
                   follow_redirects=False)
        assert r.status_code == 303
        html = {"accept": "text/html"}
        assert c.get("/?gene=SOD1&acmg_class=Pathogenic", headers=html).status_code == 200
        assert c.get("/api/cases?variant=c.14C%3ET").status_code == 200
        assert c.get("/patients", headers=html).status_code == 200
        assert c.get("/dashboard", headers=html).status_code == 200
        assert c.get("/audit", headers=html).status_code == 200
        entries = _entries(c)
        mine = [(e["actor"], e["action"], e["detail"]) for e in entries if e["actor"] == "rita"]
        details = [d for _, a, d in mine if a in ("list", "view")]
        assert any("case list page 1 searched acmg_class=Pathogenic, gene=SOD1" in str(d) for d in details), details
        assert any("case list (API) page 1 searched variant=c.14C>T" in str(d) for d in details), details
        assert any(str(d).startswith("patient list page 1") for d in details), details
        assert "cohort dashboard (counts over every case)" in details
        assert "audit trail page 1" in details


def test_the_polled_status_api_is_audited_once_per_reader_and_case(tmp_path: Path, database_url: str | None) -> None:
    from tests.web.conftest import demo_files, wait_done

    # one user on this computer, no accounts; SQLite and PostgreSQL
    app = create_app(Settings(data_dir=tmp_path / "data", database_url=database_url, pdf=False))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        r = c.post("/api/cases", data={"proband": "NA12878", "str_sample": "hugelymodelbat_lanes_1_sorted_md"},
                   files=demo_files())
        assert r.status_code == 202, r.text
        case_id = r.json()["id"]
        for _ in range(5):  # the case page's polling
            assert c.get(f"/api/cases/{case_id}").status_code == 200
        assert wait_done(c, case_id)["status"] == "done"
        status_reads = [e for e in _entries(c) if e["action"] == "view" and e["case_id"] == case_id
                        and e["detail"] == "case status (API)"]
        # one entry per patient key the reader saw: the key the upload gave, then the clinical record's once read
        patients = [e["patient"] for e in status_reads]
        assert len(patients) == len(set(patients)) and patients[-1] == "DEMO-001", patients
        assert len(status_reads) <= 2
        # another case's status is its own entry
        other = c.post("/api/cases", data={"proband": "NA12878", "str_sample": "hugelymodelbat_lanes_1_sorted_md"},
                   files=demo_files()).json()["id"]
        wait_done(c, other)
        assert 1 <= [e["case_id"] for e in _entries(c) if e["detail"] == "case status (API)"].count(other) <= 2
    app.state.runner.pool.shutdown(wait=True)
    app.state.store.engine.dispose()
