#!/usr/bin/env python3
"""criba classify on one thread against N threads, in alternating rounds, on the same input.

    python3 Benchmarks/classify_threads.py MESSAGES.txt [--threads 2] [--rounds 5] [--model M]
        [--criba .build/release/criba]

MESSAGES.txt holds one message per line (e.g. workload (a) of Benchmarks/make_workloads.py).
Each round runs `criba classify --threads 1` and `--threads N` (alternating which goes first),
after one warm-up run of each; the outputs must be byte-identical. Prints the median wall time
and messages/s of each, the ratio of the medians, each round's ratio and the load average.
"""
import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import time


def run(cmd, path):
    with open(path, "rb") as f:
        start = time.perf_counter()
        p = subprocess.run(cmd, stdin=f, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.decode()[:400]}")
    return elapsed, hashlib.sha256(p.stdout).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("messages")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--model")
    ap.add_argument("--criba", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "criba"))
    a = ap.parse_args()
    lines = sum(1 for _ in open(a.messages, "rb"))
    base = [a.criba, "classify"] + (["--model", a.model] if a.model else [])
    variants = {1: base + ["--threads", "1"], a.threads: base + ["--threads", str(a.threads)]}
    digests = {n: run(cmd, a.messages)[1] for n, cmd in variants.items()}  # warm-up
    if len(set(digests.values())) != 1:
        sys.exit("outputs differ between thread counts")
    times = {n: [] for n in variants}
    for r in range(a.rounds):
        order = list(variants) if r % 2 == 0 else list(reversed(list(variants)))
        for n in order:
            t, d = run(variants[n], a.messages)
            if d != digests[n]:
                sys.exit(f"round {r + 1}: output of --threads {n} changed")
            times[n].append(t)
    one, many = statistics.median(times[1]), statistics.median(times[a.threads])
    print(f"{lines} messages, {a.rounds} alternating rounds, load average {os.getloadavg()[0]:.1f}, outputs identical")
    print(f"--threads 1: {one:.3f} s median, {lines / one:,.0f} msgs/s")
    print(f"--threads {a.threads}: {many:.3f} s median, {lines / many:,.0f} msgs/s")
    print(f"ratio: {one / many:.2f}x  (rounds: {', '.join(f'{x / y:.2f}' for x, y in zip(times[1], times[a.threads]))})")


if __name__ == "__main__":
    main()
