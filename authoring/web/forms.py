"""Edit forms built from the pydantic model: each field's widget follows its type, labels are Vietnamese."""

from __future__ import annotations

import enum
import json
import re
import types
import typing
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

from markupsafe import Markup
from pydantic import BaseModel

from .. import nd30
from . import core, fragments

Path_ = tuple

# Short Vietnamese labels; the model's own descriptions become the help text under each field.
LABELS = {
    "Plan": {"document": "Thông tin văn bản", "bases": "Căn cứ", "preamble": "Đoạn mở đầu", "sections": "Nội dung",
             "closing": "Đoạn kết", "recipients": "Nơi nhận", "archive": "Lưu", "signature": "Người ký",
             "annex": "Phụ lục nhiệm vụ", "implements": "Văn bản cấp trên được triển khai",
             "references": "Văn bản dẫn chiếu trong nội dung", "footnotes": "Chú thích cuối trang",
             "recipients_label": "Chữ trước danh sách nơi nhận", "kind": "Loại kế hoạch",
             "id": "Mã kế hoạch (tên tệp tải về)", "status": "Độ tin cậy của dữ liệu", "source": "Nguồn"},
    "Document": {"type": "Loại văn bản", "issuer": "Cơ quan ban hành", "governing_body": "Cơ quan chủ quản",
                 "number": "Số", "symbol": "Ký hiệu", "place": "Địa danh", "date": "Ngày ban hành",
                 "title": "Trích yếu", "level": "Cấp", "province": "Tỉnh, thành phố", "district": "Huyện",
                 "commune": "Xã, phường", "period": "Giai đoạn", "issued": "Dấu ban hành"},
    "Issuer": {"agency": "Cơ quan", "name": "Tên đầy đủ", "header": "Dòng tên cơ quan in ở góc trái"},
    "Period": {"from": "Từ năm", "to": "Đến năm"},
    "Citation": {"verb": "Động từ mở đầu", "type": "Loại văn bản", "code": "Số, ký hiệu", "date": "Ngày ban hành",
                 "issuer": "Cơ quan ban hành", "title": "Trích yếu", "registry": "Văn bản trong danh mục"},
    "Block": {"label": "Số thứ tự", "title": "Tiêu đề", "text": "Nội dung", "targets": "Chỉ tiêu",
              "task": "Nhiệm vụ", "agency": "Cơ quan được giao", "reporting": "Chế độ báo cáo", "budget": "Kinh phí",
              "blocks": "Mục con"},
    "Target": {"indicator": "Tên chỉ tiêu", "indicator_code": "Mã chỉ tiêu thống kê", "value": "Giá trị",
               "unit": "Đơn vị", "comparator": "Chiều chỉ tiêu", "year": "Năm phải đạt", "period": "Giai đoạn", "scope": "Phạm vi",
               "range": "Khoảng giá trị (từ … đến …)"},
    "Task": {"lead": "Cơ quan chủ trì", "cooperating": "Cơ quan phối hợp", "timeframe": "Thời gian thực hiện",
             "products": "Sản phẩm", "purpose": "Mục đích"},
    "Reporting": {"from": "Đơn vị báo cáo", "to": "Nơi nhận báo cáo", "via": "Báo cáo qua", "subject": "Nội dung báo cáo",
                  "period": "Kỳ báo cáo", "due": "Hạn nộp (ngày/tháng)", "due_year": "Năm của hạn nộp"},
    "Budget": {"sources": "Nguồn kinh phí", "lines": "Các khoản", "total": "Tổng kinh phí (đồng)"},
    "BudgetLine": {"name": "Khoản", "amount": "Số tiền (đồng)"},
    "Recipient": {"name": "Nơi nhận", "purpose": "Mục đích gửi", "agency": "Cơ quan trong danh mục"},
    "Signature": {"authority": "Thẩm quyền ký", "positions": "Chức vụ", "name": "Họ và tên"},
    "Annex": {"label": "Dòng phụ lục", "title": "Tên phụ lục"},
}
# Labels shared by every model that has the field.
COMMON_LABELS = {"status": "Độ tin cậy của dữ liệu", "source": "Nguồn (văn bản gốc, trang)", "note": "Ghi chú (không in)",
                 "links": "Đảm nhận mục của văn bản cấp trên",
                 "derived": "Lý do khi không lấy từ văn bản cấp trên"}
# Fields kehoach keeps itself, with why the author never types them: every other field of the model has an editor
# (tests/web/test_forms.py walks the model to hold this).
MANAGED = {
    "id": "mã riêng của mỗi mục: kehoach tự đặt khi thêm mục, để liên kết và kiểm tra chỉ tới mục",
    "fingerprint": "dấu vân tay của mục cấp trên: kehoach ghi khi chọn mục cấp trên để liên kết",
    "issued": "dấu ban hành: sổ đăng ký văn bản ghi khi văn thư cấp số ở bước «Cấp số và ban hành»",
}
EDITABLE_IDS = {("Plan", "id")}          # the plan's own id names the downloaded files and is shown to the author
HIDDEN = set(MANAGED) | {"implements"}   # implements: its own box of check boxes (IMPLEMENTS)
# Kept out of the way in a folded "Thêm" group: rarely needed, but editable.
SECONDARY = {"status", "source", "note", "derived", "range"}
CHOICES = {("Plan", "kind"): {"plan": "Kế hoạch của cơ quan soạn",
                               "directive": "Văn bản cấp trên (dùng để đối chiếu khi lập kế hoạch cấp dưới)"}}
PARENT_KINDS = {"target": "Chỉ tiêu", "task": "Nhiệm vụ", "duty": "Nhiệm vụ", "reporting": "Báo cáo"}
AGENCY_FIELDS = {("Task", "lead"), ("Task", "cooperating"), ("Block", "agency"), ("Reporting", "from"),
                 ("Reporting", "to"), ("Reporting", "via"), ("Recipient", "agency"), ("Issuer", "agency")}
