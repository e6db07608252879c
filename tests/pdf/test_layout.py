"""Pages that hold together, read off the real PDF (LibreOffice → pypdf, page by page).

- the closing block (Nơi nhận + signature) is never split and never opens a page without body text before it;
- a numbered heading line never ends a page (its next line is on the same page);
- on the five examples, on a commune plan derived from Nghệ An, and on plans built so that the closing block
  falls at every position across a page break.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from authoring.loading import load_plan_or_raise
from authoring.pdf.convert import docx_to_pdf
from authoring.render.docx import body_paragraphs, render_docx
from authoring.render.plain import strip_emphasis
from authoring.model.plan import strip_footnote_marks
from helpers import EXAMPLES, FIXTURES, MINIMAL, example


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_lines(pdf: Path) -> list[list[str]]:
    """The text lines of each page, whitespace normalised, empty lines dropped."""
    return [[_norm(line) for line in page.extract_text().splitlines() if line.strip()]
            for page in PdfReader(str(pdf)).pages]


def _page_of(pages: list[list[str]], predicate, last: bool = False) -> tuple[int, int] | None:
    order = range(len(pages) - 1, -1, -1) if last else range(len(pages))
    for index in order:
        for line_no, line in enumerate(pages[index]):
            if predicate(line):
                return index, line_no
    return None


def closing_problems(pages: list[list[str]], signer: str) -> list[str]:
    """What is wrong with the closing block's pages, in words (empty: nothing)."""
    head = _page_of(pages, lambda line: line.startswith("Nơi nhận:"), last=True)
    archive = _page_of(pages, lambda line: line.startswith("- Lưu:"), last=True)
    name = _page_of(pages, lambda line: line == signer, last=True)
    if head is None or archive is None or name is None:
        return [f"không thấy khối kết thúc (Nơi nhận {head}, Lưu {archive}, người ký {name})"]
    problems = []
    if not head[0] == archive[0] == name[0]:
        problems.append(f"khối kết thúc bị tách: Nơi nhận trang {head[0] + 1}, Lưu trang {archive[0] + 1}, "
                        f"người ký trang {name[0] + 1}")
    before = [line for line in pages[head[0]][:head[1]] if not line.isdigit()]
    if not before:
        problems.append(f"khối kết thúc mở đầu trang {head[0] + 1}, không có dòng nội dung nào trước nó")
    return problems


def heading_problems(pages: list[list[str]], headings: list[tuple[str, str]]) -> list[str]:
    """Headings whose next paragraph starts on another page. *headings*: (heading line, start of next paragraph)."""
    problems = []
    for heading, following in headings:
        at = _page_of(pages, lambda line: line == heading)
        if at is None:
            continue
        page, line_no = at
        rest = pages[page][line_no + 1:]
        if not rest or not rest[0].startswith(following[:12]):
            problems.append(f"đề mục '{heading}' cuối trang {page + 1}")
    return problems


def heading_pairs(plan) -> list[tuple[str, str]]:
    """(printed heading line, start of the next paragraph) for every heading-only paragraph of a plan."""
    paragraphs = body_paragraphs(plan)
    pairs = []
    for this, after in zip(paragraphs, paragraphs[1:]):
        if this["style"] in ("muc", "khoan"):
            pairs.append((_norm(_plain(this)), _norm(_plain(after))))
    return pairs


def _plain(paragraph) -> str:
    from authoring.render.plain import block_line

    block = paragraph["plain"]
    top = paragraph["style"] == "muc"
    return strip_emphasis(strip_footnote_marks(block_line(block, top)))


@pytest.fixture(scope="session")
def layout_pdfs(rendered, tmp_path_factory):
    """The five examples and two derived commune plans (from Nghệ An, from the province fixture), as PDFs."""
    from authoring.lifecycle.derive import derive

    out = tmp_path_factory.mktemp("layout")
    plans = {stem: load_plan_or_raise(path) for stem, path in ((p.stem, p) for p in EXAMPLES)}
    for stem, parent, unit in (("xa-hung-nguyen-nghe-an", example("nghe-an"), "xã Hưng Nguyên"),
                               ("xa-loc-binh-lang-son", FIXTURES / "check" / "parent.yaml", "xã Lộc Bình")):
        derived = out / f"{stem}.yaml"
        text, _ = derive(load_plan_or_raise(parent), unit, derived)
        derived.write_text(text, encoding="utf-8")
        plans[stem] = load_plan_or_raise(derived)
    pairs = []
    for stem, loaded in plans.items():
        docx = out / f"{stem}.docx"
        docx.write_bytes(render_docx(loaded))
        pairs.append((docx, out / f"{stem}.pdf"))
    docx_to_pdf(pairs)
    return {stem: (plans[stem], out / f"{stem}.pdf") for stem in plans}


