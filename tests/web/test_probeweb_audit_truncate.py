"""probeweb review (2026-12-01 evening): the audit trail's append-only rule held against UPDATE and DELETE, but on
PostgreSQL a row trigger does not fire on TRUNCATE: 'TRUNCATE audit' emptied the trail of a live database. SQLite
has no TRUNCATE (its 'DELETE FROM audit' is refused by the row trigger, checked in test_security)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from charcot.web.store import Store


@pytest.mark.postgres
def test_truncate_does_not_empty_the_audit_trail(tmp_path: Path, postgres_url: str) -> None:
    store = Store(tmp_path / "data", postgres_url)
    store.migrate()  # from an empty database to the newest revision
    try:
        store.audit("tester", "view", detail="first")
        for statement in ("TRUNCATE audit", "TRUNCATE audit RESTART IDENTITY CASCADE"):
            with pytest.raises(DBAPIError, match="append-only"), store.session() as s:
                s.execute(text(statement))
        assert [a["actor"] for a in store.audit_trail()] == ["tester"]
    finally:
        store.engine.dispose()