LONG_TEXT = {("Block", "text"), ("Block", "title"), ("Document", "title"), ("Target", "indicator"),
             ("Citation", "title"), ("Reporting", "subject")}
BUDGET_SOURCES = {"ngan_sach_nha_nuoc": "Ngân sách nhà nước", "ngan_sach_trung_uong": "Ngân sách trung ương",
                  "ngan_sach_dia_phuong": "Ngân sách địa phương", "long_ghep": "Lồng ghép chương trình",
                  "tai_tro": "Tài trợ", "xa_hoi_hoa": "Xã hội hóa", "hop_phap_khac": "Nguồn hợp pháp khác"}
ITEM_NAMES = {"Citation": "căn cứ", "Target": "chỉ tiêu", "Reporting": "chế độ báo cáo", "Recipient": "nơi nhận",
              "BudgetLine": "khoản kinh phí", "Block": "mục"}


@dataclass(frozen=True)
class FieldInfo:
    model: str
    key: str
    kind: str           # text, longtext, number, int, enum, choice, date, daymonth, lines, agencies, agency, sources,
                        # links, range, registry, footnotes, model, models
    label: str
    help: str
    required: bool
    sub: type | None = None
    enum: type | None = None
    default: object = None   # what the model assumes when the file leaves the field out ("Kế hoạch")


def _unwrap(annotation):
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    return annotation


def fields_of(model: type[BaseModel]) -> list[FieldInfo]:
    """The visible fields of a model, in the model's order, each with the widget its type calls for."""
    out = []
    name = model.__name__
    for attr, info in model.model_fields.items():
        key = info.alias or attr
        if key in HIDDEN and (name, key) not in EDITABLE_IDS:
            continue
        label = LABELS.get(name, {}).get(key) or COMMON_LABELS.get(key, key)
        help_text = (info.description or "").split(":")[0] if info.description else ""
        annotation = _unwrap(info.annotation)
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        sub = enum_cls = None
        if (name, key) in AGENCY_FIELDS:
            kind = "agency" if name == "Issuer" else "agencies"
        elif (name, key) in CHOICES:
            kind = "choice"
        elif key == "links":
            kind = "links"
        elif key == "range":
            kind = "range"
        elif key == "footnotes":
            kind = "footnotes"
        elif (name, key) == ("Citation", "registry"):
            kind = "registry"
        elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            kind, enum_cls = "enum", annotation
        elif annotation is core.PartialDate:
            kind = "date"
        elif annotation is core.DayMonth:
            kind = "daymonth"
        elif annotation is int:
            kind = "int"
        elif annotation is float:
            kind = "number"
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            kind, sub = "model", annotation
        elif origin is list and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
            kind, sub = "models", args[0]
        elif origin is list and args and typing.get_origin(args[0]) is typing.Literal:
            kind = "sources"
        elif origin is list:
            kind = "lines"
        else:
            kind = "longtext" if (name, key) in LONG_TEXT else "text"
        # The model's descriptions speak YAML (ids, English codes); these kinds get words for the page instead.
        help_text = {"agency": "Gõ tên cơ quan; danh mục cơ quan hiện gợi ý khi gõ.",
                     "agencies": "Mỗi ô một cơ quan; gõ tên, danh mục cơ quan hiện gợi ý khi gõ.",
                     "date": "Ngày/tháng/năm (06/01/2025); khi chưa có ngày, tháng thì chỉ ghi năm (2025) hoặc tháng/năm (02/2025).",
                     "enum": "", "sources": "", "choice": "",
                     "links": "Chọn mục của văn bản cấp trên mà mục này thực hiện (gõ vài chữ để tìm); "
                              "kiểm tra bao phủ đối chiếu theo lựa chọn này.",
                     "range": "Khi văn bản ghi «từ … đến …»: số nhỏ ở ô đầu, số lớn ở ô sau.",
                     "registry": "Tìm theo số hiệu hoặc tên; chọn một văn bản để điền sẵn các ô của căn cứ.",
                     "footnotes": "Trong nội dung, chỗ đặt chú thích viết [^1], [^2]…",
                     }.get(kind, help_text)
        if key == "status":
            help_text = "Dữ liệu đã được đối chiếu với văn bản gốc đến đâu."
        elif key == "derived":
            help_text = "Ghi khi mục này không lấy từ văn bản cấp trên (vd. chỉ tiêu riêng của địa phương)."
        elif (name, key) == ("Plan", "recipients_label"):
            help_text = f"Chỉ khi chép lại văn bản cũ viết khác; văn bản xuất ra luôn in «{nd30.RECIPIENTS_LABEL}»."
        elif (name, key) == ("Plan", "id"):
            help_text = "Chữ không dấu, nối bằng gạch ngang; kế hoạch cấp dưới chỉ tới kế hoạch này bằng mã này."
        default = info.default if isinstance(info.default, (str, int, float)) and not info.is_required() else None
        out.append(FieldInfo(name, key, kind, label, help_text, info.is_required(), sub, enum_cls, default))
    return out


_FIELDS_CACHE: dict[type, list[FieldInfo]] = {}


def cached_fields(model) -> list[FieldInfo]:
    if model not in _FIELDS_CACHE:
        _FIELDS_CACHE[model] = fields_of(model)
    return _FIELDS_CACHE[model]


IMPLEMENTS = FieldInfo("Plan", "implements", "implements", "Văn bản cấp trên được triển khai",
                       "Kế hoạch được đối chiếu với các văn bản được chọn: chỉ tiêu, nhiệm vụ, thời hạn.", False)


