#!/usr/bin/env bash
# Refreshes the lock files in requirements/ from pyproject.toml: one resolution of everything (test.txt), and the
# command line's and the workspace's subsets constrained to the same versions. Every file pins exact versions with
# hashes for every platform and Python kehoach supports, so `scripts/setup.sh` installs exactly what was tested.
#   bash scripts/lock.sh            keep the locked versions, add or drop only what pyproject.toml changed
#   bash scripts/lock.sh --upgrade  take the newest versions pyproject.toml allows (a reviewed commit of its own,
#                                   with the test run that shows what changed: docs/install.md)
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9
tool=$(mktemp -d)
trap 'rm -rf "$tool"' EXIT
python3 -m venv "$tool/venv"
"$tool/venv/bin/python" -m pip install --quiet "uv==$UV_VERSION"
uv="$tool/venv/bin/uv"
upgrade=()
[ "${1:-}" = "--upgrade" ] && upgrade=(--upgrade)
common=(--universal --python-version 3.11 --generate-hashes --no-header --quiet)
export UV_CUSTOM_COMPILE_COMMAND="bash scripts/lock.sh"
"$uv" pip compile pyproject.toml --extra test "${common[@]}" "${upgrade[@]}" -o requirements/test.txt
"$uv" pip compile pyproject.toml --extra workspace "${common[@]}" -c requirements/test.txt -o requirements/workspace.txt
"$uv" pip compile pyproject.toml "${common[@]}" -c requirements/test.txt -o requirements/cli.txt
# What builds and installs kehoach itself (pip, setuptools), locked too: setup.sh builds without isolation.
printf 'pip>=24\nsetuptools>=68\nwheel\n' | "$uv" pip compile - "${common[@]}" "${upgrade[@]}" -o requirements/build.txt
echo "requirements/: $(grep -c '==' requirements/test.txt) gói (kiểm thử), $(grep -c '==' requirements/workspace.txt) (không gian làm việc), $(grep -c '==' requirements/cli.txt) (dòng lệnh)"
