"""Re-analysis results kept for review: one row per case and re-analysis run ("needs review" until a
person accepts or dismisses it).

Revision ID: 0003_reanalysis
Revises: 0002_workspace
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_reanalysis"
down_revision = "0002_workspace"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reanalyses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("ran_at", sa.DateTime, nullable=False),
        sa.Column("ran_by", sa.String(80), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("n_changes", sa.Integer, nullable=False, server_default="0"),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("old_knowledge", sa.String(40), nullable=True),
        sa.Column("new_knowledge", sa.String(40), nullable=False),
        sa.Column("knowledge_hash", sa.String(64), nullable=False),
        sa.Column("base_version", sa.Integer, nullable=False),
        sa.Column("base_sha256", sa.String(64), nullable=True),
        sa.Column("report_path", sa.String(300), nullable=True),
        sa.Column("decided_by", sa.String(80), nullable=True),
        sa.Column("decided_at", sa.DateTime, nullable=True),
        sa.Column("new_version", sa.Integer, nullable=True),
    )
    op.create_index("ix_reanalyses_case_status", "reanalyses", ["case_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_reanalyses_case_status", "reanalyses")
    op.drop_table("reanalyses")
