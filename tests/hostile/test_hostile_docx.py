"""Hostile and broken DOCX files: import, lint-docx and pdf refuse them (exit 1) quickly and in little memory."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from authoring import limits
from authoring.loading import load_plan_or_raise
from authoring.render.docx import render_docx
from helpers import MINIMAL
from hostile_run import assert_refused, kehoach

COMMANDS = [("import", "-o", "{tmp}/ra.yaml"), ("lint-docx",), ("pdf", "-d", "{tmp}")]


@pytest.fixture(scope="module")
def good_docx() -> bytes:
    return render_docx(load_plan_or_raise(MINIMAL))


def _rezip(data: bytes, replace: dict | None = None, drop=(), add: dict | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename in drop:
                continue
            zout.writestr(item.filename, (replace or {}).get(item.filename, zin.read(item.filename)))
        for name, content in (add or {}).items():
            zout.writestr(name, content)
    return out.getvalue()


def _all_refuse(path, tmp_path, *words, commands=COMMANDS):
    for command in commands:
        args = [a.format(tmp=tmp_path) for a in command]
        run = kehoach(args[0], path, *args[1:])
        assert_refused(run, str(path), *words)
    assert not list(tmp_path.glob("*.pdf")) and not (tmp_path / "ra.yaml").exists()


def test_zip_bomb_is_refused_from_the_directory(tmp_path, good_docx):
    bomb = b"<w:document xmlns:w='x'>" + b" " * (30 * 1024 * 1024) + b"</w:document>"
    path = tmp_path / "bom.docx"
    path.write_bytes(_rezip(good_docx, {"word/document.xml": bomb}))
    assert path.stat().st_size < 1024 * 1024
    _all_refuse(path, tmp_path, "bom giải nén")


def test_oversized_xml_part_is_refused(tmp_path, good_docx, monkeypatch):
    big = b"<w:document xmlns:w='x'>" + b"<w:p/>" * (limits.MAX_XML_PART_BYTES // 6 + 10) + b"</w:document>"
    path = tmp_path / "lon.docx"
    path.write_bytes(_rezip(good_docx, {"word/document.xml": big}))
    _all_refuse(path, tmp_path, "word/document.xml", "quá giới hạn", commands=COMMANDS[:2])


LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol4;</w:t>
</w:r></w:p></w:body></w:document>"""


@pytest.mark.parametrize("part", ["word/document.xml", "docProps/custom.xml", "word/styles.xml"])
def test_billion_laughs_is_refused(tmp_path, good_docx, part):
    path = tmp_path / "laughs.docx"
    path.write_bytes(_rezip(good_docx, {part: LAUGHS}))
    _all_refuse(path, tmp_path, "billion laughs", part)


def test_external_entity_is_refused(tmp_path, good_docx):
    xxe = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
           b'<w:t>&x;</w:t></w:r></w:p></w:body></w:document>')
    path = tmp_path / "xxe.docx"
    path.write_bytes(_rezip(good_docx, {"word/document.xml": xxe}))
    _all_refuse(path, tmp_path, "DTD")


@pytest.mark.parametrize("missing", ["word/document.xml", "[Content_Types].xml"])
def test_missing_required_part(tmp_path, good_docx, missing):
    path = tmp_path / "thieu.docx"
    path.write_bytes(_rezip(good_docx, drop=(missing,)))
    _all_refuse(path, tmp_path, f"thiếu phần bắt buộc {missing}")


def test_corrupt_member(tmp_path, good_docx):
    data = bytearray(good_docx)
    with zipfile.ZipFile(io.BytesIO(good_docx)) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 50, start + 250):
        data[i] ^= 0x5A
    path = tmp_path / "hong.docx"
    path.write_bytes(bytes(data))
    _all_refuse(path, tmp_path, "word/document.xml")


def test_malformed_xml_part(tmp_path, good_docx):
    path = tmp_path / "xml-hong.docx"
    path.write_bytes(_rezip(good_docx, {"word/document.xml": b"<w:document><w:body>"}))
    _all_refuse(path, tmp_path, "không phải XML hợp lệ")


