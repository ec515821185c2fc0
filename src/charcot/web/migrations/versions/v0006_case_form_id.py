"""A case remembers the new-case form it was created from (``cases.form_id``, unique): the same form sent twice
(a double click, a browser or client retrying after the upload went through) makes one case, on any of the servers
sharing the database. Existing cases have none.

Revision ID: 0006_case_form_id
Revises: 0005_server_instances
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_case_form_id"
down_revision = "0005_server_instances"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as b:
        b.add_column(sa.Column("form_id", sa.String(64), nullable=True))
    op.create_index("ix_cases_form_id", "cases", ["form_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_cases_form_id", "cases")
    with op.batch_alter_table("cases") as b:
        b.drop_column("form_id")
