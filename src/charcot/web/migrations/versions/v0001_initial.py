"""Initial case store: patients, cases, uploads, visits.

Revision ID: 0001_initial
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patients",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_patients_key", "patients", ["key"], unique=True)
    op.create_table(
        "cases",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("progress", sa.String(200), nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("proband", sa.String(120), nullable=True),
        sa.Column("hpo", sa.String(2000), nullable=False),
        sa.Column("summary", sa.Text, nullable=True),
        sa.Column("report_id", sa.String(40), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_cases_patient_id", "cases", ["patient_id"])
    op.create_index("ix_cases_status", "cases", ["status"])
    op.create_table(
        "uploads",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("stored", sa.String(300), nullable=False),
    )
    op.create_index("ix_uploads_case_id", "uploads", ["case_id"])
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("alsfrs_r", sa.Integer, nullable=True),
        sa.Column("fvc_percent", sa.Float, nullable=True),
        sa.Column("weight_kg", sa.Float, nullable=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.UniqueConstraint("patient_id", "date", name="uq_visit_patient_date"),
    )
    op.create_index("ix_visits_patient_id", "visits", ["patient_id"])


def downgrade() -> None:
    op.drop_table("visits")
    op.drop_table("uploads")
    op.drop_table("cases")
    op.drop_table("patients")
