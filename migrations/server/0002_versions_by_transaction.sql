-- Versions no longer come from one locked counter row, which made every writer queue
-- behind the one before it until its commit. A write now takes its version from its
-- own transaction: ((transaction id + xid_offset) << 20) + its rank in the transaction.
-- A pull reads only below the oldest transaction still running, so a version never
-- becomes visible after a pull went past it. xid_offset keeps versions growing when a
-- database is restored from a dump into a cluster whose transaction ids start lower.
DROP TABLE version_counter;

CREATE TABLE version_clock (
    only_row        BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    xid_offset      BIGINT NOT NULL
);
INSERT INTO version_clock (xid_offset) VALUES (0);

-- Writers of the same copy (or of an exam's structure) take advisory locks, all of a
-- run's at once and in the order given (sorted by the server), so runs never deadlock.
CREATE FUNCTION lock_scopes(keys BIGINT[], exclusive BOOLEAN[]) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1 .. coalesce(array_length(keys, 1), 0) LOOP
        IF exclusive[i] THEN
            PERFORM pg_advisory_xact_lock(keys[i]);
        ELSE
            PERFORM pg_advisory_xact_lock_shared(keys[i]);
        END IF;
    END LOOP;
END
$$;
