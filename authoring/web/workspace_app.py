"""The province's shared workspace on top of the web page: login, the plans of one's unit (all units for the
province's users), the drafting-to-issuing workflow, the audit log, the province dashboard and the batch that
derives every commune's draft. Switched on by `create_app(..., workspace=True)` or KEHOACH_WORKSPACE=1."""

from __future__ import annotations

import os

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from ..loading import units
from ..workspace import accounts
from .workspace_site import WsError, safe_path  # noqa: F401 (where tests and deployments find them)


def grant_application_role(session, role: str) -> None:
    """PostgreSQL: the application's role may read and write every table but only read and add to the audit log;
    the role that ran the migrations stays the owner (the only one who could drop a trigger or empty the log)."""
    import re

    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        raise SystemExit(f"Tên vai trò PostgreSQL '{role}' không hợp lệ (chữ thường không dấu, số, gạch dưới).")
    from sqlalchemy import text

    for statement in (f"GRANT USAGE ON SCHEMA public TO {role}",
                      f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
                      f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ws_audit FROM {role}",
                      f"REVOKE DELETE, TRUNCATE, REFERENCES, TRIGGER ON ws_audit_head FROM {role}",
                      f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {role}",
                      f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"):
        session.execute(text(statement))


def bootstrap(url: str, province_id: str, office: str, admin_user: str, admin_name: str, admin_password: str,
              symbol: str = "KH-UBND", app_role: str | None = None) -> None:
    """First start of a province's workspace (and after each upgrade, run by the database owner): the province's
    units from the registry, one administrator, and on PostgreSQL the application role's rights."""
    from sqlalchemy import create_engine

    from .store import migrate

    migrate(url)
    engine_ = create_engine(url)
    sessions = sessionmaker(engine_)
    provinces = units.load_provinces()
    province = provinces.get(province_id)
    if province is None:
        raise SystemExit(f"Không có tỉnh '{province_id}' trong plans/registry/units/ (có: {', '.join(provinces)}).")
    with sessions.begin() as session:
        head = accounts.add_unit(session, office, "sở" if office.lower().startswith("sở") else "tỉnh", "tinh",
                                 province.id, symbol=symbol)
        for commune in province.units:
            accounts.add_unit(session, commune.name, commune.kind, "xa", province.id, head)
        if session.scalar(select(accounts.UserRow).where(accounts.UserRow.username == admin_user)) is None:
            accounts.add_user(session, admin_user, admin_name, admin_password, head, ["quan-tri"])
        if app_role and engine_.dialect.name == "postgresql":
            grant_application_role(session, app_role)
    engine_.dispose()


def factory():
    """For several server processes: `uvicorn --factory authoring.web.workspace_app:factory --workers 4`."""
    from .app import LOOPBACK_NAMES, create_app

    # The names the site answers to (Host header), e.g. KEHOACH_HOSTS=kehoach.syt.nghean.gov.vn behind the proxy.
    names = [n.strip() for n in os.environ.get("KEHOACH_HOSTS", "").split(",") if n.strip()]
    # Served under its own names, it sits behind the HTTPS proxy: the session cookie is Secure unless KEHOACH_HTTPS=0.
    https = os.environ.get("KEHOACH_HTTPS", "1" if names else "0") != "0"
    # One LibreOffice kept running (KEHOACH_WARM_OFFICE=0: none): «Xem trang in» and PDF downloads skip its start-up.
    warm = os.environ.get("KEHOACH_WARM_OFFICE", "1") != "0"
    return create_app(workspace=True, hosts=(names + LOOPBACK_NAMES) if names else None, https_only=https,
                      warm_office=warm)


def _main(argv: list[str] | None = None) -> int:
    """python -m authoring.web.workspace_app --tinh nghe-an --co-quan "Sở Y tế tỉnh Nghệ An" --quan-tri admin"""
    import argparse
    import getpass
    import sys

    from .store import default_url

    parser = argparse.ArgumentParser(description="Khởi tạo không gian làm việc của tỉnh: đơn vị và tài khoản quản trị.")
    parser.add_argument("--db", default=None, help="địa chỉ cơ sở dữ liệu (mặc định KEHOACH_DB hoặc SQLite)")
    parser.add_argument("--tinh", required=True, help="mã tỉnh trong plans/registry/units, vd. nghe-an")
    parser.add_argument("--co-quan", required=True, help="cơ quan cấp tỉnh, vd. 'Sở Y tế tỉnh Nghệ An'")
    parser.add_argument("--ky-hieu", default="KH-UBND")
    parser.add_argument("--quan-tri", required=True, help="tên đăng nhập của quản trị")
    parser.add_argument("--ho-ten", default="Quản trị hệ thống")
    parser.add_argument("--vai-tro-ung-dung", default=None,
                        help="PostgreSQL: vai trò mà máy chủ web dùng (chỉ được đọc và thêm vào nhật ký), vd. kehoach")
    args = parser.parse_args(argv)
    password = os.environ.get("KEHOACH_ADMIN_PASSWORD") or getpass.getpass("Mật khẩu quản trị (ít nhất 12 ký tự, không chứa tên đăng nhập): ")
    try:
        bootstrap(args.db or default_url(), args.tinh, args.co_quan, args.quan_tri, args.ho_ten, password, args.ky_hieu,
                  args.vai_tro_ung_dung)
    except accounts.AccountError as exc:
        print(f"Mật khẩu quản trị chưa dùng được: {exc}", file=sys.stderr)
        return 1
    print("Đã khởi tạo. Chạy: KEHOACH_WORKSPACE=1 kehoach serve")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