def test_no_example_or_derived_plan_splits_its_closing_or_strands_a_heading(layout_pdfs):
    assert {"xa-hung-nguyen-nghe-an", "xa-loc-binh-lang-son"} <= set(layout_pdfs)
    report = {}
    for stem, (loaded, pdf) in layout_pdfs.items():
        pages = page_lines(pdf)
        problems = closing_problems(pages, loaded.plan.signature.name)
        problems += heading_problems(pages, heading_pairs(loaded.plan))
        if problems:
            report[stem] = problems
    assert report == {}


FILLER = "Tuyên truyền, phổ biến pháp luật về trẻ em tới cha mẹ, người chăm sóc trẻ em trên địa bàn xã."


def _variant(extra: int) -> str:
    """The minimal plan with *extra* one-line paragraphs before its last heading and long recipients."""
    text = MINIMAL.read_text(encoding="utf-8")
    fillers = "".join(f"      - label: \"-\"\n        text: {FILLER}\n" for _ in range(extra))
    marker = "  - label: II.\n"
    text = text.replace(marker, "      - label: \"-\"\n        text: Đoạn mở đầu phần bổ sung.\n" + fillers + marker, 1)
    recipients = "".join(f"  - {{name: Ủy ban Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị - xã hội xã số {i}}}\n"
                         for i in range(1, 6))
    return text.replace("recipients:\n", "recipients:\n" + recipients, 1)


@pytest.fixture(scope="session")
def boundary_pdfs(tmp_path_factory):
    """Plans whose closing block lands at every line position across the page 1 → 2 and 2 → 3 breaks."""
    out = tmp_path_factory.mktemp("boundary")
    counts = list(range(12, 34)) + list(range(45, 64, 2))
    pairs, plans = [], {}
    for extra in counts:
        source = out / f"bien-{extra:02d}.yaml"
        source.write_text(_variant(extra), encoding="utf-8")
        loaded = load_plan_or_raise(source)
        docx = source.with_suffix(".docx")
        docx.write_bytes(render_docx(loaded))
        pairs.append((docx, source.with_suffix(".pdf")))
        plans[extra] = loaded
    docx_to_pdf(pairs)
    return {extra: (plans[extra], out / f"bien-{extra:02d}.pdf") for extra in counts}


def test_closing_block_holds_together_at_every_position_across_a_page_break(boundary_pdfs):
    report, starts = {}, set()
    for extra, (loaded, pdf) in boundary_pdfs.items():
        pages = page_lines(pdf)
        problems = closing_problems(pages, loaded.plan.signature.name)
        problems += heading_problems(pages, heading_pairs(loaded.plan))
        head = _page_of(pages, lambda line: line.startswith("Nơi nhận:"), last=True)
        starts.add(head[0])
        if problems:
            report[extra] = problems
    assert report == {}
    # The variants really do push the closing block over page breaks (it lands on pages 1, 2 and 3).
    assert {0, 1, 2} <= starts or {1, 2} <= starts


def test_annex_table_repeats_its_header_row_on_every_page(tmp_path):
    """40 tasks fill several landscape pages; each page of the annex starts with the table's header row."""
    text = (FIXTURES / "annex.yaml").read_text(encoding="utf-8")
    tasks = "".join(
        f"      - id: nv-{n}\n        label: \"{n}.\"\n        text: Nhiệm vụ thử số {n} về bảo vệ, chăm sóc trẻ em "
        f"tại các xã, phường trên địa bàn tỉnh.\n        task: {{lead: so-y-te, cooperating: [so-vhttdl], "
        f"timeframe: Quý II/2026, products: [Báo cáo]}}\n" for n in range(3, 43))
    text = text.replace("recipients:\n", tasks + "recipients:\n", 1)
    source = tmp_path / "phu-luc.yaml"
    source.write_text(text, encoding="utf-8")
    docx = tmp_path / "phu-luc.docx"
    docx.write_bytes(render_docx(load_plan_or_raise(source)))
    docx_to_pdf([(docx, tmp_path / "phu-luc.pdf")])
    pages = page_lines(tmp_path / "phu-luc.pdf")
    first = next(i for i, page in enumerate(pages) if any(line.startswith("DANH MỤC NHIỆM VỤ") for line in page))
    annex = pages[first:]
    assert len(annex) >= 2
    for page in annex:
        assert any("Cơ quan chủ trì" in line for line in page[:8]), page[:8]


def test_footnote_numbers_are_raised_in_the_footnote_area_too(pdfs):
    """LibreOffice prints a footnote's own number with Word's built-in "footnote reference" style: the template's
    style carries that name, so the number is small and raised, as in the text."""
    import subprocess

    pdf = pdfs[example("kon-tum").stem]
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)
    starts = [words[i] for i in range(len(words) - 2)
              if (words[i][4], words[i + 1][4], words[i + 2][4]) == ("Các", "sở,", "ngành:")]   # "2 Các sở, ngành: …"
    assert len(starts) == 1
    x0, y0, _, y1, _ = (float(v) if n < 4 else v for n, v in enumerate(starts[0]))
    numbers = [w for w in words if w[4] == "2" and 0 < x0 - float(w[2]) < 12 and abs(float(w[3]) - y1) < 12]
    assert len(numbers) == 1, numbers
    _, ny0, _, ny1, _ = numbers[0]
    # smaller than the text, and its foot above the text's (pdftotext measures y downwards)
    assert float(ny1) - float(ny0) < 0.8 * (y1 - y0) and float(ny1) < y1 - 1


