"""`kehoach serve`: a local web page to draft, check, preview and download plans without seeing YAML."""

from __future__ import annotations


def serve(host: str = "127.0.0.1", port: int = 8765, db: str | None = None) -> None:
    """Run the web application until interrupted (Ctrl+C); migrations run first."""
    import uvicorn

    from .app import create_app

    app = create_app(db, warm_office=True)
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    print(f"kehoach đang chạy. Mở trình duyệt tại: http://{shown}:{port}/", flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print("Lưu ý: trang đang mở cho các máy khác trong mạng truy cập (chưa có tài khoản, mật khẩu).", flush=True)
    print("Nhấn Ctrl+C để dừng.", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
