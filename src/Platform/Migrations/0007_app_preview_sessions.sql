-- Live preview sessions: an app version's dev server running in a sandbox, driven by a background worker.
-- sandbox_id/preview_id reference the runtime sandbox and the preview record once they exist; they carry no foreign
-- key because the session outlives neither and both are torn down by the session's own teardown.
CREATE TABLE app_preview_sessions (
    id                text        PRIMARY KEY CHECK (id LIKE 'appprv\_%'),
    workspace_id      text        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    app_id            text        NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    version_id        text        NOT NULL REFERENCES app_versions (id) ON DELETE CASCADE,
    status            text        NOT NULL CHECK (status IN ('failed', 'hydrating', 'installing', 'starting', 'ready', 'stopped')),
    preview_url       text        NULL,
    error             text        NULL,
    metadata          jsonb       NULL,
    last_heartbeat_at timestamptz NOT NULL DEFAULT now(),
    created_by        text        NULL REFERENCES users (id) ON DELETE SET NULL,
    started_at        timestamptz NULL,
    ready_at          timestamptz NULL,
    stopped_at        timestamptz NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    sandbox_id        text        NULL,
    preview_id        text        NULL,
    port              integer     NULL CHECK (port BETWEEN 1 AND 65535)
);
-- Warm-session lookup per version and the reaper's scan of live sessions.
CREATE INDEX app_preview_sessions_live_version_idx ON app_preview_sessions (version_id, last_heartbeat_at DESC)
    WHERE status NOT IN ('failed', 'stopped');
CREATE INDEX app_preview_sessions_live_heartbeat_idx ON app_preview_sessions (last_heartbeat_at)
    WHERE status NOT IN ('failed', 'stopped');
