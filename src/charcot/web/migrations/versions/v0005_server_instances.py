"""Several servers on one database: a registry of running server instances (each renews a lease by a heartbeat),
and the owner of the work that must outlive only its own server: a token session (``sessions.instance_id``), a
case's queued or running build (``cases.run_instance``) and its sign-off in progress (``cases.signing_instance``).
Existing rows get no owner: the first server to start after the upgrade treats them as left by a stopped server, as
every start did before.

Revision ID: 0005_server_instances
Revises: 0004_audit_no_truncate
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_server_instances"
down_revision = "0004_audit_no_truncate"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "server_instances",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("hostname", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("process", sa.String(200), nullable=True),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("heartbeat_at", sa.DateTime, nullable=False),
        sa.Column("lease_until", sa.DateTime, nullable=False),
        sa.Column("stopped_at", sa.DateTime, nullable=True),
    )
    with op.batch_alter_table("sessions") as b:
        b.add_column(sa.Column("instance_id", sa.String(36), nullable=True))
    op.create_index("ix_sessions_instance_id", "sessions", ["instance_id"])
    with op.batch_alter_table("cases") as b:
        b.add_column(sa.Column("run_instance", sa.String(36), nullable=True))
        b.add_column(sa.Column("signing_instance", sa.String(36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as b:
        b.drop_column("signing_instance")
        b.drop_column("run_instance")
    op.drop_index("ix_sessions_instance_id", "sessions")
    with op.batch_alter_table("sessions") as b:
        b.drop_column("instance_id")
    op.drop_table("server_instances")
