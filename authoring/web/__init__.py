"""`kehoach serve`: a local web page to draft, check, preview and download plans without seeing YAML."""

from __future__ import annotations

import copy
import errno
import logging
import os
import socket


class NoTraceback(logging.Filter):
    """The terminal gets one Vietnamese line for a server error, as the CLI does; KEHOACH_DEBUG=1 keeps the detail."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and not os.environ.get("KEHOACH_DEBUG"):
            exc = record.exc_info[1]
            record.msg = (f"Lỗi nội bộ của kehoach ({type(exc).__name__}: {exc}); trang web đã báo lỗi cho người dùng. "
                          "Đặt KEHOACH_DEBUG=1 để xem chi tiết và báo cho nhóm phát triển.")
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def log_config() -> dict:
    import uvicorn.config

    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config.setdefault("filters", {})["khong-traceback"] = {"()": NoTraceback}
    config["handlers"]["default"]["filters"] = ["khong-traceback"]
    config["formatters"]["default"] = {"format": "%(message)s"}  # no English level prefix
    return config


def _open(db: str | None, hosts, ready):
    """The application on *db*; a database that cannot be opened or is not kehoach's is the user's --db, not a bug."""
    from sqlalchemy.exc import DatabaseError, OperationalError

    from .app import create_app
    from .core import KehoachError

    try:
        return create_app(db, warm_office=True, hosts=hosts, on_ready=ready)
    except (OperationalError, DatabaseError) as exc:
        raise KehoachError(f"không mở được cơ sở dữ liệu {db or 'mặc định'}: tệp không mở được, hoặc không phải cơ sở "
                           "dữ liệu của kehoach",
                           hint="Kiểm tra đường dẫn trong --db (hoặc KEHOACH_DB) có thư mục tồn tại và ghi được; bỏ --db "
                                "để dùng cơ sở dữ liệu mặc định trong thư mục của người dùng.") from exc


def serve(host: str = "127.0.0.1", port: int = 8765, db: str | None = None) -> None:
    """Run the web application until interrupted (Ctrl+C); migrations run first."""
    import uvicorn

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            from ..errors import os_error_words
            from .core import KehoachError

            if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:   # --host names no address here
                raise KehoachError(f"không mở được trang tại {host}:{port} (máy này không có địa chỉ {host})",
                                   hint="Dùng --host 127.0.0.1 (chỉ máy này truy cập) hoặc --host 0.0.0.0 (mọi máy "
                                        "trong mạng), hoặc một địa chỉ IP của chính máy này.") from exc
            why = {errno.EADDRINUSE: "cổng đang được dùng", errno.EACCES: "không có quyền dùng cổng này"}.get(
                exc.errno, os_error_words(exc)[0])
            raise KehoachError(f"không mở được trang tại {host}:{port} ({why})",
                               hint=f"Cổng {port} có thể đang được chương trình khác dùng (hoặc kehoach serve đang chạy "
                                    "sẵn): chạy lại với --port khác, vd. --port 8766.") from exc
    from .app import LOOPBACK_NAMES

    hosts = LOOPBACK_NAMES if host in ("127.0.0.1", "localhost", "::1") else ["*"]
    shown = "localhost" if host in ("127.0.0.1", "::1") else host

    def ready() -> None:  # printed once the page can be opened, not before
        print(f"kehoach đang chạy. Mở trình duyệt tại: http://{shown}:{port}/", flush=True)
        if host not in ("127.0.0.1", "localhost", "::1"):
            print("Lưu ý: trang đang mở cho các máy khác trong mạng truy cập (chưa có tài khoản, mật khẩu).", flush=True)
        print("Nhấn Ctrl+C để dừng.", flush=True)

    print("Đang khởi động kehoach…", flush=True)
    app = _open(db, hosts, ready)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, log_config=log_config())
