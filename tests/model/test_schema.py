"""The JSON Schema for editors: committed, current, and it accepts every example."""

import json

import jsonschema
import pytest

from authoring.cli import main
from authoring.loading.yamlio import read_yaml
from authoring.paths import SCHEMA_FILE
from authoring.model.schema import plan_schema_text
from helpers import EXAMPLES, MINIMAL


def test_committed_schema_is_the_generated_one():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == plan_schema_text(), "run: kehoach schema -o schema/plan.schema.json"


def test_schema_command_prints_the_schema(runner):
    result = runner.invoke(main, ["schema"])
    assert result.exit_code == 0 and json.loads(result.output)["title"] == "Kế hoạch (kehoach)"


@pytest.mark.parametrize("path", EXAMPLES + [MINIMAL], ids=lambda p: p.stem)
def test_schema_accepts_every_example(path):
    tree, _, findings = read_yaml(path)
    assert not findings
    jsonschema.validate(tree, json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def test_schema_rejects_a_misspelt_field():
    tree, _, _ = read_yaml(MINIMAL)
    tree["document"]["plcae"] = tree["document"].pop("place")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(tree, json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
