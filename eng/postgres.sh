#!/usr/bin/env bash
# eng/postgres.sh: a private, loopback-only PostgreSQL cluster for QuantumLM development, tests and CI.
#
#   eval "$(eng/postgres.sh)"        # prepares everything, then exports the connection strings
#   eng/postgres.sh stop             # stops the cluster
#
# Idempotent. Installs PostgreSQL from Debian's packages when no server binaries are present (root, or sudo),
# creates a cluster in $QUANTUMLM_PG_HOME (default /tmp/quantumlm-pg-<uid>) listening on 127.0.0.1:$QUANTUMLM_PG_PORT
# (default 54329) only, and creates:
#   quantumlm_owner  LOGIN CREATEDB CREATEROLE  owns the databases, runs migrations (never used by the app at run time)
#   quantumlm_app    LOGIN, no ownership, no BYPASSRLS: the role the platform connects as, so row-level security applies
#   quantumlm_anon, quantumlm_authenticated, quantumlm_service  NOLOGIN, granted to quantumlm_app: the per-transaction
#                    roles of QuantumLM.Persistence.Postgres (set with set_config('role', ..., true), never per session)
#   databases        quantumlm (the platform) and quantumlm_test (the test suite's template)
# Passwords are random, generated on first run and kept in $QUANTUMLM_PG_HOME/password (mode 600), never in the repo.
# Works as root (the server then runs as the 'postgres' system user, as initdb refuses root) and as a normal user.
# stdout carries only `export` lines; progress goes to stderr.
set -euo pipefail

PORT="${QUANTUMLM_PG_PORT:-54329}"
PGHOME="${QUANTUMLM_PG_HOME:-/tmp/quantumlm-pg-$(id -u)}"
DATA="$PGHOME/data"
LOG="$PGHOME/server.log"
SOCK="$PGHOME/socket"

say() { printf 'postgres.sh: %s\n' "$*" >&2; }

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

BIN="$(find_bin)"
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  say "PostgreSQL server not found; installing Debian's postgresql package"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq --no-install-recommends postgresql postgresql-contrib >&2
  BIN="$(find_bin)"
fi

if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  as_server() { runuser -u postgres -- "$@"; }
  SERVER_USER=postgres
else
  as_server() { "$@"; }
  SERVER_USER="$(id -un)"
fi

if [ "${1:-}" = "stop" ]; then
  if [ -f "$DATA/PG_VERSION" ]; then as_server "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2 || true; fi
  exit 0
fi

mkdir -p "$PGHOME" "$SOCK"
chmod 755 "$PGHOME"
if [ "$(id -u)" -eq 0 ]; then chown "$SERVER_USER" "$PGHOME" "$SOCK"; fi

if [ ! -s "$PGHOME/password" ]; then
  umask 077
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$PGHOME/password"
  umask 022
fi
PASSWORD="$(cat "$PGHOME/password")"

if [ ! -f "$DATA/PG_VERSION" ]; then
  say "initialising a cluster in $DATA"
  if [ "$(id -u)" -eq 0 ]; then install -d -o "$SERVER_USER" -m 700 "$DATA"; else install -d -m 700 "$DATA"; fi
  as_server "$BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >&2
  cat >> "$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCK'
max_connections = 200
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
CONF
fi

if ! as_server "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  say "starting PostgreSQL on 127.0.0.1:$PORT"
  as_server "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >&2
fi

psql_admin() { PGOPTIONS="-c client_min_messages=warning" as_server "$BIN/psql" -h "$SOCK" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q "$@"; }

psql_admin >&2 <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'quantumlm_owner') THEN
    CREATE ROLE quantumlm_owner LOGIN CREATEDB CREATEROLE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'quantumlm_app') THEN
    CREATE ROLE quantumlm_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
  -- The per-transaction roles of QuantumLM.Persistence.Postgres (its migrations create them too when missing):
  -- the app switches to one of them with set_config('role', ..., true) inside each transaction.
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'quantumlm_anon') THEN
    CREATE ROLE quantumlm_anon NOLOGIN NOINHERIT NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'quantumlm_authenticated') THEN
    CREATE ROLE quantumlm_authenticated NOLOGIN NOINHERIT NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'quantumlm_service') THEN
    CREATE ROLE quantumlm_service NOLOGIN NOINHERIT NOBYPASSRLS;
  END IF;
END
\$\$;
ALTER ROLE quantumlm_owner PASSWORD '$PASSWORD';
ALTER ROLE quantumlm_app PASSWORD '$PASSWORD';
-- NOINHERIT: without a per-transaction role the login role holds no table privileges (fail closed).
ALTER ROLE quantumlm_app NOINHERIT;
GRANT quantumlm_anon, quantumlm_authenticated, quantumlm_service TO quantumlm_app;
-- The owner may end the app's sessions, so DROP DATABASE ... WITH (FORCE) of a throwaway test database always works
-- (a LISTEN connection of a stopped host can outlive it for a moment).
GRANT pg_signal_backend TO quantumlm_owner;
SQL
for db in quantumlm quantumlm_test; do
  if [ -z "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    psql_admin -c "CREATE DATABASE $db OWNER quantumlm_owner" >&2
  fi
  psql_admin -d "$db" -c "REVOKE ALL ON SCHEMA public FROM PUBLIC; ALTER SCHEMA public OWNER TO quantumlm_owner; GRANT USAGE ON SCHEMA public TO quantumlm_app; GRANT CONNECT ON DATABASE $db TO quantumlm_app" >&2
done

APP="Host=127.0.0.1;Port=$PORT;Database=quantumlm;Username=quantumlm_app;Password=$PASSWORD"
OWNER="Host=127.0.0.1;Port=$PORT;Database=quantumlm;Username=quantumlm_owner;Password=$PASSWORD"
TEST_OWNER="Host=127.0.0.1;Port=$PORT;Database=quantumlm_test;Username=quantumlm_owner;Password=$PASSWORD"
printf "export QUANTUMLM_DB='%s'\n" "$APP"
printf "export ConnectionStrings__QuantumLM='%s'\n" "$APP"
printf "export QUANTUMLM_DB_OWNER='%s'\n" "$OWNER"
printf "export ConnectionStrings__QuantumLMOwner='%s'\n" "$OWNER"
printf "export QUANTUMLM_TEST_DB='%s'\n" "$TEST_OWNER"
say "ready: 127.0.0.1:$PORT (databases quantumlm, quantumlm_test; roles quantumlm_owner, quantumlm_app)"
