"""Whether a plan is issued: its issue record is there and agrees with the number, the date and the content."""

import hashlib
import json
from typing import Literal

from .plan import Plan

IssueState = Literal["draft", "typed", "issued", "altered"]


def issue_digest(plan: Plan) -> str:
    """SHA-256 of the plan's content without its issue record (defaults left out, so new optional fields keep it)."""
    data = plan.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    data.get("document", {}).pop("issued", None)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def issue_state(plan: Plan) -> IssueState:
    """draft: no number, no record; typed: a number with no record; issued: the record agrees with the number, date
    and content; altered: the record is there but the number, the date or the content changed since."""
    doc = plan.document
    record = doc.issued
    if record is None:
        return "typed" if doc.number is not None else "draft"
    if record.number != doc.number or record.date != doc.date or record.digest != issue_digest(plan):
        return "altered"
    return "issued"


def is_issued(plan: Plan) -> bool:
    return issue_state(plan) == "issued"
