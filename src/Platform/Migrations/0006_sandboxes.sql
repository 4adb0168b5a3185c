-- Sandboxes, their commands and output, and previews exposing a sandbox port.
-- Projects: a workspace may hold several projects now (POST /v1/projects).
ALTER TABLE projects DROP CONSTRAINT IF EXISTS projects_workspace_id_key;
CREATE INDEX IF NOT EXISTS projects_workspace_id_idx ON projects (workspace_id);

CREATE TABLE sandboxes (
    id              text        PRIMARY KEY CHECK (id LIKE 'sbx\_%'),
    organization_id text        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    project_id      text        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    status          text        NOT NULL CHECK (status IN ('starting', 'running', 'stopped', 'destroyed', 'failed')),
    runtime         text        NOT NULL,
    runtime_id      text        NOT NULL UNIQUE,
    created_by      text        NULL REFERENCES users (id) ON DELETE SET NULL,
    error           text        NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NULL,
    destroyed_at    timestamptz NULL
);
CREATE INDEX sandboxes_project_id_idx ON sandboxes (project_id, id DESC);
CREATE INDEX sandboxes_live_idx ON sandboxes (status) WHERE status IN ('starting', 'running');

CREATE TABLE sandbox_commands (
    id                 text        PRIMARY KEY CHECK (id LIKE 'cmd\_%'),
    sandbox_id         text        NOT NULL REFERENCES sandboxes (id) ON DELETE CASCADE,
    runtime_command_id text        NULL,
    command            text        NOT NULL,
    cwd                text        NULL,
    env                jsonb       NOT NULL DEFAULT '{}',
    status             text        NOT NULL CHECK (status IN ('running', 'exited', 'killed', 'failed')),
    exit_code          integer     NULL,
    started_at         timestamptz NOT NULL DEFAULT now(),
    exited_at          timestamptz NULL
);
CREATE INDEX sandbox_commands_sandbox_id_idx ON sandbox_commands (sandbox_id, id DESC);

-- Output chunks in the runtime's sequence (one sequence across stdout and stderr), for paging and replay.
CREATE TABLE command_output (
    command_id text        NOT NULL REFERENCES sandbox_commands (id) ON DELETE CASCADE,
    seq        bigint      NOT NULL,
    stream     text        NOT NULL CHECK (stream IN ('stdout', 'stderr')),
    data       text        NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (command_id, seq)
);

CREATE TABLE previews (
    id                text        PRIMARY KEY CHECK (id LIKE 'prv\_%'),
    slug              text        NOT NULL UNIQUE CHECK (slug ~ '^p-[a-z0-9]{6}$'),
    url               text        NOT NULL,
    organization_id   text        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    project_id        text        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    sandbox_id        text        NOT NULL REFERENCES sandboxes (id) ON DELETE CASCADE,
    port              integer     NOT NULL CHECK (port BETWEEN 1 AND 65535),
    auth_mode         text        NOT NULL DEFAULT 'authenticated' CHECK (auth_mode IN ('authenticated')),
    source_command_id text        NULL REFERENCES sandbox_commands (id) ON DELETE SET NULL,
    created_by        text        NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NULL,
    revoked_at        timestamptz NULL
);
-- One active preview per sandbox and port.
CREATE UNIQUE INDEX previews_active_sandbox_port_key ON previews (sandbox_id, port) WHERE revoked_at IS NULL;
CREATE INDEX previews_sandbox_id_idx ON previews (sandbox_id, id DESC);
CREATE INDEX previews_project_active_idx ON previews (project_id) WHERE revoked_at IS NULL;