FOOTNOTE = FieldInfo("Plan", "footnote", "longtext", "Chú thích", "", False)


def field_at(path: Path_) -> FieldInfo | None:
    """The field a path ends on (list indices skipped), found through the model."""
    if path == ("implements",):
        return IMPLEMENTS
    if len(path) == 2 and path[0] == "footnotes":
        return FOOTNOTE
    model = core.Plan
    found = None
    for part in path:
        if isinstance(part, int):
            continue
        if model is None:
            return None
        found = next((f for f in cached_fields(model) if f.key == part), None)
        if found is None:
            return None
        model = found.sub
    return found


def is_slot(path: Path_) -> bool:
    """Whether the page shows a place for findings at this path (a visible field or a list item)."""
    if not path:
        return False
    if isinstance(path[-1], int):
        owner = field_at(path[:-1])
        return owner is not None and owner.kind == "models"
    return field_at(path) is not None


def slot_for(path: Path_) -> Path_:
    while path and not is_slot(path):
        path = path[:-1]
    return path


# The editor of a commune's draft draws some 2 000 paths, the same for every commune of a province: their texts, ids
# and button values are kept for the process (bounded), not worked out again on every page.
@lru_cache(maxsize=1 << 15)
def path_text(path: Path_) -> str:
    return core.field_path(path)


@lru_cache(maxsize=1 << 15)
def slot_id(path: Path_ | str) -> str:
    text = path_text(path) if isinstance(path, tuple) else path
    return "f-" + re.sub(r"[^A-Za-z0-9]", lambda m: f"_{ord(m.group()):x}", text)


# --- values shown and values read back ---------------------------------------------------------

def date_to_form(value) -> str:
    """2025-01-06 → 06/01/2025; 2021-02 → 02/2021; 2024 → 2024 (the way dates are written in documents)."""
    if value is None:
        return ""
    text = str(value)
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    if not match:
        return text
    year, month, day = match.groups()
    if day:
        return f"{int(day):02d}/{int(month):02d}/{year}"
    if month:
        return f"{int(month):02d}/{year}"
    return year


def date_from_form(text: str):
    """06/01/2025, 6/1/2025, 01/2025, 2025 or 2025-01-06 → the YAML value (left as typed when not a date shape)."""
    text = text.strip()
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if match:
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{4})", text)
    if match:
        month, year = match.groups()
        return f"{year}-{int(month):02d}"
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    return text or None


def number_from_form(text: str, integer: bool):
    """'95', '95,5', '1.200.000' → a number; anything else stays as typed so the check can say what is wrong."""
    text = text.strip().replace(" ", "")
    if not text:
        return None
    candidate = text
    if integer:
        candidate = candidate.replace(".", "").replace(",", "")
    elif "," in candidate and "." not in candidate:
        candidate = candidate.replace(",", ".")
    try:
        value = float(candidate)
    except ValueError:
        return text
    if integer or value.is_integer():
        return int(value) if value.is_integer() else value
    return value


class FieldError(ValueError):
    """What the author typed cannot be stored in this field; the message says how to fix it."""


class ParentChoices:
    """The items of the plan's parents (targets, tasks, duties, reports) by the words they say, never by id."""

    def __init__(self, items=()):
        self.by_label: dict[str, object] = {}
        self.by_ref: dict[str, str] = {}
        for item in items:
            text = _excerpt(item.text, 140) or item.id
            label = f"{PARENT_KINDS.get(item.kind, 'Mục')}: {text}"
            n = 2
            while label in self.by_label:
                label = f"{PARENT_KINDS.get(item.kind, 'Mục')}: {text} ({n})"
                n += 1
            self.by_label[label] = item
            self.by_ref[item.ref] = label

    def labels(self) -> list[str]:
        return list(self.by_label)

    def find(self, typed: str):
        typed = " ".join(typed.split())
        if typed in self.by_label:
            return self.by_label[typed]
        key = core.match_key(typed)
        hits = [item for label, item in self.by_label.items() if key and key in core.match_key(label)]
        return hits[0] if len(hits) == 1 else None


class AgencyNames:
    """Agencies shown by name and read back to registry ids (the plan keeps the words it had when they agree)."""

    def __init__(self, registry, tree: dict | None, parents: ParentChoices | None = None):
        self.registry = registry
        self.parents = parents or ParentChoices()
        doc = (tree or {}).get("document") or {}
        self.province = doc.get("province") if isinstance(doc, dict) else None
        self.district = doc.get("district") if isinstance(doc, dict) else None
        self.commune = doc.get("commune") if isinstance(doc, dict) else None
        self.on = None
        date = doc.get("date") if isinstance(doc, dict) else None
        try:
            partial = core.PartialDate.parse(date) if date is not None else None
            if partial is not None:
                import datetime as _dt
                self.on = _dt.date(partial.year, partial.month or 1, partial.day or 1)
        except ValueError:
            self.on = None

    def name(self, value: str) -> str:
        agency_id = value if value in self.registry.agencies else None
        if agency_id is None:
            return value
        name = self.registry.agency_name(agency_id, self.on, self.province)
        return name.replace("{xa}", str(self.commune or "…")).replace("{huyen}", str(self.district or "…"))

    def choices(self) -> list[str]:
        names = []
        for agency_id in self.registry.agencies:
            name = self.name(agency_id)
            if "{" not in name and name not in names:
                names.append(name)
        return names

    def value(self, typed: str, previous: str | None) -> str:
        typed = " ".join(typed.split())
        new_id = self.registry.resolve_agency(typed)
        if previous is not None and new_id is not None and self.registry.resolve_agency(previous) == new_id:
            return previous
        return new_id or typed


