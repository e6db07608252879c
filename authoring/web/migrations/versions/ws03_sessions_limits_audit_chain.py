"""Province workspace: server-side sessions, atomic login limits, batch heartbeats, and an audit log that refuses rewrites and backdating and is hash-chained.

Revision ID: ws03
Revises: ws02
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "ws03"
down_revision = "ws02"
branch_labels = None
depends_on = None

# Entries may be a few seconds out of order between server processes, never older than this (a forged backdated one).
_SKEW = "5 minutes"

_PG_NO_BACKDATING = f"""
CREATE OR REPLACE FUNCTION ws_audit_not_backdated() RETURNS trigger AS $$
BEGIN
  IF NEW.at < (clock_timestamp() AT TIME ZONE 'utc') - interval '{_SKEW}'
     OR NEW.at > (clock_timestamp() AT TIME ZONE 'utc') + interval '{_SKEW}' THEN
    RAISE EXCEPTION 'nhật ký không nhận mục ghi lùi hoặc tới ngày giờ khác';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def upgrade() -> None:
    op.create_table(
        "ws_login_limits",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_at", sa.DateTime, nullable=False),
        sa.Column("blocked_until", sa.DateTime, nullable=True),
    )
    op.create_table(
        "ws_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("ws_users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime, nullable=True),
        sa.Column("address", sa.String(64), nullable=False, server_default=""),
        sa.Column("agent", sa.String(200), nullable=False, server_default=""),
    )
    op.create_index("ix_ws_sessions_user_id", "ws_sessions", ["user_id"])
    op.drop_index("ix_ws_login_failures_key", "ws_login_failures")
    op.drop_index("ix_ws_login_failures_at", "ws_login_failures")
    op.drop_table("ws_login_failures")
    with op.batch_alter_table("ws_audit") as batch:
        batch.add_column(sa.Column("address", sa.String(64), nullable=True))
        batch.add_column(sa.Column("chain", sa.String(64), nullable=True))   # sha256 of the previous chain and this entry
    with op.batch_alter_table("ws_batches") as batch:
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime, nullable=True))
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(_PG_NO_BACKDATING)
        op.execute("CREATE TRIGGER ws_audit_no_backdating BEFORE INSERT ON ws_audit "
                   "FOR EACH ROW EXECUTE FUNCTION ws_audit_not_backdated()")
        # TRUNCATE does not fire row triggers: a statement trigger refuses it too (for a role that may truncate).
        op.execute("CREATE TRIGGER ws_audit_no_truncate BEFORE TRUNCATE ON ws_audit "
                   "FOR EACH STATEMENT EXECUTE FUNCTION ws_audit_append_only()")
    elif dialect == "sqlite":
        # batch_alter_table rebuilt the table: its triggers went with it.
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER IF NOT EXISTS ws_audit_no_{event.lower()} BEFORE {event} ON ws_audit "
                       "BEGIN SELECT RAISE(ABORT, 'nhật ký không được sửa hoặc xóa'); END")
        # INSERT OR REPLACE deletes the old row without firing DELETE triggers (recursive_triggers is off).
        op.execute("CREATE TRIGGER ws_audit_no_replace BEFORE INSERT ON ws_audit "
                   "WHEN EXISTS (SELECT 1 FROM ws_audit WHERE id = NEW.id) "
                   "BEGIN SELECT RAISE(ABORT, 'nhật ký không được sửa hoặc xóa'); END")
        op.execute("CREATE TRIGGER ws_audit_no_backdating BEFORE INSERT ON ws_audit "
                   f"WHEN NEW.at < datetime('now', '-{_SKEW}') OR NEW.at > datetime('now', '+{_SKEW}') "
                   "BEGIN SELECT RAISE(ABORT, 'nhật ký không nhận mục ghi lùi hoặc tới ngày giờ khác'); END")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ws_audit_no_backdating ON ws_audit")
        op.execute("DROP TRIGGER IF EXISTS ws_audit_no_truncate ON ws_audit")
        op.execute("DROP FUNCTION IF EXISTS ws_audit_not_backdated()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS ws_audit_no_backdating")
        op.execute("DROP TRIGGER IF EXISTS ws_audit_no_replace")
        op.execute("DROP TRIGGER IF EXISTS ws_audit_no_update")
        op.execute("DROP TRIGGER IF EXISTS ws_audit_no_delete")
    with op.batch_alter_table("ws_batches") as batch:
        batch.drop_column("heartbeat_at")
    with op.batch_alter_table("ws_audit") as batch:
        batch.drop_column("chain")
        batch.drop_column("address")
    if dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER IF NOT EXISTS ws_audit_no_{event.lower()} BEFORE {event} ON ws_audit "
                       "BEGIN SELECT RAISE(ABORT, 'nhật ký không được sửa hoặc xóa'); END")
    op.drop_index("ix_ws_sessions_user_id", "ws_sessions")
    op.drop_table("ws_sessions")
    op.drop_table("ws_login_limits")
    op.create_table(
        "ws_login_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_ws_login_failures_key", "ws_login_failures", ["key"])
    op.create_index("ix_ws_login_failures_at", "ws_login_failures", ["at"])
