"""kehoach's own files in the user's cache ($XDG_CACHE_HOME/kehoach/KIND/KEY.pickle): read only if nobody else could
have written them, written whole, a few kept per kind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

KEEP = 8  # several checkouts, versions or registry layers may share one cache: keep a few builds of each kind


def cache_file(kind: str, key: str) -> Path:
    from ..paths import cache_dir

    return cache_dir() / kind / f"{key}.pickle"


def _trusted(path: Path) -> bool:
    """Owned by this user and writable by nobody else, as is its folder: a cache is unpickled, so a file another
    account could have put or changed there (a shared or world-writable folder) is never read."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return True  # Windows: the cache lies in the user's own profile
    uid = getuid()
    for place in (path, path.parent):
        info = place.lstat()
        if stat.S_ISLNK(info.st_mode) or info.st_uid != uid or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return False
    return True


def read_cached(path: Path) -> bytes | None:
    """The bytes of a cache file, or None when it is absent, unreadable or not trusted (see _trusted)."""
    try:
        if not _trusted(path):
            return None
        return path.read_bytes()
    except OSError:
        return None


def write_cached(path: Path, data: bytes) -> None:
    """Writes the file whole (a reader never sees half of it) and drops the oldest of its kind beyond KEEP."""
    import tempfile

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if hasattr(os, "getuid") and path.parent.stat().st_uid == os.getuid():
            os.chmod(path.parent, 0o700)  # a folder made under a lax umask (0002) would never be trusted
        for old in sorted(path.parent.glob("*.pickle"), key=lambda f: f.stat().st_mtime)[:-KEEP]:
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".cache.", dir=path.parent)  # created 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only home: the thing is simply built each run
