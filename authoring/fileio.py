"""Writing outputs whole or not at all, never over a file the command reads, never replacing a link or device.

- Every file a command reads is refused if it is a folder, pipe or device (before it is opened), and noted
  (`note_read`, inside `command_reads()`, which the CLI opens for each command; a long-running process such as the
  web page tracks nothing); writing to one of them — the plan itself, a parent, the registry, a template, by any
  name or hard link — is refused with a message, before anything is written.
- A regular file is written beside the target and renamed over it: readers see the old file or the whole new one.
- A symbolic link is written through (the file it points to is replaced; the link stays), and a device or pipe
  (`-o /dev/stdout`) is written to directly, never replaced by a regular file.
- New files follow the umask (as `>` in a shell would); a replaced file keeps its permissions.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import Iterator

from .errors import InputError, KehoachError, os_error_words

_READ: dict[tuple[int, int], str] | None = None   # None: no command is tracking what it reads


@contextlib.contextmanager
def command_reads() -> Iterator[None]:
    """One command's span: the files it reads (by any name or hard link) may not be its outputs."""
    global _READ
    outer, _READ = _READ, {}
    try:
        yield
    finally:
        _READ = outer


def _identity(path, regular_only: bool = False) -> tuple[int, int] | None:
    """(device, inode) of *path* while a command tracks its reads; None otherwise or when it cannot be seen."""
    if _READ is None:
        return None
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    if regular_only and not stat.S_ISREG(info.st_mode):
        return None
    return info.st_dev, info.st_ino


def not_a_file(path, kinds: str = "") -> tuple[str, str] | None:
    """(what *path* is, what to give instead) when it exists but is not a regular file: a folder cannot be read, a
    pipe with no writer makes the reader wait forever, a device (/dev/zero) never ends. None for a regular file or
    a path the system cannot see (the opener then says why). *kinds*: the files the command reads, "tệp .yaml"."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode):
        return None
    kinds = kinds or "tệp"
    if stat.S_ISDIR(mode):
        return ("đây là một thư mục, không phải tệp",
                f"Chỉ rõ một {kinds} nằm trong thư mục đó, dạng {Path(path) / '<tên tệp>'}.")
    real = os.path.realpath(path)
    shown = f" ({real})" if real != os.path.abspath(path) else ""
    if stat.S_ISFIFO(mode):
        what = f"đây là một đường ống (FIFO){shown}, không phải tệp: đọc nó có thể phải chờ mãi"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = f"đây là một thiết bị của hệ thống{shown}, không phải tệp"
    else:
        what = f"đây là một cổng kết nối (socket){shown}, không phải tệp"
    return what, f"Chỉ rõ đường dẫn tới một {kinds} đã lưu trên đĩa."


def input_problem(path, kinds: str = "") -> tuple[str, str] | None:
    """(what is wrong, how to fix it) when *path* is not a regular file that can be seen: missing, a link loop, a
    folder, pipe or device; None when it is one."""
    try:
        os.stat(path)
    except (OSError, ValueError) as exc:
        return os_error_words(exc) if isinstance(exc, OSError) else ("tên tệp có ký tự không dùng được",
                                                                     "Đổi tên tệp rồi thử lại.")
    return not_a_file(path, kinds)


def refuse_not_a_file(path, kinds: str = "") -> None:
    """InputError, before anything opens *path*, when it exists but is not a regular file (see `not_a_file`)."""
    problem = not_a_file(path, kinds)
    if problem is not None:
        raise InputError(f"Không đọc được {path}: {problem[0]}.", hint=problem[1])


def open_regular(path):
    """*path* opened for reading in binary, only if it is a regular file: opened without waiting (a pipe swapped in
    after `not_a_file` looked cannot block the open) and checked again on the open file (InputError otherwise)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(f"Không đọc được {path}: đây không còn là một tệp thường (vừa bị thay trong lúc đọc).",
                             hint="Chạy lại lệnh khi tệp đã lưu xong.")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bounded(path, limit: int) -> bytes:
    """At most *limit* + 1 bytes of the regular file *path*: more than *limit* means too large, however fast the file
    grows after its size was looked at."""
    with open_regular(path) as handle:
        return handle.read(limit + 1)


def note_read(path) -> None:
    """Refuse *path* if it is a folder, pipe or device (before it is opened: reading a pipe hangs), and remember
    that this command reads it (it must not be overwritten by the command's output)."""
    refuse_not_a_file(path)
    key = _identity(path, regular_only=True)
    if key is not None:
        _READ[key] = str(path)


def rewrites(path) -> None:
    """This command reads *path* in order to rewrite it (derive merging into its earlier output)."""
    key = _identity(path)
    if key is not None:
        _READ.pop(key, None)


def refuse_if_read(path: Path) -> None:
    key = _identity(path)
    if key is None:
        return
    read_as = _READ.get(key)
    if read_as is not None:
        same = "" if os.path.abspath(read_as) == os.path.abspath(path) else f" (cùng một tệp với {read_as})"
        raise InputError(
            f"Không ghi vào {path}: đây là tệp mà lệnh này đang đọc{same}; ghi vào đó sẽ mất nội dung của nó.",
            hint="Chọn tên tệp kết quả khác với tệp đầu vào (tùy chọn -o), vd. -o ket-qua.docx.")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Suffixes that name a kind of file, with the words for it: bytes of one kind written under another kind's name make a
