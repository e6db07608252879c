"""Province workspace: an audit entry may vouch for a record kept outside the log — the version of a unit's registry
entry it records ("ws_registry_versions:<id>:<sha256 of the version>"); the chain covers it, so a version rewritten
afterwards no longer matches its entry and `kehoach audit verify` names it.

Revision ID: wsreg04
Revises: wsreg03
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "wsreg04"
down_revision = "wsreg03"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN: batch mode would rebuild ws_audit on SQLite and drop its append-only triggers
    op.add_column("ws_audit", sa.Column("subject", sa.String(200), nullable=True))


def downgrade() -> None:
    # the entries written with a subject no longer verify once it is gone: the registry's history loses its guard
    op.execute("ALTER TABLE ws_audit DROP COLUMN subject")
