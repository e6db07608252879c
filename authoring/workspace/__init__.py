"""The province's shared workspace (issue 15): units, accounts and roles, the drafting-to-issuing workflow of
Nghị định 30 (Điều 12–14), the audit log, the province dashboard and batch jobs.

Domain logic only: no HTTP here. The web wiring lives in authoring/web/workspace_*.py.
"""
