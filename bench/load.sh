#!/usr/bin/env bash
# Load test: the app under gunicorn (2 workers, SQLite with 100,000 servers) next to a bare Flask
# app that returns a constant JSON body (bench/bare_app.py), both driven by wrk with the same load.
#
#   bench/load.sh                       # defaults below; every one can be set in the environment
#   SERVERS=20000 DURATION=10s bench/load.sh
#
# Prints requests per second, p50/p99 latency and errors for: marketplace browse, the rental list
# (authenticated, a seeded user's bearer token), a pool's detail, and the bare app; then the
# app's worker RSS after 5,000 and after 10,000 more requests.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
SERVERS="${SERVERS:-100000}"
WORKERS="${WORKERS:-2}"
DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-4}"
THREADS="${THREADS:-1}"
WORKDIR="${WORKDIR:-$(mktemp -d /tmp/bench-load-XXXXXX)}"
APP_PORT="${APP_PORT:-8101}"
BARE_PORT="${BARE_PORT:-8102}"

if ! command -v wrk >/dev/null; then
  echo "Installing wrk (Debian package)..."
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

export INSTANCE_PATH="$WORKDIR"
export SECRET_KEY="${SECRET_KEY:-$("$PY" -c 'import secrets; print(secrets.token_hex(32))')}"
export APP_ENV="${APP_ENV:-production}"
unset DATABASE_URL
cd "$ROOT"

echo "Database: $WORKDIR/marketplace.db ($SERVERS servers)"
"$ROOT/.venv/bin/flask" --app app seed-demo --servers "$SERVERS" | tail -1

# A bearer token of a seeded user and a pool of theirs with members and rentals.
read -r TOKEN POOL_ID < <("$PY" - <<'EOF'
from sqlalchemy import select
from app import create_app
from core.extensions import db
from models import Pool, User
from services import tokens

app = create_app()
with app.app_context():
    alice = db.session.scalar(select(User).where(User.username == "alice"))
    pool = db.session.scalar(select(Pool).where(Pool.owner_id == alice.id, Pool.name == "Platform Team"))
    print(tokens.create_token(alice, "load test", 1)[1], pool.id)
EOF
)
AUTH="Authorization: Bearer $TOKEN"

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

start() {  # port, app, log -> sets STARTED_PID
  # Sync worker processes, as measured in docs/PERFORMANCE.md. Nothing here logs in, so rate-limit
  # counts kept in each process (RATELIMIT_PER_PROCESS=1) change nothing.
  RATELIMIT_PER_PROCESS=1 GUNICORN_THREADS=1 "$ROOT/.venv/bin/gunicorn" -c "$ROOT/gunicorn.conf.py" -w "$WORKERS" -b "127.0.0.1:$1" "$2" >>"$3" 2>&1 &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return
    sleep 0.2
  done
  echo "gunicorn on port $1 did not come up; see $3" >&2
  exit 1
}

start "$APP_PORT" app:app "$WORKDIR/app.log"
APP_PID=$STARTED_PID
start "$BARE_PORT" "bench.bare_app:app" "$WORKDIR/bare.log"

worker_rss_mb() {  # the app's workers, in MB
  ps -o rss= --ppid "$APP_PID" | awk '{printf "%s%.1f", sep, $1 / 1024; sep = " / "} END {print " MB"}'
}

drive() {  # name, url, extra wrk args...
  local name="$1" url="$2"; shift 2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" >"$WORKDIR/wrk.txt"
  awk -v name="$name" '
    /Requests\/sec/ {rps = $2}
    /^ +50%/ {p50 = $2}
    /^ +99%/ {p99 = $2}
    /Non-2xx/ {bad += $NF}
    /Socket errors/ {gsub(",", ""); bad += $4 + $6 + $8 + $10}
    END {printf "%-22s %10s %10s %10s %8d\n", name, rps, p50, p99, bad}' "$WORKDIR/wrk.txt"
}

APP="http://127.0.0.1:$APP_PORT"
echo
echo "wrk: $THREADS thread(s), $CONNECTIONS connections, $DURATION each; gunicorn $WORKERS workers; $(nproc) CPUs"
printf "%-22s %10s %10s %10s %8s\n" "" "req/s" "p50" "p99" "errors"
curl -fs -o /dev/null "$APP/api/v1/servers/available?limit=50" -H "$AUTH"  # warm up each worker's caches
drive "bare app (constant)" "http://127.0.0.1:$BARE_PORT/"
drive "marketplace browse" "$APP/api/v1/servers/available?limit=50" -H "$AUTH"
drive "rental list" "$APP/api/v1/rentals" -H "$AUTH"
drive "pool detail" "$APP/api/v1/pools/$POOL_ID" -H "$AUTH"

# Memory: a fresh app, then 5,000 and 10,000 requests spread over the three endpoints.
kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
start "$APP_PORT" app:app "$WORKDIR/app.log"
APP_PID=$STARTED_PID
requests() {
  "$PY" - "$APP" "$TOKEN" "$POOL_ID" "$1" <<'EOF'
import http.client, sys, threading
from urllib.parse import urlsplit
base, token, pool_id, total = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
paths = ["/api/v1/servers/available?limit=50", "/api/v1/rentals", f"/api/v1/pools/{pool_id}"]
host = urlsplit(base)
errors = []
def run(share, first):
    connection = http.client.HTTPConnection(host.hostname, host.port)
    for n in range(first, first + share):
        connection.request("GET", paths[n % 3], headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            errors.append(response.status)
threads = [threading.Thread(target=run, args=(total // 4, i * (total // 4))) for i in range(4)]
for thread in threads: thread.start()
for thread in threads: thread.join()
if errors: print(f"{len(errors)} errors", file=sys.stderr)
EOF
}
echo
echo "worker RSS at start:            $(worker_rss_mb)"
requests 5000
echo "worker RSS after  5,000 requests: $(worker_rss_mb)"
requests 5000
echo "worker RSS after 10,000 requests: $(worker_rss_mb)"
echo
echo "Logs and database in $WORKDIR"
