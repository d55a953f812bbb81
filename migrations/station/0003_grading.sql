-- Grading: the people of this station and their roles, the barème's version, scores and
-- remarks per barème node, appreciations, vector annotations, the comment bank, leases,
-- dispatch runs, and the outbox of changes waiting to be pushed to the central server.

CREATE TABLE station_user (
    name            TEXT PRIMARY KEY CHECK (length(trim(name)) > 0),
    role            TEXT NOT NULL CHECK (role IN ('admin', 'teacher', 'operator')),
    added_at        TEXT NOT NULL,
    added_by        TEXT NOT NULL
);

ALTER TABLE exam ADD COLUMN bareme_version INTEGER NOT NULL DEFAULT 0;

CREATE TABLE dispatch_run (
    id              TEXT PRIMARY KEY,
    exam_id         TEXT NOT NULL REFERENCES exam(id) ON DELETE CASCADE,
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL,
    method          TEXT NOT NULL CHECK (method IN ('round_robin', 'counts', 'reassign')),
    seed            INTEGER,
    detail_json     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX dispatch_run_exam ON dispatch_run(exam_id);

ALTER TABLE copy ADD COLUMN corrector TEXT;
ALTER TABLE copy ADD COLUMN dispatch_run_id TEXT REFERENCES dispatch_run(id);
ALTER TABLE copy ADD COLUMN graded_at TEXT;
ALTER TABLE copy ADD COLUMN graded_by TEXT;

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

CREATE TABLE appreciation (
    copy_id         TEXT PRIMARY KEY REFERENCES copy(id) ON DELETE CASCADE,
    text            TEXT,
    version         INTEGER NOT NULL CHECK (version > 0),
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    server_version  INTEGER
);

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
CREATE INDEX annotation_copy ON annotation(copy_id, page_id);

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
CREATE INDEX comment_exam ON comment(exam_id);
CREATE INDEX comment_owner ON comment(owner);

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

-- A lease's token never goes down.
CREATE TRIGGER lease_token_increases BEFORE UPDATE OF token ON lease
WHEN NEW.token < OLD.token
BEGIN SELECT RAISE(ABORT, 'a lease token never decreases'); END;

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
CREATE INDEX outbox_state ON outbox(state, seq);
