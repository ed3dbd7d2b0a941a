-- V0003: RBAC seed, permission checks, triggers (profiles, follow counts, role audit, event ids + NOTIFY,
-- session counters) and the reputation function. SECURITY DEFINER functions pin search_path.

INSERT INTO roles (role_id, role_name, description) VALUES
  (1, 'admin', 'Full system access'),
  (2, 'researcher', 'Runs experiments, mutates organisms, publishes results'),
  (3, 'operator', 'Monitors the arena and manages jobs'),
  (4, 'viewer', 'Read-only access'),
  (5, 'miner', 'Mines tokens');

INSERT INTO role_permissions (role_id, permission) VALUES
  (1, '*'),
  (2, 'experiments:create'), (2, 'experiments:read'), (2, 'projects:create'), (2, 'organisms:mutate'),
  (3, 'arena:view'), (3, 'jobs:manage'),
  (4, 'experiments:read'), (4, 'projects:read'),
  (5, 'mining:execute'), (5, 'tokens:claim');

-- Whether a given user holds a permission (directly or through '*'). Roles are read from the database, never
-- trusted from the claims. Callable by services only: users ask through has_permission().
CREATE FUNCTION user_has_permission(p_user_id uuid, p_permission text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT p_user_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id
    WHERE ur.user_id = p_user_id AND (rp.permission = p_permission OR rp.permission = '*'))
