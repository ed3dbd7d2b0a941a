-- V0004: row-level security on every table (ENABLE + FORCE) with explicit select/insert/update/delete policies,
-- and the table privileges of the three per-transaction roles. The login role of the application holds no table
-- privileges of its own, so a code path that forgets to set an identity is refused outright (fail closed).
-- Claim functions are wrapped in (SELECT ...) so they are evaluated once per statement, not once per row.
-- Policies TO CURRENT_USER (the schema owner running this migration) are narrow: they let the owner's
-- SECURITY DEFINER functions (permission checks, counters, audit, cancel_task) read and maintain what they need.

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'profiles', 'roles', 'role_permissions', 'user_roles', 'role_assignment_audit',
                           'follows', 'arena_sessions', 'agent_events', 'commit_logs', 'quantum_jobs', 'codebase_memory',
                           'task_queue', 'organisms', 'organism_lineage', 'evolution_history', 'refresh_tokens'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
  END LOOP;
END
$$;

-- Privileges (the policies below decide which rows).
GRANT SELECT ON profiles, follows, roles, role_permissions TO quantumlm_anon;
GRANT SELECT ON roles, role_permissions TO quantumlm_authenticated, quantumlm_service;
GRANT SELECT (user_id, email, external_issuer, is_verified, email_verified_at, last_login, created_at, updated_at, deleted_at),
      UPDATE (email)
   ON users TO quantumlm_authenticated;
GRANT DELETE ON users TO quantumlm_authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON users TO quantumlm_service;
GRANT SELECT, INSERT, UPDATE, DELETE ON profiles, arena_sessions, codebase_memory, task_queue, organisms,
      quantum_jobs TO quantumlm_authenticated, quantumlm_service;
GRANT SELECT, INSERT, DELETE ON user_roles, follows, agent_events, commit_logs, organism_lineage, evolution_history
   TO quantumlm_authenticated, quantumlm_service;
GRANT SELECT ON role_assignment_audit TO quantumlm_authenticated, quantumlm_service;
GRANT SELECT, INSERT, UPDATE, DELETE ON refresh_tokens TO quantumlm_service;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO quantumlm_authenticated, quantumlm_service;

-- users: a user sees and edits their own row; admins and services see all; only services create users.
CREATE POLICY users_select ON users FOR SELECT TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR user_id = (SELECT current_user_id()) OR (SELECT is_admin()));
CREATE POLICY users_insert ON users FOR INSERT TO quantumlm_service WITH CHECK ((SELECT is_service()));
CREATE POLICY users_update ON users FOR UPDATE TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR user_id = (SELECT current_user_id()) OR (SELECT is_admin()))
  WITH CHECK ((SELECT is_service()) OR user_id = (SELECT current_user_id()) OR (SELECT is_admin()));
CREATE POLICY users_delete ON users FOR DELETE TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR (SELECT is_admin()));

-- profiles: public to read; the owner edits; created with the user by a trigger.
CREATE POLICY profiles_select ON profiles FOR SELECT TO quantumlm_anon, quantumlm_authenticated, quantumlm_service USING (true);
CREATE POLICY profiles_insert ON profiles FOR INSERT TO quantumlm_authenticated, quantumlm_service
  WITH CHECK ((SELECT is_service()) OR user_id = (SELECT current_user_id()));
CREATE POLICY profiles_update ON profiles FOR UPDATE TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR user_id = (SELECT current_user_id()) OR (SELECT is_admin()))
  WITH CHECK ((SELECT is_service()) OR user_id = (SELECT current_user_id()) OR (SELECT is_admin()));
CREATE POLICY profiles_delete ON profiles FOR DELETE TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR (SELECT is_admin()));
CREATE POLICY profiles_owner_maintenance ON profiles FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);

