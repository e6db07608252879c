"""Province workspace: every version of a unit's registry entry (added, edited, approved by the Sở, withdrawn), with
who made it and when, for the entry's history page; existing entries start their history with their present state.

Revision ID: wsreg03
Revises: wsreg02
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "wsreg03"
down_revision = "wsreg02"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ws_registry_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entry_row_id", sa.Integer, sa.ForeignKey("ws_registry_entries.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("by", sa.String(300), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("pending", sa.Boolean, nullable=False),
    )
    # what was there before this revision is known only as it is now: one row each, marked as the start of history
    op.execute("INSERT INTO ws_registry_versions (entry_row_id, version, action, by, at, data, pending) "
               "SELECT id, version, 'known', COALESCE(withdrawn_by, changed_by, reviewed_by, added_by), "
               "COALESCE(withdrawn_at, changed_at, reviewed_at, added_at), data, pending FROM ws_registry_entries")


def downgrade() -> None:
    op.drop_table("ws_registry_versions")
