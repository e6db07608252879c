"""The plan model: one Kế hoạch (or higher-level directive) as typed data."""

# No `from __future__ import annotations`: pydantic would parse every field's annotation from text on each start-up.
import re
from typing import Iterator, Literal

from pydantic import Field, field_validator, model_validator

from .. import nd30

from .common import (
    AgencyList, Comparator, DayMonth, ItemId, Level, PartialDate, RefText, ReportPeriod, ShortLine, Status, Strict,
    TitleLine, Year,
)

_CODE_RE = re.compile(r"^(?P<number>\d+[a-zA-Z]?)(?:/(?P<year>\d{4}))?(?P<sep>[/-])(?P<symbol>\S+)$")
FOOTNOTE_RE = re.compile(r"\[\^([^\]]+)\]")


def strip_footnote_marks(text: str) -> str:
    """Text without ``[^id]`` footnote markers."""
    return FOOTNOTE_RE.sub("", text)


class Link(Strict):
    """A link from a local item to the parent item it takes up."""

    ref: RefText = Field(description="Mã mục cấp trên, dạng TÀI-LIỆU#MÃ-MỤC (vd. QD-23-2021#8b).")
    fingerprint: str | None = Field(None, description="Dấu vân tay của mục cấp trên khi liên kết được xác nhận.")


class Citation(Strict):
    """A document cited in the legal bases or the text (văn bản được dẫn chiếu)."""

    id: ItemId | None = None
    verb: str | None = Field(None, description="Động từ mở đầu căn cứ: Căn cứ, Thực hiện, …")
    type: ShortLine = Field(description="Tên loại văn bản: Luật, Nghị định, Quyết định, Chỉ thị, Kế hoạch, …")
    code: ShortLine | None = Field(None, description="Số, ký hiệu như văn bản viết: 2361/QĐ-TTg, 28-CT/TW, 13/2021/TT-BLĐTBXH.")
    date: PartialDate | None = Field(None, description="Ngày ban hành.")
    issuer: ShortLine | None = Field(None, description="Cơ quan hoặc người có thẩm quyền ban hành.")
    title: str | None = Field(None, description="Trích yếu hoặc tên văn bản.")
    registry: str | None = Field(None, description="Mã văn bản trong danh mục trích dẫn (plans/registry/citations.yaml).")
    status: Status | None = None
    note: str | None = None

    @field_validator("code")
    @classmethod
    def _code_shape(cls, value: str | None) -> str | None:
        if value is not None and not _CODE_RE.match(value):
            raise ValueError(f"số, ký hiệu '{value}' không đúng dạng; ví dụ: 2361/QĐ-TTg, 28-CT/TW, 56/2017/NĐ-CP")
        return value

    def _code_part(self, name: str) -> str | None:
        match = _CODE_RE.match(self.code) if self.code else None
        return match.group(name) if match else None

    @property
    def number(self) -> str | None:
        return self._code_part("number")

    @property
    def year(self) -> str | None:
        return self._code_part("year")

    @property
    def symbol(self) -> str | None:
        return self._code_part("symbol")


class Target(Strict):
    """A target (chỉ tiêu): indicator, value, unit, direction, year."""

    id: ItemId
    indicator: str | None = Field(None, description="Tên chỉ tiêu; mặc định là câu văn của mục chứa nó.")
    indicator_code: ShortLine | None = Field(None, description="Chỉ tiêu thống kê quốc gia mà chỉ tiêu này đo (theo "
                                             "danh mục chỉ tiêu thống kê về trẻ em của kehoach).")
    value: float | None = Field(None, description="Giá trị cam kết (số).")
    range: list[float] | None = Field(None, min_length=2, max_length=2,
                                      description="Khoảng giá trị khi văn bản ghi 'từ … đến …', vd. [12, 15].")
    unit: ShortLine | None = Field(None, description="Đơn vị: %, ‰, trẻ em, xã, …")
    comparator: Comparator = Field(description="Chiều của chỉ tiêu: at_least, above, reach, at_most, below, reduce_by, qualitative.")
    year: Year | None = Field(None, description="Năm phải đạt.")
    period: str | None = Field(None, description="Giai đoạn, vd. 2021-2025.")
    scope: str | None = Field(None, description="Phạm vi, vd. toàn tỉnh, các phường.")
    status: Status | None = None
    source: str | None = None
    note: str | None = None
    links: list[Link] = []
    derived: str | None = Field(None, description="Lý do khi chỉ tiêu không lấy từ văn bản cấp trên.")

    @field_validator("range")
    @classmethod
    def _range_order(cls, value):
        if value is not None and value[0] > value[1]:
            raise ValueError(f"khoảng {value} phải viết số nhỏ trước, số lớn sau")
        return value


