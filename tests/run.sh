#!/usr/bin/env bash
# The test command behind `make test`: real PostgreSQL and Redis, tests in parallel.
# Uses the machine's servers on 127.0.0.1 when they answer; otherwise the embedded PostgreSQL
# (pgserver wheel) and a Redis server started here.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

reachable() { "$PY" -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 0.5)" 2>/dev/null; }

if [ -z "${DATABASE_URL:-}" ] && ! reachable 5432; then
  echo "No PostgreSQL on 127.0.0.1:5432: using the embedded one in var/test-pg"
  export DATABASE_URL=$("$PY" -c "from pathlib import Path; import sys; sys.path.insert(0, 'platform'); from workershome.embedded import embedded_database_url; print(embedded_database_url(Path('var/test-pg').resolve(), 'postgres'))")
fi
if [ -z "${REDIS_URL:-}" ] && ! reachable 6379; then
  if ! command -v redis-server >/dev/null; then
    echo "No Redis on 127.0.0.1:6379: installing Debian's redis-server"
    (apt-get update -qq && apt-get install -y -qq redis-server >/dev/null) || true
  fi
  if command -v redis-server >/dev/null; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6390 --save "" --appendonly no >/dev/null
    export TEST_REDIS=redis://127.0.0.1:6390
  fi
fi

# Browser tests drive Debian's Chromium (Playwright never downloads a browser here); the
# PgBouncer test starts Debian's pgbouncer in front of the test PostgreSQL.
bash deploy/system-packages.sh --browser --pgbouncer

exec .venv/bin/pytest -n "${TEST_PROCESSES:-2}" --create-db -q --ignore=tests/benchmarks "$@"
