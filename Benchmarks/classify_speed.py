#!/usr/bin/env python3
"""Classify throughput of `criba classify` against fastText on the workloads of
make_workloads.py, one core, warm-up runs and alternating rounds, in one run.

    python3 Benchmarks/make_workloads.py /tmp/workloads            # once
    .venv/bin/python Benchmarks/classify_speed.py /tmp/workloads \\
        [--criba PATH] [--base PATH] [--rounds 5] [--warmup 1] [--workloads abc] \\
        [--no-fasttext] [--no-python] [--markdown] [--json OUT.json]

What runs:
  * Criba: `criba train massive-train.csv -o M --quiet` (defaults), then per round
    `criba classify --model M < WORKLOAD > /dev/null` as a process: process start and
    model load are included, as they are for the fastText CLI.
  * With --base OTHER_CRIBA: the same with a second Criba binary (its own model, trained by
    it on the same data), in the same rounds; reported as new/base ratios. Use it to check
    that a change keeps the speed of the code before it.
  * fastText CLI (`fasttext` on PATH, or --fasttext): `fasttext supervised` on the same
    training rows (text with white space collapsed and lower-cased; -epoch 25 -lr 0.5
    -wordNgrams 2 -thread 1 -seed 1), then per round `fasttext predict model.bin - <
    WORKLOAD.lower > /dev/null`, the workload lower-cased beforehand (fastText does not
    lower-case; Criba does that itself and reads the original text).
  * fastText Python API (the `fasttext` module, if this Python has it): the model file the
    CLI trained, `model.predict(lines)` on the lower-cased lines read into a list before
    the clock starts; only the prediction is timed.

Each workload first runs every variant --warmup times untimed (the first warm-up run of each
process also checks that it wrote one answer per input line), then --rounds rounds; every
round runs each variant once, in an order that reverses from one round to the next, so a
change in the machine's speed hits all of them alike. Reported: median msgs/s of each
variant, Criba's ratio to each other variant from the medians, the per-round ratios, and the
peak RSS of each process (from wait4, through a small spawn helper; see compare.py), and
each process's fixed cost (start-up and model load, timed on a one-line input) with the
rates it leaves once taken off. Every
process runs on one CPU (this process pins itself to CPU 0 before starting any; children
inherit it). The load average is printed before and after each workload: on a shared
machine the ratios are what to compare, not the absolute rates.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare as C  # noqa: E402  (pins this process to one CPU and one BLAS thread first)
import runner  # noqa: E402

WORKLOAD_FILES = {"a": "a-distinct.txt", "b": "b-typos.txt", "c": "c-repeated.txt"}
WORKLOAD_NAMES = {"a": "distinct messages", "b": "distinct, 15% of words with a typo",
                  "c": "repeated held-out texts (memos' best case)"}
FASTTEXT_ARGS = ["-epoch", "25", "-lr", "0.5", "-wordNgrams", "2", "-thread", "1", "-seed", "1", "-verbose", "0"]


def lower_line(text):
    return " ".join(text.split()).lower()


def load_avg():
    try:
        return "%.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        return "?"


def count_lines(path):
    with open(path, "rb") as f:
        return sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))


class Process:
    """A variant that runs as a child process reading the workload on standard input."""

    def __init__(self, name, argv, input_for):
        self.name, self.argv, self.input_for = name, [str(x) for x in argv], input_for
        self.rss_mb = 0.0

    def run(self, workload, check_lines=None):
        """Seconds of one run; with check_lines, also checks the number of output lines."""
        if check_lines is None:
            out = subprocess.DEVNULL
        else:
            out = tempfile.TemporaryFile()
        with open(self.input_for(workload), "rb") as stdin:
            seconds, rss, rc, err = C.run_child(self.argv, stdin=stdin, stdout=out)
        C.check_child(self.name, self.argv, rc, err)
        if check_lines is not None:
            out.seek(0)
            n = sum(block.count(b"\n") for block in iter(lambda: out.read(1 << 20), b""))
            out.close()
            if n != check_lines:
                raise C.BenchError(f"{self.name} wrote {n:,} lines for {check_lines:,} input lines")
        self.rss_mb = max(self.rss_mb, rss)
        return seconds


class PythonAPI:
    """fastText's Python API in this process; the lines are read and lower-cased untimed."""

    def __init__(self, name, model, lowered_for):
        self.name, self.model, self.lowered_for = name, model, lowered_for
        self.rss_mb = None
        self.lines = None

    def prepare(self, workload):
        with open(self.lowered_for(workload), encoding="utf-8") as f:
            self.lines = f.read().splitlines()

    def run(self, workload, check_lines=None):
        lines = self.lines
        t0 = time.perf_counter()
        labels, _ = self.model.predict(lines)
        seconds = time.perf_counter() - t0
        if check_lines is not None and len(labels) != check_lines:
            raise C.BenchError(f"{self.name} gave {len(labels):,} answers for {check_lines:,} lines")
        return seconds

    def release(self):
        self.lines = None


