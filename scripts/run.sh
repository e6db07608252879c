#!/usr/bin/env bash
# The main job: set up, then take the real plans in plans/examples/ through kehoach —
# format check, summary, normalised JSON, DOCX per Nghị định 30, the DOCX layout check, and PDF/A files
# ready for digital signatures (one LibreOffice start for the batch) — into generated/.
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
echo "Kết quả ở $out/"
