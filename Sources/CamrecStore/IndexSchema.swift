/// The index schema, one entry per version, applied in order to a new or older index. The text
/// of each is the file of the same name in the repository's `schema/` folder (a unit test checks
/// that they are identical); a shipped version is never edited, only followed by a new one.
public enum IndexSchema {
    /// The newest schema version this camrec writes and reads.
    public static let currentVersion = 5

    /// Every version in order.
    public static let migrations: [SchemaMigration] = [
        SchemaMigration(version: 1, file: "001-initial.sql", sql: version1),
        SchemaMigration(version: 2, file: "002-full-format.sql", sql: version2),
        SchemaMigration(version: 3, file: "003-controls.sql", sql: version3),
        SchemaMigration(version: 4, file: "004-topology.sql", sql: version4),
        SchemaMigration(version: 5, file: "005-events.sql", sql: version5),
    ]

    static let version1 = """
-- camrec index schema, version 1 (PRAGMA user_version = 1).
-- Applied once to a new index.sqlite; never edited after release: later versions add files
-- 002-..., 003-... that migrate from the previous one. Sources/CamrecStore/IndexSchema.swift
-- embeds this text (a unit test checks they are identical).

-- One row: who made the recording, where, when, from what.
CREATE TABLE recording (
    id                   INTEGER PRIMARY KEY CHECK (id = 1),
    format_version       INTEGER NOT NULL,
    camrec_version       TEXT    NOT NULL,
    host                 TEXT    NOT NULL,
    command_line         TEXT    NOT NULL,
    start_wall_ns        INTEGER NOT NULL,  -- CLOCK_REALTIME at start
    start_monotonic_ns   INTEGER NOT NULL,  -- CLOCK_MONOTONIC at the same instant
    source               TEXT    NOT NULL,
    source_recording     TEXT,              -- set by `replay --capture-to`
    source_device        TEXT,
    request_tolerance_ns INTEGER NOT NULL
);

-- One row per video or metadata node, with its negotiated format.
CREATE TABLE streams (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL CHECK (kind IN ('video', 'meta')),
    buffer_type INTEGER NOT NULL,           -- enum v4l2_buf_type
    fourcc      TEXT    NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    field       INTEGER NOT NULL,           -- enum v4l2_field
    colorspace  INTEGER NOT NULL,           -- enum v4l2_colorspace
    device_path TEXT,
    driver      TEXT,
    card        TEXT,
    bus_info    TEXT
);

CREATE TABLE stream_planes (
    stream_id    INTEGER NOT NULL REFERENCES streams(id),
    plane        INTEGER NOT NULL,
    bytesperline INTEGER NOT NULL,
    sizeimage    INTEGER NOT NULL,
    PRIMARY KEY (stream_id, plane)
);

-- chunks/NNNNNN.zst files, in writing order.
CREATE TABLE chunks (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,     -- relative to chunks/, checked on read
    size_bytes INTEGER NOT NULL,
    planes     INTEGER NOT NULL
);

-- The buffers of several streams that belong to one captured moment.
CREATE TABLE requests (
    id           INTEGER PRIMARY KEY,
    rule         TEXT    NOT NULL CHECK (rule IN ('single', 'sequence+timestamp', 'timestamp-tolerance')),
    timestamp_ns INTEGER NOT NULL           -- of the buffer that opened it
);

CREATE TABLE buffers (
    id           INTEGER PRIMARY KEY,
    stream_id    INTEGER NOT NULL REFERENCES streams(id),
    request_id   INTEGER NOT NULL REFERENCES requests(id),
    status       TEXT    NOT NULL CHECK (status IN ('ok', 'error', 'cancelled')),
    sequence     INTEGER NOT NULL,
    timestamp_ns INTEGER NOT NULL,
    clock        TEXT    NOT NULL,          -- monotonic | copy | unknown
    flags        INTEGER NOT NULL,          -- v4l2_buffer.flags
    field        INTEGER NOT NULL,
    plane_count  INTEGER NOT NULL
);
CREATE INDEX buffers_by_stream_sequence ON buffers (stream_id, sequence);
CREATE INDEX buffers_by_stream_timestamp ON buffers (stream_id, timestamp_ns);
CREATE INDEX buffers_by_request ON buffers (request_id);

-- Where every plane of every buffer lives.
CREATE TABLE planes (
    buffer_id   INTEGER NOT NULL REFERENCES buffers(id),
    plane       INTEGER NOT NULL,
    bytesused   INTEGER NOT NULL,
    data_offset INTEGER NOT NULL,
    length      INTEGER NOT NULL,
    chunk_id    INTEGER NOT NULL REFERENCES chunks(id),
    offset      INTEGER NOT NULL,           -- of the plane's zstd frame inside the chunk
    stored_size INTEGER NOT NULL,           -- bytes of that zstd frame
    raw_size    INTEGER NOT NULL,           -- bytes it decodes to
    encoding    TEXT    NOT NULL CHECK (encoding IN ('zstd', 'stored')),
    checksum    TEXT    NOT NULL,           -- XXH64 of the raw bytes, 16 hex digits
    PRIMARY KEY (buffer_id, plane)
) WITHOUT ROWID;
CREATE INDEX planes_by_chunk ON planes (chunk_id, offset);

-- What the recorder itself did or saw: its own drops, errors, why it stopped.
CREATE TABLE notes (
    id        INTEGER PRIMARY KEY,
    kind      TEXT    NOT NULL CHECK (kind IN ('recorder_drop', 'error', 'stop', 'info')),
    wall_ns   INTEGER NOT NULL,
    stream_id INTEGER REFERENCES streams(id),
    sequence  INTEGER,
    message   TEXT    NOT NULL
);

-- Per-stream statistics, computed when the recording is closed (and by `camrec recover`),
-- so `camrec info` is fast on big recordings.
CREATE TABLE stream_stats (
    stream_id          INTEGER PRIMARY KEY REFERENCES streams(id),
    buffers            INTEGER NOT NULL,
    ok                 INTEGER NOT NULL,
    errors             INTEGER NOT NULL,
    cancelled          INTEGER NOT NULL,
    driver_drops       INTEGER NOT NULL,    -- frames missing from sequence gaps
    recorder_drops     INTEGER NOT NULL,    -- buffers the recorder could not keep
    first_timestamp_ns INTEGER,
    last_timestamp_ns  INTEGER,
    interval_p50_ns    INTEGER,
    interval_p99_ns    INTEGER,
    interval_max_ns    INTEGER,
    raw_bytes          INTEGER NOT NULL,
    stored_bytes       INTEGER NOT NULL
);

-- How each stream's buffers were grouped into requests (buffers per rule of their request),
-- computed with stream_stats.
CREATE TABLE grouping_stats (
    stream_id INTEGER NOT NULL REFERENCES streams(id),
    rule      TEXT    NOT NULL,
    buffers   INTEGER NOT NULL,
    PRIMARY KEY (stream_id, rule)
);

-- Recording-wide counts, computed with stream_stats.
CREATE TABLE recording_stats (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    requests            INTEGER NOT NULL,
    incomplete_requests INTEGER NOT NULL,  -- lacking a buffer of some stream that recorded anything
    single_requests     INTEGER NOT NULL,
    sequence_timestamp_requests INTEGER NOT NULL,
    tolerance_requests  INTEGER NOT NULL
);

-- Views for one-line questions (see schema/README.md).
CREATE VIEW frames AS
    SELECT b.id AS buffer_id, s.name AS stream, b.request_id, b.status, b.sequence, b.timestamp_ns,
           b.flags, b.field, b.plane_count,
           (SELECT SUM(p.bytesused) FROM planes p WHERE p.buffer_id = b.id) AS bytesused,
           (SELECT SUM(p.stored_size) FROM planes p WHERE p.buffer_id = b.id) AS stored_bytes
    FROM buffers b JOIN streams s ON s.id = b.stream_id;

CREATE VIEW gaps AS
    SELECT stream, previous_sequence, sequence, sequence - previous_sequence - 1 AS missing,
           previous_timestamp_ns, timestamp_ns
    FROM (SELECT s.name AS stream, b.sequence, b.timestamp_ns,
                 LAG(b.sequence) OVER w AS previous_sequence,
                 LAG(b.timestamp_ns) OVER w AS previous_timestamp_ns
          FROM buffers b JOIN streams s ON s.id = b.stream_id
          WINDOW w AS (PARTITION BY b.stream_id ORDER BY b.id))
    WHERE previous_sequence IS NOT NULL AND sequence > previous_sequence + 1;

"""