MAX_BLANK = 0.25   # of the text area's height, at the foot of a page that is not the last


def _page_blanks(pdf: Path) -> list[dict]:
    """For each page (pdfplumber words): the blank under its lowest text line as a share of the text area, the top
    of its first body line, the top of "Nơi nhận:" (None if absent), the lowest line, and whether it is landscape."""
    import pdfplumber

    from authoring import nd30

    top = nd30.PRINTED_MARGINS_TWIPS["top"] / 20
    bottom_margin = nd30.PRINTED_MARGINS_TWIPS["bottom"] / 20
    out = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            words = [w for w in page.extract_words() if w["bottom"] > top]   # not the page number above the text
            area_bottom = float(page.height) - bottom_margin
            lowest = max(w["bottom"] for w in words)
            heads = [w["top"] for w, after in zip(words, words[1:]) if (w["text"], after["text"]) == ("Nơi", "nhận:")]
            out.append({"blank": (area_bottom - lowest) / (area_bottom - top), "space": area_bottom - lowest,
                        "first": min(w["top"] for w in words), "lowest": lowest, "closing": heads[-1] if heads else None,
                        "lead": _lines([w for w in words if heads and w["bottom"] < heads[-1] - 1]),
                        "landscape": page.width > page.height})
    return out


def _lines(words: list[dict]) -> list[str]:
    rows: dict[int, list[dict]] = {}
    for word in words:
        rows.setdefault(next((k for k in rows if abs(k - word["top"]) <= 2), round(word["top"])), []).append(word)
    return [_norm(" ".join(w["text"] for w in sorted(rows[k], key=lambda w: w["x0"]))) for k in sorted(rows)]


def blank_problems(pages: list[dict], headings: set[str]) -> list[str]:
    """Pages but the last left more than MAX_BLANK blank at the foot, unless what opens the next page had to go
    together: the closing block after at most two body lines (headings kept with them aside), taller than the
    room left; or the next page turns landscape (an annex)."""
    from authoring import nd30

    problems = []
    for number, (page, after) in enumerate(zip(pages, pages[1:]), start=1):
        if page["blank"] <= MAX_BLANK or after["landscape"] != page["landscape"]:
            continue
        body = [line for line in after["lead"] if line not in headings]
        # at the top of a page the first paragraph's space before is dropped; lower on a page it is not
        needed = after["lowest"] - after["first"] + nd30.MIN_PARAGRAPH_SPACING_PT
        forced = after["closing"] is not None and len(body) <= 2 and needed > page["space"]
        if not forced:
            problems.append(f"trang {number} trống {page['blank']:.0%} ở cuối; trang sau mở đầu bằng "
                            f"{len(after['lead'])} dòng")
    return problems


def test_no_page_but_the_last_is_left_more_than_a_quarter_blank_unless_the_closing_block_forces_it(layout_pdfs,
                                                                                                   boundary_pdfs):
    """Only the last two lines of the last paragraph go with the closing block: a page left more than a quarter
    blank is one the block (with those lines and the headings they keep) could not fit in, or the one before an
    annex's landscape section. On the examples, the derived communes and the 32 plans whose closing block falls at
    every line across a page break."""
    report, figures = {}, {}
    for stem, (loaded, pdf) in {**layout_pdfs, **{f"bien-{n}": v for n, v in boundary_pdfs.items()}}.items():
        pages = _page_blanks(pdf)
        figures[stem] = [round(100 * p["blank"]) for p in pages[:-1]]
        problems = blank_problems(pages, {heading for heading, _ in heading_pairs(loaded.plan)})
        if problems:
            report[stem] = problems
    assert report == {}, (report, figures)
    # what this was written for: the whole last paragraph no longer goes with the block
    assert max(figures["dak-nong-2021-kh-chua-so"]) < 33 and max(figures["lang-son-2019-kh-chua-so"]) < 27, figures


def test_a_last_paragraph_that_cannot_be_read_back_keeps_the_first_layout(rendered, tmp_path, monkeypatch):
    """Laying the last paragraph out again is a better page break, never a reason for no PDF."""
    import authoring.pdf.tail as tail

    def broken(pdf):
        raise ValueError("PDF lạ")

    monkeypatch.setattr(tail, "closing_page_lead", broken)
    target = tmp_path / "dak-nong.pdf"
    docx_to_pdf([(rendered[example("dak-nong").stem], target)])
    assert PdfReader(str(target)).pages and any("Nơi nhận:" in line for line in page_lines(target)[-1])
