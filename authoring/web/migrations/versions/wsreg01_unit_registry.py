"""Province workspace: each unit's own registry layer (documents and agencies added from the page, pending the Sở's review).

Revision ID: wsreg01
Revises: wsrep02
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "wsreg01"
down_revision = "wsrep02"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ws_registry_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("ws_units.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("entry_id", sa.String(120), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("pending", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("added_by", sa.String(300), nullable=False),
        sa.Column("added_at", sa.DateTime, nullable=False),
        sa.Column("reviewed_by", sa.String(300), nullable=True),
        sa.Column("reviewed_at", sa.DateTime, nullable=True),
        sa.UniqueConstraint("unit_id", "kind", "entry_id", name="uq_ws_registry_entries"),
    )


def downgrade() -> None:
    op.drop_table("ws_registry_entries")
