-- camrec index schema, version 5 (PRAGMA user_version = 5): ring and triggered recording, retention.
-- Migrates a version 4 index (applied once, after 004-topology.sql); never edited
-- after release. Sources/CamrecStore/IndexSchema.swift embeds this text (a unit test checks they are identical).

-- One row per trigger that saved a window of a ring recording (`record --ring`): what fired, when
-- (on the buffers' clock), on which stream and sequence, and the window of buffers it kept. Windows
-- that overlap merge: the buffers between them are kept once.
CREATE TABLE events (
    id              INTEGER PRIMARY KEY,    -- 1-based, in the order the triggers fired
    trigger         TEXT    NOT NULL CHECK (trigger IN ('signal', 'command', 'error-buffer', 'sequence-gap',
                                                        'recorder-drop', 'interval')),
    detail          TEXT    NOT NULL,       -- what was seen, in words ("sequence 41 after 37: 3 missing")
    wall_ns         INTEGER NOT NULL,       -- CLOCK_REALTIME when it fired
    timestamp_ns    INTEGER NOT NULL,       -- the trigger's time on the buffers' clock
    stream_id       INTEGER REFERENCES streams(id),  -- the stream whose buffer fired it (NULL: signal, command)
    sequence        INTEGER,                -- that buffer's sequence
    window_start_ns INTEGER NOT NULL,       -- first buffer timestamp the window keeps (the ring before it)
    window_end_ns   INTEGER NOT NULL        -- last buffer timestamp it keeps (--post after it)
);
CREATE INDEX events_by_window ON events (window_start_ns, window_end_ns);

-- Chunks that retention (`record --max-size` / `--max-duration`) deleted while recording, oldest
-- first, with the buffers they held: the index keeps no row of those buffers, this says what went.
CREATE TABLE deleted_chunks (
    chunk_id           INTEGER PRIMARY KEY,
    name               TEXT    NOT NULL,
    size_bytes         INTEGER NOT NULL,
    buffers            INTEGER NOT NULL,
    first_timestamp_ns INTEGER,             -- of the buffers it held (NULL: none)
    last_timestamp_ns  INTEGER,
    deleted_wall_ns    INTEGER NOT NULL,    -- CLOCK_REALTIME when it was deleted
    reason             TEXT    NOT NULL     -- which limit ("--max-duration 5 s: ...")
);

-- A ring recording keeps windows of buffers: the step from one window to the next is not a driver
-- drop, so `gaps` lists only the gaps inside a window (a recording without events: all, as before).
DROP VIEW gaps;
CREATE VIEW gaps AS
    SELECT stream, previous_sequence, sequence, sequence - previous_sequence - 1 AS missing,
           previous_timestamp_ns, timestamp_ns
    FROM (SELECT s.name AS stream, b.sequence, b.timestamp_ns,
                 LAG(b.sequence) OVER w AS previous_sequence,
                 LAG(b.timestamp_ns) OVER w AS previous_timestamp_ns
          FROM buffers b JOIN streams s ON s.id = b.stream_id
          WINDOW w AS (PARTITION BY b.stream_id ORDER BY b.id)) g
    WHERE previous_sequence IS NOT NULL AND sequence > previous_sequence + 1
      AND (NOT EXISTS (SELECT 1 FROM events)
           OR EXISTS (SELECT 1 FROM events e
                      WHERE e.window_start_ns <= g.previous_timestamp_ns AND g.timestamp_ns <= e.window_end_ns));
