#!/usr/bin/env python3
"""Compare Criba with peer classifiers (scikit-learn pipelines, fastText) on the
same train/test CSV files, on one CPU core, in one run.

Setup (once, from the repository root):

    python3 -m venv .venv && .venv/bin/pip install scikit-learn fasttext-numpy2-wheel
    swift build -c release

Usage:

    .venv/bin/python Benchmarks/compare.py TRAIN.csv TEST.csv \\
        [--criba PATH_TO_criba_binary] [--criba-args "extra train args"] \\
        [--repeats 3] [--markdown] [--cv K] [--name NAME]

    # K-fold cross-validation on one file: give it as TRAIN and "-" as TEST
    .venv/bin/python Benchmarks/compare.py data.csv - --cv 5

The CSV files need a header with the columns `text` and `label` (the layout
`criba train` reads by default). Rows with an empty text or label are left out
for every system, as `criba train`/`criba evaluate` do by default.

What is measured, per system:
  * accuracy and macro-F1 on TEST (peers: scikit-learn metrics; Criba: the
    "accuracy" and "macro_f1" fields of `criba evaluate --model M TEST --json`);
  * train seconds: median of --repeats fits (Criba: wall time of the whole
    `criba train TRAIN -o M --quiet [criba-args]` process);
  * classify throughput in messages/s: the TEST texts (newlines turned into
    spaces, empty texts dropped) repeated up to at least 100,000 messages,
    median of --repeats runs after one untimed warm-up run. Criba: `criba
    classify --model M < file > /dev/null` (process start and model load
    included). scikit-learn: `pipeline.predict(list)`. fastText:
    `model.predict(cleaned)`, where `cleaned` holds the texts with white space
    collapsed and lower-cased beforehand (Criba does that inside its timed
    run; fastText leaves it to its caller), so only fastText's own work is
    timed;
  * peak RSS (MB = MiB) of the Criba classify process, and of the Criba train
    process in parentheses, read from os.wait4 in a tiny spawn helper (see
    run_child for why not directly from here). Peers run inside this Python
    process, so they get "-".

With --cv K the single CSV is split with a stratified K-fold (shuffled, seed
13); the fold files are written to a temporary directory and every system sees
the same folds. Accuracy and macro-F1 are the means over folds; train seconds
and classify seconds are summed over folds (throughput = all messages
classified / total classify time); peak RSS is the maximum over folds.

The whole run, this process and every child process, is pinned to CPU 0 and
BLAS/OpenMP thread pools are limited to one thread. Progress goes to standard
error; the report goes to standard output.

The peer pipelines and settings are the usual reference ones: scikit-learn's
linear pipelines on word and character TF-IDF, and fastText with word bigrams
(with and without character n-grams), one thread.
"""

# --- One core, one thread: before numpy/scikit-learn/fastText are imported. ---
import os
import sys

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"


def _pin_to_one_core():
    """Pin this process (children inherit it) to CPU 0, or to the first CPU
    we are allowed on if 0 is not available. Returns the CPU or None."""
    if not hasattr(os, "sched_setaffinity"):
        print("warning: os.sched_setaffinity is not available on this platform; "
              "the run is NOT pinned to one core", file=sys.stderr)
        return None
    allowed = os.sched_getaffinity(0)
    cpu = 0 if 0 in allowed else min(allowed)
    os.sched_setaffinity(0, {cpu})
    return cpu


PINNED_CPU = _pin_to_one_core()

# --- Everything else. ---
import argparse
import csv
import datetime
import json
import math
import platform
import re
import shlex
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import runner
from runner import BenchError

MIN_CLASSIFY_MESSAGES = 100_000
CV_SEED = 13
DEFAULT_CRIBA = Path(__file__).resolve().parent.parent / ".build" / "release" / "criba"


def log(msg):
    print(msg, file=sys.stderr, flush=True)




# ----------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------

