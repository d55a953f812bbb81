-- The central server: accounts and their tokens, the stations that push, the outcome of
-- every pushed mutation, the synced entities with their global version, uploaded media,
-- and the audit log.

CREATE TABLE server_meta (
    key             TEXT PRIMARY KEY,
    value           TEXT NOT NULL
);

-- One row: the last version handed out. Every entity write takes the next one, holding
-- this row's lock until commit, so versions become visible in order.
CREATE TABLE version_counter (
    only_row        BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    version         BIGINT NOT NULL CHECK (version >= 0)
);
INSERT INTO version_counter (version) VALUES (0);

CREATE TABLE account (
    id              BIGSERIAL PRIMARY KEY,
    login           TEXT NOT NULL UNIQUE CHECK (length(trim(login)) > 0),
    role            TEXT NOT NULL CHECK (role IN ('admin', 'teacher', 'operator', 'student')),
    password_hash   TEXT NOT NULL,
    -- Students: the e-mail the rosters know them by.
    email           TEXT,
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Bearer tokens, kept as their SHA-256 only.
CREATE TABLE access_token (
    token_hash      TEXT PRIMARY KEY,
    account_id      BIGINT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
    station_id      TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at      TIMESTAMPTZ NOT NULL,
    revoked         BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX access_token_account ON access_token(account_id);

CREATE TABLE station (
    id              TEXT PRIMARY KEY,
    last_seq        BIGINT NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    first_seen      TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen       TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_account    BIGINT REFERENCES account(id)
);

-- The outcome of every mutation a station pushed, so that a repeated push answers the
-- same without applying twice.
CREATE TABLE mutation_log (
    station_id      TEXT NOT NULL REFERENCES station(id),
    seq             BIGINT NOT NULL CHECK (seq > 0),
    mutation_id     TEXT NOT NULL,
    name            TEXT NOT NULL,
    target          TEXT NOT NULL,
    account_id      BIGINT NOT NULL REFERENCES account(id),
    status          TEXT NOT NULL CHECK (status IN ('applied', 'conflict', 'rejected')),
    outcome         JSONB NOT NULL,
    at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, seq)
);

CREATE TABLE entity (
    kind            TEXT NOT NULL CHECK (kind IN ('exam', 'student', 'copy', 'score', 'appreciation',
                                                  'annotation', 'lease', 'conflict')),
    key             TEXT NOT NULL,
    exam_id         TEXT NOT NULL,
    version         BIGINT NOT NULL UNIQUE,
    deleted         BOOLEAN NOT NULL DEFAULT FALSE,
    station_id      TEXT,
    body            JSONB NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX entity_exam ON entity(exam_id, kind);

CREATE TABLE media (
    sha256          TEXT PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    total           BIGINT NOT NULL CHECK (total >= 0),
    received        BIGINT NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= total),
    complete        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    uploaded_by     BIGINT REFERENCES account(id)
);

CREATE TABLE audit (
    id              BIGSERIAL PRIMARY KEY,
    at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    account         TEXT,
    ip              TEXT,
    action          TEXT NOT NULL,
    target          TEXT,
    detail          JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_at ON audit(at);
