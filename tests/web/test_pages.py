"""Xem trang in: pictures of the PDF's pages, made once per content, bounded, served only by hash and number."""

from __future__ import annotations

import io

from pypdf import PdfWriter

from authoring.web import pages
from webtools import open_example


def _pdf(n: int) -> bytes:
    writer = PdfWriter()
    for _ in range(n):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pages_are_made_once_per_content_and_served_only_by_hash(tmp_path, monkeypatch):
    images = pages.PageImages(tmp_path)
    made = []

    def make(n):
        def run():
            made.append(n)
            return _pdf(n)
        return run

    digest, count, more = images.pages(1, "kế hoạch A", make(3))
    assert (count, more) == (3, False) and made == [3]
    assert images.pages(1, "kế hoạch A", make(3)) == (digest, 3, False) and made == [3]   # cached by content
    png = images.image(1, digest, 2)
    assert png is not None and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert images.image(2, digest, 2) is None                  # another plan cannot read these pictures
    assert images.image(1, digest, 4) is None and images.image(1, digest, 0) is None
    assert images.image(1, "../" + digest[3:], 1) is None and images.image(1, digest.upper(), 1) is None
    monkeypatch.setattr(pages, "MAX_PAGES", 2)
    _, count, more = images.pages(1, "kế hoạch dài", make(4))
    assert (count, more) == (2, True)
    monkeypatch.setattr(pages, "MAX_PLANS", 2)
    for i in range(4):
        images.pages(1, f"phiên bản {i}", make(1))
    kept = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert len(kept) == 2                                       # bounded: the oldest pictures are removed


def test_the_printed_pages_page_refuses_unknown_pictures(client):
    plan_id = open_example(client, "nghe-an-2025-kh-07.yaml")
    assert "Xem trang in" in client.get(f"/ke-hoach/{plan_id}").text
    missing = client.get(f"/ke-hoach/{plan_id}/trang-in/{'0' * 64}/1.png")
    assert missing.status_code == 404 and "Không có ảnh trang này" in missing.text
    assert client.get(f"/ke-hoach/{plan_id}/trang-in/..%2F..%2Fetc/1.png").status_code == 404


def test_pictures_are_cut_only_when_asked_for_so_the_page_answers_once_the_pdf_is_made(tmp_path):
    images = pages.PageImages(tmp_path)
    digest, count, more = images.pages(1, "kế hoạch B", lambda: _pdf(5))
    assert (count, more) == (5, False)
    assert not list((tmp_path / digest).glob("*.png"))          # no picture cut yet
    third = images.image(1, digest, 3)
    assert third is not None and third.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in (tmp_path / digest).glob("*.png")) == ["3.png"]
    images.cut_all(1, digest)
    assert len(list((tmp_path / digest).glob("*.png"))) == 5