def load_csv(path):
    """Read `text`/`label` columns. Rows with an empty text or label are left
    out (criba's default `--empty skip`). Returns (texts, labels)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            for col in ("text", "label"):
                if col not in header:
                    raise BenchError(f"{path}: no column {col!r} in header {header}")
            texts, labels, skipped = [], [], 0
            for row in reader:
                t, l = row["text"], row["label"]
                if t is None or l is None or not t.strip() or not l.strip():
                    skipped += 1
                    continue
                texts.append(t)
                labels.append(l)
    except OSError as e:
        raise BenchError(f"cannot read {path}: {e}") from e
    except UnicodeDecodeError as e:
        raise BenchError(f"{path} is not UTF-8: {e}") from e
    if skipped:
        log(f"note: {path}: left out {skipped} row(s) with an empty text or label")
    if not texts:
        raise BenchError(f"{path}: no labelled rows")
    return texts, labels


def write_csv(path, texts, labels):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["text", "label"])
        w.writerows(zip(texts, labels))


_LINE_BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]+")


def classify_workload(texts):
    """The test texts as single lines (no empty ones), repeated to reach at
    least MIN_CLASSIFY_MESSAGES messages."""
    lines = [_LINE_BREAKS.sub(" ", t) for t in texts]
    lines = [t for t in lines if t.strip()]
    if not lines:
        raise BenchError("the test set has no non-empty text to classify")
    reps = math.ceil(MIN_CLASSIFY_MESSAGES / len(lines))
    return lines * reps


# ----------------------------------------------------------------------------
# Results
# ----------------------------------------------------------------------------

@dataclass
class Result:
    name: str
    is_criba: bool = False
    acc: list = field(default_factory=list)        # one per fold
    f1: list = field(default_factory=list)         # one per fold
    train_s: float = 0.0                           # sum over folds of the median
    classify_s: float = 0.0                        # sum over folds of the median
    classify_n: int = 0                            # messages classified, summed over folds
    rss_classify_mb: float = None                  # max over folds (Criba only)
    rss_train_mb: float = None

    def add_fold(self, acc, f1, train_s, classify_s, classify_n):
        self.acc.append(acc)
        self.f1.append(f1)
        self.train_s += train_s
        self.classify_s += classify_s
        self.classify_n += classify_n

    @property
    def accuracy(self):
        return statistics.fmean(self.acc)

    @property
    def macro_f1(self):
        return statistics.fmean(self.f1)

    @property
    def throughput(self):
        return self.classify_n / max(self.classify_s, 1e-9)


def median_time(fn, repeats, warmup=0):
    """Run fn() `warmup` times untimed, then `repeats` times; return (median
    seconds, last return value)."""
    for _ in range(warmup):
        fn()
    times, value = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), value


# ----------------------------------------------------------------------------
# Peers (reference scikit-learn pipelines and fastText settings)
# ----------------------------------------------------------------------------

def sklearn_systems():
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.feature_extraction.text import TfidfVectorizer, CountVectorizer
    from sklearn.naive_bayes import MultinomialNB, ComplementNB
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC
    return {
        'sklearn MultinomialNB word(1,2) a=0.1': lambda: make_pipeline(
            CountVectorizer(ngram_range=(1, 2)), MultinomialNB(alpha=0.1)),
        'sklearn ComplementNB tfidf word(1,2)': lambda: make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), ComplementNB(alpha=0.3)),
        'sklearn LR tfidf word(1,2) C=10': lambda: make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            LogisticRegression(C=10, max_iter=3000)),
        'sklearn LR tfidf word(1,2)+char_wb(2,5) C=10': lambda: make_pipeline(
            make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                       TfidfVectorizer(analyzer='char_wb', ngram_range=(2, 5), sublinear_tf=True)),
            LogisticRegression(C=10, max_iter=3000)),
        'sklearn LinearSVC tfidf word(1,2)+char_wb(2,5) strip_accents C=0.5': lambda: make_pipeline(
            make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, strip_accents='unicode'),
                       TfidfVectorizer(analyzer='char_wb', ngram_range=(2, 5), sublinear_tf=True,
                                       strip_accents='unicode')),
            LinearSVC(C=0.5)),
    }


FASTTEXT_CONFIGS = [
    dict(epoch=25, lr=0.5, wordNgrams=2),
    dict(epoch=25, lr=0.5, wordNgrams=2, minn=2, maxn=5),
]


def fasttext_name(cfg):
    return 'fastText ' + ','.join(f'{k}={v}' for k, v in cfg.items())


def ft_clean(s):
    """Text cleaning for fastText: collapse white space, lower-case."""
    return re.sub(r'\s+', ' ', s).strip().lower()


def scores(ytrue, ypred):
    from sklearn.metrics import accuracy_score, f1_score
    return accuracy_score(ytrue, ypred), f1_score(ytrue, ypred, average='macro')


def run_sklearn(make, Xtr, ytr, Xte, yte, workload, repeats):
    train_s, model = median_time(lambda: make().fit(Xtr, ytr), repeats)
    acc, f1 = scores(yte, model.predict(Xte))
    classify_s, _ = median_time(lambda: model.predict(workload), repeats, warmup=1)
    return acc, f1, train_s, classify_s


def run_fasttext(cfg, train_txt, Xte, yte, workload, repeats):
    import fasttext
    train_s, model = median_time(
        lambda: fasttext.train_supervised(train_txt, verbose=0, thread=1, seed=1, **cfg), repeats)
    labs = model.predict([ft_clean(x) for x in Xte])[0]
    acc, f1 = scores(yte, [l[0].replace('__label__', '') for l in labs])
    cleaned = [ft_clean(x) for x in workload]
    classify_s, _ = median_time(lambda: model.predict(cleaned), repeats, warmup=1)
    return acc, f1, train_s, classify_s


# ----------------------------------------------------------------------------
# Criba (as a child process)
# ----------------------------------------------------------------------------

# A small helper process starts the measured command and waits for it. Why
# not wait4() the command directly from here: on Linux a child's ru_maxrss
# starts from the high-water mark of the memory it was forked (or vforked)
# from, i.e. from this Python process, which holds the peer models and can be
# hundreds of MB. The helper is a bare interpreter (about 9 MB), so the
# command's peak RSS is measured exactly unless it stays below that floor.
# The time is taken inside the helper, around spawn + wait, so the helper's
# own start-up is not counted.
_SPAWN_HELPER = r"""
import os, sys, time
report, argv = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
try:
    pid = os.posix_spawn(argv[0], argv, os.environ)
