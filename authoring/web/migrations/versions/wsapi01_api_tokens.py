"""Province workspace: access keys of the JSON API (/api/v1), one or more per account, stored as a hash.

Revision ID: wsapi01
Revises: ws02
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "wsapi01"
down_revision = "ws03"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ws_api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("ws_users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_used_at", sa.DateTime, nullable=True),
        sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_table("ws_api_tokens")