-- roles and role_permissions: readable by everyone, written only by migrations (no write privilege or policy).
CREATE POLICY roles_select ON roles FOR SELECT TO quantumlm_anon, quantumlm_authenticated, quantumlm_service USING (true);
CREATE POLICY roles_owner_read ON roles FOR SELECT TO CURRENT_USER USING (true);
CREATE POLICY role_permissions_select ON role_permissions FOR SELECT TO quantumlm_anon, quantumlm_authenticated, quantumlm_service USING (true);
CREATE POLICY role_permissions_owner_read ON role_permissions FOR SELECT TO CURRENT_USER USING (true);

-- user_roles: a user sees their own roles; roles:manage (admin) and services grant and revoke. Audited by trigger.
CREATE POLICY user_roles_select ON user_roles FOR SELECT TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR user_id = (SELECT current_user_id()) OR (SELECT has_permission('roles:manage')));
CREATE POLICY user_roles_insert ON user_roles FOR INSERT TO quantumlm_authenticated, quantumlm_service
  WITH CHECK (((SELECT has_permission('roles:manage')) OR (SELECT is_service())) AND assigned_by = (SELECT current_actor()));
CREATE POLICY user_roles_update ON user_roles FOR UPDATE TO quantumlm_authenticated, quantumlm_service USING (false);
CREATE POLICY user_roles_delete ON user_roles FOR DELETE TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR (SELECT has_permission('roles:manage')));
CREATE POLICY user_roles_owner_read ON user_roles FOR SELECT TO CURRENT_USER USING (true);

-- role_assignment_audit: read by roles:manage and services; written only by the audit trigger.
CREATE POLICY role_audit_select ON role_assignment_audit FOR SELECT TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR (SELECT has_permission('roles:manage')));
CREATE POLICY role_audit_insert ON role_assignment_audit FOR INSERT TO quantumlm_authenticated, quantumlm_service WITH CHECK (false);
CREATE POLICY role_audit_update ON role_assignment_audit FOR UPDATE TO quantumlm_authenticated, quantumlm_service USING (false);
CREATE POLICY role_audit_delete ON role_assignment_audit FOR DELETE TO quantumlm_authenticated, quantumlm_service USING (false);
CREATE POLICY role_audit_owner_insert ON role_assignment_audit FOR INSERT TO CURRENT_USER WITH CHECK (true);

-- follows: the graph is public; a user follows and unfollows as themself; admins may remove any edge.
CREATE POLICY follows_select ON follows FOR SELECT TO quantumlm_anon, quantumlm_authenticated, quantumlm_service USING (true);
CREATE POLICY follows_insert ON follows FOR INSERT TO quantumlm_authenticated, quantumlm_service
  WITH CHECK (follower_id = (SELECT current_user_id()));
CREATE POLICY follows_update ON follows FOR UPDATE TO quantumlm_authenticated, quantumlm_service USING (false);
CREATE POLICY follows_delete ON follows FOR DELETE TO quantumlm_authenticated, quantumlm_service
  USING (follower_id = (SELECT current_user_id()) OR (SELECT is_admin()));

-- arena_sessions: the owner; admins; arena:view (operators) read; services (workers) read and update.
CREATE POLICY sessions_select ON arena_sessions FOR SELECT TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR user_id = (SELECT current_user_id()) OR (SELECT is_admin()) OR (SELECT has_permission('arena:view')));
CREATE POLICY sessions_insert ON arena_sessions FOR INSERT TO quantumlm_authenticated, quantumlm_service
  WITH CHECK ((SELECT is_service()) OR user_id = (SELECT current_user_id()));
CREATE POLICY sessions_update ON arena_sessions FOR UPDATE TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR user_id = (SELECT current_user_id()) OR (SELECT is_admin()))
  WITH CHECK ((SELECT is_service()) OR user_id = (SELECT current_user_id()) OR (SELECT is_admin()));
CREATE POLICY sessions_delete ON arena_sessions FOR DELETE TO quantumlm_authenticated, quantumlm_service
  USING (user_id = (SELECT current_user_id()) OR (SELECT is_admin()));
