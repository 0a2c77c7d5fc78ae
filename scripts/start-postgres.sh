#!/usr/bin/env bash
# Start Debian's PostgreSQL cluster and make the test database. Prints the URL to use:
#   export HALLQ_TEST_DATABASE_URL=$(bash scripts/start-postgres.sh)
# Idempotent: a running cluster and an existing role/database are left as they are.
set -euo pipefail
# Runs as root (CI and these machines); elsewhere run it with sudo.
[ "$(id -u)" -eq 0 ] || { echo "run as root: sudo bash $0" >&2; exit 1; }
SUDO=""
ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
  $SUDO pg_createcluster "$ver" main >/dev/null
fi
cluster=$(pg_lsclusters -h | head -1 | awk '{print $1" "$2}')
port=$(pg_lsclusters -h | head -1 | awk '{print $3}')
if ! pg_lsclusters -h | head -1 | grep -q online; then
  $SUDO pg_ctlcluster $cluster start >&2
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 0.5
done
psql_su() { runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qtAc "$1"; }
[ "$(psql_su "SELECT 1 FROM pg_roles WHERE rolname='hallq'")" = "1" ] || psql_su "CREATE ROLE hallq LOGIN PASSWORD 'hallq' CREATEDB" >&2
[ "$(psql_su "SELECT 1 FROM pg_database WHERE datname='hallq_test'")" = "1" ] || psql_su "CREATE DATABASE hallq_test OWNER hallq" >&2
# Tests drop their databases WITH (FORCE), which must end an autovacuum worker that may be on it.
psql_su "GRANT pg_signal_backend TO hallq" >&2
echo "postgres://hallq:hallq@127.0.0.1:${port}/hallq_test"