class Task(Strict):
    """A task (nhiệm vụ): who leads it, who cooperates, when, what it produces."""

    lead: AgencyList = Field([], description="Cơ quan chủ trì.")
    cooperating: AgencyList = Field([], description="Cơ quan phối hợp.")
    timeframe: str | None = Field(None, description="Thời gian thực hiện, vd. 'Hằng năm', 'Quý II/2024', '2021-2025'.")
    products: list[str] = Field([], description="Sản phẩm.")
    purpose: str | None = Field(None, description="Mục đích (khi văn bản tách riêng).")
    status: Status | None = None
    source: str | None = None
    links: list[Link] = []
    derived: str | None = None


class Reporting(Strict):
    """A reporting obligation (chế độ báo cáo): who, to whom, through whom, what, how often, by when."""

    id: ItemId
    from_: AgencyList = Field(alias="from", description="Cơ quan, đơn vị phải báo cáo.")
    to: AgencyList = Field(description="Nơi nhận báo cáo.")
    via: AgencyList = Field([], description="Báo cáo qua cơ quan nào (qua Sở …).")
    subject: str | None = Field(None, description="Nội dung báo cáo.")
    period: ReportPeriod = Field(description="Kỳ báo cáo: 6_thang, nam, quy, thang, so_ket, tong_ket, dinh_ky, dot_xuat.")
    due: DayMonth | None = Field(None, description="Hạn nộp trong năm, NGÀY/THÁNG (trước ngày …).")
    due_year: Year | None = Field(None, description="Năm của hạn nộp khi văn bản ghi rõ năm.")
    status: Status | None = None
    source: str | None = None
    links: list[Link] = []
    derived: str | None = None


class BudgetLine(Strict):
    name: ShortLine
    amount: int = Field(ge=0, description="Số tiền, đồng.")


class Budget(Strict):
    """Budget (kinh phí): sources, optional line items in đồng, total."""

    sources: list[Literal["ngan_sach_nha_nuoc", "ngan_sach_trung_uong", "ngan_sach_dia_phuong", "long_ghep",
                          "tai_tro", "xa_hoi_hoa", "hop_phap_khac"]] = Field(
        [], description="Nguồn kinh phí.")
    lines: list[BudgetLine] = []
    total: int | None = Field(None, ge=0, description="Tổng kinh phí, đồng.")


class Block(Strict):
    """One paragraph or numbered item of the body, with the typed facts it states.

    The text is what the document prints; typed fields (targets, task, agency, reporting,
    budget) are what checks and derived plans read.
    """

    id: ItemId | None = None
    label: ShortLine | None = Field(None, description="Số thứ tự như văn bản in: 'I.', '1.', '1.1.', 'a)', '-', '+'.")
    title: str | None = Field(None, description="Tiêu đề của mục (in đậm khi là mục có tên).")
    text: str | None = Field(None, description="Nội dung. Chú thích cuối trang viết [^mã].")
    blocks: list["Block"] = Field([], description="Các mục con, theo thứ tự văn bản.")
    targets: list[Target] = []
    task: Task | None = None
    agency: AgencyList = Field([], description="Cơ quan được giao nhiệm vụ ở mục này; các mục con là nhiệm vụ của cơ quan.")
    reporting: list[Reporting] = []
    budget: Budget | None = None
    status: Status | None = None
    source: str | None = None
    links: list[Link] = []
    derived: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _has_content(self):
        if not (self.title or self.text or self.blocks):
            raise ValueError("mục không có nội dung: cần ít nhất một trong title, text hoặc blocks")
        return self

    def walk(self) -> Iterator["Block"]:
        yield self
        for child in self.blocks:
            yield from child.walk()


