"""Province workspace: the audit log's head (count of entries, last chain value, time) kept in its own row, so deleting the last
entries is detected without a head noted by hand.

Revision ID: ws04
Revises: wsapi01
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "ws04"
down_revision = "wsapi01"
branch_labels = None
depends_on = None

_PG_FORWARD_ONLY = """
CREATE OR REPLACE FUNCTION ws_audit_head_forward_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'UPDATE' OR NEW.entries < OLD.entries THEN
    RAISE EXCEPTION 'sổ ghi mục cuối của nhật ký chỉ được tiến lên';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def upgrade() -> None:
    op.create_table(
        "ws_audit_head",
        sa.Column("id", sa.Integer, primary_key=True),   # always 1
        sa.Column("entries", sa.Integer, nullable=False),
        sa.Column("chain", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    # The head of a log that already has chained entries: its last one and how many there are.
    op.execute("INSERT INTO ws_audit_head (id, entries, chain, at) "
               "SELECT 1, (SELECT COUNT(*) FROM ws_audit WHERE chain IS NOT NULL), a.chain, a.at FROM ws_audit a "
               "WHERE a.id = (SELECT MAX(id) FROM ws_audit WHERE chain IS NOT NULL)")
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(_PG_FORWARD_ONLY)
        op.execute("CREATE TRIGGER ws_audit_head_forward_only BEFORE UPDATE OR DELETE ON ws_audit_head "
                   "FOR EACH ROW EXECUTE FUNCTION ws_audit_head_forward_only()")
        op.execute("CREATE TRIGGER ws_audit_head_no_truncate BEFORE TRUNCATE ON ws_audit_head "
                   "FOR EACH STATEMENT EXECUTE FUNCTION ws_audit_append_only()")
    elif dialect == "sqlite":
        op.execute("CREATE TRIGGER ws_audit_head_no_delete BEFORE DELETE ON ws_audit_head "
                   "BEGIN SELECT RAISE(ABORT, 'sổ ghi mục cuối của nhật ký chỉ được tiến lên'); END")
        op.execute("CREATE TRIGGER ws_audit_head_forward_only BEFORE UPDATE ON ws_audit_head "
                   "WHEN NEW.entries < OLD.entries "
                   "BEGIN SELECT RAISE(ABORT, 'sổ ghi mục cuối của nhật ký chỉ được tiến lên'); END")
        op.execute("CREATE TRIGGER ws_audit_head_no_replace BEFORE INSERT ON ws_audit_head "
                   "WHEN EXISTS (SELECT 1 FROM ws_audit_head WHERE id = NEW.id) "
                   "BEGIN SELECT RAISE(ABORT, 'sổ ghi mục cuối của nhật ký chỉ được tiến lên'); END")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ws_audit_head_forward_only ON ws_audit_head")
        op.execute("DROP TRIGGER IF EXISTS ws_audit_head_no_truncate ON ws_audit_head")
        op.execute("DROP FUNCTION IF EXISTS ws_audit_head_forward_only()")
    op.drop_table("ws_audit_head")
