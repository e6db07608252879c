"""The Sở reviews what units add to the registry from the page; a commune cannot approve its own additions."""

from __future__ import annotations

import os
from pathlib import Path

from ws_fixtures import *  # noqa: F401,F403


def _pending_document() -> Path:
    from authoring.loading import own_registry
    from authoring.model import PartialDate

    folder = Path(os.environ["KEHOACH_OWN_REGISTRY"])
    own_registry.add_document(folder, type="Chỉ thị", code="23/CT-TTg", day=PartialDate.parse("2021-05-26"),
                              issuer="Thủ tướng Chính phủ", title="Về tăng cường", source="Công báo",
                              added_by="Vũ Văn Minh (xã Anh Sơn)")
    return folder / "citations.yaml"


def test_a_province_leader_approves_what_a_commune_added_and_a_commune_cannot(users):
    layer = _pending_document()
    commune = users("ld.anhson")
    listing = commune.get("/danh-muc").text
    assert "Chờ Sở duyệt" in listing and "Duyệt</button>" not in listing
    refused = commune.form("/danh-muc/duyet", {"loai": "documents", "muc": "chi-thi-23-2021"})
    assert refused.status_code == 403 and "review: pending" in layer.read_text(encoding="utf-8")
    province = users("ld.so")
    assert 'href="/danh-muc"' in province.get("/khong-gian").text   # reached from the bar of every page
    assert "Duyệt</button>" in province.get("/danh-muc").text
    approved = province.form("/danh-muc/duyet", {"loai": "documents", "muc": "chi-thi-23-2021"}, follow_redirects=False)
    assert approved.status_code == 303
    text = layer.read_text(encoding="utf-8")
    assert "review: pending" not in text and "status: single_source" in text and "Lê Văn Lãnh" in text
    assert "Sở đã duyệt" in province.get("/danh-muc").text