def read_field(field: FieldInfo, values: list[str], previous, names: AgencyNames):
    """The YAML value for what the form sent (None removes an optional field)."""
    first = values[0] if values else ""
    if field.kind in ("text", "longtext"):
        text = core.nfc(first.replace("\r\n", "\n")).strip()
        return text if text or field.required else None
    if field.kind == "number":
        return number_from_form(first, integer=False)
    if field.kind == "int":
        return number_from_form(first, integer=True)
    if field.kind in ("enum", "choice"):
        return first or None
    if field.kind == "range":
        numbers = [number_from_form(v, integer=False) for v in values[:2]]
        return None if all(n is None for n in numbers) else numbers
    if field.kind == "registry":
        return first if first in names.registry.documents else None
    if field.kind == "links":
        before = {link.get("ref"): link for link in previous if isinstance(link, dict)} if isinstance(previous, list) else {}
        out = []
        for typed in (v for v in values if v.strip()):
            item = names.parents.find(typed)
            if item is None:
                raise FieldError(f"Ô «{field.label}»: không tìm thấy mục «{typed.strip()[:80]}» trong văn bản cấp trên. "
                                 "Hãy chọn một dòng trong danh sách gợi ý hiện ra khi gõ.")
            if item.ref in {link["ref"] for link in out}:
                continue
            out.append(dict(before[item.ref]) if item.ref in before
                       else {"ref": item.ref, "fingerprint": item.fingerprint})
        return out or None
    if field.kind == "date":
        return date_from_form(first)
    if field.kind == "daymonth":
        match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{1,2})\s*", first)
        return f"{int(match.group(1))}/{int(match.group(2))}" if match else (first.strip() or None)
    if field.kind == "lines":
        lines = [core.nfc(line.strip()) for line in first.replace("\r\n", "\n").split("\n") if line.strip()]
        return lines if lines or field.required else None
    if field.kind == "sources":
        return [v for v in values if v in BUDGET_SOURCES] or None
    if field.kind == "implements":
        return [v for v in dict.fromkeys(values) if v.strip()] or None
    if field.kind == "agency":
        return names.value(first, previous if isinstance(previous, str) else None) if first.strip() else first
    if field.kind == "agencies":
        before = previous if isinstance(previous, list) else ([previous] if isinstance(previous, str) else [])
        out = []
        for i, typed in enumerate(v for v in values if v.strip()):
            out.append(names.value(typed, before[i] if i < len(before) else None))
        if not out:
            return [] if field.required else None
        return out
    raise ValueError(field.kind)


# --- rendering ------------------------------------------------------------------------------

_EDITOR = None


def _m():
    """The editor's macros (templates/_macros/editor.html), loaded once."""
    global _EDITOR
    if _EDITOR is None:
        _EDITOR = fragments.ENV.get_template("_macros/editor.html").module
    return _EDITOR


@lru_cache(maxsize=1 << 15)
def _vals(**values) -> str:
    return json.dumps(values)


def _join(pieces) -> Markup:
    return Markup("").join(pieces)


@dataclass(slots=True)
class FieldSpec:
    """One field as the fields macro draws it (every attribute set: a missing one is slow to look up in Jinja)."""

    html: object = None          # a whole group or list, already rendered
    control: object = None       # the field's own control, already rendered (lists, check boxes, search)
    kind: str = ""
    path: str = ""
    fid: str = ""
    label: str = ""
    required: bool = False
    help: str = ""
    vals: str = ""
    findings: list = ()
    value: object = ""
    rows: int = 0
    options: list | None = None
    cls: str = ""
    inputmode: str = ""
    placeholder: str = ""
    list: str = ""
    more: str = ""


@dataclass(slots=True)
class OpSpec:
    """A button of a block (move, add, delete), as the block macro draws it."""

    vals: str
    text: str
    title: str
    cls: str = ""
    confirm: str | None = None


