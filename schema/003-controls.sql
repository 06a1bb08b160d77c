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
