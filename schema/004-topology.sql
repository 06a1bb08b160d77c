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
