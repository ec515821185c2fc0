"""Clinic workspace: users and sessions, review lifecycle, comments, signed report versions, the
append-only audit trail, ALSFRS-R items per visit, searchable findings per case.

Revision ID: 0002_workspace
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_workspace"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as b:
        b.add_column(sa.Column("created_by", sa.String(80), nullable=False, server_default=""))
        b.add_column(sa.Column("review_state", sa.String(16), nullable=False, server_default="draft"))
        b.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
        b.add_column(sa.Column("assigned_to", sa.String(80), nullable=True))
        b.add_column(sa.Column("options", sa.Text, nullable=False, server_default="{}"))
        b.add_column(sa.Column("genes", sa.String(2000), nullable=False, server_default=""))
        b.add_column(sa.Column("variants", sa.Text, nullable=False, server_default=""))
        b.add_column(sa.Column("classes", sa.String(400), nullable=False, server_default=""))
        b.add_column(sa.Column("repeat_result", sa.String(400), nullable=False, server_default=""))
        b.add_column(sa.Column("stage", sa.String(40), nullable=True))
        b.add_column(sa.Column("eligible_trials", sa.Integer, nullable=True))
        b.add_column(sa.Column("identity_status", sa.String(20), nullable=True))
    op.create_index("ix_cases_created_at", "cases", ["created_at"])
    op.create_index("ix_cases_review_state", "cases", ["review_state"])
    with op.batch_alter_table("visits") as b:
        b.add_column(sa.Column("items", sa.Text, nullable=True))
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("external_subject", sa.String(200), nullable=True),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_users_username", "users", ["username"], unique=True)
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_index("ix_sessions_expires_at", "sessions", ["expires_at"])
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("variant_key", sa.String(200), nullable=True),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("case_version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_comments_case_id", "comments", ["case_id"])
    op.create_table(
        "report_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("signed_by", sa.String(80), nullable=False),
        sa.Column("signed_at", sa.DateTime, nullable=False),
        sa.Column("report_sha256", sa.String(64), nullable=False),
        sa.Column("report_id", sa.String(40), nullable=True),
        sa.Column("amended_reason", sa.Text, nullable=True),
        sa.UniqueConstraint("case_id", "version", name="uq_report_version"),
    )
    op.create_index("ix_report_versions_case_id", "report_versions", ["case_id"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=True),
        sa.Column("patient", sa.String(120), nullable=True),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_at", "audit", ["at"])
    op.create_index("ix_audit_case_id", "audit", ["case_id"])
    # Append-only, enforced by the database itself (not only by the absence of an API).
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION charcot_audit_append_only() RETURNS trigger AS $$ BEGIN "
                   "RAISE EXCEPTION 'the audit trail is append-only'; END; $$ LANGUAGE plpgsql")
        op.execute("CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit "
                   "FOR EACH ROW EXECUTE FUNCTION charcot_audit_append_only()")
    else:
        op.execute("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
                   "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END")
        op.execute("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
                   "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_no_update ON audit")
        op.execute("DROP FUNCTION IF EXISTS charcot_audit_append_only()")
    for table in ("audit", "report_versions", "comments", "sessions", "users"):
        op.drop_table(table)
    with op.batch_alter_table("visits") as b:
        b.drop_column("items")
    op.drop_index("ix_cases_review_state", "cases")
    op.drop_index("ix_cases_created_at", "cases")
    with op.batch_alter_table("cases") as b:
        for col in ("identity_status", "eligible_trials", "stage", "repeat_result", "classes", "variants", "genes", "options",
                    "assigned_to", "version", "review_state", "created_by"):
            b.drop_column(col)
