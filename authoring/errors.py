"""Exception hierarchy (each kind maps to a process exit code, as click's do) and Vietnamese words for the system's file errors."""

from __future__ import annotations


class KehoachError(Exception):
    """Base of every error kehoach reports to a user; exit code 1 (bad input)."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(KehoachError):
    """A file the user gave cannot be used; the findings say where and why."""

    def __init__(self, message: str, findings=None, hint: str | None = None):
        super().__init__(message, hint)
        self.findings = list(findings or [])


class ToolMissingError(KehoachError):
    """An outside program kehoach needs (LibreOffice) is not installed."""


class UsageError(KehoachError):
    """The command line itself is wrong; exit code 2."""

    exit_code = 2


# What the system says about a file (strerror) is English: these are the words a civil servant reads instead.
_OS_ERROR_WORDS = {
    "ENOENT": ("không tìm thấy tệp hoặc thư mục", "Kiểm tra lại đường dẫn và tên tệp."),
    "EISDIR": ("đây là một thư mục, không phải tệp", "Chỉ rõ tên tệp trong thư mục đó."),
    "ENOTDIR": ("một phần của đường dẫn là tệp chứ không phải thư mục", "Kiểm tra lại từng thư mục trong đường dẫn."),
    "EACCES": ("không có quyền truy cập", "Xin quyền đọc, ghi tệp này, hoặc chọn một thư mục khác."),
    "EPERM": ("hệ thống không cho phép thao tác này", "Chọn một tệp hoặc thư mục khác."),
    "EROFS": ("ổ đĩa này chỉ cho đọc, không ghi được", "Chọn một thư mục trên ổ đĩa ghi được."),
    "ENOSPC": ("ổ đĩa đã đầy", "Xóa bớt tệp không dùng hoặc chọn ổ đĩa khác."),
    "EDQUOT": ("đã dùng hết dung lượng được cấp trên ổ đĩa", "Xóa bớt tệp không dùng hoặc chọn ổ đĩa khác."),
    "ELOOP": ("đường dẫn là các liên kết (symlink) trỏ vòng vào nhau", "Xóa liên kết hỏng, hoặc chỉ thẳng tới tệp thật."),
    "ENAMETOOLONG": ("tên tệp hoặc đường dẫn quá dài", "Đặt tên tệp ngắn hơn."),
    "EEXIST": ("đã có một tệp trùng tên ở chỗ cần tạo thư mục", "Kiểm tra lại từng thư mục trong đường dẫn."),
    "EBUSY": ("tệp đang bị chương trình khác dùng", "Đóng chương trình đang mở tệp rồi thử lại."),
    "ETXTBSY": ("tệp đang bị chương trình khác dùng", "Đóng chương trình đang mở tệp rồi thử lại."),
    "EIO": ("lỗi đọc, ghi ổ đĩa", "Kiểm tra ổ đĩa (USB, ổ mạng) còn kết nối rồi thử lại."),
    "EMFILE": ("mở quá nhiều tệp cùng lúc", "Chạy lại với ít tệp hơn mỗi lần."),
}


def os_error_words(exc: OSError) -> tuple[str, str]:
    """(what went wrong, how to fix it) in Vietnamese for an error the operating system gave about a file."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    return _OS_ERROR_WORDS.get(name, ("hệ thống báo lỗi khi đọc, ghi tệp", "Kiểm tra đường dẫn và quyền đọc, ghi tệp."))


def missing_file_error(path, label: str = "") -> InputError:
    """The error for an input *path* that is not a readable regular file: not found, a link loop, a folder, a pipe
    or a device."""
    from .fileio import input_problem

    what, fix = input_problem(path) or ("không đọc được tệp", "Kiểm tra lại đường dẫn và tên tệp.")
    return InputError(f"Không đọc được {label}{path}: {what}.", hint=fix)
