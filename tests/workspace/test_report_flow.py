"""Who may do what to a unit's report of results: the commune drafts, its head sends, the province accepts or
returns; nobody else, and not out of order."""

from __future__ import annotations

from datetime import date

import pytest

from authoring.workspace.accounts import Account
from authoring.workspace.report_flow import ResultsRow, allowed, edit_refusal, late

COMMUNE, PROVINCE, OTHER = 2, 1, 3


def person(unit: int, *roles: str) -> Account:
    return Account(1, "x", "X", unit, "đơn vị", "xa" if unit != PROVINCE else "tinh", "nghe-an", frozenset(roles))


def report(state: str) -> ResultsRow:
    return ResultsRow(plan_id=9, unit_id=COMMUNE, receiver_unit_id=PROVINCE, period="2026-H1", state=state,
                      text="kind: results\n", version=1)


@pytest.mark.parametrize("who, state, steps", [
    (person(COMMUNE, "soan-thao"), "draft", ["trinh"]),                # the chuyên viên submits to the head
    (person(COMMUNE, "lanh-dao"), "draft", ["duyet"]),
    (person(COMMUNE, "lanh-dao"), "returned", ["duyet"]),
    (person(COMMUNE, "lanh-dao"), "submitted", ["duyet", "tra-lai-du-thao"]),
    (person(COMMUNE, "nguoi-ky"), "reviewed", ["ky", "tra-lai-du-thao"]),
    (person(COMMUNE, "van-thu"), "signed", ["cap-so", "tra-lai-du-thao"]),
    (person(COMMUNE, "van-thu"), "issued", ["gui"]),
    (person(COMMUNE, "lanh-dao"), "issued", ["gui"]),
    (person(COMMUNE, "soan-thao"), "issued", []),
    (person(COMMUNE, "lanh-dao"), "sent", []),
    (person(PROVINCE, "soan-thao"), "sent", ["tiep-nhan", "tra-lai"]),
    (person(PROVINCE, "lanh-dao"), "draft", []),                        # a draft is not the province's yet
    (person(PROVINCE, "soan-thao"), "issued", []),                      # numbered, not sent yet
    (person(PROVINCE, "van-thu"), "sent", []),
    (person(OTHER, "lanh-dao"), "draft", []),                           # another commune
    (person(OTHER, "nguoi-ky"), "reviewed", []),
    (person(PROVINCE, "soan-thao"), "accepted", []),
])
def test_the_steps_each_person_may_take(who, state, steps):
    assert [s.id for s in allowed(who, report(state))] == steps


def test_the_reports_steps_are_the_plans_own_buttons_and_roles():
    from authoring.workspace import workflow
    from authoring.workspace.report_flow import STEPS

    for step in ("trinh", "duyet", "ky"):
        assert (STEPS[step].label, STEPS[step].roles) == (workflow.TRANSITIONS[step].label,
                                                          workflow.TRANSITIONS[step].role)


def test_figures_are_edited_by_the_communes_drafters_only_while_draft_or_returned():
    assert edit_refusal(person(COMMUNE, "soan-thao"), COMMUNE, report("draft")) is None
    assert edit_refusal(person(COMMUNE, "soan-thao"), COMMUNE, report("returned")) is None
    assert "Đã gửi cấp trên" in edit_refusal(person(COMMUNE, "lanh-dao"), COMMUNE, report("sent"))
    assert "«Trả lại dự thảo»" in edit_refusal(person(COMMUNE, "lanh-dao"), COMMUNE, report("signed"))
    assert "đơn vị khác" in edit_refusal(person(PROVINCE, "soan-thao"), COMMUNE, report("draft"))
    assert "Chỉ chuyên viên" in edit_refusal(person(COMMUNE, "van-thu"), COMMUNE, None)


def test_late_means_past_the_deadline_and_not_sent():
    today = date(2026, 7, 1)
    assert late(None, date(2026, 6, 15), today) and late(report("returned"), date(2026, 6, 15), today)
    assert not late(report("sent"), date(2026, 6, 15), today)
    assert late(report("issued"), date(2026, 6, 15), today)     # numbered but not sent: still late
    assert not late(None, date(2026, 7, 1), today) and not late(None, None, today)
