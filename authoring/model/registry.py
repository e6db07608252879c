"""Registry models: agencies (with validity dates and successors) and cited documents."""

# No `from __future__ import annotations`: pydantic would parse every field's annotation from text on each start-up.
from typing import Literal

from pydantic import Field

from .common import ItemId, Level, PartialDate, Status, Strict


class AgencyName(Strict):
    """An official name and the dates it was valid ({tinh} stands for the province's name)."""

    name: str
    valid_from: PartialDate | None = Field(None, alias="from")
    valid_until: PartialDate | None = Field(None, alias="until", description="Ngày thôi dùng tên này (không tính ngày này).")
    kinds: list[str] = Field([], description="Chỉ là tên ở các loại đơn vị này (phường: Phòng Kinh tế, Hạ tầng và Đô thị).")


class Successor(Strict):
    """Who took over an agency's function after a reorganisation."""

    id: str = Field(description="Mã cơ quan kế nhiệm.")
    scope: str | None = Field(None, description="Phần chức năng chuyển sang, vd. 'trẻ em, bảo trợ xã hội'.")
    children: bool = Field(False, description="True khi cơ quan kế nhiệm nhận lĩnh vực trẻ em.")
    status: Status = Status.CONFIRMED


class OrganIdentifier(Strict):
    """The electronic identifier (mã định danh, QĐ 20/2020/QĐ-TTg; 13 characters) of one concrete agency."""

    id: str = Field(pattern=r"^[0-9A-Z]{1,3}(\.[0-9A-Z]{1,3}){1,3}$", max_length=13,
                    description="Mã định danh điện tử, vd. '000.00.00.H49'.")
    province: str | None = Field(None, description="Tỉnh, thành phố của cơ quan (với loại cơ quan có {tinh}).")
    unit: str | None = Field(None, description="Xã, phường, huyện của cơ quan (với loại cơ quan cấp dưới).")
    source: str = Field(description="Nơi thấy mã này.")
    status: Status = Status.UNCONFIRMED


class Agency(Strict):
    """An agency kind at one level ("Sở Y tế" of whichever province the plan is in)."""

    id: ItemId
    names: list[AgencyName] = Field(min_length=1)
    aliases: list[str] = Field([], description="Cách viết tắt, cách viết khác gặp trong văn bản.")
    level: Level
    sector: str | None = Field(None, description="Lĩnh vực: y-te, giao-duc, tre-em, …")
    kind: str = Field("co-quan", description="co-quan, chinh-quyen, doan-the, tap-the (nhóm cơ quan), dang, khac")
    collective: bool = Field(False, description="True khi tên chỉ một nhóm: 'UBND các huyện, thành phố'.")
    counterparts: dict[str, str] = Field({}, description="Cơ quan tương ứng ở cấp khác: {tinh: so-y-te, xa: phong-van-hoa-xa-hoi}.")
    successors: list[Successor] = []
    valid_from: PartialDate | None = Field(None, alias="from")
    valid_until: PartialDate | None = Field(None, alias="until")
    source: str | None = None
    status: Status = Status.CONFIRMED
    note: str | None = None
    organ_ids: list[OrganIdentifier] = Field([], description="Mã định danh điện tử của từng cơ quan cụ thể, có nguồn.")
    review: Literal["pending"] | None = Field(None, description="pending: đơn vị thêm từ trang web, chờ Sở duyệt.")

    @property
    def current_name(self) -> str:
        return [n for n in self.names if not n.kinds][-1].name


class AgencyRegistry(Strict):
    agencies: list[Agency]


class CitedDocument(Strict):
    """An entry of the citation registry: the exact identity of a document."""

    id: ItemId
    type: str
    code: str | None = None
    date: PartialDate | None = None
    date_status: Status = Status.CONFIRMED
    issuer: str
    title: str
    signer: str | None = None
    effective: PartialDate | None = None
    miscited_as: list[str] = Field([], description="Số, ký hiệu sai thường gặp.")
    status: Status = Status.CONFIRMED
    source: str | None = None
    note: str | None = None
    review: Literal["pending"] | None = Field(None, description="pending: đơn vị thêm từ trang web, chờ Sở duyệt.")


class CitationRegistry(Strict):
    documents: list[CitedDocument]
