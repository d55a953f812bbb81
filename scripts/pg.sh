#!/usr/bin/env bash
# Starts the local PostgreSQL that the server's tests run against (each test creates and
# drops its own database) and gives the `postgres` role the password the tests use.
# Idempotent; Debian/Ubuntu's postgresql packaging (pg_createcluster, pg_ctlcluster).
set -euo pipefail
die() { echo "pg: $*" >&2; exit 1; }
command -v pg_lsclusters >/dev/null || die "PostgreSQL is not installed (run scripts/setup.sh)"
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -c "$*"; else sudo -u postgres sh -c "$*"; fi
}
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

version=$(ls /usr/lib/postgresql | sort -V | tail -1)
[ -n "$version" ] || die "no PostgreSQL server under /usr/lib/postgresql"
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$version main"; then
  $SUDO pg_createcluster "$version" main >/dev/null
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
[ "$port" = 5432 ] || die "cluster $version/main listens on port $port, the tests expect 5432 (set KORRIGO_TEST_PG)"
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
  $SUDO pg_ctlcluster "$version" main start
fi
for _ in $(seq 1 50); do
  as_postgres "psql -qAtc 'SELECT 1'" >/dev/null 2>&1 && break
  sleep 0.2
done
as_postgres "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
echo "pg: PostgreSQL $version running on 127.0.0.1:5432" >&2
