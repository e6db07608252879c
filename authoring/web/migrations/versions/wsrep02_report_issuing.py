"""Province workspace: a unit's Báo cáo kết quả is reviewed, signed, numbered and sent like a plan (its number, date
and signed PDF); reports already sent keep their meaning under the new state name.

Revision ID: wsrep02
Revises: ws04_coverage
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "wsrep02"
down_revision = "ws04_coverage"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ws_results") as table:
        table.add_column(sa.Column("number", sa.Integer, nullable=True))
        table.add_column(sa.Column("issued_on", sa.Date, nullable=True))
        table.add_column(sa.Column("signed_file", sa.String(300), nullable=True))
    # "submitted" meant "sent to the province"; it now means "trình lãnh đạo", and sending is "sent".
    op.execute("UPDATE ws_results SET state = 'sent' WHERE state = 'submitted'")


def downgrade() -> None:
    op.execute("UPDATE ws_results SET state = 'draft' WHERE state IN ('submitted', 'reviewed', 'signed', 'issued')")
    op.execute("UPDATE ws_results SET state = 'submitted' WHERE state = 'sent'")
    with op.batch_alter_table("ws_results") as table:
        table.drop_column("signed_file")
        table.drop_column("issued_on")
        table.drop_column("number")