except OSError as e:
    with open(report, "w") as f:
        f.write("error " + str(e))
    sys.exit(0)
_, status, ru = os.wait4(pid, 0)
seconds = time.perf_counter() - t0
with open(report, "w") as f:
    f.write("%r %d %d" % (seconds, ru.ru_maxrss, os.waitstatus_to_exitcode(status)))
"""


def run_child(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL):
    """Run argv (argv[0] an absolute path) to completion through the spawn
    helper. Returns (wall seconds, peak RSS MB, exit code, stderr text)."""
    argv = [str(x) for x in argv]
    with tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".report", encoding="utf-8") as report:
        helper = [sys.executable, "-I", "-S", "-c", _SPAWN_HELPER, report.name, *argv]
        subprocess.run(helper, stdin=stdin, stdout=stdout, stderr=err, check=False)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        words = report.read().split()
    if not words or words[0] == "error":
        raise BenchError(f"cannot run {argv[0]}: {' '.join(words[1:]) or stderr.strip() or 'spawn helper failed'}")
    seconds, maxrss, rc = float(words[0]), int(words[1]), int(words[2])
    # ru_maxrss is KiB on Linux, bytes on macOS.
    kib = maxrss / 1024 if sys.platform == "darwin" else maxrss
    return seconds, kib / 1024, rc, stderr


def check_child(what, argv, rc, stderr):
    if rc != 0:
        why = f"signal {-rc}" if rc < 0 else f"exit code {rc}"
        raise BenchError(f"{what} failed ({why}): {shlex.join(map(str, argv))}\n"
                         f"--- criba stderr ---\n{stderr.rstrip() or '(empty)'}")
    if stderr.strip():
        log(f"criba ({what}) said on stderr:\n{stderr.rstrip()}")


def criba_version(criba):
    try:
        out = subprocess.run([str(criba), "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout.strip() or out.stderr.strip() or f"? (exit {out.returncode})"
    except (OSError, subprocess.SubprocessError) as e:
        return f"? ({e})"


def run_criba(criba, extra_args, train_csv, test_csv, workload, repeats, workdir):
    model = os.path.join(workdir, "tmpmodel.criba")
    train_argv = [str(criba), "train", str(train_csv), "-o", model, "--quiet", *extra_args]
    times, rss_train = [], 0.0
    for _ in range(repeats):
        seconds, rss, rc, stderr = run_child(train_argv)
        check_child("criba train", train_argv, rc, stderr)
        times.append(seconds)
        rss_train = max(rss_train, rss)
    train_s = statistics.median(times)

    eval_argv = [str(criba), "evaluate", "--model", model, str(test_csv), "--json"]
    out = subprocess.run(eval_argv, capture_output=True, text=True)
    check_child("criba evaluate", eval_argv, out.returncode, out.stderr)
    try:
        report = json.loads(out.stdout)
        acc, f1 = float(report["accuracy"]), float(report["macro_f1"])
    except (ValueError, KeyError, TypeError) as e:
        raise BenchError(f"cannot read accuracy/macro_f1 from `criba evaluate --json` ({e}); "
                         f"its output began: {out.stdout[:300]!r}") from e

    lines_path = os.path.join(workdir, "classify-input.txt")
    with open(lines_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(workload))
        f.write("\n")
    classify_argv = [str(criba), "classify", "--model", model]
    times, rss_classify = [], 0.0
    for run in range(repeats + 1):
        with open(lines_path, "rb") as stdin:
            seconds, rss, rc, stderr = run_child(classify_argv, stdin=stdin)
        check_child("criba classify", classify_argv + ["<", lines_path], rc, stderr)
        if run == 0:
            continue  # warm-up
        times.append(seconds)
        rss_classify = max(rss_classify, rss)
    return acc, f1, train_s, statistics.median(times), rss_train, rss_classify


# ----------------------------------------------------------------------------
# Machine facts and report
# ----------------------------------------------------------------------------

def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    try:
        out = subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"],
                             capture_output=True, text=True, timeout=10)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return platform.processor() or "unknown"


def package_version(*names):
    from importlib import metadata
    for n in names:
        try:
            return f"{metadata.version(n)} ({n})"
        except metadata.PackageNotFoundError:
            continue
    return "unknown"


def machine_facts(criba):
    import numpy
    import sklearn
    facts = [
        ("date", datetime.datetime.now().astimezone().isoformat(timespec="seconds")),
        ("CPU", f"{cpu_model()}; {os.cpu_count()} logical CPUs, run pinned to "
                + (f"CPU {PINNED_CPU}" if PINNED_CPU is not None else "nothing (not pinned)")),
        ("kernel", f"{platform.system()} {platform.release()} {platform.machine()}"),
        ("Python", platform.python_version()),
        ("scikit-learn", sklearn.__version__),
        ("numpy", numpy.__version__),
        ("fasttext", package_version("fasttext-numpy2-wheel", "fasttext-wheel", "fasttext")),
        ("criba --version", criba_version(criba) if criba else "(Criba not run)"),
        ("criba binary", str(criba) if criba else "-"),
        ("threads", "OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=MKL_NUM_THREADS=1"),
        ("command", shlex.join([sys.executable] + sys.argv)),
    ]
    return facts


def fmt_rss(r):
    if r.rss_classify_mb is None:
        return "-"
    return f"{r.rss_classify_mb:.1f} (train {r.rss_train_mb:.1f})"


def table_rows(results):
    header = ["system", "accuracy", "macro-F1", "train s", "classify msgs/s", "peak RSS MB"]
    rows = [[r.name, f"{r.accuracy:.4f}", f"{r.macro_f1:.4f}", f"{r.train_s:.3f}",
             f"{r.throughput:,.0f}", fmt_rss(r)] for r in results]
    return header, rows


def print_table(header, rows, markdown, right_from=1):
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
        return
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]

    def line(cells):
        return "  ".join(c.ljust(w) if i < right_from else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def print_report(title, facts, results, markdown, repeats, n_msgs_note):
    if markdown:
        print(f"### {title}\n")
        for k, v in facts:
            print(f"- {k}: `{v}`" if k == "command" else f"- {k}: {v}")
        print()
    else:
        print(title)
        print("=" * len(title))
        width = max(len(k) for k, _ in facts)
        for k, v in facts:
            print(f"{k.ljust(width)} : {v}")
        print()

    header, rows = table_rows(results)
    print_table(header, rows, markdown)
    print()
    notes = [f"train s: median of {repeats} run(s); classify msgs/s: {n_msgs_note}, median of {repeats} run(s) "
             "after one warm-up run; fastText is given its texts cleaned (white space collapsed, lower-cased) "
             "outside the timed region.",
             "peak RSS MB: Criba classify process (train process in parentheses); "
             "peers run in-process (-)."]
    for n in notes:
        print(f"_{n}_" if markdown else n)
    print()

    crib = [r for r in results if r.is_criba]
    peers = [r for r in results if not r.is_criba]
    for c in crib:
        print_ratios(c, peers, markdown)


def print_ratios(c, peers, markdown):
    title2 = f"{c.name} against each peer (train ratio = peer/Criba, >1: Criba trains faster; " \
             f"throughput ratio = Criba/peer, >1: Criba classifies faster)"
    h = ["peer", "accuracy diff (pts)", "macro-F1 diff (pts)", "train-time ratio", "throughput ratio"]
    rows = [[p.name,
             f"{100 * (c.accuracy - p.accuracy):+.2f}",
             f"{100 * (c.macro_f1 - p.macro_f1):+.2f}",
             f"{p.train_s / max(c.train_s, 1e-9):.2f}x",
             f"{c.throughput / max(p.throughput, 1e-9):.2f}x"] for p in peers]
    if markdown:
        print(f"**{title2}**\n")
        print_table(h, rows, markdown=True)
    else:
        print(title2 + ":")
        for p, row in zip(peers, rows):
            print(f"  vs {p.name}: accuracy {row[1]} pts, macro-F1 {row[2]} pts, "
                  f"train-time ratio {row[3]}, throughput ratio {row[4]}")
    print()


# ----------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Compare Criba with scikit-learn and fastText peers on one core.",
        epilog="Cross-validation: %(prog)s data.csv - --cv 5")
    p.add_argument("train", help="training CSV (columns text,label); with --cv, the single data CSV")
    p.add_argument("test", help='test CSV; "-" with --cv')
    p.add_argument("--criba", help=f"criba binary (default: {DEFAULT_CRIBA})")
    p.add_argument("--criba-args", action="append", default=None, help='extra arguments for `criba train`, e.g. "--algorithm nb" (a single option: --criba-args=--balanced)')
    p.add_argument("--repeats", type=int, default=3, help="timing repeats; the median is reported (default 3)")
    p.add_argument("--markdown", action="store_true", help="print the report as GitHub markdown")
    p.add_argument("--cv", type=int, metavar="K", help="stratified K-fold cross-validation on TRAIN (seed 13)")
    p.add_argument("--name", help="data set name for the report title (default: the file name)")
    p.add_argument("--no-criba", action="store_true", help="run the peers only")
    a = p.parse_args(argv)
    if a.repeats < 1:
        p.error("--repeats must be at least 1")
    if a.cv is not None:
        if a.cv < 2:
            p.error("--cv needs K >= 2")
        if a.test != "-":
            p.error('with --cv give the data file as TRAIN and "-" as TEST')
    elif a.test == "-":
        p.error('TEST "-" only makes sense with --cv K')
    try:
        a.criba_args = [shlex.split(x) for x in (a.criba_args or [""])]
    except ValueError as e:
        p.error(f"--criba-args: {e}")
    return a


def resolve_criba(a):
    if a.no_criba:
        return None
    path = Path(a.criba) if a.criba else DEFAULT_CRIBA
    if not (path.is_file() and os.access(path, os.X_OK)):
        hint = "" if a.criba else " (build it with `swift build -c release`, or pass --criba)"
        raise BenchError(f"criba binary not found or not executable: {path}{hint}")
    return path.absolute()


def make_folds(data_csv, k, workdir):
    from sklearn.model_selection import StratifiedKFold
    X, y = load_csv(data_csv)
    counts = {}
    for l in y:
        counts[l] = counts.get(l, 0) + 1
    if min(counts.values()) < k:
        log(f"warning: some labels have fewer than {k} rows; StratifiedKFold will warn")
    skf = StratifiedKFold(n_splits=k, shuffle=True, random_state=CV_SEED)
    folds = []
    for i, (tr, te) in enumerate(skf.split(X, y), 1):
        trp = os.path.join(workdir, f"fold{i}-train.csv")
        tep = os.path.join(workdir, f"fold{i}-test.csv")
        write_csv(trp, [X[j] for j in tr], [y[j] for j in tr])
        write_csv(tep, [X[j] for j in te], [y[j] for j in te])
        folds.append((trp, tep))
    return folds, len(X), len(counts)


def main(argv=None):
    t_start = time.perf_counter()
    a = parse_args(sys.argv[1:] if argv is None else argv)
    criba = resolve_criba(a)
    for f in ([a.train] if a.cv else [a.train, a.test]):
        if not os.path.isfile(f):
            raise BenchError(f"no such file: {f}")

    import fasttext  # noqa: F401  (fail early if missing)
    import sklearn  # noqa: F401

    facts = machine_facts(criba)
    name = a.name or Path(a.train).stem

    results = {}
    order = []

    def result(n, is_criba=False):
        if n not in results:
            results[n] = Result(n, is_criba=is_criba)
            order.append(n)
        return results[n]

    with tempfile.TemporaryDirectory(prefix="criba-compare-") as workdir:
        if a.cv:
            folds, n_rows, n_labels = make_folds(a.train, a.cv, workdir)
            title = f"{name}: {a.cv}-fold stratified CV (seed {CV_SEED}) on {n_rows} rows, {n_labels} labels"
        else:
            folds = [(a.train, a.test)]
            title = None

        workload_sizes = []
        for i, (train_csv, test_csv) in enumerate(folds, 1):
            tag = f"[fold {i}/{len(folds)}] " if a.cv else ""
            Xtr, ytr = load_csv(train_csv)
            Xte, yte = load_csv(test_csv)
            if title is None:
                title = (f"{name}: train {len(Xtr)} rows, test {len(Xte)} rows, "
                         f"{len(set(ytr) | set(yte))} labels")
            workload = classify_workload(Xte)
            workload_sizes.append(len(workload))

            for ci, criba_args in enumerate(a.criba_args if criba else []):
                cname = "Criba" + (f" {' '.join(criba_args)}" if criba_args else " (defaults)")
                log(f"{tag}{cname} ...")
                fold_dir = os.path.join(workdir, f"criba-fold{i}-{ci}")
                os.mkdir(fold_dir)
                acc, f1, tr_s, cl_s, rss_tr, rss_cl = run_criba(
                    criba, criba_args, train_csv, test_csv, workload, a.repeats, fold_dir)
                r = result(cname, is_criba=True)
                r.add_fold(acc, f1, tr_s, cl_s, len(workload))
                r.rss_train_mb = max(r.rss_train_mb or 0.0, rss_tr)
                r.rss_classify_mb = max(r.rss_classify_mb or 0.0, rss_cl)
                log(f"{tag}  acc={acc:.4f} macroF1={f1:.4f} train={tr_s:.3f}s "
                    f"classify={len(workload) / cl_s:,.0f} msgs/s")

            for sname, make in sklearn_systems().items():
                log(f"{tag}{sname} ...")
                acc, f1, tr_s, cl_s = run_sklearn(make, Xtr, ytr, Xte, yte, workload, a.repeats)
                result(sname).add_fold(acc, f1, tr_s, cl_s, len(workload))
                log(f"{tag}  acc={acc:.4f} macroF1={f1:.4f} train={tr_s:.3f}s "
                    f"classify={len(workload) / cl_s:,.0f} msgs/s")

            ft_train = os.path.join(workdir, f"fasttext-fold{i}.txt")
            with open(ft_train, "w", encoding="utf-8") as f:
                for x, y in zip(Xtr, ytr):
                    f.write(f"__label__{y} {ft_clean(x)}\n")
            for cfg in FASTTEXT_CONFIGS:
                sname = fasttext_name(cfg)
                log(f"{tag}{sname} ...")
                acc, f1, tr_s, cl_s = run_fasttext(cfg, ft_train, Xte, yte, workload, a.repeats)
                result(sname).add_fold(acc, f1, tr_s, cl_s, len(workload))
                log(f"{tag}  acc={acc:.4f} macroF1={f1:.4f} train={tr_s:.3f}s "
                    f"classify={len(workload) / cl_s:,.0f} msgs/s")

    if a.cv:
        msgs_note = (f"test texts repeated to >= {MIN_CLASSIFY_MESSAGES:,} messages per fold "
                     f"({sum(workload_sizes):,} in all); accuracy/macro-F1 are means over folds, "
                     f"times are sums over folds")
    else:
        msgs_note = f"test texts repeated to {workload_sizes[0]:,} messages"
    print_report(title, facts, [results[n] for n in order], a.markdown, a.repeats, msgs_note)
    elapsed = time.perf_counter() - t_start
    print(f"_Whole run: {elapsed:.1f} s._" if a.markdown else f"Whole run: {elapsed:.1f} s.")


if __name__ == "__main__":
    runner.run(main, __file__)
