-- The server's last word on each synced entity this station saw (pulled, or sent back
-- with an outcome), at the highest version seen: a change of this station that the
-- server did not apply is undone from it, so that the station shows what the server
-- holds and keeps the lost change among its issues only.

CREATE TABLE sync_shadow (
    kind            TEXT NOT NULL,
    key             TEXT NOT NULL,
    version         INTEGER NOT NULL,
    entity_json     TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