class FormRenderer:
    """HTML of the editor for one plan tree, from the macros of templates/_macros/editor.html; every input posts its
    own path when it changes."""

    def __init__(self, plan_id: int, tree: dict, names: AgencyNames, findings_by_slot: dict, describe=None):
        self.describe = describe
        self.plan_id = plan_id
        self.tree = tree
        self.names = names
        self.findings = findings_by_slot
        self.url = f"/ke-hoach/{plan_id}"

    # slots -------------------------------------------------------------------------
    def slot(self, path: Path_) -> Markup:
        return render_slot(path, self.findings.get(path, []), self.describe, self.plan_id)

    # fields ------------------------------------------------------------------------
    def field(self, field: FieldInfo, value, path: Path_) -> Markup:
        return _m().fields(self.url, [self.field_spec(field, value, path)])

    def field_spec(self, field: FieldInfo, value, path: Path_, more: str = "") -> "FieldSpec":
        """What the fields macro draws for one field (*more*: first, last or only of the folded ones)."""
        if field.kind == "model":
            return FieldSpec(html=self.model_group(field, value, path), more=more)
        if field.kind == "models":
            return FieldSpec(html=self.model_list(field, value, path), more=more)
        fid, text = slot_id(path), path_text(path)
        shown_help = field.help if field.help.rstrip(".").lower() != field.label.lower() else ""
        return FieldSpec(kind=field.kind, path=text, fid=fid, label=field.label, required=field.required,
                         help=shown_help, vals=_vals(path=text), more=more,
                         findings=[finding_html(f, self.describe, self.plan_id) for f in self.findings.get(path, [])],
                         **self.control(field, field.default if value is None else value, path, fid))

    def control(self, field: FieldInfo, value, path: Path_, fid: str) -> dict:
        """How the field's own control is drawn: the arguments of the field macro for a box or a list to choose from,
        or the control already rendered (lists of agencies or parent items, check boxes, the registry search)."""
        number = lambda n: "" if n is None else (f"{n:g}" if isinstance(n, float) else n)  # noqa: E731
        if field.kind == "longtext":
            return {"value": "" if value is None else value, "rows": max(2, min(12, len(str(value or "")) // 90 + 1))}
        if field.kind == "text":
            return {"value": "" if value is None else value}
        if field.kind in ("number", "int"):
            return {"value": number(value), "cls": "num", "inputmode": "decimal"}
        if field.kind == "date":
            return {"value": date_to_form(value), "cls": "date", "placeholder": "ngày/tháng/năm, vd. 06/01/2025; hoặc chỉ năm"}
        if field.kind == "daymonth":
            return {"value": "" if value is None else value, "cls": "date", "placeholder": "vd. 10/5"}
        if field.kind == "enum":
            options = [] if field.required else [("", "— chưa chọn —")]
            for member in field.enum:
                label = getattr(member, "label", member.value)
                options.append((member.value, label[:1].upper() + label[1:]))
            return {"value": value, "options": options}
        if field.kind == "choice":
            return {"value": value, "options": list(CHOICES[(field.model, field.key)].items())}
        if field.kind == "lines":
            lines = value if isinstance(value, list) else ([] if value is None else [value])
            return {"value": "\n".join(map(str, lines)), "rows": max(2, len(lines) + 1), "placeholder": "mỗi dòng một mục"}
        if field.kind == "agency":
            return {"value": self.names.name(value) if value else "", "list": "ds-co-quan", "placeholder": "gõ tên cơ quan"}
        vals = _vals(path=path_text(path))
        if field.kind == "range":
            low, high = (value + [None, None])[:2] if isinstance(value, list) else (None, None)
            return {"control": _m().range(fid, self.url, vals, number(low), number(high))}
        if field.kind == "sources":
            return {"control": _m().checks(f"i-{fid}", self.url, vals, list(BUDGET_SOURCES.items()),
                                           value if isinstance(value, list) else [])}
        if field.kind == "links":
            return {"control": self.link_list(value, path, fid)}
        if field.kind == "registry":
            return {"control": self.registry_search(value, path, fid)}
        if field.kind == "footnotes":
            return {"control": self.footnote_list(value, path)}
        if field.kind == "agencies":
            return {"control": self.agency_list(value, path, fid)}
        raise ValueError(field.kind)

    def implements_box(self, value, library: dict[str, str]) -> Markup:
        """Check boxes for the directives of the library; refs the plan has beyond them stay ticked."""
        chosen = value if isinstance(value, list) else []
        options = dict(library)
        for ref in chosen:
            options.setdefault(ref, ref)
        path = ("implements",)
        return _m().implements(self.url, _vals(path="implements"), slot_id(path), list(options.items()), chosen,
                               IMPLEMENTS.help, self.slot(path))

    def link_list(self, value, path: Path_, fid: str) -> Markup:
        """The parent items this item takes up, each shown by its words; a new one is picked by typing words."""
        links = value if isinstance(value, list) else []
        shown = []
        for link in links:
            ref = link.get("ref") if isinstance(link, dict) else None
            if ref:
                label = self.names.parents.by_ref.get(ref)
                shown.append(label or ("Mục không còn trong văn bản cấp trên đang đối chiếu "
                                       + (self.describe(ref) if self.describe else "")).strip())
        return _m().typed_list("link-list", fid, self.url, _vals(path=path_text(path)), shown, "ds-muc-cap-tren",
                               "gõ vài chữ của mục cấp trên…")

    def registry_search(self, value, path: Path_, fid: str) -> Markup:
        """The citation registry entry this basis is, by its name, and a search to pick (another) one."""
        document = self.names.registry.documents.get(value) if isinstance(value, str) else None
        return _m().registry_search(fid, self.url, _vals(path=path_text(path[:-1])),
                                    document_label(document) if document is not None else "")

    def footnote_list(self, value, path: Path_) -> Markup:
        notes = value if isinstance(value, dict) else {}
        items = []
        for key, text in notes.items():
            here = path + (str(key),)
            button = self.op_button("remove", here, "Xóa", "Xóa chú thích này", "danger", "Xóa chú thích này?")
            items.append(_m().footnote(slot_id(here), key, button, path_text(here), self.url,
                                       _vals(path=path_text(here)), max(2, min(8, len(str(text or "")) // 90 + 1)),
                                       "" if text is None else text, self.slot(here)))
        add = self.op_button("add_footnote", path, "+ Thêm chú thích", "Thêm một chú thích cuối trang")
        return _m().footnotes(slot_id(path), items, add)

    def agency_list(self, value, path: Path_, fid: str) -> Markup:
        items = value if isinstance(value, list) else ([value] if isinstance(value, str) else [])
        label = field_at(path).label if field_at(path) else "Cơ quan"
        return _m().typed_list("agency-list", fid, self.url, _vals(path=path_text(path)),
                               [self.names.name(v) for v in items], "ds-co-quan", "thêm cơ quan…", label,
                               f"{label}: thêm cơ quan")

    def model_group(self, field: FieldInfo, value, path: Path_, action: str = "") -> Markup:
        body = self.fields(field.sub, value if isinstance(value, dict) else {}, path)
        return _m().group(path_text(path), field.label, self.slot(path), body, action=action)

    def fields(self, model, data: dict, path: Path_, skip=()) -> Markup:
        """The fields of a model; the rarely needed ones (data status, source, notes) folded under «Thêm»."""
        shown = [f for f in cached_fields(model) if f.key not in skip]
        main = [f for f in shown if f.key not in SECONDARY]
        more = [f for f in shown if f.key in SECONDARY]
        items = [self.field_spec(f, data.get(f.key), path + (f.key,)) for f in main]
        for i, f in enumerate(more):
            place = "only" if len(more) == 1 else "first" if i == 0 else "last" if i == len(more) - 1 else ""
            items.append(self.field_spec(f, data.get(f.key), path + (f.key,), place))
        filled = any(data.get(f.key) not in (None, "", []) for f in more)
        words = ", ".join(f.label.split(" (")[0].lower() for f in more)
        return _m().fields(self.url, items, words, filled)

    def op_button(self, op: str, path: Path_, text: str, title: str, cls: str = "", confirm: str | None = None) -> Markup:
        return _m().op_button(self.url, _vals(op=op, path=path_text(path)), text, title, cls, confirm)

    @staticmethod
    def op(op: str, path: Path_, text: str, title: str, cls: str = "", confirm: str | None = None) -> "OpSpec":
        """A block's button, drawn by the block macro itself."""
        return OpSpec(_vals(op=op, path=path_text(path)), text, title, cls, confirm)

    def model_list(self, field: FieldInfo, value, path: Path_) -> Markup:
        items = value if isinstance(value, list) else []
        noun = "văn bản dẫn chiếu" if path == ("references",) else ITEM_NAMES.get(field.sub.__name__, "mục")
        if field.sub is core.Block:
            return self.block_list(field, items, path)
        parts = []
        for i, item in enumerate(items):
            here = path + (i,)
            data = item if isinstance(item, dict) else {}
            extra = ""
            if field.sub.__name__ == "Citation":  # the registry search first: it fills the boxes below
                registry = next(f for f in cached_fields(field.sub) if f.key == "registry")
                extra = self.field(registry, data.get("registry"), here + ("registry",))
                body = self.fields(field.sub, data, here, skip=("registry",))
            else:
                body = self.fields(field.sub, data, here)
            button = self.op_button("delete", here, "Xóa", f"Xóa {noun} này", "danger", f"Xóa {noun} {i + 1}?")
            parts.append(_m().item(slot_id(here), f"{noun.capitalize()} {i + 1}", button, self.slot(here), extra, body))
        add = self.op_button("append", path, f"+ Thêm {noun}", f"Thêm {noun}")
        return _m().group(path_text(path), field.label, self.slot(path), _join(parts) + _m().add(add),
                          cls="group list")

    # the section tree ----------------------------------------------------------------
    def block_list(self, field: FieldInfo, items: list, path: Path_) -> Markup:
        cards = [self.block(item if isinstance(item, dict) else {}, path + (i,), i, len(items))
                 for i, item in enumerate(items)]
        add = self.op_button("append", path, "+ Thêm mục", "Thêm một mục vào cuối")
        return _m().blocks(path_text(path), self.slot(path), cards, add)

    def block(self, data: dict, path: Path_, index: int, count: int) -> Markup:
        head = " ".join(str(p) for p in (data.get("label"), data.get("title") or data.get("text")) if p)
        head = head if len(head) <= 90 else head[:89] + "…"
        op = self.op
        ops = [op("up", path, "↑", "Chuyển lên trên") if index > 0 else None,
               op("down", path, "↓", "Chuyển xuống dưới") if index < count - 1 else None,
               op("indent", path, "→", "Thụt vào: thành mục con của mục trên") if index > 0 else None,
               op("outdent", path, "←", "Lùi ra: thành mục ngang hàng với mục cha") if len(path) > 2 else None,
               op("add_after", path, "+ Mục sau", "Thêm một mục ngay sau mục này"),
               op("add_child", path, "+ Mục con", "Thêm một mục con"),
               op("delete", path, "Xóa", "Xóa mục này cùng các mục con", "danger", "Xóa mục này cùng mọi mục con của nó?")]
        core_fields = self.fields(core.Block, data, path, skip=("targets", "task", "agency", "reporting", "budget", "blocks"))
        data_parts = []
        fields = {f.key: f for f in cached_fields(core.Block)}
        if data.get("agency") is not None:
            data_parts.append(self.field(fields["agency"], data.get("agency"), path + ("agency",)))
            data_parts.append(_m().add(self.op_button("add_duty", path, "+ Thêm nhiệm vụ cho cơ quan này",
                                                      "Thêm một nhiệm vụ (mục con) của cơ quan")))
        if data.get("targets"):
            data_parts.append(self.field(fields["targets"], data.get("targets"), path + ("targets",)))
        if data.get("task") is not None:
            remove = self.op_button("remove", path + ("task",), "Bỏ", "Bỏ dữ liệu nhiệm vụ", "danger")
            data_parts.append(self.model_group(fields["task"], data.get("task"), path + ("task",), remove))
        if data.get("reporting"):
            data_parts.append(self.field(fields["reporting"], data.get("reporting"), path + ("reporting",)))
        if data.get("budget") is not None:
            data_parts.append(self.model_group(fields["budget"], data.get("budget"), path + ("budget",)))
        adders = []
        if not data.get("targets"):
            adders.append(op("add_target", path, "+ Chỉ tiêu", "Thêm chỉ tiêu cho mục này"))
        if data.get("task") is None:
            adders.append(op("add_task", path, "+ Nhiệm vụ (chủ trì, phối hợp)", "Ghi cơ quan chủ trì, phối hợp, thời gian"))
        if data.get("agency") is None:
            adders.append(op("add_agency", path, "+ Giao cho cơ quan", "Các mục con là nhiệm vụ của cơ quan này"))
        if not data.get("reporting"):
            adders.append(op("add_reporting", path, "+ Chế độ báo cáo", "Thêm chế độ báo cáo"))
        if data.get("budget") is None:
            adders.append(op("add_budget", path, "+ Kinh phí", "Thêm kinh phí"))
        children = data.get("blocks") or []
        child_html = self.block_list(fields["blocks"], children, path + ("blocks",)) if children else ""
        return _m().block(len(path) // 2, slot_id(path), len(path) <= 2, head, self.badge(path), self.url,
                          [o for o in ops if o], self.slot(path), core_fields, data_parts, adders, child_html)

    def badge(self, path: Path_) -> int:
        """How many findings lie inside a block, so a closed block still shows it needs attention."""
        return sum(len(v) for k, v in self.findings.items() if k[:len(path)] == path)


def document_label(document, dated: bool = False) -> str:
    """A registry document as people cite it: «Luật số 102/2016/QH13 — Luật Trẻ em»; *dated* adds its date, which
    tells apart documents of the same number (numbers restart every year: 23/CT-TTg of 2020 and of 2021)."""
    head = f"{document.type} số {document.code}" if document.code else document.type
    if dated and document.date:
        head += f" ngày {core.own_registry.shown(document.date)}"
    return f"{head} — {document.title}"[:220] if document.title else head


def search_documents(registry, query: str, limit: int = 12) -> list:
    """Registry documents whose number, type or title hold every word typed (accents and case ignored)."""
    fold = lambda text: core.strip_diacritics(core.match_key(text))  # noqa: E731
    words = fold(query).split()
    if not words:
        return []
    out = []
    for document in registry.documents.values():
        key = fold(f"{document.type} {document.code or ''} {document.title or ''} {document.issuer or ''}")
        if all(w in key for w in words):
            out.append(document)
    return out[:limit]


def render_slot(path: Path_, findings: list, describe=None, plan_id: int | None = None, oob: bool = False) -> Markup:
    """The place beside a field where its findings show; *oob*: sent to replace the one on the page (htmx)."""
    return _m().slot(slot_id(path), [finding_html(f, describe, plan_id) for f in findings], oob)


def _excerpt(text, limit: int = 70) -> str:
    text = core.strip_emphasis(core.strip_footnote_marks(" ".join(str(text or "").split())))
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


_PARENT_REF = re.compile(r"\b([a-z0-9][a-z0-9.-]*)#[A-Za-z0-9._-]+")


def describer(tree: dict | None, registry):
    """Rewrites ids inside core messages as words: a local item by its label and opening words, a parent
    document by its type and number ('nd-1' → «1. Tăng cường sự lãnh đạo…», 'qd-23-2021#t2' → Quyết định số 23/QĐ-TTg)."""
    names: dict[str, str] = {}

    def walk(node):
        if isinstance(node, dict):
            item_id = node.get("id")
            if isinstance(item_id, str):
                if "comparator" in node:
                    names[item_id] = "«" + _excerpt(node.get("indicator") or f"chỉ tiêu {node.get('value', '')}", 60) + "»"
                elif "period" in node and ("from" in node or "to" in node):
                    names[item_id] = "«" + _excerpt(node.get("subject") or "chế độ báo cáo", 60) + "»"
                elif any(k in node for k in ("label", "title", "text")):
                    head = " ".join(str(p) for p in (node.get("label"), node.get("title") or node.get("text")) if p)
                    names[item_id] = "«" + _excerpt(head, 60) + "»"
            for key, value in node.items():
                if key not in ("links",):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree or {})
    # Agencies are named as the plan's date and province name them; an agency id wins over an item's id.
    agencies = AgencyNames(registry, tree)
    for agency_id in registry.agencies:
        name = agencies.name(agency_id)
        if "{" not in name:
            names[agency_id] = name

    def parent_name(doc_id: str) -> str | None:
        document = registry.documents.get(doc_id)
        if document is None:
            return None
        return f"{document.type} số {document.code}" if document.code else f"{document.type} {document.title}"

    alternatives = "|".join(re.escape(k) for k in sorted(names, key=len, reverse=True))
    ids = re.compile(rf"'({alternatives})'|(?<![\w.#-])({alternatives})(?![\w#-])") if names else None

    def describe(text: str) -> str:
        def ref(match):
            name = parent_name(match.group(1))
            return f"của {name}" if name else match.group(0)

        text = _PARENT_REF.sub(ref, text)
        if ids is not None:
            text = ids.sub(lambda m: names[m.group(1) or m.group(2)], text)
        return text

    return describe


SEVERITY_CLASS = {"error": "loi", "warning": "canh-bao", "info": "thong-tin"}
SEVERITY_LABEL = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Lưu ý"}


# Findings about a document or an agency the registry does not know: fixed by adding it to the unit's own layer.
REGISTRY_ADDS = {"R106": "van-ban", "R109": "van-ban", "A103": "co-quan"}


def finding_html(finding, describe=None, plan_id: int | None = None) -> Markup:
    sev = finding.severity.value
    words = describe or (lambda text: text)
    path = tuple(int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", finding.path or ""))
    field = field_at(path) if path else None
    if field is not None:  # the field the finding is about, by its own label ('title' of a block → «Tiêu đề»)
        own = words
        words = lambda text: own(text.replace(f"«{_ALL_LABELS.get(field.key, '')}»", f"«{field.label}»")  # noqa: E731
                                 if field.key in _ALL_LABELS else text)
    fix = words(humanize(finding.suggestion)) if finding.suggestion else ""
    add = ""
    if plan_id is not None and finding.code in REGISTRY_ADDS:
        add = f"/ke-hoach/{plan_id}/danh-muc?" + urlencode({"loai": REGISTRY_ADDS[finding.code], "o": finding.path or ""})
    return _m().finding(SEVERITY_CLASS[sev], SEVERITY_LABEL[sev], words(humanize(finding.message)), fix, add)


_ALL_LABELS = {}
for _model_labels in LABELS.values():
    for _key, _label in _model_labels.items():
        _ALL_LABELS.setdefault(_key, _label)
_ALL_LABELS.update({"title": "Tiêu đề", "name": "Tên", "type": "Loại văn bản", "comparator": "chiều chỉ tiêu", "value": "giá trị", "due": "hạn nộp", "period": "kỳ",
                    "lead": "cơ quan chủ trì", "cooperating": "cơ quan phối hợp"})


# Fixes the core phrases for a YAML file, said again for the page's buttons and boxes.
WEB_WORDING = [
    (re.compile(r"Ghi 'task: \{lead: …\}' hoặc đặt"), "Bấm «+ Nhiệm vụ (chủ trì, phối hợp)» ở mục này rồi chọn cơ quan chủ trì, hoặc đặt"),
    (re.compile(r"Thêm chỉ tiêu của địa phương với 'links: \[\{ref: [^}]*\}\]'"),
     "Thêm chỉ tiêu tương ứng của địa phương (nút «+ Chỉ tiêu» ở mục chỉ tiêu)"),
    (re.compile(r"Thêm 'links: \[\{ref: [^}]*\}\]' vào mục nhiệm vụ tương ứng"),
     "Lập kế hoạch cấp dưới từ văn bản cấp trên để có sẵn liên kết, hoặc thêm nhiệm vụ tương ứng"),
    (re.compile(r"Thêm 'id: …'[^.]*\."), "Mục này cần mã riêng; thêm lại nhiệm vụ bằng nút «+ Nhiệm vụ» để kehoach tự đặt mã."),
    (re.compile(r"Thêm dòng '([a-z_]+): …' vào nhóm này\."), r"Điền ô '\1'."),
    (re.compile(r"thiếu trường bắt buộc"), "chưa điền ô bắt buộc"),
    (re.compile(r"Ghi ngày ban hành theo văn bản được dẫn, vd\. 'date: [^']*':"),
     "Điền ô «Ngày ban hành» của căn cứ này theo văn bản được dẫn (ngày/tháng/năm):"),
    (re.compile(r"Thêm 'signature:' với .*"),
     "Điền phần «Người ký»: quyền hạn ký (vd. TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH), chức vụ (vd. PHÓ CHỦ TỊCH) và họ "
     "tên người ký (để «…» nếu chưa biết)."),
    # The registries are kept by the project, not by the author: what the author can do is check and go on.
    (re.compile(r"Bổ sung văn bản vào plans/registry/citations\.yaml kèm nguồn\."),
     "Đối chiếu số, ký hiệu, ngày với bản gốc của văn bản; nếu đúng, bấm «Thêm vào danh mục của đơn vị» và ghi nguồn "
     "đối chiếu — đây chỉ là lưu ý, không cản việc trình, ký, ban hành."),
    (re.compile(r"bổ sung văn bản vào plans/registry/citations\.yaml kèm nguồn"),
     "bấm «Thêm vào danh mục của đơn vị» và ghi nguồn đối chiếu"),
    (re.compile(r"Dùng tên hoặc mã có trong plans/registry/agencies\.yaml, hoặc bổ sung danh mục\."),
     "Chọn tên cơ quan trong danh sách gợi ý của ô; nếu cơ quan chưa có trong danh sách, bấm «Thêm vào danh mục của "
     "đơn vị» và ghi nguồn — đây chỉ là lưu ý."),
    (re.compile(r"Thêm tệp plans/directives/\S+ \(cùng định dạng kế hoạch\) hoặc dùng --parent \S+"),
     "Bỏ chọn văn bản đó ở «Văn bản cấp trên được triển khai», hoặc chọn một văn bản có trong thư viện."),
    (re.compile(r" plans/directives/"), ""),
    (re.compile(r"Sửa mã mục cấp trên \(xem kehoach show --json của văn bản cấp trên\) hoặc thêm văn bản vào implements\."),
     "Chọn lại mục ở ô «Đảm nhận mục của văn bản cấp trên» (gõ vài chữ của mục), hoặc đánh dấu văn bản cấp trên đó ở "
     "«Văn bản cấp trên được triển khai»."),
    (re.compile(r"plans/registry/[\w/.-]+"), "danh mục của kehoach"),
    # A number the register did not give (I110) or an issue record that no longer agrees (I111): on the page, the
    # register gives numbers at «Cấp số và ban hành».
    (re.compile(r" \(document\.issued, do kehoach issue hoặc sổ đăng ký ghi\)"), ""),
    (re.compile(r"Số do văn thư cấp khi ban hành: xóa dòng number.*"),
     "Xóa số ở ô «Số»: văn thư cấp số từ sổ đăng ký ở bước «Cấp số và ban hành»."),
    (re.compile(r"Văn bản đã ban hành không được sửa: .*"),
     "Văn bản đã ban hành không được sửa: dùng lại phiên bản đã ban hành (mục «Các phiên bản»); nếu đây là văn bản "
     "mới, xóa số ở ô «Số» để văn thư cấp số mới ở bước «Cấp số và ban hành»."),
    # Field paths the core adds in brackets for the YAML file: the page shows the finding beside the field itself.
    (re.compile(r" \((?=[a-z_]*[.\[])[a-z_\[\]\d.]+\)"), ""),
    (re.compile(r" \((?:signature|bases|references|footnotes|annex|implements|recipients|document)\)"), ""),
]


def humanize(text: str | None) -> str:
    """Field names quoted in core messages ('title') shown by their Vietnamese labels («Tiêu đề»)."""
    if not text:
        return ""
    for pattern, replacement in WEB_WORDING:
        text = pattern.sub(replacement, text)
    return re.sub(r"'([a-z_]+)'", lambda m: f"«{_ALL_LABELS[m.group(1)]}»" if m.group(1) in _ALL_LABELS else m.group(0),
                  text)
