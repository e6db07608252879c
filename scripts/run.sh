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
echo "Kết quả ở $out/"
