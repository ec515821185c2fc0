"""A chart visit remembers who recorded it, when, and whether its weight was checked (``visits.recorded_by``,
``recorded_at``, ``weight_confirmed``): a report that merges the patient chart into the clinical record says where
each visit came from, and a weight confirmed in the visit form passes the record's pounds check there too.
Existing visits have none (their audit entries name who and when).

Revision ID: 0007_visit_origin
Revises: 0006_case_form_id
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_visit_origin"
down_revision = "0006_case_form_id"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("visits") as b:
        b.add_column(sa.Column("recorded_by", sa.String(80), nullable=True))
        b.add_column(sa.Column("recorded_at", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("weight_confirmed", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("visits") as b:
        b.drop_column("weight_confirmed")
        b.drop_column("recorded_at")
        b.drop_column("recorded_by")
