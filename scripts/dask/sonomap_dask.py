#!/usr/bin/python3
"""sonomap_dask.py - a sharded sonomap analysis on a Dask cluster: one task per shard runs
`sonomap analyze --shard i/n` on a worker, then one task runs `sonomap merge` on the parts.

    /usr/bin/python3 scripts/dask/sonomap_dask.py <input>... --out <dataset-dir> \
        [--shards N] [--scheduler tcp://host:8786 | --local-workers K] [--work <dir>] \
        [--cli dist/sonomap.mjs] [-- <more analyze options, e.g. --features fingerprint>]

Every worker must see the same paths: the inputs, the CLI (dist/sonomap.mjs, with sonomap.wasm
and models/ beside it) and the work folder (a shared file system, as on a cluster). Without
--scheduler it starts a LocalCluster of K single-threaded workers on this machine. The parts go
to <work>/part-<i> (default: <out>.parts); the merge writes <out>. Prints one JSON line with
the shards, the files per shard and the wall time. Needs Debian's python3-distributed; the app
itself never needs it.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time


def run_cli(args):
    """Runs the sonomap CLI with node; returns its stderr, raises with it on failure."""
    r = subprocess.run(["node", *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"sonomap {args[1]} failed ({r.returncode}): {r.stderr.strip()}")
    return r.stderr


def analyze_shard(cli, inputs, index, count, part_dir, extra):
    err = run_cli([cli, "analyze", *inputs, "--shard", f"{index}/{count}", "--out", part_dir,
                   "--quiet", *extra])
    with open(os.path.join(part_dir, "part.json"), encoding="utf-8") as f:
        head = json.load(f)
    return {"shard": index, "files": len(head["files"]), "failed": len(head["failed"]),
            "log": err.strip()}


def merge_parts(cli, part_dirs, out, _done):
    # _done: the shard results, so the merge waits for every shard
    return run_cli([cli, "merge", *part_dirs, "--out", out, "--quiet"]).strip()


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--out", required=True)
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--scheduler", help="address of a running Dask scheduler")
    ap.add_argument("--local-workers", type=int, default=2)
    ap.add_argument("--work", help="folder for the parts (default: <out>.parts)")
    ap.add_argument("--cli", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                   "dist", "sonomap.mjs"))
    args, extra = ap.parse_known_args(argv)
    if extra and extra[0] == "--":
        extra = extra[1:]
    if args.shards < 1:
        ap.error("--shards must be at least 1")
    from dask.distributed import Client, LocalCluster

    cli = os.path.abspath(args.cli)
    inputs = [os.path.abspath(p) for p in args.inputs]
    out = os.path.abspath(args.out)
    work = os.path.abspath(args.work or out + ".parts")
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work)
    parts = [os.path.join(work, f"part-{i}") for i in range(args.shards)]

    t0 = time.time()
    cluster = None
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(n_workers=args.local_workers, threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        shards = [client.submit(analyze_shard, cli, inputs, i, args.shards, parts[i], extra,
                                key=f"sonomap-shard-{i}-of-{args.shards}", pure=False)
                  for i in range(args.shards)]
        merged = client.submit(merge_parts, cli, parts, out, shards, key="sonomap-merge",
                               pure=False)
        log = merged.result()
        results = [s.result() for s in shards]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    print(json.dumps({"out": out, "shards": args.shards,
                      "files": [r["files"] for r in results],
                      "failed": sum(r["failed"] for r in results),
                      "seconds": round(time.time() - t0, 1), "merge": log}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
