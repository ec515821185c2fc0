"""Accepting a re-analysis claims the case atomically with the review moves (probeweb's open race).

Before: ``reanalysis.accept`` checked the case (not in review, at version N), wrote the new report over the case's
files, and only then moved the case to version N+1. A "send for review" landing between the check and that move
put version N in review while its files were being replaced, and the accept then set the state back to draft over
it: the reviewer signed a report other than the one sent. Now the claim (conditional on the version and review
state checked) runs after rendering and before any file moves in; a case changed meanwhile is refused and its
files are untouched. The interleaving is made exact by running a real send-for-review (``Store.move_review``) at
the racy point, right after the check, on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from charcot.web import reanalysis
from charcot.web.app import Settings, create_app
from charcot.web.store import DRAFT, IN_REVIEW
from tests.reanalysis.snapshots import newer_snapshot
from tests.web.conftest import demo_files
from tests.web.test_reanalysis_review import _reanalyse_all, _upload, _use_snapshot
from tests.web.test_security import BASE, add_users
from tests.web.test_workspace import _login


def test_send_for_review_between_check_and_accept_is_not_overwritten(
        tmp_path: Path, database_url: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    add_users(data, database_url, ("alice", "laboratory_scientist"), ("bob", "reviewer"))
    _use_snapshot(monkeypatch, None)
    app = create_app(Settings(data_dir=data, database_url=database_url, pdf=False))
    store = app.state.store
    files = demo_files()
    try:
        with TestClient(app, base_url=BASE) as c:
            token = _login(c, "alice")
            case_id = _upload(c, token, "P-race", {k: files[k] for k in ("vcf", "clinical")})
            stored = json.loads((store.case_dir(case_id) / "report.json").read_text())
            new_kb, _ = newer_snapshot(tmp_path, stored)
            _use_snapshot(monkeypatch, new_kb)
            _reanalyse_all(c, token)
            [row] = store.reanalyses(case_id)[:1]
            assert row["status"] == "needs review"
            before = hashlib.sha256((store.case_dir(case_id) / "report.json").read_bytes()).hexdigest()
            case = store.get_case(case_id)
            assert case is not None and case["review_state"] == DRAFT
            version = int(case["version"])

            checked = reanalysis.accept_problem

            def check_then_someone_sends_it(*args: Any) -> str | None:
                problem = checked(*args)
                if problem is None:  # the other request lands right after this one's check
                    assert store.move_review(case_id, version, DRAFT, IN_REVIEW)
                return problem

            monkeypatch.setattr(reanalysis, "accept_problem", check_then_someone_sends_it)
            with pytest.raises(reanalysis.DecisionRefused, match="meanwhile"):
                reanalysis.accept(store, row["id"], case_id, actor="alice", pdf=False)
            after = store.get_case(case_id)
            assert after is not None and (int(after["version"]), after["review_state"]) == (version, IN_REVIEW)
            assert hashlib.sha256((store.case_dir(case_id) / "report.json").read_bytes()).hexdigest() == before
            assert store.reanalysis(row["id"])["status"] == "needs review"  # type: ignore[index]
            monkeypatch.setattr(reanalysis, "accept_problem", checked)
            # with nothing in between, a case in review is refused at the check, as before
            with pytest.raises(reanalysis.DecisionRefused, match="in review"):
                reanalysis.accept(store, row["id"], case_id, actor="alice", pdf=False)
    finally:
        _use_snapshot(monkeypatch, None)
        app.state.runner.pool.shutdown(wait=True)
        store.engine.dispose()