class Issuer(Strict):
    agency: ShortLine = Field(description="Mã cơ quan ban hành trong danh mục (vd. ubnd-tinh) hoặc tên.")
    name: ShortLine = Field(description="Tên đầy đủ: Ủy ban nhân dân tỉnh Nghệ An.")
    header: list[ShortLine] | None = Field(None, description="Các dòng tên cơ quan in ở góc trái, nếu khác mặc định.")


class Period(Strict):
    start: Year = Field(alias="from")
    end: Year = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self):
        if self.start > self.end:
            raise ValueError(f"giai đoạn {self.start}-{self.end}: năm bắt đầu phải trước năm kết thúc")
        return self


class IssueRecord(Strict):
    """The mark that issuing wrote: what the register gave, who gave it, and a digest of the content issued."""

    number: int = Field(ge=1, description="Số sổ đăng ký đã cấp.")
    date: PartialDate = Field(description="Ngày ban hành đã cấp (đủ ngày, tháng, năm).")
    by: ShortLine = Field(description="Ai cấp: 'kehoach issue', sổ đăng ký của đơn vị, hay bản gốc đã ban hành.")
    digest: str = Field(pattern=r"^sha256:[0-9a-f]{64}$", description="Mã băm nội dung đã ban hành (kehoach tính).")

    @field_validator("date")
    @classmethod
    def _full_date(cls, value: PartialDate) -> PartialDate:
        if not value.is_complete:
            raise ValueError("ngày ban hành đã cấp phải đủ ngày, tháng, năm")
        return value


class Document(Strict):
    """Identity of the document: who issues it, its number, place, date and title."""

    type: ShortLine = Field("Kế hoạch", description="Tên loại văn bản.")
    issuer: Issuer
    governing_body: ShortLine | None = Field(None, description="Cơ quan chủ quản in phía trên (chỉ với Sở): 'UBND TỈNH NGHỆ AN'.")
    number: int | None = Field(None, ge=1, description="Số văn bản; để trống trước khi ban hành.")
    number_year: Year | None = Field(None, description="Năm in trong số của văn bản quy phạm pháp luật: 2022 trong 10/2022/TT-BLĐTBXH.")
    symbol: ShortLine = Field(description="Ký hiệu: KH-UBND, KH-SYT, …")
    place: ShortLine | None = Field(None, description="Địa danh ghi ở dòng ngày tháng.")
    date: PartialDate = Field(description="Ngày ban hành; 2024 hoặc 2021-02 khi ngày, tháng còn để trống.")
    title: TitleLine = Field(description="Trích yếu nội dung.")
    level: Level
    province: ShortLine | None = Field(None, description="Tỉnh, thành phố của cơ quan ban hành.")
    district: ShortLine | None = None
    commune: ShortLine | None = None
    period: Period | None = None
    issued: IssueRecord | None = Field(None, description="Dấu ban hành: chỉ kehoach issue và sổ đăng ký của không gian "
                                                         "làm việc ghi; có số mà không có dấu khớp thì văn bản in «DỰ THẢO», không in số.")

    @field_validator("symbol")
    @classmethod
    def _symbol_shape(cls, value: str) -> str:
        # The shape is the decree's (nd30.SYMBOL_RE): KH-UBND, CT/TW, TTr-CAT(PC04), QĐ-UBND.VX, CV-SYT/NVY.
        if not nd30.SYMBOL_RE.match(value):
            raise ValueError(f"ký hiệu '{value}' không đúng dạng; ví dụ {nd30.SYMBOL_EXAMPLE}, TTr-CAT(PC04), "
                             "QĐ-UBND.VX (các nhóm chữ nối bằng '-' hoặc '/', không có dấu cách)")
        return value


