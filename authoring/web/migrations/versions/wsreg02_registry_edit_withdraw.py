"""Province workspace: a unit's own registry entry can be edited (who changed it last, when) and withdrawn (kept, with who
withdrew it and when, so the history stays; a withdrawn entry counts in no check); each entry has an optimistic
version, so of two edits at the same moment the second is refused.

Revision ID: wsreg02
Revises: wsreg01
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "wsreg02"
down_revision = "wsreg01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ws_registry_entries") as table:
        table.add_column(sa.Column("changed_by", sa.String(300), nullable=True))
        table.add_column(sa.Column("changed_at", sa.DateTime, nullable=True))
        table.add_column(sa.Column("withdrawn_by", sa.String(300), nullable=True))
        table.add_column(sa.Column("withdrawn_at", sa.DateTime, nullable=True))
        table.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))


def downgrade() -> None:
    # a withdrawn entry would count again once the columns are gone: drop it first (the audit log keeps its history)
    op.execute("DELETE FROM ws_registry_entries WHERE withdrawn_at IS NOT NULL")
    with op.batch_alter_table("ws_registry_entries") as table:
        table.drop_column("version")
        table.drop_column("withdrawn_at")
        table.drop_column("withdrawn_by")
        table.drop_column("changed_at")
        table.drop_column("changed_by")
