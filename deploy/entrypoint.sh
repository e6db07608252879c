#!/bin/sh
# The container's one entry point (also runs as a plain process): web | worker | init | healthcheck.
#   web          the page (uvicorn, KEHOACH_WORKSPACE=1), on $PORT (8000) and, with KEHOACH_WEB_PROCESSES=n, on
#                the n-1 ports after it, behind the proxy
#   worker       the queue worker for "lập cho mọi xã" and batch PDFs (RQ on $KEHOACH_REDIS)
#   init         tables, the province's units and the administrator (once; safe to run again)
#   healthcheck  exit 0 when the page answers on every web port
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

# How many web processes (KEHOACH_WEB_PROCESSES, default 1), refused unless a whole number from 1 to 64.
processes() {
  count=${KEHOACH_WEB_PROCESSES:-1}
  case "$count" in
    ''|*[!0-9]*) bad=1 ;;
    *) if [ "$count" -lt 1 ] || [ "$count" -gt 64 ]; then bad=1; else bad=0; fi ;;
  esac
  if [ "$bad" -eq 1 ]; then
    echo "KEHOACH_WEB_PROCESSES='$count' không hợp lệ: ghi một số nguyên từ 1 đến 64 (thường là hai lần số lõi CPU)." >&2
    exit 1
  fi
  echo "$count"
}

role=${1:-web}
case "$role" in
  web)
    need KEHOACH_DB KEHOACH_SECRET
    export KEHOACH_WORKSPACE=1
    count=$(processes)
    # Forwarded addresses are believed only from the proxy (KEHOACH_PROXY_IPS), never from any client.
    set -- -m uvicorn --factory authoring.web.workspace_app:factory --host "${HOST:-0.0.0.0}" --timeout-keep-alive 75 \
      --no-access-log --proxy-headers --forwarded-allow-ips "${KEHOACH_PROXY_IPS:-127.0.0.1}"
    if [ "$count" -eq 1 ]; then
      exec "$PYTHON" "$@" --port "$PORT"
    fi
    # Several processes, one port each (PORT, PORT+1, …; the proxy sends each session to one of them): two per core
    # answer a save faster than one per core under 50 users (docs/benchmarks.md). One gone is the service gone: the
    # others are stopped too, so the container restarts whole.
    pids=""
    i=0
    while [ "$i" -lt "$count" ]; do
      "$PYTHON" "$@" --port $((PORT + i)) &
      pids="$pids $!"
      i=$((i + 1))
    done
    trap 'kill $pids 2>/dev/null; wait; exit 0' TERM INT
    while :; do
      for pid in $pids; do
        if ! kill -0 "$pid" 2>/dev/null; then
          echo "Một tiến trình web (PID $pid) đã dừng: dừng cả dịch vụ để khởi động lại." >&2
          kill $pids 2>/dev/null
          wait
          exit 1
        fi
      done
      sleep 2 &
      wait $!
    done
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
    count=$(processes)
    exec "$PYTHON" -c "import sys, urllib.request, urllib.error
for port in range($PORT, $PORT + $count):   # every web process, not only the first
    try:
        urllib.request.urlopen(f'http://127.0.0.1:{port}/dang-nhap', timeout=4)
    except urllib.error.HTTPError as exc:
        if exc.code >= 500:
            sys.exit(1)
    except OSError:
        sys.exit(1)"
    ;;
  *)
    echo "Không có vai trò '$role'. Dùng một trong: web, worker, init, healthcheck." >&2
    exit 2
    ;;
esac
