"""import on the corpus of real documents (tests/fixtures/real/): the thresholds of issue 12, asserted.

The same scorer prints the figures: .venv/bin/python benchmarks/corpus.py -v
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from helpers import ROOT

_spec = importlib.util.spec_from_file_location("corpus_benchmark", ROOT / "benchmarks" / "corpus.py")
corpus = importlib.util.module_from_spec(_spec)
sys.modules["corpus_benchmark"] = corpus
_spec.loader.exec_module(corpus)


@pytest.fixture(scope="module")
def scored():
    return corpus.score_import()


def test_the_corpus_has_forty_documents_each_with_its_source():
    entries = corpus.load_index()
    assert len(entries) >= 30
    assert all(e.get("source") and (corpus.CORPUS / e["file"]).is_file() for e in entries)


def test_header_facts_are_right_in_at_least_95_percent(scored):
    assert scored.header >= 0.95, scored.wrong[:10]


def test_legal_bases_found_90_percent_with_at_most_5_percent_spurious(scored):
    assert scored.bases_recall >= 0.90, [w for w in scored.wrong if w[1] == "bases"]
    assert scored.bases_spurious <= 0.05, [w for w in scored.wrong if w[1] == "bases"]


def test_no_crash_and_no_invalid_output(scored):
    assert scored.crashes == []
    assert scored.invalid == []


def test_a_document_without_the_facts_a_plan_needs_is_refused_with_reasons(scored):
    refused = dict(scored.refused)
    # web-009 has no header at all: no ký hiệu, no date, no trích yếu; nothing is invented for it.
    assert "web-009" in refused and "ngày ban hành" in refused["web-009"]
    assert len(scored.refused) <= 10


def test_the_scorer_can_fail():
    """A wrong fact lowers the score (the thresholds above are not vacuous)."""
    entry = next(e for e in corpus.load_index() if e["id"] == "web-001")
    broken = {**entry, "expected": {**entry["expected"], "number": "311", "bases": ["1/QĐ-TTg"]}}
    score = corpus.score_import([broken])
    assert score.right < score.fields and score.bases_recall == 0.0
