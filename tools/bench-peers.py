#!/usr/bin/env python3
"""tools/bench-peers.py: the peers tools/bench puts beside camrec, on the same frames file.

  bench-peers.py mcap  FRAMES FRAME_SIZE OUT_DIR   the MCAP Python writer (PyPI mcap, zstd chunks)
  bench-peers.py write FRAMES FRAME_SIZE OUT_DIR   raw write + fdatasync: the disk's ceiling

Each prints one line `KIND mbps=MB/s ratio=R` (MB = 1,000,000 raw bytes, wall clock from the first
write to the end of fdatasync of the output on OUT_DIR's disk, the frames already in memory).
"""
import os
import sys
import time


def frames_of(path, frame_size):
    with open(path, "rb") as source:
        data = source.read()
    if frame_size <= 0 or len(data) < frame_size:
        sys.exit(f"bench-peers: {path} holds {len(data)} bytes, less than one frame of {frame_size}")
    return [data[offset:offset + frame_size] for offset in range(0, len(data) - frame_size + 1, frame_size)]


def synced_size(path):
    with open(path, "rb+") as output:
        os.fdatasync(output.fileno())
        return os.fstat(output.fileno()).st_size


def mcap_writer(frames, out_dir):
    from mcap.writer import CompressionType, Writer
    path = os.path.join(out_dir, "peer.mcap")
    start = time.perf_counter()
    with open(path, "wb") as stream:
        # The writer's defaults: 1 MiB chunks, zstd (the zstandard module's level 3), every index.
        writer = Writer(stream, compression=CompressionType.ZSTD)
        writer.start(profile="", library="tools/bench")
        schema = writer.register_schema(name="frame", encoding="", data=b"")
        channel = writer.register_channel(topic="/frames", message_encoding="", schema_id=schema)
        for sequence, frame in enumerate(frames):
            stamp = sequence * 33_333_333
            writer.add_message(channel_id=channel, log_time=stamp, publish_time=stamp, data=frame, sequence=sequence)
        writer.finish()
        stream.flush()
        os.fdatasync(stream.fileno())
    seconds = time.perf_counter() - start
    size = os.path.getsize(path)
    os.remove(path)
    return seconds, size


def raw_write(frames, out_dir):
    path = os.path.join(out_dir, "peer.raw")
    start = time.perf_counter()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        for frame in frames:
            view = memoryview(frame)
            while view:
                view = view[os.write(descriptor, view):]
        os.fdatasync(descriptor)
    finally:
        os.close(descriptor)
    seconds = time.perf_counter() - start
    size = os.path.getsize(path)
    os.remove(path)
    return seconds, size


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("mcap", "write"):
        sys.exit(__doc__)
    kind, path, frame_size, out_dir = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    frames = frames_of(path, frame_size)
    raw = sum(len(frame) for frame in frames)
    seconds, size = (mcap_writer if kind == "mcap" else raw_write)(frames, out_dir)
    print(f"{kind} mbps={raw / 1e6 / seconds:.1f} ratio={raw / size:.3f}")


if __name__ == "__main__":
    main()
