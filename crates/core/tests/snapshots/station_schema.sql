-- schema version 5

CREATE TABLE annotation (
    id              TEXT PRIMARY KEY,
    copy_id         TEXT NOT NULL REFERENCES copy(id) ON DELETE CASCADE,
    page_id         TEXT NOT NULL REFERENCES page(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('pen', 'highlighter', 'line', 'arrow', 'rect',
                                                  'ellipse', 'text', 'stamp', 'score')),
    shape_json      TEXT NOT NULL,
    style_json      TEXT NOT NULL,
    -- Score stamps only: the leaf and the points, kept in columns for the totals.
    node_id         TEXT,
    delta_quarters  INTEGER,
    z               INTEGER NOT NULL,
    version         INTEGER NOT NULL CHECK (version > 0),
    deleted         INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    server_version  INTEGER,
    CHECK ((kind = 'score') = (node_id IS NOT NULL AND delta_quarters IS NOT NULL))
);

CREATE TABLE appreciation (
    copy_id         TEXT PRIMARY KEY REFERENCES copy(id) ON DELETE CASCADE,
    text            TEXT,
    version         INTEGER NOT NULL CHECK (version > 0),
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    server_version  INTEGER
);

CREATE TABLE audit (
    id              TEXT PRIMARY KEY,
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL,
    station         TEXT NOT NULL,
    action          TEXT NOT NULL,
    target          TEXT NOT NULL,
    detail_json     TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE comment (
    id              TEXT PRIMARY KEY,
    -- Exam-wide snippets have an exam and no owner; personal ones an owner and no exam.
    exam_id         TEXT REFERENCES exam(id) ON DELETE CASCADE,
    owner           TEXT,
    text            TEXT NOT NULL CHECK (length(trim(text)) > 0),
    node_id         TEXT,
    quarters        INTEGER,
    uses            INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0),
    created_at      TEXT NOT NULL,
    deleted         INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    server_version  INTEGER,
    CHECK ((exam_id IS NULL) <> (owner IS NULL))
);

CREATE TABLE copy (
    id              TEXT PRIMARY KEY,
    exam_id         TEXT NOT NULL REFERENCES exam(id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    student_id      TEXT REFERENCES student(id) ON DELETE SET NULL,
    status          TEXT NOT NULL CHECK (status IN ('staging', 'needs_review', 'ready', 'leased', 'graded')),
    identified_by   TEXT CHECK (identified_by IN ('qr', 'ocr', 'manual')),
    confidence      REAL,
    candidates_json TEXT,
    anonymous_code  TEXT,
    flags_json      TEXT NOT NULL DEFAULT '[]',
    created_at      TEXT NOT NULL,
    server_version  INTEGER, header_crop TEXT, unknown_writer INTEGER NOT NULL DEFAULT 0, corrector TEXT, dispatch_run_id TEXT REFERENCES dispatch_run(id), graded_at TEXT, graded_by TEXT,
    UNIQUE (exam_id, seq)
);

CREATE TABLE dispatch_run (
    id              TEXT PRIMARY KEY,
    exam_id         TEXT NOT NULL REFERENCES exam(id) ON DELETE CASCADE,
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL,
    method          TEXT NOT NULL CHECK (method IN ('round_robin', 'counts', 'reassign')),
    seed            INTEGER,
    detail_json     TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE exam (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL CHECK (length(trim(name)) > 0),
    date            TEXT,
    subject         TEXT,
    pages_per_copy  INTEGER NOT NULL CHECK (pages_per_copy > 0),
    bareme_json     TEXT,
    anonymous       INTEGER NOT NULL DEFAULT 0,
    released_at     TEXT,
    created_at      TEXT NOT NULL,
    server_version  INTEGER
, bareme_version INTEGER NOT NULL DEFAULT 0);

CREATE TABLE lease (
    copy_id         TEXT PRIMARY KEY REFERENCES copy(id) ON DELETE CASCADE,
    holder_user     TEXT NOT NULL,
    holder_station  TEXT NOT NULL,
    token           INTEGER NOT NULL CHECK (token > 0),
    granted_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('active', 'released', 'forced', 'finalized')),
    server_version  INTEGER
);

CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    mutation_id     TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    target          TEXT NOT NULL,
    args_json       TEXT NOT NULL,
    base_version    INTEGER,
    lease_token     INTEGER,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'applied', 'conflict', 'rejected')),
    result_json     TEXT,
    created_at      TEXT NOT NULL
);