    static let version2 = """
-- camrec index schema, version 2 (PRAGMA user_version = 2): the whole v4l2_format of a stream.
-- Migrates a version 1 index (applied once, after 001-initial.sql); never edited after release.
-- Sources/CamrecStore/IndexSchema.swift embeds this text (a unit test checks they are identical).

-- The pixel or metadata format as its 32-bit code (v4l2_pix_format.pixelformat), so a
-- big-endian variant (V4L2_PIX_FMT_FLAG_BE_FOURCC, bit 31, e.g. 'Y16 -BE') reads back as the same
-- code. The `fourcc` text column stays for people ("Y16-BE" from version 2 on).
ALTER TABLE streams ADD COLUMN fourcc_code  INTEGER NOT NULL DEFAULT 0;
-- The colorimetry and flags of v4l2_pix_format(_mplane); 0 is each enum's DEFAULT, which is what
-- a version 1 index, which did not store them, reads as.
ALTER TABLE streams ADD COLUMN ycbcr_enc    INTEGER NOT NULL DEFAULT 0;  -- enum v4l2_ycbcr_encoding (or v4l2_hsv_encoding)
ALTER TABLE streams ADD COLUMN quantization INTEGER NOT NULL DEFAULT 0;  -- enum v4l2_quantization
ALTER TABLE streams ADD COLUMN xfer_func    INTEGER NOT NULL DEFAULT 0;  -- enum v4l2_xfer_func
ALTER TABLE streams ADD COLUMN format_flags INTEGER NOT NULL DEFAULT 0;  -- v4l2_pix_format.flags

-- Version 1 stored the code as up to four characters, trailing spaces removed: pad and pack them
-- little-endian, as v4l2_fourcc() does. (Version 1 could not keep bit 31; nothing brings it back.)
UPDATE streams SET fourcc_code =
      unicode(substr(fourcc || '    ', 1, 1))
    | (unicode(substr(fourcc || '    ', 2, 1)) << 8)
    | (unicode(substr(fourcc || '    ', 3, 1)) << 16)
    | (unicode(substr(fourcc || '    ', 4, 1)) << 24);

"""

