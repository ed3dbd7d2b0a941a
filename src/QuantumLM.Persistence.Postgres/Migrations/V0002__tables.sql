-- V0002: the platform's tables, written fresh (see platform-schema.md for the original and its defects).
-- Every user_id references users(user_id) of this schema; an external identity provider's users are mirrored into
-- users (ensure_user) before they write anything, so the foreign keys always hold (defect 4 of the original).

CREATE TABLE users (
  user_id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email             text NOT NULL CHECK (length(email) BETWEEN 3 AND 320 AND position('@' IN email) > 1),
  password_hash     text CHECK (password_hash IS NULL OR length(password_hash) BETWEEN 20 AND 512),
  external_issuer   text CHECK (external_issuer IS NULL OR length(external_issuer) <= 512),
  is_verified       boolean NOT NULL DEFAULT false,
  email_verified_at timestamptz,
  last_login        timestamptz,
  created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  deleted_at        timestamptz
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE TRIGGER users_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE profiles (
  user_id         uuid PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
  display_name    text CHECK (display_name IS NULL OR length(display_name) BETWEEN 1 AND 100),
  bio             text CHECK (bio IS NULL OR length(bio) <= 2000),
  avatar_url      text CHECK (avatar_url IS NULL OR (length(avatar_url) <= 2048 AND avatar_url ~ '^https?://')),
  follower_count  integer NOT NULL DEFAULT 0 CHECK (follower_count >= 0),
  following_count integer NOT NULL DEFAULT 0 CHECK (following_count >= 0),
  created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TRIGGER profiles_updated_at BEFORE UPDATE ON profiles FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE roles (
  role_id     smallint PRIMARY KEY CHECK (role_id BETWEEN 1 AND 100),
  role_name   text NOT NULL UNIQUE CHECK (role_name ~ '^[a-z][a-z_]{0,49}$'),
  description text NOT NULL
);

CREATE TABLE role_permissions (
  role_id    smallint NOT NULL REFERENCES roles (role_id) ON DELETE CASCADE,
  permission text NOT NULL CHECK (permission = '*' OR permission ~ '^[a-z_]+:[a-z_]+$'),
  PRIMARY KEY (role_id, permission)
);
CREATE INDEX role_permissions_permission_idx ON role_permissions (permission);

CREATE TABLE user_roles (
  user_id     uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  role_id     smallint NOT NULL REFERENCES roles (role_id),
  assigned_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  assigned_by text NOT NULL DEFAULT current_actor(),
  PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_role_idx ON user_roles (role_id);

-- Every grant and revoke, written by a trigger (never by callers), kept when the user is deleted.
CREATE TABLE role_assignment_audit (
  audit_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id    uuid NOT NULL,
  role_id    smallint NOT NULL REFERENCES roles (role_id),
  action     text NOT NULL CHECK (action IN ('grant', 'revoke')),
  actor      text NOT NULL,
  at         timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX role_assignment_audit_user_idx ON role_assignment_audit (user_id, audit_id);

CREATE TABLE follows (
  follower_id  uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  following_id uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (follower_id, following_id),
  CHECK (follower_id <> following_id)
);
CREATE INDEX follows_following_idx ON follows (following_id, created_at DESC);

CREATE TABLE arena_sessions (
  session_id      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id         uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  session_name    text NOT NULL CHECK (length(session_name) BETWEEN 1 AND 100),
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'completed')),
  active_agents   jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(active_agents) = 'array'),
  current_task    text,
  progress        jsonb NOT NULL DEFAULT '{"stage": "idle", "completion": 0}' CHECK (jsonb_typeof(progress) = 'object'),
  total_mutations integer NOT NULL DEFAULT 0 CHECK (total_mutations >= 0),
  total_commits   integer NOT NULL DEFAULT 0 CHECK (total_commits >= 0),
  total_jobs      integer NOT NULL DEFAULT 0 CHECK (total_jobs >= 0),
  coherence_score double precision CHECK (coherence_score IS NULL OR coherence_score BETWEEN 0 AND 1),
  started_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  ended_at        timestamptz CHECK (ended_at IS NULL OR ended_at >= started_at),
  last_activity   timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX arena_sessions_user_idx ON arena_sessions (user_id, started_at DESC);
CREATE INDEX arena_sessions_active_idx ON arena_sessions (last_activity) WHERE status = 'active';
CREATE TRIGGER arena_sessions_updated_at BEFORE UPDATE ON arena_sessions FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Event ids are assigned under a per-session transaction lock (trigger below), so within a session ids become
-- visible in id order and a reader that resumes after an id never skips one.
CREATE SEQUENCE agent_events_event_id_seq AS bigint;
CREATE TABLE agent_events (
  event_id   bigint PRIMARY KEY DEFAULT nextval('agent_events_event_id_seq'),
  session_id uuid NOT NULL REFERENCES arena_sessions (session_id) ON DELETE CASCADE,
  task_id    uuid,
  agent_type text NOT NULL CHECK (agent_type ~ '^[a-z0-9_-]{1,64}$'),
  event_type text NOT NULL CHECK (event_type ~ '^[a-z0-9_:.-]{1,64}$'),
  level      text NOT NULL DEFAULT 'info' CHECK (level IN ('debug', 'info', 'warning', 'error')),
  message    text CHECK (message IS NULL OR length(message) <= 4000),
  data       jsonb,
  written_by text NOT NULL DEFAULT current_actor(),
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
ALTER SEQUENCE agent_events_event_id_seq OWNED BY agent_events.event_id;
CREATE INDEX agent_events_session_idx ON agent_events (session_id, event_id);
CREATE INDEX agent_events_task_idx ON agent_events (task_id) WHERE task_id IS NOT NULL;

CREATE TABLE commit_logs (
  commit_id      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id     uuid NOT NULL REFERENCES arena_sessions (session_id) ON DELETE CASCADE,
  user_id        uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  commit_hash    text NOT NULL UNIQUE CHECK (commit_hash ~ '^[0-9a-f]{64}$'),
  commit_message text NOT NULL CHECK (length(commit_message) BETWEEN 1 AND 10000),
  author         text NOT NULL CHECK (length(author) BETWEEN 1 AND 100),
  files_changed  integer NOT NULL CHECK (files_changed >= 0),
  additions      integer NOT NULL CHECK (additions >= 0),
  deletions      integer NOT NULL CHECK (deletions >= 0),
  diff           text NOT NULL CHECK (length(diff) <= 10000000),
  written_by     text NOT NULL DEFAULT current_actor(),
  committed_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX commit_logs_session_idx ON commit_logs (session_id, committed_at DESC);
CREATE INDEX commit_logs_user_idx ON commit_logs (user_id, committed_at DESC);

CREATE TABLE quantum_jobs (
  job_id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id        uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  session_id     uuid REFERENCES arena_sessions (session_id) ON DELETE SET NULL,
  task_id        uuid,
  backend_job_id text UNIQUE CHECK (backend_job_id IS NULL OR length(backend_job_id) BETWEEN 1 AND 200),
  backend        text NOT NULL CHECK (length(backend) BETWEEN 1 AND 100),
  circuit_qasm   text NOT NULL CHECK (length(circuit_qasm) <= 1000000),
  num_qubits     integer CHECK (num_qubits IS NULL OR num_qubits BETWEEN 1 AND 10000),
  circuit_depth  integer CHECK (circuit_depth IS NULL OR circuit_depth >= 0),
  shots          integer NOT NULL CHECK (shots BETWEEN 1 AND 10000000),
  seed           bigint,
  counts         jsonb CHECK (counts IS NULL OR jsonb_typeof(counts) = 'object'),
  metrics        jsonb CHECK (metrics IS NULL OR jsonb_typeof(metrics) = 'object'),
  status         text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
  error_message  text,
  submitted_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  started_at     timestamptz,
  completed_at   timestamptz,
  updated_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  written_by     text NOT NULL DEFAULT current_actor(),
  CHECK ((status IN ('completed', 'failed', 'cancelled')) = (completed_at IS NOT NULL)),
  CHECK (status <> 'completed' OR counts IS NOT NULL),
  CHECK (status <> 'failed' OR error_message IS NOT NULL)
);
CREATE INDEX quantum_jobs_user_idx ON quantum_jobs (user_id, submitted_at DESC);
CREATE INDEX quantum_jobs_session_idx ON quantum_jobs (session_id) WHERE session_id IS NOT NULL;
CREATE INDEX quantum_jobs_task_idx ON quantum_jobs (task_id) WHERE task_id IS NOT NULL;
CREATE INDEX quantum_jobs_open_idx ON quantum_jobs (status, submitted_at) WHERE status IN ('queued', 'running');
CREATE TRIGGER quantum_jobs_updated_at BEFORE UPDATE ON quantum_jobs FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Embeddings are float4[] so cosine search works on stock PostgreSQL without pgvector; the norm is stored.
CREATE TABLE codebase_memory (
  memory_id      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id        uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  session_id     uuid REFERENCES arena_sessions (session_id) ON DELETE SET NULL,
  file_path      text NOT NULL CHECK (length(file_path) BETWEEN 1 AND 4096),
  content        text NOT NULL CHECK (length(content) <= 1000000),
  language       text CHECK (language IS NULL OR length(language) <= 50),
  embedding      real[] NOT NULL CHECK (array_ndims(embedding) = 1 AND cardinality(embedding) BETWEEN 1 AND 4096),
  embedding_norm real NOT NULL CHECK (embedding_norm > 0),
  chunk_index    integer NOT NULL DEFAULT 0 CHECK (chunk_index >= 0),
  total_chunks   integer NOT NULL DEFAULT 1 CHECK (total_chunks >= 1 AND chunk_index < total_chunks),
  indexed_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (user_id, file_path, chunk_index)
);
CREATE INDEX codebase_memory_session_idx ON codebase_memory (session_id) WHERE session_id IS NOT NULL;
CREATE INDEX codebase_memory_dims_idx ON codebase_memory (user_id, (cardinality(embedding)));
CREATE TRIGGER codebase_memory_updated_at BEFORE UPDATE ON codebase_memory FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The task queue. status/priority/run_at drive the claim; the partial index below serves its ORDER BY exactly.
CREATE TABLE task_queue (
  task_id         uuid PRIMARY KEY,
  task_type       text NOT NULL CHECK (task_type ~ '^[a-z0-9_-]{1,64}:[a-z0-9_-]{1,64}$'),
  payload         jsonb NOT NULL,
  priority        integer NOT NULL DEFAULT 100 CHECK (priority BETWEEN 0 AND 10000),
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
  user_id         uuid REFERENCES users (user_id) ON DELETE CASCADE,
  session_id      uuid REFERENCES arena_sessions (session_id) ON DELETE SET NULL,
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts    integer NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 1000),
  run_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  worker_id       text CHECK (worker_id IS NULL OR length(worker_id) BETWEEN 1 AND 200),
  lease_token     uuid,
  locked_until    timestamptz,
  idempotency_key text UNIQUE CHECK (idempotency_key IS NULL OR length(idempotency_key) BETWEEN 1 AND 200),
  result          jsonb,
  error           text,
  errors          jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(errors) = 'array'),
  created_by      text NOT NULL DEFAULT current_actor(),
  created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  started_at      timestamptz,
  completed_at    timestamptz,
  CHECK (attempts <= max_attempts),
  CHECK ((status = 'running') = (lease_token IS NOT NULL AND locked_until IS NOT NULL AND worker_id IS NOT NULL)),
  CHECK ((status IN ('completed', 'failed', 'cancelled')) = (completed_at IS NOT NULL))
) WITH (fillfactor = 80, autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
CREATE INDEX task_queue_claim_idx ON task_queue (priority, run_at) INCLUDE (task_type) WHERE status = 'pending';
CREATE INDEX task_queue_lease_idx ON task_queue (locked_until) WHERE status = 'running';
CREATE INDEX task_queue_finished_idx ON task_queue (completed_at) WHERE status IN ('completed', 'failed', 'cancelled');
CREATE INDEX task_queue_user_idx ON task_queue (user_id, created_at DESC) WHERE user_id IS NOT NULL;
CREATE INDEX task_queue_session_idx ON task_queue (session_id) WHERE session_id IS NOT NULL;

CREATE TABLE organisms (
  organism_id  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  session_id   uuid REFERENCES arena_sessions (session_id) ON DELETE SET NULL,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  dna_code     text NOT NULL CHECK (length(dna_code) BETWEEN 1 AND 1000000),
  dna_hash     text NOT NULL CHECK (dna_hash ~ '^[0-9a-f]{64}$'),
  generation   integer NOT NULL DEFAULT 0 CHECK (generation >= 0),
  parent_id    uuid REFERENCES organisms (organism_id) ON DELETE SET NULL,
  fitness      double precision CHECK (fitness IS NULL OR fitness = fitness),
  metrics      jsonb CHECK (metrics IS NULL OR jsonb_typeof(metrics) = 'object'),
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  written_by   text NOT NULL DEFAULT current_actor(),
  CHECK (parent_id IS NULL OR parent_id <> organism_id)
);
CREATE INDEX organisms_user_idx ON organisms (user_id, created_at DESC);
CREATE INDEX organisms_parent_idx ON organisms (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX organisms_hash_idx ON organisms (dna_hash);

-- dna_hash is the SHA-256 of dna_code's UTF-8 bytes, always computed here (never trusted from callers).
CREATE FUNCTION set_dna_hash() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  NEW.dna_hash := encode(sha256(convert_to(NEW.dna_code, 'UTF8')), 'hex');
  RETURN NEW;
END
$$;
CREATE TRIGGER organisms_dna_hash BEFORE INSERT OR UPDATE OF dna_code ON organisms FOR EACH ROW EXECUTE FUNCTION set_dna_hash();

CREATE TABLE organism_lineage (
  organism_id uuid NOT NULL REFERENCES organisms (organism_id) ON DELETE CASCADE,
  parent_id   uuid NOT NULL REFERENCES organisms (organism_id) ON DELETE CASCADE,
  operator    text NOT NULL CHECK (operator IN ('evolve', 'crossover', 'quantum_enhance', 'self_heal', 'seed')),
  generation  integer NOT NULL CHECK (generation >= 1),
  mutations   jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(mutations) = 'array'),
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (organism_id, parent_id),
  CHECK (organism_id <> parent_id)
);
CREATE INDEX organism_lineage_parent_idx ON organism_lineage (parent_id);

CREATE TABLE evolution_history (
  history_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id            uuid NOT NULL,
  user_id           uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  session_id        uuid REFERENCES arena_sessions (session_id) ON DELETE SET NULL,
  generation        integer NOT NULL CHECK (generation >= 0),
  population_size   integer NOT NULL CHECK (population_size >= 1),
  avg_fitness       double precision NOT NULL,
  max_fitness       double precision NOT NULL,
  min_fitness       double precision NOT NULL,
  diversity_score   double precision CHECK (diversity_score IS NULL OR diversity_score >= 0),
  mutations_applied integer NOT NULL DEFAULT 0 CHECK (mutations_applied >= 0),
  survivors         integer NOT NULL CHECK (survivors BETWEEN 0 AND population_size),
  best_organism_id  uuid REFERENCES organisms (organism_id) ON DELETE SET NULL,
  recorded_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  written_by        text NOT NULL DEFAULT current_actor(),
  CHECK (min_fitness <= avg_fitness AND avg_fitness <= max_fitness),
  UNIQUE (run_id, generation)
);
CREATE INDEX evolution_history_user_idx ON evolution_history (user_id, recorded_at DESC);

CREATE TABLE refresh_tokens (
  token_hash  text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  user_id     uuid NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  expires_at  timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  revoked_at  timestamptz,
  replaced_by text,
  CHECK (expires_at > created_at)
);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_expiry_idx ON refresh_tokens (expires_at);
