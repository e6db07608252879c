"""The page's templates: no control shows the browser's own English words."""

from __future__ import annotations

import re
from pathlib import Path

import authoring.web

TEMPLATES = Path(authoring.web.__file__).parent / "templates"
CHOOSER = TEMPLATES / "_macros" / "file.html"


def test_every_upload_form_uses_the_vietnamese_file_chooser_not_the_browsers_choose_file():
    bare = [str(t.relative_to(TEMPLATES)) for t in TEMPLATES.rglob("*.html")
            if t != CHOOSER and re.search(r'type="file"', t.read_text(encoding="utf-8"))]
    assert not bare, f"ô chọn tệp của trình duyệt (hiện «Choose File») trong: {bare}"


def test_the_import_form_shows_a_labelled_choose_button_and_the_chosen_file_in_vietnamese(client):
    page = client.get("/").text
    field = re.search(r'<input type="file" class="file-input" id="upload"[^>]*>', page)
    assert field and 'aria-describedby="upload-ten"' in field.group()
    assert '<label for="upload">Tệp</label>' in page
    assert '<label for="upload" class="button file-button">Chọn tệp…</label>' in page
    assert '<span class="file-name" id="upload-ten" aria-live="polite">Chưa chọn tệp</span>' in page
