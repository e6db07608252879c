"""Drafting registries: the fields a parent may belong to (with their proposals), the roles of a unit's offices and
the competences of bodies."""

from __future__ import annotations

import re

from typing import Literal

from pydantic import Field

from .common import Strict


class FieldDuties(Strict):
    agency: str = Field(description="Mã cơ quan trong agencies.yaml, hoặc 'lead' (cơ quan chủ trì của tỉnh).")
    sentences: list[str] = Field(min_length=1)
    when: str | None = Field(None, description="Biểu thức chính quy: chỉ đề xuất khi văn bản cấp trên có các từ này.")


class Request(Strict):
    members: list[str] = Field(min_length=1)
    title: str
    sentence: str
    when: str | None = Field(None, description="Biểu thức chính quy: chỉ đề nghị khi lời văn bản cấp trên có các từ này.")


class TopicRequests(Strict):
    words: str = Field(description="Biểu thức chính quy: khi tên văn bản cấp trên có các từ này.")
    requests: list[Request]


class FieldDefaults(Strict):
    """The sentences kehoach may propose for a draft; a field without them uses the generic ones."""

    requirement: str | None = None
    lead_duty: str | None = None
    duties: list[FieldDuties] = []
    front: Request | None = None
    topic_requests: TopicRequests | None = None
    press: str | None = None
    budget: str | None = Field(None, description="Câu cho cơ quan giữ chức năng ngân sách (mục Kinh phí của dự thảo).")
    group: str | None = Field(None, description="Câu cho 'Các sở, ban, ngành' khi văn bản cấp trên giao chung các bộ, ngành.")
    sub: str | None = None
    unit_police: str | None = None
    unit_front: str | None = None
    unit_sub: str | None = None


class DraftField(FieldDefaults):
    id: str
    name: str
    words: list[str] = Field(min_length=1, description="Từ nhận ra lĩnh vực trong văn bản cấp trên.")
    lead: str | None = Field(None, description="Cơ quan chủ trì cấp tỉnh khi văn bản cấp trên không nói.")
    ministry: str | None = Field(None, description="Bộ nhận báo cáo khi văn bản cấp trên không nói.")
    source: str | None = None

    def pattern(self) -> re.Pattern:
        return re.compile("|".join(re.escape(w) for w in self.words), re.IGNORECASE)


class FieldRegistry(Strict):
    fields: list[DraftField]
    generic: FieldDefaults


class Swap(Strict):
    national: str
    province: str


class Head(Strict):
    """How a head's title is said once the body is the province's ("Bộ trưởng" before "Sở …" → "Giám đốc")."""

    national: str
    before: str
    province: str


class CentralOnly(Strict):
    """What only central bodies do (laws, decrees): such a ministry's task is not a department's."""

    products: str = Field(description="Biểu thức chính quy trên sản phẩm của nhiệm vụ.")
    words: str = Field(description="Biểu thức chính quy trên lời của nhiệm vụ.")

    def matches(self, text: str, products=()) -> bool:
        return bool(re.search(self.words, text) or any(re.search(self.products, p) for p in products))


class Localities(Strict):
    """How a national document names every province at once ("các địa phương"): the province's own government."""

    agency: str = Field(description="Mã cơ quan trong agencies.yaml (UBND tỉnh).")
    names: list[str] = Field(description="Các cách gọi chung.")


class Ranking(Strict):
    """How directly a parent's words reach a body, and how much reach earns it a heading of its own (issue 21)."""

    weights: dict[Literal["counterpart", "duty_words", "cooperating", "default", "budget", "peer", "learned"],
                  float] = Field(description="Trọng số mỗi nhiệm vụ theo cách văn bản cấp trên nói tới cơ quan.")
    share: float = Field(ge=0, le=1, description="Cơ quan có tổng trọng số dưới tỷ lệ này của cả dự thảo không có mục "
                                                 "riêng: nhiệm vụ của nó về cơ quan chủ trì, nó phối hợp.")
    cooperating: int = Field(ge=0, description="Số cơ quan phối hợp tối đa của một nhiệm vụ chia theo chức năng.")
    addressed: int = Field(ge=1, description="Văn bản cấp trên giao việc cho từ chừng này cơ quan cụ thể trở lên thì "
                                              "danh sách thường giao của lĩnh vực không được đề xuất.")
    asks: dict[Literal["press", "front", "group"], str] = Field(
        description="Nhóm khép lại danh sách → biểu thức chính quy: chỉ đề xuất khi lời văn bản cấp trên giao cho "
                    "tỉnh (xã) có các từ này.")
    reach: dict[Literal["press", "front"], str] = Field(
        {}, description="Với kế hoạch của địa phương khác (derive --peer) có nêu nhóm này: đề xuất cả khi lời văn bản "
                        "cấp trên nói tới chức năng của nhóm bằng các từ này (rộng hơn asks).")
    source: str


class RoleRegistry(Strict):
    swaps: list[Swap] = []
    heads: list[Head] = []
    central_only: CentralOnly | None = None
    localities: Localities | None = None
    offices: dict[str, dict[str, str]] = Field({}, description="Cấp → vai trò → mã cơ quan của chính đơn vị.")
    ranking: Ranking | None = None
    source: str | None = None


class Competence(Strict):
    """The subject matter one body holds by law, as the phrases a duty uses to name it."""

    agency: str = Field(description="Mã cơ quan trong agencies.yaml.")
    words: list[str] = Field(min_length=1, description="Cụm từ chỉ lĩnh vực cơ quan được giao quản lý.")
    certainty: Literal["C", "S", "U"] = Field(description="C đã đối chiếu, S theo tài liệu tóm lược, U suy luận.")
    source: str

    def pattern(self) -> re.Pattern:
        # Case kept: 'khoa học' is the subject matter, 'Sở Khoa học và Công nghệ' a body's name.
        return re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in self.words))


class CompetenceRegistry(Strict):
    """Who holds which subject matter at the province and at the commune (plans/registry/competences.yaml)."""

    source: str
    province: list[Competence]
    commune: list[Competence]


class ScaleRule(Strict):
    """One rule of the commune's words: what a province sentence says (a regular expression) and, for a rewrite,
    what the commune says instead."""

    words: str = Field(description="Biểu thức chính quy; {province} là tên tỉnh.")
    say: str | None = Field(None, description="Lời của xã ({unit}, {kind}, {own}, {villages}); chỉ ở rewrites.")
    why: str


class CommuneScale(Strict):
    """The province's words a commune's plan must not carry and how a commune says them (commune_scale.yaml)."""

    source: str
    villages: dict[str, str] = Field(description="Loại đơn vị cấp xã → các đơn vị dưới nó ('các thôn, tổ dân phố').")
    foreign: list[ScaleRule]
    rewrites: list[ScaleRule]
    dropped: list[ScaleRule]
    peers: str = Field(description="Biểu thức chính quy: lời đứng trước một sở khi sở là cơ quan cùng làm.")
