"""`kehoach derive`: a lower level's first draft from the plans or decisions it implements.

The draft is built as model objects (authoring.model) and written by the one YAML writer (loading.writer), so it
is valid before it reaches the disk. Every level pair a civil servant meets is handled:

* trung ương → tỉnh (national): each central body's duties go to its province counterpart; what the decision
  asks of "UBND các tỉnh, thành phố" becomes the province's own tasks; targets are restated and linked; local
  governments report before the province.
* tỉnh → xã / phường / đặc khu (from 01/7/2025), tỉnh → huyện and huyện → xã before (local): what the parent asks
  of the collective of this level becomes the unit's own content, spread over its offices; reports fall before
  the parent's deadline, sub-units' before the unit's.

The rooms: context (the drafting context), counterparts (who holds a role in the unit), phrasing (the unit's
words), dating (the day, the period, the dues), targets, national, local, merge (re-derive keeps hand edits),
draft (the plan put together, and `derive`).
"""

from .context import DeriveReport, parse_unit
from .draft import build_draft, derive, output_name, units_from_file

__all__ = ["DeriveReport", "build_draft", "derive", "output_name", "parse_unit", "units_from_file"]
