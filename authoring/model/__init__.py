"""Typed model of plans, directives and registries."""

from .common import Comparator, DayMonth, Level, PartialDate, ReportPeriod, Status
from .plan import Block, Budget, Citation, Document, Issuer, Link, Plan, Recipient, Reporting, Signature, Target, Task
from .registry import Agency, AgencyRegistry, CitationRegistry, CitedDocument

__all__ = [
    "Agency", "AgencyRegistry", "Block", "Budget", "Citation", "CitationRegistry", "CitedDocument", "Comparator",
    "DayMonth", "Document", "Issuer", "Level", "Link", "PartialDate", "Plan", "Recipient", "ReportPeriod",
    "Reporting", "Signature", "Status", "Target", "Task",
]
