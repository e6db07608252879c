"""Each version keeps its check (findings, coverage, the parents checked against, under the key of the code, registry
and parents it holds for), written with the version, so opening a plan does not check it again.

Revision ID: wsan01
Revises: wsreg04
Create Date: 2026-12-08
"""
import sqlalchemy as sa
from alembic import op

revision = "wsan01"
down_revision = "wsreg04"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Older versions have none: they are checked when opened, as before.
    with op.batch_alter_table("plan_versions") as batch:
        batch.add_column(sa.Column("analysis", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_versions") as batch:
        batch.drop_column("analysis")
