#!/usr/bin/env python3
"""Criba's classify throughput against fastText's, with the two runs alternating.

On a shared virtual machine the speed of one core can change by 1.5x within
minutes, so two throughputs measured minutes apart (as in one compare.py table)
can give a ratio that says more about the machine than about the programs. Here
the two are timed in alternating rounds, so a slow phase of the machine hits
both alike, and the ratio of the medians is reported with every round.

    .venv/bin/python Benchmarks/classify_ratio.py TRAIN.csv TEST.csv \\
        [--rounds 5] [--criba PATH] [--criba-args "extra train args"]

Both are trained on TRAIN once (fastText: epoch=25, lr=0.5, wordNgrams=2, one
thread, seed 1, as in compare.py; Criba: `criba train TRAIN -o M --quiet`).
The workload is TEST's texts repeated to at least 100,000 messages, as in
compare.py: the memos' best case (see classify_speed.py for distinct
messages). One untimed warm-up run of each comes first; then each round times
fastText's `model.predict(cleaned)` in this process, on the texts cleaned
(white space collapsed, lower-cased) before the clock starts, and `criba
classify --model M < file > /dev/null` as a child process (process start and
model load included), in an order that reverses from one round to the next.
Every process is pinned to CPU 0.
"""

import argparse
import os
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare as C  # noqa: E402  (sets the one-thread environment first)
import runner  # noqa: E402


def main(argv=None):
    p = argparse.ArgumentParser(description="Interleaved classify throughput: Criba against fastText, one core.")
    p.add_argument("train", help="training CSV (columns text,label)")
    p.add_argument("test", help="test CSV whose texts make the workload")
    p.add_argument("--rounds", type=int, default=5, help="alternating timed rounds (default 5)")
    p.add_argument("--criba", help=f"criba binary (default: {C.DEFAULT_CRIBA})")
    p.add_argument("--criba-args", default="", help="extra arguments for `criba train`")
    a = p.parse_args(argv)
    if a.rounds < 1:
        p.error("--rounds must be at least 1")
    a.no_criba = False
    criba = C.resolve_criba(a)
    C._pin_to_one_core()
    import fasttext

    Xtr, ytr = C.load_csv(a.train)
    Xte, _ = C.load_csv(a.test)
    workload = C.classify_workload(Xte)
    with tempfile.TemporaryDirectory(prefix="criba-ratio-") as work:
        ft_train = os.path.join(work, "fasttext.txt")
        with open(ft_train, "w", encoding="utf-8") as f:
            for x, y in zip(Xtr, ytr):
                f.write(f"__label__{y} {C.ft_clean(x)}\n")
        ft = fasttext.train_supervised(ft_train, verbose=0, thread=1, seed=1, epoch=25, lr=0.5, wordNgrams=2)
        model = os.path.join(work, "model.criba")
        train_argv = [str(criba), "train", a.train, "-o", model, "--quiet", *shlex.split(a.criba_args)]
        _, _, rc, err = C.run_child(train_argv)
        C.check_child("criba train", train_argv, rc, err)
        lines = os.path.join(work, "workload.txt")
        with open(lines, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(workload) + "\n")
        classify_argv = [str(criba), "classify", "--model", model]
        cleaned = [C.ft_clean(x) for x in workload]

        def time_fasttext():
            t0 = time.perf_counter()
            ft.predict(cleaned)
            return time.perf_counter() - t0

        def time_criba():
            with open(lines, "rb") as stdin:
                seconds, _, rc, err = C.run_child(classify_argv, stdin=stdin)
            C.check_child("criba classify", classify_argv, rc, err)
            return seconds

        time_fasttext()  # warm-up runs
        time_criba()
        ft_s, criba_s = [], []
        for r in range(a.rounds):
            if r % 2 == 0:
                ft_s.append(time_fasttext())
                criba_s.append(time_criba())
            else:
                criba_s.append(time_criba())
                ft_s.append(time_fasttext())
            seconds = criba_s[-1]
            C.log(f"round {r + 1}: fastText {len(workload) / ft_s[-1]:,.0f} msgs/s, "
                  f"Criba {len(workload) / seconds:,.0f} msgs/s ({ft_s[-1] / seconds:.2f}x)")
    n = len(workload)
    f, c = statistics.median(ft_s), statistics.median(criba_s)
    print(f"{n:,} messages, one warm-up run each, {a.rounds} alternating rounds, one core: fastText {n / f:,.0f} msgs/s, "
          f"Criba {n / c:,.0f} msgs/s (medians); Criba/fastText {f / c:.2f}x; "
          f"per round {', '.join(f'{x / y:.2f}x' for x, y in zip(ft_s, criba_s))}")


if __name__ == "__main__":
    runner.run(main, __file__)
