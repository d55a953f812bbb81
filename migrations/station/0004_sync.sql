-- Sync with the central server: where this station stands (one row), what the server
-- said about this station's changes that it did not apply (conflicts and rejections),
-- the conflicts the server kept aside for everyone to see, and pulled entities that
-- wait for their parent row (an annotation pulled before its copy).

CREATE TABLE sync_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    server_epoch    TEXT,
    pull_cursor     INTEGER NOT NULL DEFAULT 0 CHECK (pull_cursor >= 0),
    last_success    TEXT,
    last_error      TEXT,
    last_attempt    TEXT
);
INSERT INTO sync_state (id) VALUES (1);

CREATE TABLE sync_issue (
    seq             INTEGER PRIMARY KEY REFERENCES outbox(seq),
    mutation_id     TEXT NOT NULL,
    name            TEXT NOT NULL,
    target          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('conflict', 'rejected')),
    code            TEXT,
    message         TEXT,
    at              TEXT NOT NULL,
    args_json       TEXT NOT NULL,
    -- The server's entities that won (conflicts), as a JSON array.
    winner_json     TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE sync_conflict (
    id              TEXT PRIMARY KEY,
    exam_id         TEXT NOT NULL,
    body_json       TEXT NOT NULL,
    server_version  INTEGER NOT NULL
);

CREATE TABLE sync_parked (
    kind            TEXT NOT NULL,
    key             TEXT NOT NULL,
    version         INTEGER NOT NULL,
    entity_json     TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
