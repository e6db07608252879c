"""Opening a DOCX safely: what is read is bounded by the limit, whatever the file does after it was looked at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from authoring import limits
from authoring.errors import InputError
from authoring.ooxml import safety


def test_a_docx_that_grows_after_its_size_was_looked_at_is_read_only_up_to_the_limit(tmp_path, monkeypatch):
    growing = tmp_path / "van-ban.docx"
    growing.write_bytes(b"PK\x03\x04" + b"\0" * 5000)
    monkeypatch.setattr(limits, "MAX_DOCX_BYTES", 1000)
    real_stat = Path.stat

    def as_when_looked_at(self, *args, **kwargs):   # the size the look saw, before the file grew to 5 KB
        seen = real_stat(self, *args, **kwargs)
        return os.stat_result((seen.st_mode, seen.st_ino, seen.st_dev, seen.st_nlink, seen.st_uid, seen.st_gid, 10,
                               seen.st_atime, seen.st_mtime, seen.st_ctime))

    monkeypatch.setattr(Path, "stat", as_when_looked_at)
    with pytest.raises(InputError) as refused:
        safety.open_zip(growing)
    (finding,) = refused.value.findings
    assert finding.message.startswith("tệp lớn hơn 0.0 MB, quá giới hạn cho một văn bản (tệp vẫn đang lớn thêm")
