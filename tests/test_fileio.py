"""Writing results: -o through a dangling symbolic link is refused (nothing created where it points); a folder lock
makes two rewrites of one file take turns."""

from __future__ import annotations

import threading
import time

import pytest

from authoring.errors import KehoachError
from authoring.fileio import folder_lock, write_atomic
from helpers import MINIMAL


def test_output_through_a_dangling_link_is_refused_and_creates_nothing(tmp_path):
    link = tmp_path / "ket-qua.txt"
    link.symlink_to(tmp_path / "khong-co" / "sau" / "ket-qua.txt")
    with pytest.raises(KehoachError) as refused:
        write_atomic(link, b"du lieu")
    assert "liên kết" in str(refused.value) and not (tmp_path / "khong-co").exists()


def test_output_through_a_working_link_still_writes_its_target(tmp_path):
    target = tmp_path / "that.txt"
    target.write_bytes(b"cu")
    link = tmp_path / "lien-ket.txt"
    link.symlink_to(target)
    write_atomic(link, b"moi")
    assert link.is_symlink() and target.read_bytes() == b"moi"


def test_the_folder_lock_makes_two_writers_take_turns(tmp_path):
    plan = tmp_path / "ke-hoach.yaml"
    inside, overlaps = [], []

    def writer():
        with folder_lock(plan):
            if inside:
                overlaps.append(1)
            inside.append(1)
            time.sleep(0.2)
            inside.pop()

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not overlaps


def test_bytes_of_one_kind_are_not_written_under_another_kind_s_suffix(tmp_path):
    import pytest

    from authoring.errors import UsageError
    from authoring.fileio import write_atomic

    docx = b"PK\x03\x04" + b"[Content_Types].xml word/document.xml"
    for name, data in (("bao-cao.pdf", docx), ("ke-hoach.docx", "kind: plan\n".encode()), ("van-ban.yaml", b"%PDF-1.7")):
        with pytest.raises(UsageError):
            write_atomic(tmp_path / name, data)
    assert not list(tmp_path.iterdir())
    for name, data in (("bao-cao.docx", docx), ("ket-qua.2026", docx), ("ke-hoach.yaml", b"kind: plan\n"),
                       ("luoc-do.json", b"{}"), ("van-ban.pdf", b"%PDF-1.7")):
        write_atomic(tmp_path / name, data)
        assert (tmp_path / name).read_bytes() == data


def test_a_pipe_swapped_in_after_the_look_is_refused_by_the_open_not_waited_on(tmp_path):
    import os

    from authoring.errors import InputError
    from authoring.fileio import open_regular

    pipe = tmp_path / "ke-hoach.yaml"
    os.mkfifo(pipe)   # what `not_a_file` would have refused, had it been there when it looked
    outcome = []

    def read():
        try:
            open_regular(pipe).close()
            outcome.append("opened")
        except InputError as exc:
            outcome.append(exc.message)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(5)
    assert outcome and "không còn là một tệp thường" in outcome[0], outcome   # an empty list: still waiting
    with open_regular(MINIMAL) as handle:
        assert handle.read(4) == MINIMAL.read_bytes()[:4]