    static let version3 = """
-- camrec index schema, version 3 (PRAGMA user_version = 3): the device's controls and driver.
-- Migrates a version 2 index (applied once, after 002-full-format.sql); never edited after release.
-- Sources/CamrecStore/IndexSchema.swift embeds this text (a unit test checks they are identical).

-- One row per V4L2 device a stream was recorded from: what a bug report needs beside the format.
CREATE TABLE devices (
    stream_id      INTEGER PRIMARY KEY REFERENCES streams(id),
    driver         TEXT    NOT NULL,    -- v4l2_capability.driver
    driver_version TEXT    NOT NULL,    -- v4l2_capability.version as "6.8.12"
    kernel_release TEXT    NOT NULL     -- uname -r of the recording host
);

-- Every control of each device with its value when the recording started (event 'start'), and
-- each change anyone made while it ran (event 'change', V4L2_EVENT_CTRL), in the order seen.
CREATE TABLE controls (
    id            INTEGER PRIMARY KEY,
    stream_id     INTEGER NOT NULL REFERENCES streams(id),
    event         TEXT    NOT NULL CHECK (event IN ('start', 'change')),
    monotonic_ns  INTEGER NOT NULL,     -- CLOCK_MONOTONIC when read (start) or changed (the event's time)
    control_id    INTEGER NOT NULL,     -- V4L2_CID_*
    name          TEXT    NOT NULL,     -- the driver's name, "Brightness"
    key           TEXT    NOT NULL,     -- as v4l2-ctl spells it, "brightness"
    type          INTEGER NOT NULL,     -- enum v4l2_ctrl_type
    type_name     TEXT    NOT NULL,     -- as v4l2-ctl prints it: int, bool, menu, string, ...
    value,                              -- INTEGER (scalar), TEXT (string), BLOB (compound); NULL if unreadable
    minimum       INTEGER NOT NULL,
    maximum       INTEGER NOT NULL,
    step          INTEGER NOT NULL,
    default_value INTEGER NOT NULL,
    flags         INTEGER NOT NULL      -- V4L2_CTRL_FLAG_*
);
CREATE INDEX controls_by_stream ON controls (stream_id, key, monotonic_ns);

"""

