"""The one place where the web package imports kehoach's core (fix paths here when modules move)."""

from __future__ import annotations

# Errors and findings
from ..errors import InputError, KehoachError  # noqa: F401
from ..findings import Finding, FindingIndex, Severity  # noqa: F401

# Model
from ..model import Block, Comparator, DayMonth, Level, PartialDate, Plan, Status  # noqa: F401
from ..model.plan import FOOTNOTE_RE, Annex, strip_footnote_marks  # noqa: F401
from ..model.walk import iter_blocks, iter_tasks  # noqa: F401

# Loading: the same code as the CLI, plus the loader's cross-field checks for the fast in-memory path
from ..loading import LoadedPlan, load_plan, load_registry  # noqa: F401
from ..loading import own_registry  # noqa: F401
from ..loading.messages import field_path, validation_findings  # noqa: F401
from ..loading.yamlio import DateText, SourceMap, read_yaml  # noqa: F401

# Rules
from ..rules.check import FAMILIES, CheckReport, check_loaded  # noqa: F401
from ..rules.context import CheckContext  # noqa: F401
from ..rules import kept as kept_check  # noqa: F401
from ..loading.library import find_parent  # noqa: F401
from ..reports import check_report  # noqa: F401

# Rendering
from ..render.docx import ANNEX_COLUMNS, annex_reference, render_docx  # noqa: F401
from ..paths import cache_dir as office_cache_dir  # noqa: F401
from ..pdf.office import find_soffice  # noqa: F401
from ..pdf.convert import docx_to_pdf  # noqa: F401
from ..render.plain import (  # noqa: F401
    date_line, header_lines, is_section_heading, number_line, printed_title, recipient_lines,
    printed_blocks, strip_emphasis, with_end_mark,
)

# Lifecycle
from ..lifecycle.derive import derive  # noqa: F401
from ..lifecycle.diff import LABELS as DIFF_LABELS, semantic_diff  # noqa: F401
from ..render.json import plan_to_json  # noqa: F401
from ..importing import import_plan  # noqa: F401
from ..lifecycle.new_year import new_year  # noqa: F401
from ..nd30 import QUOC_HIEU_TEXT, RECIPIENTS_LABEL, TIEU_NGU_TEXT  # noqa: F401

# Paths and text services
from ..paths import DIRECTIVES_DIR, EXAMPLES_DIR, own_registry_dirs  # noqa: F401
from ..text import match_key, nfc, nfc_tree, slug, strip_diacritics  # noqa: F401
from ..model.links import ParentItem, parent_items  # noqa: F401
