#!/usr/bin/env python3
"""Classify throughput of two criba binaries on one model, the two alternating.

    python3 Benchmarks/classify_ab.py BASE_BIN NEW_BIN MODEL [--rounds 7] [--lines 200000]
        [--datasets ../shared/datasets]

The workload is built once, seeded: distinct lines, each two messages of MASSIVE es-ES
(train) and mtod-es (train, dev, test) joined by a space, no line repeated, so the chunk
and word caches meet new lines as in a real inbox. One warm-up run of each binary, then
ROUNDS rounds that each time `BIN classify --model MODEL < workload > /dev/null` for both
binaries, in alternating order (process start and model load included), pinned to CPU 0.
Prints each round, the median msgs/s of each binary and the ratio NEW/BASE of the medians,
by wall time and by CPU time (user + system of the child process: on a machine shared with
other jobs it moves far less than wall time, which includes waiting for a core).
Both binaries' outputs are compared once, so a faster binary that answers differently is
reported as such.
"""

import argparse
import csv
import hashlib
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def texts(datasets):
    files = [datasets / "massive-es/train.csv"] + [datasets / f"mtod-es/{s}.csv" for s in ("train", "dev", "test")]
    out = []
    for f in files:
        with open(f, newline="", encoding="utf-8") as h:
            for row in csv.DictReader(h):
                t = " ".join(row["text"].split())
                if t:
                    out.append(t)
    return sorted(set(out))


def workload(datasets, lines, seed, path):
    pool = texts(datasets)
    rng = random.Random(seed)
    seen = set()
    with open(path, "w", encoding="utf-8") as h:
        while len(seen) < lines:
            line = rng.choice(pool) + " " + rng.choice(pool)
            if line in seen:
                continue
            seen.add(line)
            h.write(line + "\n")
    return len(pool)


def run(binary, model, path, out=subprocess.DEVNULL):
    cmd = [binary, "classify", "--model", model]
    if hasattr(os, "sched_setaffinity"):
        cmd = ["taskset", "-c", "0"] + cmd
    with open(path, "rb") as stdin:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, stdin=stdin, stdout=out, check=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu


def digest(binary, model, path):
    with tempfile.TemporaryFile() as out:
        run(binary, model, path, out)
        out.seek(0)
        return hashlib.sha256(out.read()).hexdigest()


def main():
    p = argparse.ArgumentParser(description="Alternating classify throughput of two criba binaries.")
    p.add_argument("base", help="reference criba binary")
    p.add_argument("new", help="criba binary under test")
    p.add_argument("model", help="model file both classify with")
    p.add_argument("--rounds", type=int, default=7, help="timed rounds of each binary (default 7)")
    p.add_argument("--lines", type=int, default=200_000, help="distinct workload lines (default 200000)")
    p.add_argument("--seed", type=int, default=1, help="workload seed (default 1)")
    default_datasets = Path(__file__).resolve().parents[2] / "shared/datasets"
    p.add_argument("--datasets", type=Path, default=default_datasets, help=f"data sets directory (default {default_datasets})")
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "workload.txt")
        n = workload(a.datasets, a.lines, a.seed, path)
        print(f"workload: {a.lines} distinct lines from {n} distinct messages, seed {a.seed}")
        same = digest(a.base, a.model, path) == digest(a.new, a.model, path)
        print("outputs: " + ("identical" if same else "DIFFER"))
        times = {"base": [], "new": []}
        for r in range(a.rounds):
            order = ["base", "new"] if r % 2 == 0 else ["new", "base"]
            for k in order:
                times[k].append(run(a.base if k == "base" else a.new, a.model, path))
            (wb, cb), (wn, cn) = times["base"][-1], times["new"][-1]
            print(
                f"round {r + 1}: wall base {a.lines / wb:,.0f} new {a.lines / wn:,.0f} msgs/s ({wb / wn:.3f}); "
                f"cpu base {a.lines / cb:,.0f} new {a.lines / cn:,.0f} msgs/s ({cb / cn:.3f})")
        for i, name in ((0, "wall"), (1, "cpu")):
            mb = statistics.median(t[i] for t in times["base"])
            mn = statistics.median(t[i] for t in times["new"])
            print(f"median {name}: base {a.lines / mb:,.0f} msgs/s, new {a.lines / mn:,.0f} msgs/s, new/base {mb / mn:.3f}")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
