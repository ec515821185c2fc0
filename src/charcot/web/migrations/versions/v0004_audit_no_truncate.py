"""The audit trail refuses TRUNCATE too on PostgreSQL, where a row trigger (0002) does not fire on it: 'TRUNCATE
audit' emptied the trail. SQLite has no TRUNCATE statement (its DELETE is refused by the row trigger).

Revision ID: 0004_audit_no_truncate
Revises: 0003_reanalysis
"""

from __future__ import annotations

from alembic import op

revision = "0004_audit_no_truncate"
down_revision = "0003_reanalysis"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
                   "FOR EACH STATEMENT EXECUTE FUNCTION charcot_audit_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_no_truncate ON audit")
