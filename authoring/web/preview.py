"""The printed pages as HTML (A4, ND30 layout), from the same printed-lines layer the DOCX is built from; and the
real printed pages («Xem trang in») made ahead, in the background, after each save of a plan someone looks at."""

from __future__ import annotations

import html
import logging
import re
import threading
import time

from . import core

_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*")


def _inline(text: str | None) -> str:
    """Text as printed: **bold** and *italic* kept as such, footnote marks as superscript numbers."""
    escaped = html.escape(text or "")
    escaped = _EMPHASIS.sub(lambda m: f"<b>{m.group(1)}</b>" if m.group(1) else f"<i>{m.group(2)}</i>", escaped)
    return core.FOOTNOTE_RE.sub(lambda m: f"<sup>{html.escape(m.group(1))}</sup>", escaped)


def _paragraph(block, top_level: bool, last: bool) -> str:
    """One body paragraph, laid out as the DOCX paragraph: bold head, then the text."""
    title = core.printed_title(block, top_level)
    section = core.is_section_heading(block, top_level)
    text = block.text
    if last and text:
        text = core.with_end_mark(text)
    head = " ".join(p for p in (block.label, title) if p)
    if title:
        body = f"<b>{_inline(head)}</b>"
        if text:
            sep = " " if title.endswith(":") else ": "
            body += sep + (f"<b>{_inline(text)}</b>" if top_level else _inline(text))
    elif head and text:
        body = _inline(f"{head} {text}")
    else:
        body = _inline(text or head)
    return f'<p class="{"muc" if section else "nd"}">{body}</p>'


def annex_html(loaded) -> str:
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

    head = "".join(f"<th>{html.escape(title)}</th>" for title, _ in core.ANNEX_COLUMNS)
    rows = []
    for number, (_, block) in enumerate(core.iter_tasks(plan), 1):
        task = block.task
        cells = [str(number), core.strip_emphasis(block.title or block.text or ""), names(task.lead),
                 names(task.cooperating), task.timeframe or "", "; ".join(task.products)]
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    return (f'<div class="a4 ngang"><div class="pl">{html.escape(plan.annex.label)}</div>'
            f'<div class="pl-ten">{html.escape(plan.annex.title)}</div>'
            f'<div class="pl-kem">{html.escape(core.annex_reference(plan))}</div>'
            f'<table class="pl-bang"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def preview_html(plan, loaded=None) -> str:
    doc = plan.document
    issuer = core.header_lines(plan)
    left = "".join(f'<div class="{"cq-chu-quan" if doc.governing_body and i == 0 else "cq"}">{html.escape(line)}</div>'
                   for i, line in enumerate(issuer))
    flat = core.printed_blocks(plan)
    body = "".join(_paragraph(b, t, i == len(flat) - 1) for i, (b, t) in enumerate(flat))
    recipients = "".join(f"<div>{_inline(line)}</div>" for line in core.recipient_lines(plan))
    signature = ""
    if plan.signature:
        sig = plan.signature
        signature = ("".join(f"<div class='tq'>{html.escape(line)}</div>" for line in sig.authority + sig.positions)
                     + f"<div class='ky-space'></div><div class='ten'>{html.escape(sig.name)}</div>")
    notes = "".join(f"<div class='fn'><sup>{html.escape(k)}</sup> {_inline(v)}</div>" for k, v in plan.footnotes.items())
    return f"""<div class="a4" lang="vi">
<table class="hdr"><tr><td class="l">{left}<div class="rule"></div><div class="so">{html.escape(core.number_line(plan))}</div></td>
<td class="r"><div class="qh">{core.QUOC_HIEU_TEXT}</div><div class="tn">{core.TIEU_NGU_TEXT}</div>
<div class="rule long"></div><div class="ngay">{html.escape(core.date_line(plan))}</div></td></tr></table>
<div class="loai">{html.escape(doc.type.upper())}</div><div class="trich-yeu">{_inline(doc.title)}</div><div class="rule mid"></div>
<div class="body">{body}</div>
<table class="ket"><tr><td class="noi-nhan"><div class="nn-label">{html.escape(core.RECIPIENTS_LABEL)}</div>{recipients}</td>
<td class="ky">{signature}</td></tr></table>
{f'<div class="footnotes">{notes}</div>' if notes else ''}
</div>{annex_html(loaded) if loaded is not None and plan.annex is not None else ''}"""


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
