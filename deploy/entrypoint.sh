#!/bin/sh
# One image, four roles. The orchestrator picks one:
#   web      gunicorn (deploy/gunicorn.conf.py)
#   worker   a Celery worker (WORKER_CONCURRENCY, WORKER_QUEUES)
#   beat     the Celery beat scheduler: run exactly one
#   migrate  the public schema, the template, then every union in parallel (resumable: a
#            union already current is skipped); exits non-zero on failure so a rollout stops
#            before new pods serve
#   manage   any manage.py command, e.g. `manage union_export ...`
set -eu
role="${1:-web}"
[ $# -gt 0 ] && shift
mkdir -p "${PROMETHEUS_MULTIPROC_DIR:-/tmp/metrics}" "${XDG_CACHE_HOME:-/tmp/cache}"
case "$role" in
  web)
    # Metrics of the previous run's workers must not be added to this one's.
    rm -f "${PROMETHEUS_MULTIPROC_DIR:-/tmp/metrics}"/*.db
    exec gunicorn workershome.wsgi:application --config /app/deploy/gunicorn.conf.py "$@" ;;
  worker)
    exec celery -A workershome worker --loglevel "${LOG_LEVEL:-INFO}" \
      --concurrency "${WORKER_CONCURRENCY:-2}" --queues "${WORKER_QUEUES:-celery}" \
      --without-gossip --without-mingle "$@" ;;
  beat)
    exec celery -A workershome beat --loglevel "${LOG_LEVEL:-INFO}" --pidfile= \
      --schedule /tmp/celerybeat-schedule "$@" ;;
  migrate)
    python manage.py migrate_schemas --shared --noinput -v 1
    python manage.py migrate_shards --no-input -v 1
    python manage.py migrate_template --no-input -v 1
    python manage.py migrate_unions --noinput --no-progress -v 1
    exec python manage.py check_migrations --quick --no-progress ;;
  manage)
    exec python manage.py "$@" ;;
  *)
    echo "unknown role: $role (web, worker, beat, migrate, manage)" >&2
    exit 64 ;;
esac
