"""The signing step takes only the approved PDF, validly signed by the printed signer: what a signer uploads is
verified (pdf.verify), and a forged, a foreign, a wrong-version or a blank-signature PDF is refused with its reason."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from ws_support import derive_for, province_plan
from ws_fixtures import *  # noqa: F401,F403  (fixtures)


def _sign(pdf: bytes, p12: tuple[bytes, str], folder: Path, name: str) -> bytes:
    from authoring.pdf.signing import sign_pdf

    key = folder / f"{name}.p12"
    key.write_bytes(p12[0])
    return sign_pdf(pdf, key, p12[1], file=name).data


def _upload(user, plan: int, data: bytes):
    return user.form(f"/khong-gian/ke-hoach/{plan}/buoc/ky", files={"ban_ky": ("ban-ky.pdf", data, "application/pdf")},
                     follow_redirects=False)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_upload_is_refused_unless_it_is_the_approved_version_signed_by_the_printed_signer(users, p12, tmp_path):
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, NameObject, NumberObject

    so = users("cv.so")
    plan = derive_for(so, province_plan(so), ["xã Anh Sơn"])["xã Anh Sơn"]
    cv, ld, vt, nk = users("cv.anhson"), users("ld.anhson"), users("vt.anhson"), users("nk.anhson")
    assert cv.htmx(f"/ke-hoach/{plan}/truong", {"base": "1", "path": "signature.name", "v": "Đỗ Văn Hùng"}).status_code == 200
    older = cv.get(f"/ke-hoach/{plan}/tai/pdf?v=1").content          # printed "Họ và tên …": an earlier version
    assert ld.form(f"/khong-gian/ke-hoach/{plan}/buoc/duyet", follow_redirects=False).status_code == 303
    assert vt.form(f"/khong-gian/ke-hoach/{plan}/buoc/kiem-tra-the-thuc", follow_redirects=False).status_code == 303
    approved = cv.get(f"/ke-hoach/{plan}/tai/pdf").content

    stranger = make_p12("Phạm Văn Đức")
    wrong_version = _sign(older, p12, tmp_path, "ban-cu")
    foreign = _sign(approved, stranger, tmp_path, "nguoi-khac")
    good = _sign(approved, p12, tmp_path, "dung")
    forged = bytearray(good)
    at = forged.index(b"/Producer") + 2
    forged[at] = ord("X") if forged[at] != ord("X") else ord("Y")
    writer = PdfWriter(clone_from=io.BytesIO(approved))
    for ref in writer._root_object["/AcroForm"]["/Fields"]:
        if ref.get_object()["/T"] == "ChuKyNguoiKy":
            ref.get_object()[NameObject("/V")] = writer._add_object(DictionaryObject({
                NameObject("/Type"): NameObject("/Sig"), NameObject("/Filter"): NameObject("/Adobe.PPKLite"),
                NameObject("/SubFilter"): NameObject("/ETSI.CAdES.detached"),
                NameObject("/ByteRange"): ArrayObject([NumberObject(0)] * 4),
                NameObject("/Contents"): ByteStringObject(bytes(64))}))
    blank = io.BytesIO()
    writer.write(blank)

    for data, reason in ((bytes(forged), "đã bị sửa sau khi ký"), (foreign, "Phạm Văn Đức"),
                         (wrong_version, "không phải bản đã duyệt"), (blank.getvalue(), "chữ ký rỗng")):
        response = _upload(nk, plan, data)
        assert response.status_code == 409 and reason in response.text, response.text[-2000:]
        assert 'class="state s-form-checked"' in cv.get(f"/khong-gian/ke-hoach/{plan}").text   # still not signed
    response = _upload(nk, plan, good)
    assert response.status_code == 303, response.text[-2000:]
    assert 'class="state s-signed"' in cv.get(f"/khong-gian/ke-hoach/{plan}").text
    # the body's signature by another body's certificate: the signed result is verified, refused, nothing issued
    from authoring.text import vietnam_today

    other_body, other_password = make_p12("Ủy ban nhân dân tỉnh Lạng Sơn")
    response = vt.form(f"/khong-gian/ke-hoach/{plan}/buoc/ban-hanh",
                       {"ngay": vietnam_today().isoformat(), "mat_khau_chung_thu_co_quan": other_password},
                       files={"chung_thu_co_quan": ("co-quan.p12", other_body, "application/x-pkcs12")})
    assert response.status_code == 400 and "Ủy ban nhân dân tỉnh Lạng Sơn" in response.text, response.text[-1500:]
    assert 'class="state s-signed"' in cv.get(f"/khong-gian/ke-hoach/{plan}").text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_token_hand_off_offers_the_prepared_pdf_and_its_hash_and_takes_it_back_only_signed(users, p12, tmp_path):
    """A USB token's signing software works outside kehoach: the page offers the very PDF the signing step checks
    uploads against, with its SHA-256; signed by the printed signer it is taken, returned unsigned it is refused."""
    import hashlib

    so = users("cv.so")
    plan = derive_for(so, province_plan(so), ["xã Anh Sơn"])["xã Anh Sơn"]
    cv, ld, vt, nk = users("cv.anhson"), users("ld.anhson"), users("vt.anhson"), users("nk.anhson")
    assert cv.htmx(f"/ke-hoach/{plan}/truong", {"base": "1", "path": "signature.name", "v": "Đỗ Văn Hùng"}).status_code == 200
    assert ld.form(f"/khong-gian/ke-hoach/{plan}/buoc/duyet", follow_redirects=False).status_code == 303
    assert vt.form(f"/khong-gian/ke-hoach/{plan}/buoc/kiem-tra-the-thuc", follow_redirects=False).status_code == 303
    page = nk.get(f"/khong-gian/ke-hoach/{plan}").text
    assert f'href="/khong-gian/ke-hoach/{plan}/ban-de-ky"' in page and "USB token" in page
    offered = nk.get(f"/khong-gian/ke-hoach/{plan}/ban-de-ky")
    assert offered.status_code == 200 and offered.content.startswith(b"%PDF")
    assert offered.headers["x-kehoach-sha256"] == hashlib.sha256(offered.content).hexdigest()
    assert "attachment" in offered.headers["content-disposition"]
    assert nk.get(f"/khong-gian/ke-hoach/{plan}/ban-de-ky").content == offered.content   # the same bytes each time
    response = _upload(nk, plan, offered.content)   # not signed: refused, with its reason
    assert response.status_code == 409 and "chưa có chữ ký số nào" in response.text, response.text[-2000:]
    assert 'class="state s-form-checked"' in cv.get(f"/khong-gian/ke-hoach/{plan}").text
    response = _upload(nk, plan, _sign(offered.content, p12, tmp_path, "token"))
    assert response.status_code == 303, response.text[-2000:]
    assert 'class="state s-signed"' in cv.get(f"/khong-gian/ke-hoach/{plan}").text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("typed_date", [None, "06/01/2026"], ids=["year-only", "full-date"])
def test_a_number_typed_before_issue_is_refused_at_signing_naming_the_field(users, p12, tmp_path, typed_date):
    so = users("cv.so")
    plan = derive_for(so, province_plan(so), ["xã Anh Sơn"])["xã Anh Sơn"]
    cv, ld, vt, nk = users("cv.anhson"), users("ld.anhson"), users("vt.anhson"), users("nk.anhson")
    # a derived plan is dated by its year only until issue ("date: 2026"): a number typed now bypasses the register,
    # and so does a number typed with a full date: only «Cấp số và ban hành» gives one
    edits = [("signature.name", "Đỗ Văn Hùng"), ("document.number", "7")]
    edits += [("document.date", typed_date)] if typed_date else []
    for base, (path, value) in enumerate(edits, start=1):
        response = cv.htmx(f"/ke-hoach/{plan}/truong", {"base": str(base), "path": path, "v": value})
        assert response.status_code == 200, response.text[-800:]
    assert ld.form(f"/khong-gian/ke-hoach/{plan}/buoc/duyet", follow_redirects=False).status_code == 303
    assert vt.form(f"/khong-gian/ke-hoach/{plan}/buoc/kiem-tra-the-thuc", follow_redirects=False).status_code == 303
    offered = nk.get(f"/khong-gian/ke-hoach/{plan}/ban-de-ky")
    assert offered.status_code == 409 and "«Số»" in offered.text and "07" in offered.text, offered.text[-1500:]
    # and the DOCX the workspace gives prints it as a draft: «DỰ THẢO», no number
    docx = cv.get(f"/ke-hoach/{plan}/tai/docx")
    assert docx.status_code == 200
    xml = zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode("utf-8")
    assert "DỰ THẢO" in xml and "07/KH-UBND" not in xml
    response = _upload(nk, plan, b"%PDF-1.7\n")
    assert response.status_code == 409 and "«Số»" in response.text and "DỰ THẢO" in response.text
    assert 'class="state s-form-checked"' in cv.get(f"/khong-gian/ke-hoach/{plan}").text
