-- schema version 2

CREATE TABLE audit (
    id              TEXT PRIMARY KEY,
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL,
    station         TEXT NOT NULL,
    action          TEXT NOT NULL,
    target          TEXT NOT NULL,
    detail_json     TEXT NOT NULL DEFAULT '{}'
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
    server_version  INTEGER, header_crop TEXT, unknown_writer INTEGER NOT NULL DEFAULT 0,
    UNIQUE (exam_id, seq)
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

CREATE INDEX audit_target ON audit(target);

CREATE INDEX copy_student ON copy(student_id);

CREATE INDEX page_source ON page(source_pdf_id, source_index);

CREATE INDEX source_pdf_exam_sha ON source_pdf(exam_id, sha256);

CREATE INDEX student_exam ON student(exam_id);

CREATE UNIQUE INDEX student_exam_email ON student(exam_id, email) WHERE email IS NOT NULL;

CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;

CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;

