"""Province workspace: each commune plan's answer to each duty of its parent plan, one row per (plan, duty), kept up
to date by every save so that the province's board reads one table instead of the communes' coverage kept as JSON
on their workflow rows.

Revision ID: ws04_coverage
Revises: wsrep01
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "ws04_coverage"
down_revision = "wsrep01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ws_coverage",
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("ref", sa.String(300), primary_key=True),
        sa.Column("parent_plan_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("agencies", sa.JSON, nullable=True),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_ws_coverage_parent", "ws_coverage", ["parent_plan_id", "ref", "status"])
    # The answers kept as JSON are not carried over: checked_version is cleared, so the board checks each commune
    # plan once more and writes its rows here.
    with op.batch_alter_table("ws_workflow") as batch:
        batch.drop_column("cells")
    op.execute("UPDATE ws_workflow SET checked_version = NULL")


def downgrade() -> None:
    with op.batch_alter_table("ws_workflow") as batch:
        batch.add_column(sa.Column("cells", sa.JSON, nullable=True))
    op.execute("UPDATE ws_workflow SET checked_version = NULL")
    op.drop_index("ix_ws_coverage_parent", "ws_coverage")
    op.drop_table("ws_coverage")