CREATE POLICY sessions_owner_maintenance ON arena_sessions FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);

-- agent_events: visible with the session; inserted by the session owner or a service (defect 9: the original had no
-- INSERT policy); immutable; removed with the session or by an admin.
CREATE POLICY events_select ON agent_events FOR SELECT TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR (SELECT is_admin()) OR (SELECT has_permission('arena:view'))
         OR session_id IN (SELECT s.session_id FROM arena_sessions s WHERE s.user_id = (SELECT current_user_id())));
CREATE POLICY events_insert ON agent_events FOR INSERT TO quantumlm_authenticated, quantumlm_service
  WITH CHECK (written_by = (SELECT current_actor()) AND ((SELECT is_service())
         OR session_id IN (SELECT s.session_id FROM arena_sessions s WHERE s.user_id = (SELECT current_user_id()))));
CREATE POLICY events_delete ON agent_events FOR DELETE TO quantumlm_authenticated, quantumlm_service USING ((SELECT is_admin()));

-- commit_logs: the session's owner and services write (defect 9: the original had no policy at all).
CREATE POLICY commits_select ON commit_logs FOR SELECT TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR user_id = (SELECT current_user_id()) OR (SELECT is_admin()));
CREATE POLICY commits_insert ON commit_logs FOR INSERT TO quantumlm_authenticated, quantumlm_service
  WITH CHECK (written_by = (SELECT current_actor()) AND ((SELECT is_service())
         OR (user_id = (SELECT current_user_id())
             AND session_id IN (SELECT s.session_id FROM arena_sessions s WHERE s.user_id = (SELECT current_user_id())))));
CREATE POLICY commits_delete ON commit_logs FOR DELETE TO quantumlm_authenticated, quantumlm_service USING ((SELECT is_admin()));

-- quantum_jobs: own jobs; jobs:manage (operators) and admins see and update all; creating needs experiments:create.
CREATE POLICY jobs_select ON quantum_jobs FOR SELECT TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR user_id = (SELECT current_user_id()) OR (SELECT is_admin()) OR (SELECT has_permission('jobs:manage')));
CREATE POLICY jobs_insert ON quantum_jobs FOR INSERT TO quantumlm_authenticated, quantumlm_service
  WITH CHECK (written_by = (SELECT current_actor()) AND ((SELECT is_service())
         OR (user_id = (SELECT current_user_id()) AND (SELECT has_permission('experiments:create')))));
CREATE POLICY jobs_update ON quantum_jobs FOR UPDATE TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR (SELECT is_admin()) OR (SELECT has_permission('jobs:manage')))
  WITH CHECK ((SELECT is_service()) OR (SELECT is_admin()) OR (SELECT has_permission('jobs:manage')));
CREATE POLICY jobs_delete ON quantum_jobs FOR DELETE TO quantumlm_authenticated, quantumlm_service USING ((SELECT is_admin()));
CREATE POLICY jobs_owner_read ON quantum_jobs FOR SELECT TO CURRENT_USER USING (true);

-- codebase_memory: private to its owner (defect 9: the original had no policy); services index for users.
CREATE POLICY memory_select ON codebase_memory FOR SELECT TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR user_id = (SELECT current_user_id()) OR (SELECT is_admin()));
CREATE POLICY memory_insert ON codebase_memory FOR INSERT TO quantumlm_authenticated, quantumlm_service
  WITH CHECK ((SELECT is_service()) OR user_id = (SELECT current_user_id()));
CREATE POLICY memory_update ON codebase_memory FOR UPDATE TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR user_id = (SELECT current_user_id()))
  WITH CHECK ((SELECT is_service()) OR user_id = (SELECT current_user_id()));
CREATE POLICY memory_delete ON codebase_memory FOR DELETE TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR user_id = (SELECT current_user_id()) OR (SELECT is_admin()));

