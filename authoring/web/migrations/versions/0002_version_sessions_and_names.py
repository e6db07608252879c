"""Versions a person can read: the editing session and part of the plan of each save, what changed, a name.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan_versions") as batch:
        batch.add_column(sa.Column("session_key", sa.String(64), nullable=True))   # saves of one browser session
        batch.add_column(sa.Column("part", sa.String(300), nullable=True))         # the part of the plan edited
        batch.add_column(sa.Column("change", sa.String(1000), nullable=True))      # what changed, in words
        batch.add_column(sa.Column("name", sa.String(200), nullable=True))         # a name the author gave


def downgrade() -> None:
    with op.batch_alter_table("plan_versions") as batch:
        batch.drop_column("name")
        batch.drop_column("change")
        batch.drop_column("part")
        batch.drop_column("session_key")
