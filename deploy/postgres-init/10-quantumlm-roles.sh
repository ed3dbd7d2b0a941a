#!/usr/bin/env bash
# Runs once, when the PostgreSQL container initialises an empty data directory (docker-entrypoint-initdb.d).
# Creates the same roles and database as eng/postgres.sh does for development:
#   quantumlm_owner  LOGIN CREATEDB CREATEROLE  owns the database, runs the host's migrations
#   quantumlm_app    LOGIN, no ownership, NOBYPASSRLS, NOINHERIT: the role the platform connects as
#   quantumlm_anon, quantumlm_authenticated, quantumlm_service  NOLOGIN per-transaction roles, granted to quantumlm_app
# Passwords come from QUANTUMLM_OWNER_PASSWORD and QUANTUMLM_APP_PASSWORD (see deploy/compose.yaml); they are passed
# to psql as variables, never spliced into SQL text.
set -euo pipefail
: "${QUANTUMLM_OWNER_PASSWORD:?QUANTUMLM_OWNER_PASSWORD is not set}"
: "${QUANTUMLM_APP_PASSWORD:?QUANTUMLM_APP_PASSWORD is not set}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_pw="$QUANTUMLM_OWNER_PASSWORD" -v app_pw="$QUANTUMLM_APP_PASSWORD" <<'SQL'
CREATE ROLE quantumlm_owner LOGIN CREATEDB CREATEROLE;
CREATE ROLE quantumlm_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
CREATE ROLE quantumlm_anon NOLOGIN NOINHERIT NOBYPASSRLS;
CREATE ROLE quantumlm_authenticated NOLOGIN NOINHERIT NOBYPASSRLS;
CREATE ROLE quantumlm_service NOLOGIN NOINHERIT NOBYPASSRLS;
ALTER ROLE quantumlm_owner PASSWORD :'owner_pw';
ALTER ROLE quantumlm_app PASSWORD :'app_pw';
GRANT quantumlm_anon, quantumlm_authenticated, quantumlm_service TO quantumlm_app;
CREATE DATABASE quantumlm OWNER quantumlm_owner;
SQL

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname quantumlm <<'SQL'
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO quantumlm_owner;
GRANT USAGE ON SCHEMA public TO quantumlm_app;
GRANT CONNECT ON DATABASE quantumlm TO quantumlm_app;
SQL
