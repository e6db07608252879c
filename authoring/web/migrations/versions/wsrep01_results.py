"""Province workspace: each unit's results for one period of its plan, where the report stands, and the deadlines.

Revision ID: wsrep01
Revises: ws05
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "wsrep01"
down_revision = "ws05"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ws_results",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=False, index=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("ws_units.id"), nullable=False, index=True),
        sa.Column("receiver_unit_id", sa.Integer, sa.ForeignKey("ws_units.id"), nullable=True),
        sa.Column("parent_plan_id", sa.Integer, nullable=True, index=True),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("state", sa.String(20), nullable=False, server_default="draft"),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        sa.Column("version", sa.Integer, nullable=False, server_default="0"),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("plan_id", "period", name="uq_ws_results"),
    )
    op.create_table(
        "ws_report_due",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=False, index=True),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.UniqueConstraint("plan_id", "period", name="uq_ws_report_due"),
    )


def downgrade() -> None:
    op.drop_table("ws_report_due")
    op.drop_table("ws_results")
