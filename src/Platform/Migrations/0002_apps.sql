-- Apps: deployable web apps inside a workspace, and their versions (snapshots of source).
-- Soft delete sets deleted_at; purge removes the row, so a handle stays reserved until the app is purged.

CREATE TABLE apps (
    id                 text        PRIMARY KEY CHECK (id LIKE 'app\_%'),
    workspace_id       text        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name               text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description        text        NULL,
    handle             text        NOT NULL CHECK (handle ~ '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$'),
    default_version_id text        NULL,
    status             text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'live')),
    public_access      boolean     NOT NULL DEFAULT false,
    pages_project_id   text        NULL,
    api_key_id         text        NULL REFERENCES api_keys (id) ON DELETE SET NULL,
    config             jsonb       NOT NULL DEFAULT '{}',
    created_by         text        NULL REFERENCES users (id) ON DELETE SET NULL,
    deleted_at         timestamptz NULL,
    retention_tier     text        NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX apps_handle_key ON apps (handle);
-- Keyset paging in the default order (created_at desc, id desc): across workspaces and within one workspace.
CREATE INDEX apps_created_at_id_idx ON apps (created_at, id);
CREATE INDEX apps_workspace_created_at_id_idx ON apps (workspace_id, created_at DESC, id DESC);

CREATE TABLE app_versions (
    id          text        PRIMARY KEY CHECK (id LIKE 'appver\_%'),
    app_id      text        NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    number      integer     NOT NULL CHECK (number >= 1),
    created_by  text        NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (app_id, number)
);

-- An app and its first version are created together, so the back-reference is checked at commit.
ALTER TABLE apps
    ADD CONSTRAINT apps_default_version_id_fkey FOREIGN KEY (default_version_id)
    REFERENCES app_versions (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;