def train_criba(criba, train_csv, model):
    argv = [str(criba), "train", str(train_csv), "-o", str(model), "--quiet"]
    seconds, rss, rc, err = C.run_child(argv)
    C.check_child("criba train", argv, rc, err)
    return seconds


def parse_args(argv):
    p = argparse.ArgumentParser(description="criba classify against fastText (CLI and Python API) on the "
                                            "make_workloads.py workloads, one core, alternating rounds.")
    p.add_argument("workloads_dir", help="the output directory of make_workloads.py")
    p.add_argument("--criba", help=f"criba binary (default: {C.DEFAULT_CRIBA})")
    p.add_argument("--base", help="a second criba binary to compare with (new/base ratios)")
    p.add_argument("--fasttext", default="fasttext", help="fastText command (default: fasttext on PATH)")
    p.add_argument("--rounds", type=int, default=5, help="timed alternating rounds (default 5)")
    p.add_argument("--warmup", type=int, default=1, help="untimed runs of each variant first (default 1)")
    p.add_argument("--workloads", default="abc", help="which workloads, e.g. ac (default abc)")
    p.add_argument("--no-fasttext", action="store_true", help="Criba only (with --base: the two Criba binaries)")
    p.add_argument("--no-python", action="store_true", help="leave out fastText's Python API")
    p.add_argument("--markdown", action="store_true", help="print the tables as GitHub markdown")
    p.add_argument("--json", help="also write every round's timings to this JSON file")
    a = p.parse_args(argv)
    if a.rounds < 1 or a.warmup < 0:
        p.error("--rounds must be at least 1 and --warmup at least 0")
    if not a.workloads or any(k not in WORKLOAD_FILES for k in a.workloads):
        p.error("--workloads takes letters among a, b, c")
    return a


def resolve_binary(path, what):
    path = Path(path)
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise C.BenchError(f"{what} not found or not executable: {path}")
    return path.absolute()