$$;
REVOKE ALL ON FUNCTION user_has_permission(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION user_has_permission(uuid, text) TO quantumlm_service;

-- Whether the signed-in user of this transaction holds a permission; false for anonymous and services.
CREATE FUNCTION has_permission(p_permission text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT user_has_permission(current_user_id(), p_permission) $$;
REVOKE ALL ON FUNCTION has_permission(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION has_permission(text) TO quantumlm_anon, quantumlm_authenticated, quantumlm_service;

CREATE FUNCTION is_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT EXISTS (SELECT 1 FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id
                 WHERE ur.user_id = current_user_id() AND rp.permission = '*')
$$;
REVOKE ALL ON FUNCTION is_admin() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION is_admin() TO quantumlm_anon, quantumlm_authenticated, quantumlm_service;

-- A profile row for every user, created with the user.
CREATE FUNCTION create_profile_for_user() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  INSERT INTO profiles (user_id) VALUES (NEW.user_id) ON CONFLICT (user_id) DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER users_create_profile AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION create_profile_for_user();

-- follower_count / following_count follow the follows table.
CREATE FUNCTION update_follow_counts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE profiles SET following_count = following_count + 1 WHERE user_id = NEW.follower_id;
    UPDATE profiles SET follower_count = follower_count + 1 WHERE user_id = NEW.following_id;
  ELSE
    UPDATE profiles SET following_count = greatest(following_count - 1, 0) WHERE user_id = OLD.follower_id;
    UPDATE profiles SET follower_count = greatest(follower_count - 1, 0) WHERE user_id = OLD.following_id;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER follows_counts AFTER INSERT OR DELETE ON follows FOR EACH ROW EXECUTE FUNCTION update_follow_counts();

-- Every role grant and revoke lands in role_assignment_audit with the actor of the transaction.
CREATE FUNCTION audit_role_assignment() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO role_assignment_audit (user_id, role_id, action, actor) VALUES (NEW.user_id, NEW.role_id, 'grant', current_actor());
  ELSE
    INSERT INTO role_assignment_audit (user_id, role_id, action, actor) VALUES (OLD.user_id, OLD.role_id, 'revoke', current_actor());
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER user_roles_audit AFTER INSERT OR DELETE ON user_roles FOR EACH ROW EXECUTE FUNCTION audit_role_assignment();

-- The NOTIFY channel of a session's events: 'qlm_ev_' + the uuid's 32 hex digits (39 characters, under 63).
CREATE FUNCTION agent_event_channel(p_session_id uuid) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT 'qlm_ev_' || replace(p_session_id::text, '-', '') $$;

-- Event ids: a per-session transaction lock is taken before the id is drawn and held to commit, so ids of one
-- session commit in increasing order (a reader resuming after id N never misses a later-committed smaller id).
CREATE FUNCTION assign_agent_event_id() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(NEW.session_id::text, 7));
  NEW.event_id := nextval('agent_events_event_id_seq');
  RETURN NEW;
END
$$;
CREATE TRIGGER agent_events_assign_id BEFORE INSERT ON agent_events FOR EACH ROW EXECUTE FUNCTION assign_agent_event_id();

CREATE FUNCTION notify_agent_event() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM pg_notify(agent_event_channel(NEW.session_id), NEW.event_id::text);
  RETURN NULL;
END
$$;
CREATE TRIGGER agent_events_notify AFTER INSERT ON agent_events FOR EACH ROW EXECUTE FUNCTION notify_agent_event();

-- Session counters, kept by triggers so no caller can forget them (or lack the right to update the session).
CREATE FUNCTION bump_session_counters() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  IF NEW.session_id IS NULL THEN
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'commit_logs' THEN
    UPDATE arena_sessions SET total_commits = total_commits + 1, last_activity = clock_timestamp() WHERE session_id = NEW.session_id;
  ELSIF TG_TABLE_NAME = 'quantum_jobs' THEN
    UPDATE arena_sessions SET total_jobs = total_jobs + 1, last_activity = clock_timestamp() WHERE session_id = NEW.session_id;
  ELSIF TG_TABLE_NAME = 'organisms' THEN
    UPDATE arena_sessions SET total_mutations = total_mutations + 1, last_activity = clock_timestamp() WHERE session_id = NEW.session_id;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER commit_logs_session_counter AFTER INSERT ON commit_logs FOR EACH ROW EXECUTE FUNCTION bump_session_counters();
CREATE TRIGGER quantum_jobs_session_counter AFTER INSERT ON quantum_jobs FOR EACH ROW EXECUTE FUNCTION bump_session_counters();
CREATE TRIGGER organisms_session_counter AFTER INSERT ON organisms FOR EACH ROW EXECUTE FUNCTION bump_session_counters();

-- Reputation: 10 per completed quantum job + 5 per follower (the original formula), for any user.
CREATE FUNCTION calculate_reputation(p_user_id uuid) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT (10 * (SELECT count(*) FROM quantum_jobs WHERE user_id = p_user_id AND status = 'completed')
        + 5 * coalesce((SELECT follower_count FROM profiles WHERE user_id = p_user_id), 0))::integer
$$;
REVOKE ALL ON FUNCTION calculate_reputation(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION calculate_reputation(uuid) TO quantumlm_authenticated, quantumlm_service;

-- Cancels a pending or running task if the caller owns it, holds jobs:manage, or is a service. Returns whether a
-- row changed. A running task loses its lease (its worker's heartbeat and completion are then refused).
CREATE FUNCTION cancel_task(p_task_id uuid) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  n integer;
BEGIN
  UPDATE task_queue
     SET status = 'cancelled', completed_at = clock_timestamp(), lease_token = NULL, locked_until = NULL, worker_id = NULL,
         error = 'cancelled by ' || current_actor()
   WHERE task_id = p_task_id AND status IN ('pending', 'running')
     AND (is_service() OR user_id = current_user_id() OR has_permission('jobs:manage'));
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n > 0;
END
$$;
REVOKE ALL ON FUNCTION cancel_task(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cancel_task(uuid) TO quantumlm_authenticated, quantumlm_service;

-- Cosine similarity of two float4 vectors of equal length (NULL when lengths differ or a norm is zero).
CREATE FUNCTION cosine_similarity(a real[], b real[]) RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT CASE WHEN cardinality(a) <> cardinality(b) THEN NULL
              ELSE (SELECT sum(x::float8 * y::float8) / nullif(sqrt(sum(x::float8 * x::float8)) * sqrt(sum(y::float8 * y::float8)), 0)
                      FROM unnest(a, b) AS t(x, y)) END
$$;

-- Codebase search over the caller's visible rows (RLS applies: SECURITY INVOKER).
CREATE FUNCTION search_codebase(query_embedding real[], match_threshold double precision DEFAULT 0.7, match_count integer DEFAULT 10)
RETURNS TABLE (memory_id uuid, file_path text, content text, similarity double precision)
LANGUAGE sql STABLE
AS $$
  SELECT m.memory_id, m.file_path, m.content, s.sim
    FROM codebase_memory m
    CROSS JOIN LATERAL (SELECT cosine_similarity(m.embedding, query_embedding) AS sim) s
   WHERE cardinality(m.embedding) = cardinality(query_embedding) AND s.sim > match_threshold
   ORDER BY s.sim DESC, m.memory_id
   LIMIT least(greatest(match_count, 1), 1000)
$$;
