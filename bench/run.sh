#!/usr/bin/env bash
# The whole benchmark, one command: bench/run.sh
#   SCALES="10000 100000 1000000" (default)  BENCH_DB=trilogo_bench  PG=postgres://postgres@127.0.0.1:5432
#   ITERATIONS=100  HTTP_SECONDS=10  HTTP_WORKERS=<cores>  KEEP_DB=1 (reuse a database seeded before)
#   NO_INSTRUCTIONS=1 (skip the valgrind instruction counts at the largest scale)
# Needs PostgreSQL, psql and wrk (apt-get install wrk); valgrind for the instruction counts.
# Writes bench/results/*.json and bench/RESULTS.md; keeps a copy of the smallest scale
# as ${BENCH_DB}_small for the side-by-side scaling measurement (bench/scaling.py).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
DB=${BENCH_DB:-trilogo_bench}
SCALES=${SCALES:-10000 100000 1000000}
ITERATIONS=${ITERATIONS:-100}

# Production-like settings: DEBUG off, static files through the manifest, no e-mail.
export DATABASE_URL="$PG/$DB"
export DEBUG=0 LOG_LEVEL=WARNING
export SECRET_KEY=${SECRET_KEY:-bench-only-secret-key-not-for-production-0123456789abcdef}
export ALLOWED_HOSTS=testserver,127.0.0.1,localhost
export SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0
export STATIC_ROOT=${STATIC_ROOT:-/tmp/trilogo-bench-static}
export EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend

if [ -z "${KEEP_DB:-}" ]; then
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
  rm -rf bench/results
fi
$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0
$PY -m bench machine

have=$($PY manage.py shell -v 0 -c "from tickets.models import Ticket; print(Ticket.objects.count())" | tail -1)
labels=()
for n in $SCALES; do
  label=$(( n >= 1000000 ? n / 1000000 : n / 1000 ))$([ "$n" -ge 1000000 ] && echo M || echo k)
  if [ "$n" -gt "$have" ]; then
    echo "== seeding up to $n tickets"
    $PY manage.py seed_bulk --tickets $(( n - have ))
    have=$n
  fi
  echo "== measuring at $label"
  $PY -m bench measure --label "$label" --iterations "$ITERATIONS"
  $PY -m bench http --label "$label" --seconds "${HTTP_SECONDS:-10}" --workers "${HTTP_WORKERS:-$(nproc)}"
  $PY -m bench cpu --label "$label"
  if [ ${#labels[@]} -eq 0 ] && [ "$have" -eq "$n" ]; then
    # The smallest scale, kept for the side-by-side scaling measurement at the end.
    small=1
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS ${DB}_small" -c "CREATE DATABASE ${DB}_small TEMPLATE $DB"
  fi
  labels+=("$label")
done
if [ ${#labels[@]} -gt 1 ] && [ -n "${small:-}" ]; then
  $PY -m bench scaling --label "${labels[-1]}" --small "${DB}_small"
fi
if command -v valgrind >/dev/null && [ -z "${NO_INSTRUCTIONS:-}" ]; then
  $PY -m bench instructions --label "${labels[-1]}"   # the largest scale only: ~1 min per persona
fi
$PY -m bench machine
$PY -m bench report --labels "${labels[@]}" --command "bench/run.sh"