def ratio_text(num, den):
    return f"{num / den:.2f}x"


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    a.no_criba = False
    criba = C.resolve_criba(a)
    base = resolve_binary(a.base, "--base criba binary") if a.base else None
    fasttext_cmd = None
    if not a.no_fasttext:
        fasttext_cmd = shutil.which(a.fasttext)
        if fasttext_cmd is None:
            raise C.BenchError(f"fastText command not found: {a.fasttext} (Debian: apt-get install fasttext), "
                               "or run with --no-fasttext")
    ft_module = None
    if not a.no_fasttext and not a.no_python:
        try:
            import fasttext as ft_module
        except ImportError:
            C.log("note: this Python has no fasttext module; the Python API is left out (see --no-python)")
    wdir = Path(a.workloads_dir)
    manifest_path = wdir / "workloads.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise C.BenchError(f"cannot read {manifest_path} ({e}); build the workloads with make_workloads.py") from e
    train_csv = wdir / "massive-train.csv"
    for k in a.workloads:
        if not (wdir / WORKLOAD_FILES[k]).is_file():
            raise C.BenchError(f"no {wdir / WORKLOAD_FILES[k]}; build the workloads with make_workloads.py")

    facts = [("date", time.strftime("%Y-%m-%d %H:%M:%S %Z")),
             ("CPU", f"{C.cpu_model()}; {os.cpu_count()} logical CPUs, every process pinned to CPU {C.PINNED_CPU}"),
             ("criba", f"{criba} ({C.criba_version(criba)})")]
    if base:
        facts.append(("base criba", f"{base} ({C.criba_version(base)})"))
    if fasttext_cmd:
        facts.append(("fastText CLI", fasttext_cmd))
    if ft_module:
        facts.append(("fastText Python", C.package_version("fasttext-numpy2-wheel", "fasttext-wheel", "fasttext")))
    facts.append(("workloads", f"{wdir} (seed {manifest.get('seed')})"))
    facts.append(("rounds", f"{a.warmup} warm-up run(s) of each variant, then {a.rounds} alternating rounds"))

    results = {"facts": dict(facts), "training": {}, "workloads": {}}
    with tempfile.TemporaryDirectory(prefix="criba-speed-") as work:
        work = Path(work)
        variants = []
        model = work / "model.criba"
        C.log("training Criba ...")
        s = train_criba(criba, train_csv, model)
        results["training"]["criba"] = {"seconds": s, "model_bytes": model.stat().st_size}
        variants.append(Process("Criba", [criba, "classify", "--model", model], lambda w: w))
        if base:
            base_model = work / "base.criba"
            C.log("training Criba (base) ...")
            s = train_criba(base, train_csv, base_model)
            results["training"]["criba_base"] = {"seconds": s, "model_bytes": base_model.stat().st_size}
            variants.append(Process("Criba (base)", [base, "classify", "--model", base_model], lambda w: w))
        lowered = {}
        if fasttext_cmd:
            texts, labels = C.load_csv(train_csv)
            ft_train = work / "fasttext-train.txt"
            with open(ft_train, "w", encoding="utf-8") as f:
                for x, y in zip(texts, labels):
                    f.write(f"__label__{y} {lower_line(x)}\n")
            C.log("training fastText ...")
            t0 = time.perf_counter()
            out = subprocess.run([fasttext_cmd, "supervised", "-input", ft_train, "-output", work / "fasttext",
                                  *FASTTEXT_ARGS], capture_output=True, text=True)
            if out.returncode != 0:
                raise C.BenchError(f"fasttext supervised failed: {out.stderr.strip()}")
            ft_bin = work / "fasttext.bin"
            results["training"]["fasttext"] = {"seconds": time.perf_counter() - t0, "model_bytes": ft_bin.stat().st_size}
            variants.append(Process("fastText CLI", [fasttext_cmd, "predict", ft_bin, "-"], lambda w: lowered[w]))
            if ft_module:
                variants.append(PythonAPI("fastText Python", ft_module.load_model(str(ft_bin)), lambda w: lowered[w]))

        # The fixed cost of each process (start, model load) on a one-line input.
        one = work / "one-line.txt"
        one.write_text("hola, quiero cambiar la hora de mi alarma\n", encoding="utf-8")
        lowered[one] = one
        results["startup_seconds"] = {}
        for v in variants:
            if isinstance(v, Process):
                v.run(one, check_lines=1)
                results["startup_seconds"][v.name] = statistics.median(v.run(one) for _ in range(3))

        for k in a.workloads:
            path = wdir / WORKLOAD_FILES[k]
            n = count_lines(path)
            if fasttext_cmd:
                lowered[path] = work / (path.name + ".lower")
                with open(path, encoding="utf-8") as src, open(lowered[path], "w", encoding="utf-8") as dst:
                    for line in src:
                        dst.write(lower_line(line) + "\n")
            for v in variants:
                if isinstance(v, PythonAPI):
                    v.prepare(path)
            for v in variants:
                if isinstance(v, Process):
                    v.rss_mb = 0.0
            load_before = load_avg()
            C.log(f"({k}) {path.name}: {n:,} lines; load average {load_before}")
            for w in range(a.warmup):
                for v in variants:
                    v.run(path, check_lines=n if w == 0 else None)
            times = {v.name: [] for v in variants}
            for r in range(a.rounds):
                order = variants if r % 2 == 0 else variants[::-1]
                for v in order:
                    times[v.name].append(v.run(path))
                C.log(f"  round {r + 1}: " + ", ".join(f"{v.name} {n / times[v.name][-1]:,.0f}" for v in variants)
                      + " msgs/s")
            for v in variants:
                if isinstance(v, PythonAPI):
                    v.release()
            if fasttext_cmd:
                os.unlink(lowered[path])
            results["workloads"][k] = {
                "file": path.name, "lines": n, "name": WORKLOAD_NAMES[k],
                "load_before": load_before, "load_after": load_avg(),
                "seconds": times,
                "median_msgs_per_s": {name: n / statistics.median(t) for name, t in times.items()},
                "peak_rss_mb": {v.name: v.rss_mb for v in variants},
            }

    report(results, variants, a)
    if a.json:
        tmp = a.json + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2)
            f.write("\n")
        os.replace(tmp, a.json)


