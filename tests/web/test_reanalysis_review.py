"""Re-analysis in the web workspace (issue 18), on SQLite and on PostgreSQL: a newer knowledge snapshot
marks exactly the affected stored cases "needs review" on the case list (one statement per page), the
case page lists the changes in words, accepting creates the next report version (the replaced one stays
readable) and dismissing keeps the current one, both audited; CSRF, origin and role rules hold for the
new requests; ``charcot reanalyse --data-dir`` writes to the same store."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from charcot.knowledge import _knowledge_for
from charcot.web.app import Settings, create_app
from tests.reanalysis.snapshots import newer_snapshot
from tests.web.conftest import demo_files, wait_done
from tests.web.test_security import BASE, add_users
from tests.web.test_workspace import SAME, _login, _review

# another person's GRCh38 calls around SOD1 (chr21:30-35 Mb, SOD1 wholly inside, no variant in it): the newer
# snapshot's SOD1 trial does not concern them (panel-cut calls beginning after SOD1's exon 1 leave SOD1 assessed in
# part, which a SOD1 trial does concern)
PANEL_VCF = Path(__file__).resolve().parents[1] / "data" / "variants" / "na12878_hg38_chr21_30-35Mb.vcf.gz"


def _upload(c: TestClient, token: str, patient: str, files: dict[str, tuple[str, bytes]]) -> str:
    r = c.post("/api/cases", data={"csrf_token": token, "patient": patient}, files=files, headers=SAME)
    assert r.status_code == 202, r.text
    case_id = str(r.json()["id"])
    assert wait_done(c, case_id)["status"] == "done"
    return case_id


def _use_snapshot(monkeypatch: pytest.MonkeyPatch, folder: Path | None) -> None:
    if folder is None:
        monkeypatch.delenv("CHARCOT_KNOWLEDGE", raising=False)
    else:
        monkeypatch.setenv("CHARCOT_KNOWLEDGE", str(folder))
    _knowledge_for.cache_clear()


def _reanalyse_all(c: TestClient, token: str) -> str:
    assert c.post("/reanalyse", data={"csrf_token": token}, headers=SAME, follow_redirects=False).status_code == 303
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        page = c.get("/", headers={"accept": "text/html"}).text
        if 'id="reanalysis-running"' not in page:
            return page
        time.sleep(0.2)
    raise AssertionError("re-analysis of all cases did not finish")


def _marker(page: str, case_id: str) -> str | None:
    import re

    m = re.search(rf'id="needs-review-{case_id}"[^>]*>([^<]*)<', page)
    return m.group(1) if m else None


def test_needs_review_accept_dismiss_and_cli_store(tmp_path: Path, database_url: str | None, run_cli: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    add_users(data, database_url, ("alice", "laboratory_scientist"), ("bob", "reviewer"))
    _use_snapshot(monkeypatch, None)
    app = create_app(Settings(data_dir=data, database_url=database_url, pdf=False))
    store = app.state.store
    files = demo_files()
    try:
        with TestClient(app, base_url=BASE) as c:
            token = _login(c, "alice")
            full = _upload(c, token, "P-full", {k: files[k] for k in ("vcf", "clinical")})
            repeats = _upload(c, token, "P-repeats", {"str_file": files["str_file"]})
            other = _upload(c, token, "P-other", {"vcf": ("chr21.vcf.gz", PANEL_VCF.read_bytes())})

            # the knowledge in force changes nothing
            r = c.post(f"/cases/{repeats}/reanalyse", data={"csrf_token": token}, headers=SAME, follow_redirects=False)
            assert r.status_code == 303
            page = c.get(f"/cases/{repeats}", headers={"accept": "text/html"}).text
            assert 'id="no-review"' in page and "no change" in page

            # the full case is signed off (by bob) before the knowledge changes; the repeats case is in review
            assert _review(c, full, token, action="submit", reviewer="bob").status_code == 303
            assert _review(c, repeats, token, action="submit", reviewer="bob").status_code == 303
            bob_token = _login(c, "bob")
            assert _review(c, full, bob_token, action="sign").status_code == 303
            signed_v1 = store.signed_dir(full, 1) / "report.json"
            signed_sha = store.report_versions(full)[0]["report_sha256"]
            token = _login(c, "alice")

            stored = json.loads((store.case_dir(full) / "report.json").read_text())
            new_kb, trial = newer_snapshot(tmp_path, stored)
            _use_snapshot(monkeypatch, new_kb)

            # a reviewer may not start a re-analysis; a cross-origin or token-less browser POST is refused
            bob_token = _login(c, "bob")
            r = c.post("/reanalyse", data={"csrf_token": bob_token}, headers=SAME)
            assert r.status_code == 403 and "may not reanalyse" in r.json()["detail"]
            token = _login(c, "alice")
            assert c.post("/reanalyse", data={"csrf_token": token},
                          headers={"origin": "http://attacker.example"}).status_code == 403
            assert c.post("/reanalyse", data={}, headers=SAME).status_code == 403

            listing = _reanalyse_all(c, token)
            assert "2 of 3 case(s) need review" in listing
            assert _marker(listing, other) is None
            rows = {r["case_id"]: r for cid in (full, repeats, other) for r in store.reanalyses(cid)[:1]}
            assert rows[other]["status"] == "no change"
            for cid in (full, repeats):
                assert rows[cid]["status"] == "needs review"
                n = rows[cid]["n_changes"]
                assert _marker(listing, cid) == f"needs review: {n} change{'' if n == 1 else 's'}"
            # the case list stays one statement per page, with the marker in it
            statements: list[str] = []
            from sqlalchemy import event

            def count(*args: Any) -> None:
                statements.append(str(args[2]))

            event.listen(store.engine, "before_cursor_execute", count)
            try:
                cases, total = store.list_cases(1, 50)
            finally:
                event.remove(store.engine, "before_cursor_execute", count)
            assert len(statements) == 1 and total == 3
            assert {x["id"]: x["needs_review"] for x in cases} == {full: rows[full]["n_changes"],
                                                                  repeats: rows[repeats]["n_changes"], other: 0}
            only = c.get("/api/cases?needs_review=1").json()
            assert {x["id"] for x in only["cases"]} == {full, repeats} and only["total"] == 2

            # the case page names each change in words
            page = c.get(f"/cases/{full}", headers={"accept": "text/html"}).text
            assert 'id="needs-review"' in page
            assert "criteria no longer met:" in page and "SOD1" in page
            assert f"Trial {trial['name']}" in page
            page = c.get(f"/cases/{repeats}", headers={"accept": "text/html"}).text
            assert "Repeat C9" in page and "from normal to intermediate" in page

            # accepting: CSRF and origin first, then version 2 with version 1 still readable
            rid = rows[full]["id"]
            url = f"/cases/{full}/reanalysis/{rid}/accept"
            assert c.post(url, data={}, headers=SAME).status_code == 403
            assert c.post(url, data={"csrf_token": token}, headers={"origin": "http://attacker.example"}).status_code == 403
            assert c.post(url, data={"csrf_token": token}, headers=SAME, follow_redirects=False).status_code == 303
            case = c.get(f"/api/cases/{full}").json()
            # a signed report's next version is an amendment; the signed version 1 is untouched and still served
            assert case["version"] == 2 and case["review_state"] == "amended" and case["needs_review"] is None
            assert hashlib.sha256(signed_v1.read_bytes()).hexdigest() == signed_sha
            assert c.get(f"/cases/{full}/v/1/report.json").content == signed_v1.read_bytes()
            assert json.loads((store.case_dir(full) / "report.json").read_text())["header"]["knowledge_version"] \
                == "9999.1.0"
            audit = store.audit_trail(case_id=full)
            accepted = [a for a in audit if a["action"] == "accept-reanalysis"]
            assert len(accepted) == 1 and accepted[0]["actor"] == "alice" and "version 2" in accepted[0]["detail"]
            r = c.post(url, data={"csrf_token": token}, headers=SAME)
            assert r.status_code == 409 and "no longer waiting" in r.json()["detail"]
            assert _marker(c.get("/", headers={"accept": "text/html"}).text, full) is None

            # a report in review is not replaced under its reviewer
            rid = rows[repeats]["id"]
            r = c.post(f"/cases/{repeats}/reanalysis/{rid}/accept", data={"csrf_token": token}, headers=SAME)
            assert r.status_code == 409 and "in review" in r.json()["detail"]
            # dismissing (a reviewer may decide) keeps the version, and is audited
            bob_token = _login(c, "bob")
            r = c.post(f"/cases/{repeats}/reanalysis/{rid}/dismiss", data={"csrf_token": bob_token,
                       "reason": "confirmed by PCR"}, headers=SAME, follow_redirects=False)
            assert r.status_code == 303
            assert c.get(f"/api/cases/{repeats}").json()["version"] == 1
            dismissed = [a for a in store.audit_trail(case_id=repeats) if a["action"] == "dismiss-reanalysis"]
            assert len(dismissed) == 1 and dismissed[0]["actor"] == "bob" and "confirmed by PCR" in dismissed[0]["detail"]

        # the command line writes to the same store: the accepted case is now current, the dismissed one
        # is found again, the unaffected one stays unaffected
        args = ["reanalyse", "--data-dir", str(data), "--format", "json"]
        if database_url:
            args += ["--database-url", database_url]
        r = run_cli(*args)
        assert r.code == 0, r.stderr
        by_case = {x["case"]: x["status"] for x in json.loads(r.stdout)["cases"]}
        assert by_case == {full: "unchanged", repeats: "changed", other: "unchanged"}
        cases, _ = store.list_cases(1, 50)
        assert {x["id"] for x in cases if x["needs_review"]} == {repeats}
        assert any(a["action"] == "reanalyse" and "(command line)" in a["actor"] for a in store.audit_trail(case_id=repeats))
        # a stored input that no longer matches its fingerprint is never re-run against the report
        upload = store.path_of(store.get_case(other)["uploads"][0]["stored"])
        upload.chmod(0o600)
        with upload.open("ab") as handle:
            handle.write(b"\0")
        r = run_cli(*args)
        outcome = next(x for x in json.loads(r.stdout)["cases"] if x["case"] == other)
        assert outcome["status"] == "not_reanalysed" and "differs from the one the report was made from" in outcome["reason"]
        assert store.reanalyses(other)[0]["status"] == "not re-analysed"
        assert "differs from the one" in (store.reanalyses(other)[0]["reason"] or "")
    finally:
        _use_snapshot(monkeypatch, None)
        app.state.runner.pool.shutdown(wait=True)
        store.engine.dispose()