    static let version4 = """
-- camrec index schema, version 4 (PRAGMA user_version = 4): the media graph of each recorded device,
-- and the entries of its menu controls.
-- Migrates a version 3 index (applied once, after 003-controls.sql); never edited after release.
-- Sources/CamrecStore/IndexSchema.swift embeds this text (a unit test checks they are identical).

-- One row per media controller (/dev/mediaN) that a recorded node belongs to, read at the start
-- of the recording (MEDIA_IOC_DEVICE_INFO and MEDIA_IOC_G_TOPOLOGY).
CREATE TABLE media_devices (
    id               INTEGER PRIMARY KEY,
    path             TEXT    NOT NULL,  -- /dev/mediaN on the recording host
    driver           TEXT    NOT NULL,
    model            TEXT    NOT NULL,
    serial           TEXT    NOT NULL,
    bus_info         TEXT    NOT NULL,
    media_version    INTEGER NOT NULL,  -- KERNEL_VERSION(a, b, c): 6.1.0 = 0x060100
    hw_revision      INTEGER NOT NULL,
    driver_version   INTEGER NOT NULL,  -- KERNEL_VERSION
    topology_version INTEGER NOT NULL,
    monotonic_ns     INTEGER NOT NULL   -- CLOCK_MONOTONIC when it was read
);

-- Which recorded streams came from a node of which media device.
CREATE TABLE media_streams (
    media_id  INTEGER NOT NULL REFERENCES media_devices(id),
    stream_id INTEGER NOT NULL REFERENCES streams(id),
    PRIMARY KEY (media_id, stream_id)
);

-- The graph as MEDIA_IOC_G_TOPOLOGY gives it; ids are the kernel's, unique within one media device.
CREATE TABLE media_entities (
    media_id INTEGER NOT NULL REFERENCES media_devices(id),
    id       INTEGER NOT NULL,
    name     TEXT    NOT NULL,
    function INTEGER NOT NULL,          -- MEDIA_ENT_F_*
    flags    INTEGER NOT NULL,          -- MEDIA_ENT_FL_*
    PRIMARY KEY (media_id, id)
);

CREATE TABLE media_interfaces (
    media_id    INTEGER NOT NULL REFERENCES media_devices(id),
    id          INTEGER NOT NULL,
    type        INTEGER NOT NULL,       -- MEDIA_INTF_T_*
    flags       INTEGER NOT NULL,
    major       INTEGER NOT NULL,
    minor       INTEGER NOT NULL,
    device_node TEXT,                   -- /dev/v4l-subdev0, as sysfs named it; NULL if unknown
    PRIMARY KEY (media_id, id)
);

-- A pad, with the active format (VIDIOC_SUBDEV_G_FMT, VIDIOC_SUBDEV_G_FRAME_INTERVAL) where its
-- entity is a subdevice with a node; the format columns are NULL elsewhere.
CREATE TABLE media_pads (
    media_id             INTEGER NOT NULL REFERENCES media_devices(id),
    id                   INTEGER NOT NULL,
    entity_id            INTEGER NOT NULL,
    pad_index            INTEGER NOT NULL,
    flags                INTEGER NOT NULL,  -- MEDIA_PAD_FL_*
    mbus_code            INTEGER,           -- MEDIA_BUS_FMT_*
    width                INTEGER,
    height               INTEGER,
    field                INTEGER,           -- enum v4l2_field
    colorspace           INTEGER,           -- enum v4l2_colorspace
    ycbcr_enc            INTEGER,
    quantization         INTEGER,
    xfer_func            INTEGER,
    interval_numerator   INTEGER,           -- 0/0: the subdevice has no frame interval
    interval_denominator INTEGER,
    PRIMARY KEY (media_id, id)
);

-- The crop and compose rectangles of a subdevice pad (VIDIOC_SUBDEV_G_SELECTION), where it has them.
CREATE TABLE media_pad_selections (
    media_id INTEGER NOT NULL REFERENCES media_devices(id),
    pad_id   INTEGER NOT NULL,
    target   INTEGER NOT NULL,          -- V4L2_SEL_TGT_*: 0 crop, 2 crop bounds, 0x100 compose, 0x102 compose bounds
    left     INTEGER NOT NULL,
    top      INTEGER NOT NULL,
    width    INTEGER NOT NULL,
    height   INTEGER NOT NULL,
    PRIMARY KEY (media_id, pad_id, target)
);

-- Pad to pad links, and interface to entity links (flags & 0xf0000000 = MEDIA_LNK_FL_INTERFACE_LINK).
CREATE TABLE media_links (
    media_id  INTEGER NOT NULL REFERENCES media_devices(id),
    id        INTEGER NOT NULL,
    source_id INTEGER NOT NULL,         -- a pad id, or an interface id
    sink_id   INTEGER NOT NULL,         -- a pad id, or an entity id
    flags     INTEGER NOT NULL,         -- MEDIA_LNK_FL_*
    PRIMARY KEY (media_id, id)
);

-- The entries of each menu and integer menu control read at the start (VIDIOC_QUERYMENU), so
-- `camrec info --controls` names a menu's value as `v4l2-ctl --list-ctrls-menus` does.
CREATE TABLE control_menus (
    stream_id  INTEGER NOT NULL REFERENCES streams(id),
    control_id INTEGER NOT NULL,        -- V4L2_CID_*
    menu_index INTEGER NOT NULL,
    name       TEXT    NOT NULL,        -- the entry's name; an integer menu's value as text
    PRIMARY KEY (stream_id, control_id, menu_index)
);

"""

    static let version5 = """
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

"""
}

/// One schema version: the SQL that brings an index from the previous version to this one.
public struct SchemaMigration: Sendable {
    public let version: Int
    /// Its file in the repository's `schema/` folder.
    public let file: String
    public let sql: String
}