# file no program opens (a DOCX saved as "bao-cao.pdf").
_KIND_WORDS = {".docx": "văn bản Word", ".doc": "văn bản Word cũ", ".odt": "văn bản OpenDocument", ".pdf": "tệp PDF",
               ".xlsx": "bảng Excel", ".xls": "bảng Excel cũ", ".zip": "tệp nén", ".yaml": "tệp YAML",
               ".yml": "tệp YAML", ".json": "tệp JSON", ".html": "trang HTML", ".htm": "trang HTML",
               ".txt": "văn bản thuần", ".md": "văn bản thuần", ".csv": "bảng CSV", ".edxml": "gói tin edXML",
               ".xml": "tệp XML"}
_BINARY_KINDS = {".docx", ".doc", ".odt", ".pdf", ".xlsx", ".xls", ".zip"}


def refuse_wrong_kind(path: Path, data: bytes) -> None:
    """UsageError when *path*'s suffix names another kind of file than *data* is; a suffix kehoach does not know
    (none, "/dev/stdout", "ket-qua.2026") is left as the user chose it."""
    from .errors import UsageError

    suffix = path.suffix.lower()
    if suffix not in _KIND_WORDS:
        return
    if data.startswith(b"%PDF"):
        what, fits = "tệp PDF", (".pdf",)
    elif data.startswith(b"PK\x03\x04"):
        what, fits = ("văn bản Word", (".docx",)) if b"word/" in data else (
            ("bảng Excel", (".xlsx",)) if b"xl/" in data else ("tệp nén", (".zip",)))
    elif suffix in _BINARY_KINDS:
        what, fits = "văn bản thuần (YAML, JSON, HTML…)", ()
    else:
        return   # text under a text suffix: the command chose the words, the user the name
    if suffix in fits:
        return
    fix = f"Đặt tên tệp kết quả có đuôi {fits[0]}, vd. {path.with_suffix(fits[0]).name}." if fits else \
        "Đặt tên tệp kết quả có đuôi của văn bản thuần, vd. .yaml, .json, .html hoặc .txt."
    raise UsageError(f"không ghi vào {path}: tên tệp có đuôi {suffix} ({_KIND_WORDS[suffix]}) nhưng nội dung là "
                     f"{what}; mở bằng chương trình của {suffix} sẽ không đọc được.", fix)


def check_writable(folder: Path) -> None:
    """Make *folder* and prove a file can be created in it, before a command that writes several files changes any:
    a folder that cannot take its outputs fails the command before the first one (`issue` stamps the plan first)."""
    import tempfile

    folder = Path(folder)
    made = []   # folders this check creates, removed again: the command makes them when it writes
    here = folder
    while not os.path.lexists(here) and here != here.parent:
        made.append(here)
        here = here.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        what, fix = os_error_words(exc)
        raise KehoachError(f"không ghi được vào thư mục {folder}: {what}", hint=fix) from exc
    finally:
        for path in made:
            with contextlib.suppress(OSError):
                path.rmdir()


def write_atomic(path: Path, data: bytes, may_replace_input: bool = False) -> None:
    """Write *data* to *path* so that readers see either the old file or the complete new one.

    *may_replace_input*: the command rewrites its own input on purpose (`kehoach review`).
    """
    path = Path(path)
    if not may_replace_input:
        refuse_if_read(path)
    refuse_wrong_kind(path, data)
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise KehoachError(f"không ghi được {path}: đây là một thư mục",
                           hint="Chỉ rõ tên tệp kết quả, vd. -o thu-muc/ket-qua.docx.")
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_through(path, data)  # /dev/stdout, a pipe, a terminal: write to it, do not replace it
        return
    if path.is_symlink() and not path.exists():
        raise KehoachError(f"không ghi vào {path}: đây là một liên kết trỏ tới {os.readlink(path)}, nơi không tồn tại",
                           hint="Xóa liên kết hỏng đó, hoặc chọn một tên tệp kết quả khác.")
    real = Path(os.path.realpath(path)) if path.is_symlink() else path  # a link stays a link
    try:
        import tempfile  # only when writing: ≈ 3 ms of every start-up otherwise

        real.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    except OSError as exc:
        what, fix = os_error_words(exc)
        raise KehoachError(f"không tạo được tệp {path}: {what}", hint=fix) from exc
    try:
        mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, real)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            what, fix = os_error_words(exc)
            raise KehoachError(f"không ghi được tệp {path}: {what}", hint=fix) from exc
        raise


def _write_through(path: Path, data: bytes) -> None:
    try:
        with open(path, "wb") as handle:
            handle.write(data)
            handle.flush()
    except OSError as exc:
        raise KehoachError(f"không ghi được vào {path}: {os_error_words(exc)[0]}",
                           hint="Chọn một tệp thường làm tệp kết quả.") from exc


@contextlib.contextmanager
def folder_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder of *path* (on its own folder, not the file: writes replace the file, and
    a lock on a replaced file guards nothing). Two commands that rewrite a file there run one after the other."""
    try:
        import fcntl
    except ImportError:   # no advisory locks on this system: nothing to hold
        yield
        return
    fd = os.open(Path(os.path.realpath(path)).parent, os.O_RDONLY)  # Path.resolve raises RuntimeError on a link loop
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)   # closing releases the lock
