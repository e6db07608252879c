"""Province workspace: the date by which the communes must have issued their plans (on the provincial plan).

Revision ID: ws02
Revises: ws01
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "ws02"
down_revision = "ws01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ws_workflow") as batch:
        batch.add_column(sa.Column("children_due", sa.Date, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ws_workflow") as batch:
        batch.drop_column("children_due")
