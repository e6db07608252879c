#!/usr/bin/env bash
# The main job: set up, then take the real plans in plans/examples/ through kehoach —
# format check, summary, normalised JSON, DOCX per Nghị định 30, the DOCX layout check, and PDF/A files
# ready for digital signatures (one LibreOffice start for the batch), and a check report per plan — into generated/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out=generated/examples
mkdir -p "$out"
.venv/bin/kehoach validate plans/examples/*.yaml
for plan in plans/examples/*.yaml; do
  name=$(basename "$plan" .yaml)
  echo
  .venv/bin/kehoach show "$plan"
  .venv/bin/kehoach show --json "$plan" > "$out/$name.json"
  .venv/bin/kehoach render "$plan" -o "$out/$name.docx"
done
echo
.venv/bin/kehoach lint-docx "$out"/*.docx
echo
.venv/bin/kehoach pdf "$out"/*.docx
.venv/bin/kehoach validate --format html -o "$out/kiem-tra-dinh-dang.html" plans/examples/*.yaml
echo
# Content check against the directives each plan implements. The real plans keep their own slips, so
# errors are expected here: the reports say what they are (exit code 1 is not a failure of this job).
for plan in plans/examples/*.yaml; do
  name=$(basename "$plan" .yaml)
  .venv/bin/kehoach check --format html -o "$out/$name-kiem-tra.html" "$plan" || true
  .venv/bin/kehoach check --format json "$plan" > "$out/$name-kiem-tra.json" || true
done
echo
# The 2026 chain: a commune's draft from the province plan it implements (after 01/07/2025), checked, rendered as
# DOCX and PDF; next year's province plan rolled over from this year's.
.venv/bin/kehoach derive plans/examples/nghe-an-2025-kh-07.yaml --unit "xã Nam Đàn" -o "$out/xa-nam-dan.yaml"
.venv/bin/kehoach check --format html -o "$out/xa-nam-dan-kiem-tra.html" "$out/xa-nam-dan.yaml" || true
.venv/bin/kehoach render --pdf "$out/xa-nam-dan.yaml" -o "$out/xa-nam-dan.docx"
.venv/bin/kehoach new-year plans/examples/nghe-an-2025-kh-07.yaml --year 2026 -o "$out/nghe-an-2026.yaml"
echo
# What an e-office takes in without retyping: the edXML envelope with the PDF attached.
.venv/bin/kehoach export --edxml plans/examples/nghe-an-2025-kh-07.yaml --pdf "$out/nghe-an-2025-kh-07.pdf" \
  -o "$out/nghe-an-2025-kh-07.edxml"
echo
# Real Word files nobody here wrote (tests/fixtures/real/): their layout checked against Nghị định 30.
.venv/bin/kehoach lint-docx --format html tests/fixtures/real/docx/*.docx > "$out/kho-van-ban-that-the-thuc.html" || true
echo
echo "Kết quả ở $out/ — trang web: .venv/bin/kehoach serve"
