"""The printed pages as HTML (A4, ND30 layout), from the same printed-lines layer the DOCX is built from; and the
real printed pages («Xem trang in») made ahead, in the background, after each save of a plan someone looks at."""

from __future__ import annotations

import logging
import re
import threading
import time

from . import core, fragments

_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*")


def pieces(text: str | None) -> list[tuple[str, list[tuple[bool, str]]]]:
    """Text as printed, in runs: (style: '' / 'b' / 'i', [(is footnote mark, words)]) — **bold** and *italic* kept as
    such, footnote marks shown as superscript numbers (templates/_fragments/printed.html)."""
    text = text or ""
    runs, at = [], 0
    for match in _EMPHASIS.finditer(text):
        runs.append(("", text[at:match.start()]))
        runs.append(("b", match.group(1)) if match.group(1) else ("i", match.group(2)))
        at = match.end()
    runs.append(("", text[at:]))
    out = []
    for style, run in runs:
        if not run and not style:
            continue
        parts, last = [], 0
        for mark in core.FOOTNOTE_RE.finditer(run):
            parts += [(False, run[last:mark.start()]), (True, mark.group(1))]
            last = mark.end()
        parts.append((False, run[last:]))
        out.append((style, [(sup, words) for sup, words in parts if words or sup]))
    return out


def _paragraph(block, top_level: bool, last: bool) -> dict:
    """One body paragraph, laid out as the DOCX paragraph: bold head, then the text; (bold, text) parts."""
    title = core.printed_title(block, top_level)
    section = core.is_section_heading(block, top_level)
    text = block.text
    if last and text:
        text = core.with_end_mark(text)
    head = " ".join(p for p in (block.label, title) if p)
    if title:
        parts = [(True, head)]
        if text:
            parts += [(False, " " if title.endswith(":") else ": "), (top_level, text)]
    elif head and text:
        parts = [(False, f"{head} {text}")]
    else:
        parts = [(False, text or head)]
    return {"cls": "muc" if section else "nd", "parts": parts}


def _annex(loaded) -> dict:
    """The task annex as the DOCX lays it out: a landscape page, its title, the reference line, the task table."""
    plan = loaded.plan
    on = plan.document.date.to_date()

    def names(values) -> str:
        shown = []
        for value in values:
            agency_id = loaded.agency_id(value)
            shown.append(loaded.registry.agency_name(agency_id, on, plan.document.province)
                         if agency_id and agency_id == value else value)
        return "; ".join(shown)

    rows = []
    for number, (_, block) in enumerate(core.iter_tasks(plan), 1):
        task = block.task
        rows.append([str(number), core.strip_emphasis(block.title or block.text or ""), names(task.lead),
                     names(task.cooperating), task.timeframe or "", "; ".join(task.products)])
    return {"label": plan.annex.label, "title": plan.annex.title, "reference": core.annex_reference(plan),
            "columns": [title for title, _ in core.ANNEX_COLUMNS], "rows": rows}


def preview_html(plan, loaded=None) -> str:
    doc = plan.document
    flat = core.printed_blocks(plan)
    signature = ({"lines": plan.signature.authority + plan.signature.positions, "name": plan.signature.name}
                 if plan.signature else None)
    return fragments.render(
        "printed", pieces=pieces, issuer=core.header_lines(plan), governing=bool(doc.governing_body),
        number_line=core.number_line(plan), quoc_hieu=core.QUOC_HIEU_TEXT, tieu_ngu=core.TIEU_NGU_TEXT,
        date_line=core.date_line(plan), doc_type=doc.type.upper(), title=doc.title,
        paragraphs=[_paragraph(b, t, i == len(flat) - 1) for i, (b, t) in enumerate(flat)],
        recipients_label=core.RECIPIENTS_LABEL, recipients=core.recipient_lines(plan), signature=signature,
        footnotes=list(plan.footnotes.items()),
        annex=_annex(loaded) if loaded is not None and plan.annex is not None else None)


class PagesAhead:
    """Once someone has opened «Xem trang in» for a plan, each later save of it has its printed pages made in the
    background (one plan at a time, only its newest version, after *delay* s without a further save), so the next
    «Xem trang in» finds them made instead of waiting for LibreOffice. *build(plan_id, text, loaded)* makes them
    (PageImages.pages through the PDF converter); plans nobody looks at cost nothing."""

    def __init__(self, build, delay: float = 2.0, watched_max: int = 200):
        self.build = build
        self.delay = delay
        self.watched_max = watched_max
        self.watched: dict[int, None] = {}                 # plans whose printed pages were asked for, oldest first
        self.pending: dict[int, tuple[float, str, object]] = {}   # plan → (not before, text, loaded)
        self.cond = threading.Condition()
        self.thread: threading.Thread | None = None
        self.stopped = False

    def watch(self, plan_id: int) -> None:
        with self.cond:
            self.watched.pop(plan_id, None)
            self.watched[plan_id] = None
            while len(self.watched) > self.watched_max:
                self.watched.pop(next(iter(self.watched)))

    def saved(self, plan_id: int, text: str, loaded) -> bool:
        """A version of *plan_id* was saved: make its pages ahead if the plan is watched. True when scheduled."""
        if loaded is None:
            return False
        with self.cond:
            if plan_id not in self.watched or self.stopped:
                return False
            self.pending[plan_id] = (time.monotonic() + self.delay, text, loaded)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="kehoach-trang-in-truoc", daemon=True)
                self.thread.start()
            self.cond.notify()
            return True

    def take(self, plan_id: int, text: str) -> bool:
        """The request wants this very text now: drop it from the queue (the request makes it itself, or finds it
        made). True when it was waiting."""
        with self.cond:
            waiting = self.pending.get(plan_id)
            if waiting is not None and waiting[1] == text:
                del self.pending[plan_id]
                return True
            return False

    def stop(self) -> None:
        with self.cond:
            self.stopped = True
            self.pending.clear()
            self.cond.notify()

    def _run(self) -> None:
        while True:
            with self.cond:
                while not self.stopped:
                    now = time.monotonic()
                    due = [(at, plan_id) for plan_id, (at, _, _) in self.pending.items()]
                    if due and min(due)[0] <= now:
                        plan_id = min(due)[1]
                        _, text, loaded = self.pending.pop(plan_id)
                        break
                    self.cond.wait(timeout=(min(due)[0] - now) if due else 60)
                    if not due and not self.pending:
                        self.thread = None   # idle: the next save starts a new thread
                        return
                else:
                    return
            try:
                self.build(plan_id, text, loaded)
            except Exception:  # noqa: BLE001 — ahead of time only: the page makes them on request and says why not
                logging.getLogger(__name__).warning("Chưa làm trước được trang in của một kế hoạch; trang «Xem trang "
                                                    "in» sẽ làm khi được mở.", exc_info=True)
