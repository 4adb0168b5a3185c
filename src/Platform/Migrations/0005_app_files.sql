-- App files: the source tree of an app version, stored whole per path (content, type, size, SHA-256).
-- Writes lock the version row (SELECT ... FOR UPDATE) so per-version size limits and tree checks are race-free.

CREATE TABLE app_files (
    version_id   text        NOT NULL REFERENCES app_versions (id) ON DELETE CASCADE,
    path         text        NOT NULL CHECK (octet_length(path) BETWEEN 1 AND 512),
    content      bytea       NOT NULL,
    content_type text        NOT NULL,
    size         bigint      NOT NULL CHECK (size >= 0),
    sha256       bytea       NOT NULL CHECK (octet_length(sha256) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (version_id, path),
    CHECK (size = octet_length(content))
);
