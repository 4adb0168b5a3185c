-- Each workspace owns one project that holds its app preview sessions' sandboxes and previews, so they are ordinary
-- /v1 sandboxes and previews (listed, routed by the edge, revoked on destroy). Created on a session's first boot.
CREATE TABLE app_preview_projects (
    workspace_id text        PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    project_id   text        NOT NULL UNIQUE REFERENCES projects (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now()
);
