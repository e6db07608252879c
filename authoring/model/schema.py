"""JSON Schema of the plan YAML format, for editors (yaml-language-server) and tools."""

from __future__ import annotations

import json

from . import Plan

SCHEMA_ID = "https://kehoach.local/schema/plan.schema.json"


def plan_schema() -> dict:
    schema = Plan.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "Kế hoạch (kehoach)"
    return schema


def plan_schema_text() -> str:
    return json.dumps(plan_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
