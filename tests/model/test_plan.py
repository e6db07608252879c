"""The plan model: citations, signatures, blocks."""

import pytest
from pydantic import ValidationError

from authoring.model import Citation, Signature
from authoring.model.plan import Block


@pytest.mark.parametrize("code, number, year, symbol", [
    ("2361/QĐ-TTg", "2361", None, "QĐ-TTg"),
    ("28-CT/TW", "28", None, "CT/TW"),
    ("13/2021/TT-BLĐTBXH", "13", "2021", "TT-BLĐTBXH"),
    ("55a/2013/QĐ-TTg", "55a", "2013", "QĐ-TTg"),
])
def test_citation_code_splits_into_number_year_and_symbol(code, number, year, symbol):
    c = Citation(type="Quyết định", code=code)
    assert (c.number, c.year, c.symbol) == (number, year, symbol)


def test_citation_rejects_a_code_with_a_space():
    with pytest.raises(ValidationError, match="không đúng dạng"):
        Citation(type="Quyết định", code="1309/QĐ- TTg")


def test_signature_authority_lines_need_a_known_prefix():
    Signature(authority=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], positions=["PHÓ CHỦ TỊCH"], name="A")
    with pytest.raises(ValidationError, match="TM., KT., TL., TUQ. hoặc Q."):
        Signature(authority=["THAY MẶT ỦY BAN"], positions=["CHỦ TỊCH"], name="A")


def test_block_without_any_content_is_rejected():
    with pytest.raises(ValidationError, match="không có nội dung"):
        Block(label="1.")


def test_unknown_keys_are_rejected_because_they_are_usually_typos():
    with pytest.raises(ValidationError):
        Block.model_validate({"text": "x", "txet": "y"})
