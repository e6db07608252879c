#!/bin/sh
# The container's one entry point (also runs as a plain process): web | worker | init | healthcheck.
#   web          the page (uvicorn, KEHOACH_WORKSPACE=1), on $PORT (8000), behind the proxy
#   worker       the queue worker for "lập cho mọi xã" and batch PDFs (RQ on $KEHOACH_REDIS)
#   init         tables, the province's units and the administrator (once; safe to run again)
#   healthcheck  exit 0 when the page answers on $PORT
set -eu
PYTHON=${PYTHON:-python3}
PORT=${PORT:-8000}

need() {
  for name in "$@"; do
    eval "value=\${$name:-}"
    if [ -z "$value" ]; then
      echo "Thiếu biến môi trường $name: đặt nó trong tệp .env cạnh compose.yaml (xem deploy/env.example và docs/deploy.md)." >&2
      exit 1
    fi
  done
}

role=${1:-web}
case "$role" in
  web)
    need KEHOACH_DB KEHOACH_SECRET
    export KEHOACH_WORKSPACE=1
    # Forwarded addresses are believed only from the proxy (KEHOACH_PROXY_IPS), never from any client.
    exec "$PYTHON" -m uvicorn --factory authoring.web.workspace_app:factory --host "${HOST:-0.0.0.0}" --port "$PORT" \
      --timeout-keep-alive 75 --no-access-log --proxy-headers --forwarded-allow-ips "${KEHOACH_PROXY_IPS:-127.0.0.1}"
    ;;
  worker)
    need KEHOACH_DB KEHOACH_REDIS
    exec "$PYTHON" -m rq.cli worker kehoach --url "$KEHOACH_REDIS" --worker-class rq.worker.SimpleWorker
    ;;
  init)
    need KEHOACH_DB KEHOACH_TINH KEHOACH_CO_QUAN KEHOACH_ADMIN KEHOACH_ADMIN_PASSWORD
    exec "$PYTHON" -m authoring.web.workspace_app --tinh "$KEHOACH_TINH" --co-quan "$KEHOACH_CO_QUAN" \
      --quan-tri "$KEHOACH_ADMIN"
    ;;
  healthcheck)
    exec "$PYTHON" -c "import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen('http://127.0.0.1:$PORT/dang-nhap', timeout=4)
except urllib.error.HTTPError as exc:
    sys.exit(0 if exc.code < 500 else 1)
except OSError:
    sys.exit(1)"
    ;;
  *)
    echo "Không có vai trò '$role'. Dùng một trong: web, worker, init, healthcheck." >&2
    exit 2
    ;;
esac
