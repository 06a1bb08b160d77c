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
