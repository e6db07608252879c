#!/usr/bin/env bash
# Sets kehoach up on a Debian machine that has only Python (3.11+), from the lock files in requirements/:
#   system packages (LibreOffice Writer, Tesseract with its Vietnamese model, fonts metric-compatible with Times New Roman that cover
#   Vietnamese, poppler-utils, Chromium for the web page's browser tests) when they are missing, a virtual environment in .venv, and the package.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "Cần cài gói hệ thống: $* — hãy chạy: sudo apt-get install -y $*" >&2
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@"
}

missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
# Scans in: Tesseract with its Vietnamese model.
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
ls /usr/share/tesseract-ocr/*/tessdata/vie.traineddata >/dev/null 2>&1 || missing+=(tesseract-ocr-vie)
if ! (command -v fc-list >/dev/null 2>&1 && fc-list | grep -qi "Liberation Serif"); then
  missing+=(fonts-liberation2 fontconfig)
fi
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || missing+=(python3-venv)
# The browser tests of the web page (kehoach serve) drive Debian's Chromium; Playwright cannot download its own here.
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
# The province workspace's tests start a throwaway PostgreSQL cluster and a Redis server on loopback.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Cài gói hệ thống: ${missing[*]}"
  apt_install "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# Exactly the versions the tests ran with: requirements/ is the lock (refreshed by scripts/lock.sh), every file
# pinned with its hashes; kehoach itself is installed on top without resolving anything again.
stamp=.venv/.kehoach-installed
want=$(cat pyproject.toml requirements/build.txt requirements/test.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --require-hashes -r requirements/build.txt
  .venv/bin/python -m pip install --quiet --require-hashes -r requirements/test.txt
  # compat: a plain path in a .pth file; the default import-hook finder costs every command ~30 ms of start-up
  .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e . --config-settings editable_mode=compat
  echo "$want" > "$stamp"
fi