-- task_queue: users enqueue their own pending tasks and read them; workers (services) claim and finish; users cancel
-- through cancel_task(); admins manage (defect 9: the original had no policy).
CREATE POLICY tasks_select ON task_queue FOR SELECT TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR user_id = (SELECT current_user_id()) OR (SELECT is_admin()) OR (SELECT has_permission('jobs:manage')));
CREATE POLICY tasks_insert ON task_queue FOR INSERT TO quantumlm_authenticated, quantumlm_service
  WITH CHECK (created_by = (SELECT current_actor()) AND ((SELECT is_service())
         OR (user_id = (SELECT current_user_id()) AND status = 'pending' AND attempts = 0 AND lease_token IS NULL)));
CREATE POLICY tasks_update ON task_queue FOR UPDATE TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR (SELECT is_admin())) WITH CHECK ((SELECT is_service()) OR (SELECT is_admin()));
CREATE POLICY tasks_delete ON task_queue FOR DELETE TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR (SELECT is_admin()));
CREATE POLICY tasks_owner_maintenance ON task_queue FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true);

-- organisms: owners; experiments:read (researchers, viewers) read all; creating needs organisms:mutate.
CREATE POLICY organisms_select ON organisms FOR SELECT TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR user_id = (SELECT current_user_id()) OR (SELECT has_permission('experiments:read')) OR (SELECT is_admin()));
CREATE POLICY organisms_insert ON organisms FOR INSERT TO quantumlm_authenticated, quantumlm_service
  WITH CHECK (written_by = (SELECT current_actor()) AND ((SELECT is_service())
         OR (user_id = (SELECT current_user_id()) AND (SELECT has_permission('organisms:mutate')))));
CREATE POLICY organisms_update ON organisms FOR UPDATE TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR (SELECT is_admin())) WITH CHECK ((SELECT is_service()) OR (SELECT is_admin()));
CREATE POLICY organisms_delete ON organisms FOR DELETE TO quantumlm_authenticated, quantumlm_service
  USING (user_id = (SELECT current_user_id()) OR (SELECT is_admin()));

-- organism_lineage: visible with the child organism; written by the child's owner or a service; immutable.
CREATE POLICY lineage_select ON organism_lineage FOR SELECT TO quantumlm_authenticated, quantumlm_service
  USING (organism_id IN (SELECT o.organism_id FROM organisms o));
CREATE POLICY lineage_insert ON organism_lineage FOR INSERT TO quantumlm_authenticated, quantumlm_service
  WITH CHECK ((SELECT is_service())
         OR organism_id IN (SELECT o.organism_id FROM organisms o WHERE o.user_id = (SELECT current_user_id())));
CREATE POLICY lineage_delete ON organism_lineage FOR DELETE TO quantumlm_authenticated, quantumlm_service USING ((SELECT is_admin()));

-- evolution_history: as organisms.
CREATE POLICY evolution_select ON evolution_history FOR SELECT TO quantumlm_authenticated, quantumlm_service
  USING ((SELECT is_service()) OR user_id = (SELECT current_user_id()) OR (SELECT has_permission('experiments:read')) OR (SELECT is_admin()));
CREATE POLICY evolution_insert ON evolution_history FOR INSERT TO quantumlm_authenticated, quantumlm_service
  WITH CHECK (written_by = (SELECT current_actor()) AND ((SELECT is_service())
         OR (user_id = (SELECT current_user_id()) AND (SELECT has_permission('organisms:mutate')))));
CREATE POLICY evolution_delete ON evolution_history FOR DELETE TO quantumlm_authenticated, quantumlm_service USING ((SELECT is_admin()));

-- refresh_tokens: only the host's auth service.
CREATE POLICY refresh_tokens_service ON refresh_tokens FOR ALL TO quantumlm_service
  USING ((SELECT is_service())) WITH CHECK ((SELECT is_service()));
