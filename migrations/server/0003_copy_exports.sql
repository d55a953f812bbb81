-- The last annotated PDF exported for each copy, named or anonymous, as a station
-- recorded it (`copy.exported`); the file itself is in the media store, complete
-- before the record is accepted.
CREATE TABLE copy_export (
    copy_id         TEXT NOT NULL,
    anonymous       BOOLEAN NOT NULL,
    sha256          TEXT NOT NULL REFERENCES media(sha256),
    pages           INTEGER NOT NULL CHECK (pages > 0),
    bytes           BIGINT NOT NULL CHECK (bytes > 0),
    station_id      TEXT NOT NULL,
    account         TEXT NOT NULL,
    exported_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (copy_id, anonymous)
);