class Recipient(Strict):
    """One line under "Nơi nhận:"."""

    name: ShortLine = Field(description="Tên nơi nhận như in: 'Bộ LĐ-TB&XH', 'Như Mục IV'.")
    purpose: ShortLine | None = Field(None, description="Mục đích gửi như in trong ngoặc: 'để b/c', 'p/h'.")
    agency: AgencyList = Field([], description="Cơ quan trong danh mục mà dòng này chỉ tới.")


class Signature(Strict):
    """Signature block (quyền hạn, chức vụ, họ tên)."""

    authority: list[ShortLine] = Field([], description="Dòng thẩm quyền: 'TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH'.")
    positions: list[ShortLine] = Field(description="Chức vụ người ký: 'PHÓ CHỦ TỊCH'.")
    name: ShortLine = Field(description="Họ tên người ký.")

    @field_validator("authority")
    @classmethod
    def _authority_prefix(cls, value: list[str]) -> list[str]:
        for line in value:
            if not nd30.AUTHORITY_RE.match(line):
                raise ValueError(f"dòng thẩm quyền '{line}' phải bắt đầu bằng TM., KT., TL., TUQ. hoặc Q. và một dấu cách")
        return value


class Annex(Strict):
    """A task annex (Phụ lục): the plan's tasks as a landscape table after the signature."""

    label: ShortLine = Field("Phụ lục", description="Dòng 'Phụ lục' (Phụ lục I, II… khi có từ hai phụ lục).")
    title: TitleLine = Field("DANH MỤC NHIỆM VỤ TRIỂN KHAI KẾ HOẠCH", description="Tên phụ lục (in hoa).")


class Plan(Strict):
    """A Kế hoạch, or a higher-level directive in the same shape."""

    kind: Literal["plan", "directive"] = Field("plan", description="plan: kế hoạch; directive: văn bản cấp trên.")
    id: ItemId = Field(description="Mã của văn bản, vd. nghe-an-2025-07.")
    document: Document
    implements: list[RefText] = Field([], description="Văn bản cấp trên mà kế hoạch này triển khai (mã trong thư viện).")
    bases: list[Citation] = Field([], description="Căn cứ, văn bản được thực hiện.")
    references: list[Citation] = Field([], description="Các văn bản khác được dẫn chiếu trong nội dung.")
    preamble: list[Block] = Field([], description="Các đoạn mở đầu trước mục I.")
    sections: list[Block] = Field(description="Các mục lớn theo thứ tự văn bản (I., II., …).")
    closing: list[Block] = Field([], description="Các đoạn sau mục cuối (Trên đây là …).")
    recipients_label: ShortLine = Field(
        nd30.RECIPIENTS_LABEL,
        description="Chữ trước danh sách nơi nhận như văn bản gốc viết (khi chép lại văn bản cũ). "
                    f"Văn bản xuất ra luôn in đúng '{nd30.RECIPIENTS_LABEL}'; kehoach check báo khi chữ này viết sai.")
    recipients: list[Recipient] = Field([], description="Nơi nhận, theo thứ tự in.")
    archive: str | None = Field(None, description="Nội dung dòng 'Lưu:', vd. 'VT, KGVX'.")
    signature: Signature | None = None
    footnotes: dict[str, str] = Field({}, description="Chú thích cuối trang: mã → nội dung; trong văn bản viết [^mã].")
    annex: Annex | None = Field(None, description="Phụ lục bảng nhiệm vụ (trang ngang), lập từ các mục có 'task'.")
    source: str | None = None
    status: Status | None = None

    def blocks(self) -> Iterator[Block]:
        for group in (self.preamble, self.sections, self.closing):
            for block in group:
                yield from block.walk()