@pytest.mark.parametrize("name,content,words", [
    ("van-ban.docx", "Đây là văn bản thuần, không phải Word.\n".encode("utf-8"), "không phải văn bản Word dạng .docx"),
    ("cu.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "tệp Word cũ (.doc)"),
    ("rong.docx", b"", "tệp rỗng"),
    ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "tệp Word cũ (.doc)"),
])
def test_not_a_docx(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    commands = COMMANDS[1:] if name.endswith(".doc") else COMMANDS
    _all_refuse(path, tmp_path, words, commands=commands)


def _with_plan_json(good_docx: bytes, mutate) -> bytes:
    with zipfile.ZipFile(io.BytesIO(good_docx)) as archive:
        data = json.loads(archive.read("kehoach/plan.json"))
    content = mutate(data)
    return _rezip(good_docx, {"kehoach/plan.json": content if isinstance(content, bytes)
                              else json.dumps(content, ensure_ascii=False).encode("utf-8")})


def _deep(data):
    node = data["sections"][0]
    for _ in range(300):
        node["blocks"] = [{"label": "-", "text": "x"}]
        node = node["blocks"][0]
    return data


@pytest.mark.parametrize("name,mutate,words", [
    ("deep", _deep, "lồng nhau quá sâu"),
    ("year0", lambda d: {**d, "document": {**d["document"], "date": "0000-01-01"}}, "document.date"),
    ("injected", lambda d: {**d, "lenh": "rm -rf /"}, "'lenh'"),
    ("nan", lambda d: json.dumps(d).replace('"value": 95', '"value": NaN').encode(), "không phải một số"),
    ("control", lambda d: {**d, "document": {**d["document"], "title": "a\u0001b"}}, "document.title"),
    ("huge", lambda d: b'{"x": "' + b"a" * (limits.MAX_EMBEDDED_PLAN_BYTES + 10) + b'"}', "kehoach/plan.json"),
    ("not-json", lambda d: b"{khong phai json", "không phải JSON"),
    ("list", lambda d: b"[1, 2]", "nhóm trường"),
])
def test_embedded_plan_data_is_validated_like_any_input(tmp_path, good_docx, name, mutate, words):
    path = tmp_path / f"{name}.docx"
    path.write_bytes(_with_plan_json(good_docx, mutate))
    run = kehoach("import", path, "-o", tmp_path / "ra.yaml")
    assert_refused(run, words, str(path))
    assert not (tmp_path / "ra.yaml").exists()


def test_good_docx_still_imports_exactly(tmp_path, good_docx):
    path = tmp_path / "tot.docx"
    path.write_bytes(good_docx)
    run = kehoach("import", path, "-o", tmp_path / "ra.yaml")
    assert run.code == 0 and "khớp hoàn toàn" in run.out, run.text


def test_dangling_relationship_found_by_fuzzing(tmp_path, good_docx):
    """Fuzz seed 2377: a header reference whose relationship is gone made lint-docx exit 3 (KeyError 'rId9')."""
    import re

    with zipfile.ZipFile(io.BytesIO(good_docx)) as archive:
        rels = archive.read("word/_rels/document.xml.rels")
    cut = re.sub(rb'<Relationship [^>]*header1\.xml"[^>]*/>', b"", rels)
    assert cut != rels
    path = tmp_path / "thieu-lien-ket.docx"
    path.write_bytes(_rezip(good_docx, {"word/_rels/document.xml.rels": cut}))
    _all_refuse(path, tmp_path, "tham chiếu tới phần không có", commands=COMMANDS[:2])


def test_mangled_zip_version_found_by_fuzzing(tmp_path, good_docx):
    """Fuzz seed 275723: a central directory entry claiming zip version 12.1 made zipfile raise NotImplementedError."""
    data = bytearray(good_docx)
    central = data.rfind(b"PK\x01\x02")
    data[central + 6:central + 8] = (121).to_bytes(2, "little")  # "version needed to extract"
    path = tmp_path / "phien-ban-la.docx"
    path.write_bytes(bytes(data))
    _all_refuse(path, tmp_path, "tệp nén .docx bị hỏng")


def test_missing_required_attribute_found_by_fuzzing(tmp_path, good_docx):
    """Fuzz seed 157640: a w:headerReference without r:id made lint-docx exit 3 (python-docx InvalidXmlError)."""
    import re

    with zipfile.ZipFile(io.BytesIO(good_docx)) as archive:
        document = archive.read("word/document.xml")
    cut = re.sub(rb'(<w:headerReference [^>]*?) r:id="[^"]*"', rb"\1", document, count=1)
    assert cut != document
    path = tmp_path / "thieu-thuoc-tinh.docx"
    path.write_bytes(_rezip(good_docx, {"word/document.xml": cut}))
    assert_refused(kehoach("lint-docx", path), "sai cấu trúc", str(path))