CREATE TABLE page (
    id              TEXT PRIMARY KEY,
    copy_id         TEXT NOT NULL REFERENCES copy(id) ON DELETE CASCADE,
    number          INTEGER NOT NULL CHECK (number > 0),
    source_pdf_id   TEXT NOT NULL REFERENCES source_pdf(id),
    source_index    INTEGER NOT NULL CHECK (source_index >= 0),
    half            TEXT NOT NULL CHECK (half IN ('full', 'left', 'right')),
    rotation        INTEGER NOT NULL CHECK (rotation IN (0, 90, 180, 270)),
    scan_fingerprint BLOB,
    flags_json      TEXT NOT NULL DEFAULT '[]',
    UNIQUE (copy_id, number)
);

CREATE TABLE score (
    copy_id         TEXT NOT NULL REFERENCES copy(id) ON DELETE CASCADE,
    node_id         TEXT NOT NULL,
    quarters        INTEGER CHECK (quarters IS NULL OR quarters >= 0),
    remark          TEXT,
    version         INTEGER NOT NULL CHECK (version > 0),
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    server_version  INTEGER,
    PRIMARY KEY (copy_id, node_id)
);

CREATE TABLE source_pdf (
    id              TEXT PRIMARY KEY,
    exam_id         TEXT NOT NULL REFERENCES exam(id) ON DELETE CASCADE,
    sha256          TEXT NOT NULL CHECK (length(sha256) = 64),
    file_name       TEXT NOT NULL,
    pages           INTEGER NOT NULL CHECK (pages > 0),
    imported_at     TEXT NOT NULL,
    imported_by     TEXT NOT NULL
);

CREATE TABLE station_meta (
    key             TEXT PRIMARY KEY,
    value           TEXT NOT NULL
);

CREATE TABLE station_user (
    name            TEXT PRIMARY KEY CHECK (length(trim(name)) > 0),
    role            TEXT NOT NULL CHECK (role IN ('admin', 'teacher', 'operator')),
    added_at        TEXT NOT NULL,
    added_by        TEXT NOT NULL
);

CREATE TABLE student (
    id              TEXT PRIMARY KEY,
    exam_id         TEXT NOT NULL REFERENCES exam(id) ON DELETE CASCADE,
    last_name       TEXT NOT NULL,
    first_name      TEXT NOT NULL,
    birth_date      TEXT,
    email           TEXT,
    class           TEXT,
    group_name      TEXT,
    server_version  INTEGER
);

CREATE TABLE sync_conflict (
    id              TEXT PRIMARY KEY,
    exam_id         TEXT NOT NULL,
    body_json       TEXT NOT NULL,
    server_version  INTEGER NOT NULL
);

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

CREATE TABLE sync_parked (
    kind            TEXT NOT NULL,
    key             TEXT NOT NULL,
    version         INTEGER NOT NULL,
    entity_json     TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);

CREATE TABLE sync_shadow (
    kind            TEXT NOT NULL,
    key             TEXT NOT NULL,
    version         INTEGER NOT NULL,
    entity_json     TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);

CREATE TABLE sync_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    server_epoch    TEXT,
    pull_cursor     INTEGER NOT NULL DEFAULT 0 CHECK (pull_cursor >= 0),
    last_success    TEXT,
    last_error      TEXT,
    last_attempt    TEXT
);

CREATE INDEX annotation_copy ON annotation(copy_id, page_id);

CREATE INDEX audit_target ON audit(target);

CREATE INDEX comment_exam ON comment(exam_id);

CREATE INDEX comment_owner ON comment(owner);

CREATE INDEX copy_student ON copy(student_id);

CREATE INDEX dispatch_run_exam ON dispatch_run(exam_id);

CREATE INDEX outbox_state ON outbox(state, seq);

CREATE INDEX page_source ON page(source_pdf_id, source_index);

CREATE INDEX source_pdf_exam_sha ON source_pdf(exam_id, sha256);

CREATE INDEX student_exam ON student(exam_id);

CREATE UNIQUE INDEX student_exam_email ON student(exam_id, email) WHERE email IS NOT NULL;

CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;

CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;

CREATE TRIGGER lease_token_increases BEFORE UPDATE OF token ON lease
WHEN NEW.token < OLD.token
BEGIN SELECT RAISE(ABORT, 'a lease token never decreases'); END;

