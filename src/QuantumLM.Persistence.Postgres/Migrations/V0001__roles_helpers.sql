-- V0001: database roles the application switches to per transaction, and the identity helper functions.
--
-- The application logs in as a non-owner role (for example quantumlm_app) that holds no table privileges itself.
-- Every transaction first runs set_config('role', <one of the roles below>, true) and
-- set_config('request.jwt.claims', <claims json>, true): both are transaction-local, never session-level.
--   quantumlm_anon           a caller without a verified identity
--   quantumlm_authenticated  a signed-in user; claims {"sub": "<uuid>", "roles": [...]}
--   quantumlm_service        a worker or platform service; claims {"service": "<name>"}
-- Roles are cluster-wide, so they are created only when missing (another database may have created them).
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['quantumlm_anon', 'quantumlm_authenticated', 'quantumlm_service'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT NOBYPASSRLS', r);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL; -- created concurrently by a migration of another database
      END;
    END IF;
  END LOOP;
END
$$;

GRANT USAGE ON SCHEMA public TO quantumlm_anon, quantumlm_authenticated, quantumlm_service;

-- The claims of the current transaction; NULL when none were set (after a transaction the GUC reads '' not NULL).
CREATE FUNCTION current_claims() RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(current_setting('request.jwt.claims', true), '')::jsonb $$;

-- The signed-in user's id from the claims' "sub" while the transaction runs as quantumlm_authenticated, else NULL
-- (anonymous, service, or a malformed sub: fail closed).
CREATE FUNCTION current_user_id() RETURNS uuid
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
  s text := current_claims() ->> 'sub';
BEGIN
  IF current_setting('role', true) IS DISTINCT FROM 'quantumlm_authenticated' OR s IS NULL OR s !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
    RETURN NULL;
  END IF;
  RETURN s::uuid;
END
$$;

-- The service name of a worker or platform service, only while the transaction runs as quantumlm_service.
-- The 'role' setting (not current_user) is read, so the answer is the same inside SECURITY DEFINER functions.
CREATE FUNCTION current_service() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN current_setting('role', true) = 'quantumlm_service' THEN nullif(current_claims() ->> 'service', '') END $$;

-- Who is writing: 'user:<uuid>', 'service:<name>' or 'anonymous'. Recorded in the rows the platform writes.
CREATE FUNCTION current_actor() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT coalesce('user:' || current_user_id()::text, 'service:' || current_service(), 'anonymous') $$;

-- True while the transaction runs under a service identity.
CREATE FUNCTION is_service() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT current_service() IS NOT NULL $$;

CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  NEW.updated_at := clock_timestamp();
  RETURN NEW;
END
$$;
