"""Province workspace: units, users and their roles, login failures, workflow state, registers, audit log, batches.

Revision ID: ws01
Revises: 0002
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "ws01"
down_revision = "0002"
branch_labels = None
depends_on = None

# The audit log is append-only: the database itself refuses to change or remove an entry.
_PG_GUARD = """
CREATE OR REPLACE FUNCTION ws_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'nhật ký không được sửa hoặc xóa';
END;
$$ LANGUAGE plpgsql;
"""


def upgrade() -> None:
    op.create_table(
        "ws_units",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("province", sa.String(100), nullable=False, server_default=""),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("ws_units.id"), nullable=True),
        sa.Column("symbol", sa.String(30), nullable=False, server_default="KH-UBND"),
    )
    op.create_table(
        "ws_users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(80), nullable=False, unique=True),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "ws_memberships",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("ws_users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("ws_units.id"), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.UniqueConstraint("user_id", "unit_id", "role", name="uq_ws_memberships"),
    )
    op.create_index("ix_ws_memberships_user_id", "ws_memberships", ["user_id"])
    op.create_index("ix_ws_memberships_unit_id", "ws_memberships", ["unit_id"])
    op.create_table(
        "ws_login_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_ws_login_failures_key", "ws_login_failures", ["key"])
    op.create_index("ix_ws_login_failures_at", "ws_login_failures", ["at"])
    op.create_table(
        "ws_workflow",
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("ws_units.id"), nullable=True),
        sa.Column("parent_plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=True),
        sa.Column("state", sa.String(20), nullable=False, server_default="draft"),
        sa.Column("number", sa.Integer, nullable=True),
        sa.Column("issued_on", sa.Date, nullable=True),
        sa.Column("issued_version", sa.Integer, nullable=True),
        sa.Column("signed_file", sa.String(300), nullable=True),
        sa.Column("checked_version", sa.Integer, nullable=True),
        sa.Column("cells", sa.JSON, nullable=True),
        sa.Column("counts", sa.JSON, nullable=True),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_ws_workflow_unit_id", "ws_workflow", ["unit_id"])
    op.create_index("ix_ws_workflow_parent_plan_id", "ws_workflow", ["parent_plan_id"])
    op.create_table(
        "ws_registers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("ws_units.id"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("last_number", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("unit_id", "year", name="uq_ws_registers"),
    )
    op.create_table(
        "ws_audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("user_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("unit_id", sa.Integer, nullable=True),
        sa.Column("plan_id", sa.Integer, nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text, nullable=False, server_default=""),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("state_from", sa.String(20), nullable=True),
        sa.Column("state_to", sa.String(20), nullable=True),
        sa.Column("diff", sa.JSON, nullable=True),
    )
    op.create_index("ix_ws_audit_at", "ws_audit", ["at"])
    op.create_index("ix_ws_audit_unit_id", "ws_audit", ["unit_id"])
    op.create_index("ix_ws_audit_plan_id", "ws_audit", ["plan_id"])
    op.create_table(
        "ws_batches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("plan_id", sa.Integer, nullable=True),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("total", sa.Integer, nullable=False, server_default="0"),
        sa.Column("done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("failed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("state", sa.String(20), nullable=False, server_default="running"),
        sa.Column("backend", sa.String(20), nullable=False, server_default="process"),
        sa.Column("messages", sa.JSON, nullable=True),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_ws_batches_plan_id", "ws_batches", ["plan_id"])
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(_PG_GUARD)
        op.execute("CREATE TRIGGER ws_audit_no_update BEFORE UPDATE OR DELETE ON ws_audit "
                   "FOR EACH ROW EXECUTE FUNCTION ws_audit_append_only()")
    elif dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER ws_audit_no_{event.lower()} BEFORE {event} ON ws_audit "
                       "BEGIN SELECT RAISE(ABORT, 'nhật ký không được sửa hoặc xóa'); END")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ws_audit_no_update ON ws_audit")
        op.execute("DROP FUNCTION IF EXISTS ws_audit_append_only()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS ws_audit_no_update")
        op.execute("DROP TRIGGER IF EXISTS ws_audit_no_delete")
    for table in ("ws_batches", "ws_audit", "ws_registers", "ws_workflow", "ws_login_failures", "ws_memberships",
                  "ws_users", "ws_units"):
        op.drop_table(table)
