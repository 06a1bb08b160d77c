#!/usr/bin/env python3
"""tools/fleet_query.py — a Ray Data job over camrec MCAP exports from many rigs.

Answers, from the MCAP files alone: frames, errors, driver drops and recorder drops per rig and
stream, and the worst frame interval (largest gap between consecutive buffer timestamps) per rig
and stream. A rig is an MCAP file (its name without .mcap; `camrec export --device-name` puts the
same name in the file's `foxglove` metadata record).

It reads only the camrec.Buffer and camrec.Event messages (one per buffer, one per drop or note),
decoding them with the protobuf schemas embedded in each file, so it needs no camrec code:

    python3 tools/fleet_query.py exports/                      # local mode, a folder of .mcap files
    python3 tools/fleet_query.py s3://bucket/fleet/ --address auto   # on a Ray cluster, from object storage

Prints one JSON object: {"streams": [{"rig", "stream", "frames", "errors", "driver_drops",
"recorder_drops", "worst_interval_ns"}], "rigs": [{"rig", "worst_interval_ns"}]}.
"""
import argparse
import json
import os
import sys


def decode_batch(batch):
    """camrec.Buffer / camrec.Event rows -> (rig, stream, kind, status, missing, log_time) rows."""
    import pandas
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    classes = {}

    def message_class(name, data):
        key = (name, bytes(data))
        if key not in classes:
            files = descriptor_pb2.FileDescriptorSet.FromString(bytes(data))
            pool = descriptor_pool.DescriptorPool()
            for file in files.file:
                pool.Add(file)
            classes[key] = message_factory.GetMessageClass(pool.FindMessageTypeByName(name))
        return classes[key]

    rows = []
    for name, schema, data, log_time, path in zip(batch["schema_name"], batch["schema_data"], batch["data"],
                                                  batch["log_time"], batch["path"]):
        message = message_class(name, schema).FromString(bytes(data))
        rig = os.path.basename(path)
        if rig.endswith(".mcap"):
            rig = rig[:-len(".mcap")]
        if name == "camrec.Buffer":
            rows.append({"rig": rig, "stream": message.stream, "kind": "buffer",
                         "error": int(message.status == 1), "missing": 0, "log_time": int(log_time)})
        elif message.stream:  # events about one stream (not the recording's stop note)
            rows.append({"rig": rig, "stream": message.stream, "kind": message.kind,
                         "error": 0, "missing": int(message.missing), "log_time": int(log_time)})
    return pandas.DataFrame(rows, columns=["rig", "stream", "kind", "error", "missing", "log_time"])


def summarise_stream(group):
    """One rig's stream: counts, and the largest interval between consecutive buffers."""
    import pandas

    buffers = group[group["kind"] == "buffer"].sort_values("log_time")
    times = buffers["log_time"].tolist()
    worst = max((later - earlier for earlier, later in zip(times, times[1:])), default=None)
    return pandas.DataFrame([{
        "rig": group["rig"].iloc[0], "stream": group["stream"].iloc[0], "frames": len(buffers),
        "errors": int(buffers["error"].sum()),
        "driver_drops": int(group.loc[group["kind"] == "driver_drop", "missing"].sum()),
        "recorder_drops": int((group["kind"] == "recorder_drop").sum()),
        "worst_interval_ns": -1 if worst is None else int(worst),
    }])


def run(paths, address=None, partitions=None):
    import logging

    import ray

    # The job's answer is its output; Ray Data's progress lines would bury it.
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, logging_level="ERROR", log_to_driver=False,
                 ignore_reinit_error=True)
    dataset = ray.data.read_mcap(paths, message_types={"camrec.Buffer", "camrec.Event"}, include_paths=True)
    rows = dataset.map_batches(decode_batch, batch_format="pandas")
    # One group per rig and stream; a cluster can take more shuffle partitions (--partitions).
    per_stream = rows.groupby(["rig", "stream"], num_partitions=partitions).map_groups(summarise_stream,
                                                                                      batch_format="pandas")
    streams = sorted(per_stream.take_all(), key=lambda row: (row["rig"], row["stream"]))
    streams = [{key: (int(value) if key not in ("rig", "stream") else value) for key, value in row.items()}
               for row in streams]
    rigs = {}
    for row in streams:
        rigs[row["rig"]] = max(rigs.get(row["rig"], -1), row["worst_interval_ns"])
    return {"streams": streams, "rigs": [{"rig": rig, "worst_interval_ns": worst} for rig, worst in sorted(rigs.items())]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help="MCAP files or folders (local, s3://, gs://, ...)")
    parser.add_argument("--address", help="a Ray cluster to run on (e.g. auto, ray://head:10001); default: local")
    parser.add_argument("--partitions", type=int, help="shuffle partitions of the group-by (default: Ray's)")
    arguments = parser.parse_args()
    json.dump(run(arguments.paths, arguments.address, arguments.partitions), sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