def report(results, variants, a):
    md = a.markdown
    facts = results["facts"]
    for k, v in facts.items():
        print(f"- {k}: {v}" if md else f"{k:16s}: {v}")
    for name, t in results["training"].items():
        line = f"training {name}: {t['seconds']:.2f} s, model file {t['model_bytes'] / 1e6:.2f} MB"
        print(f"- {line}" if md else line)
    print()
    names = [v.name for v in variants]
    others = [x for x in names if x != "Criba"]
    header = ["workload", "lines"] + [f"{x} msgs/s" for x in names] + [f"Criba / {x}" for x in others] \
        + [f"peak RSS MB {x}" for x in names if not x.startswith("fastText Python")]
    rows = []
    for k, w in results["workloads"].items():
        med = w["median_msgs_per_s"]
        rows.append([f"({k}) {w['name']}", f"{w['lines']:,}"] + [f"{med[x]:,.0f}" for x in names]
                    + [ratio_text(med["Criba"], med[x]) for x in others]
                    + [f"{w['peak_rss_mb'][x]:.1f}" for x in names if not x.startswith("fastText Python")])
    C.print_table(header, rows, md, right_from=1)
    print()
    note = (f"msgs/s: medians of {a.rounds} alternating rounds after {a.warmup} warm-up run(s) of each; "
            "ratios: of the medians. Per-round ratios (same round, so the same machine state):")
    print(f"_{note}_" if md else note)
    print()
    for k, w in results["workloads"].items():
        secs = w["seconds"]
        parts = []
        for x in others:
            per = [b / c for b, c in zip(secs[x], secs["Criba"])]
            parts.append(f"Criba/{x} " + ", ".join(f"{r:.2f}" for r in per)
                         + f" (median {statistics.median(per):.2f}x)")
        line = f"({k}): " + "; ".join(parts) + f"; load average before {w['load_before']}, after {w['load_after']}"
        print(f"- {line}" if md else line)
    if "startup_seconds" in results:
        start = results["startup_seconds"]
        line = "start-up and model load (one-line input, median of 3 after a warm-up): " + ", ".join(
            f"{name} {s * 1e3:,.0f} ms" for name, s in start.items())
        print()
        print(f"_{line}_" if md else line)
        # The same medians with each process's start-up taken off: the steady rate of each.
        print()
        for k, w in results["workloads"].items():
            net = {x: w["lines"] / max(statistics.median(w["seconds"][x]) - start.get(x, 0.0), 1e-9) for x in names}
            line = (f"({k}) without start-up: " + ", ".join(f"{x} {net[x]:,.0f} msgs/s" for x in names)
                    + "; " + ", ".join(f"Criba/{x} {net['Criba'] / net[x]:.2f}x" for x in others))
            print(f"- {line}" if md else line)


if __name__ == "__main__":
    runner.run(main, __file__)
