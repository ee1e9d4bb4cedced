-- Webhook deliveries: the id is GitHub's X-GitHub-Delivery, the idempotency key.
CREATE TABLE deliveries (
    id          TEXT PRIMARY KEY NOT NULL,
    event       TEXT NOT NULL,
    action      TEXT,
    received_at INTEGER NOT NULL,          -- Unix milliseconds
    outcome     TEXT NOT NULL              -- 'accepted' or 'ignored: <reason>'
);

-- The durable job queue. Times are Unix milliseconds.
CREATE TABLE jobs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id     TEXT NOT NULL REFERENCES deliveries(id),
    kind            TEXT NOT NULL,         -- pull_request | check_rerequested | comment_command
    installation_id INTEGER NOT NULL,
    repo            TEXT NOT NULL,         -- owner/name
    pr_number       INTEGER NOT NULL,
    head_sha        TEXT,                  -- NULL for comment commands until the worker resolves the head
    base_sha        TEXT,
    state           TEXT NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    payload         TEXT NOT NULL,         -- JSON of the trigger (fields only some kinds have)
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    started_at      INTEGER,
    finished_at     INTEGER,
    run_id          TEXT,
    report_token    TEXT,
    error           TEXT
);
CREATE INDEX jobs_by_state ON jobs (state, id);
CREATE INDEX jobs_by_pr ON jobs (repo, pr_number, state);
CREATE INDEX jobs_by_delivery ON jobs (delivery_id);

CREATE TABLE installations (
    id            INTEGER PRIMARY KEY NOT NULL,
    account_login TEXT,
    suspended     INTEGER NOT NULL DEFAULT 0,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE installation_repos (
    installation_id INTEGER NOT NULL REFERENCES installations(id) ON DELETE CASCADE,
    repo_id         INTEGER NOT NULL,
    full_name       TEXT NOT NULL,
    PRIMARY KEY (installation_id, repo_id)
);
