"""alembic environment: run programmatically by ``charcot.web.store.migrate`` with a live connection."""

from __future__ import annotations

from alembic import context

from charcot.web.store import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the programmatic path is supported
    raise RuntimeError("run migrations through charcot.web.store.migrate(engine)")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
