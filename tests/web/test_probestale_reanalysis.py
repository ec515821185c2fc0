"""A re-analysis result waiting for review after the knowledge in force changed again (probestale review).

The web workspace keeps each re-analysed report until a person accepts or dismisses it. Before, a result made with
one snapshot could be accepted after the server had moved to another: the case's latest version was then a report
of knowledge no longer in force, shown as the re-analysis with the knowledge in force. Real demo files, real
snapshots (the installed one with the C9orf72 threshold lowered, then a further change)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from charcot.web.app import Settings, create_app
from tests.reanalysis.snapshots import threshold_snapshot
from tests.web.conftest import demo_files
from tests.web.test_reanalysis_review import _upload, _use_snapshot
from tests.web.test_security import BASE, add_users
from tests.web.test_workspace import SAME, _login


def _changed_again(folder: Path, tmp: Path) -> Path:
    """``folder`` with one more curated change (a meta note): another content hash, the same records."""
    out = tmp / "kb-again"
    shutil.copytree(folder, out)
    meta = yaml.safe_load((out / "meta.yaml").read_text(encoding="utf-8"))
    meta["changes"].append("9999.1.0: test snapshot (a later edit)")
    (out / "meta.yaml").write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out


def test_a_waiting_result_of_knowledge_no_longer_in_force_is_not_accepted(
        tmp_path: Path, database_url: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    add_users(data, database_url, ("alice", "laboratory_scientist"))
    _use_snapshot(monkeypatch, None)
    app = create_app(Settings(data_dir=data, database_url=database_url, pdf=False))
    store = app.state.store
    try:
        with TestClient(app, base_url=BASE) as c:
            token = _login(c, "alice")
            case = _upload(c, token, "P-repeats", {"str_file": demo_files()["str_file"]})
            first = threshold_snapshot(tmp_path)
            _use_snapshot(monkeypatch, first)
            assert c.post(f"/cases/{case}/reanalyse", data={"csrf_token": token}, headers=SAME,
                          follow_redirects=False).status_code == 303
            (row,) = store.reanalyses(case)[:1]
            assert row["status"] == "needs review"

            _use_snapshot(monkeypatch, _changed_again(first, tmp_path))  # the server now runs on other knowledge
            url = f"/cases/{case}/reanalysis/{row['id']}/accept"
            r = c.post(url, data={"csrf_token": token}, headers=SAME, follow_redirects=False)
            assert r.status_code == 409, r.text
            assert "knowledge in force changed after this re-analysis ran" in r.json()["detail"]
            assert c.get(f"/api/cases/{case}").json()["version"] == 1

            # re-analysed with the knowledge in force, it is accepted
            assert c.post(f"/cases/{case}/reanalyse", data={"csrf_token": token}, headers=SAME,
                          follow_redirects=False).status_code == 303
            (row,) = store.reanalyses(case)[:1]
            url = f"/cases/{case}/reanalysis/{row['id']}/accept"
            assert c.post(url, data={"csrf_token": token}, headers=SAME, follow_redirects=False).status_code == 303
            assert c.get(f"/api/cases/{case}").json()["version"] == 2
            report = json.loads((store.case_dir(case) / "report.json").read_text())
            assert report["header"]["knowledge_version"] == "9999.1.0"
    finally:
        _use_snapshot(monkeypatch, None)
