"""Province workspace: a batch carries what its queue job needs (units, kinds, province) and how many times it was
started, so a worker that died is followed by another that does the rest.

Revision ID: ws05
Revises: ws04
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "ws05"
down_revision = "ws04"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ws_batches") as batch:
        batch.add_column(sa.Column("params", sa.JSON, nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("ws_batches") as batch:
        batch.drop_column("attempts")
        batch.drop_column("params")
