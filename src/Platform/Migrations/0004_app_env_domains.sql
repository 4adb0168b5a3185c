-- Apps: build-time env vars and custom domains; a handle is reserved only while its app is not soft-deleted,
-- so restoring an app can conflict with a newer app that took the handle.

DROP INDEX apps_handle_key;
CREATE UNIQUE INDEX apps_handle_key ON apps (handle) WHERE deleted_at IS NULL;

CREATE TABLE app_env_vars (
    app_id      text        NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    name        text        NOT NULL CHECK (name ~ '^[A-Za-z_][A-Za-z0-9_]*$'),
    type        text        NOT NULL DEFAULT 'plain' CHECK (type IN ('plain', 'secret')),
    value       text        NOT NULL CHECK (octet_length(value) <= 32768),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (app_id, name)
);

-- One custom domain per app, and a hostname belongs to at most one app.
CREATE TABLE app_domains (
    id          text        PRIMARY KEY CHECK (id LIKE 'dom\_%'),
    app_id      text        NOT NULL UNIQUE REFERENCES apps (id) ON DELETE CASCADE,
    hostname    text        NOT NULL UNIQUE CHECK (hostname = lower(hostname) AND length(hostname) <= 253),
    status      text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'failed')),
    last_error  text        NULL,
    created_by  text        NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX app_domains_pending_idx ON app_domains (updated_at) WHERE status = 'pending';
