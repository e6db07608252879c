"""Writing outputs whole or not at all: write beside the target, then rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import KehoachError


def write_atomic(path: Path, data: bytes) -> None:
    """Write *data* to *path* so that readers see either the old file or the complete new one."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise KehoachError(f"không tạo được tệp {path} ({exc.strerror})",
                           hint="Kiểm tra thư mục đích có tồn tại và có quyền ghi.") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
