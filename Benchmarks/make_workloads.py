#!/usr/bin/env python3
"""Builds the classify-throughput workloads from the shared public data sets.

    python3 Benchmarks/make_workloads.py OUT_DIR [--datasets DIR] [--seed 13]
        [--lines 500000] [--repeated-lines 1000000] [--typo-rate 0.15]

Standard library only; the same data sets and seed give byte-identical files. OUT_DIR is
created if needed and must lie outside the repository (the files are large and derived from
data sets with their own licences). Every file is written to a temporary name and renamed.

Written to OUT_DIR:

  a-distinct.txt   --lines messages, one per line, none repeated: each line is two real
                   messages joined by a space, drawn at random (seeded) from the distinct
                   texts of MASSIVE es-ES (train.csv), mtod-es (train, dev, test),
                   spam-ham-spanish (train.csv) and MInDS-14 es (all.csv). The realistic
                   case: real vocabulary, every message new.
  b-typos.txt      the lines of a-distinct.txt in the same order, each word (a run of
                   letters) given, with probability --typo-rate, one random insertion,
                   deletion or substitution of a letter; lines still all distinct. Noisy
                   chat spelling: most words are then new to every cache.
  c-repeated.txt   the held-out MASSIVE texts (below) repeated in order to --repeated-lines
                   lines. Every word recurs thousands of times, so this is the best case for
                   memos keyed by chunk or word bytes, not a realistic one.
  massive-train.csv, massive-heldout.csv
                   MASSIVE es-ES train.csv split into a training part and a held-out part:
                   the held-out part is its last 2,974 rows, as many as MASSIVE's official
                   test partition, which the shared copy does not include. The throughput
                   script trains on massive-train.csv, so the texts of c-repeated.txt are
                   unseen in training, as test texts would be.
  workloads.json   what was built: seed, sources, line counts, mean bytes per line, distinct
                   words, SHA-256 of each file.

Texts are put on one line (every run of white space, line breaks included, becomes one
space) and empty texts are dropped before anything else.
"""

import argparse
import csv
import hashlib
import json
import os
import random
import re
import sys
import tempfile
from pathlib import Path

import runner
from runner import BenchError

HELDOUT_ROWS = 2_974
SOURCES = [
    ("massive-es", ["train.csv"]),
    ("mtod-es", ["train.csv", "dev.csv", "test.csv"]),
    ("spam-ham-spanish", ["train.csv"]),
    ("minds14-es", ["all.csv"]),
]
# Letters a typo inserts or substitutes: the Spanish keyboard's lower-case letters.
TYPO_LETTERS = "abcdefghijklmnopqrstuvwxyzñáéíóú"
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W\d_]+")
UMASK = os.umask(0)
os.umask(UMASK)




def one_line(text):
    return _SPACE.sub(" ", text).strip()


def read_rows(path):
    """(header, rows) of a CSV with a `text` column; errors name the file and line."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            try:
                header = next(reader)
            except StopIteration:
                raise BenchError(f"{path}:1: empty file, expected a header with a `text` column")
            if "text" not in header:
                raise BenchError(f"{path}:1: no `text` column in header {header}")
            rows = []
            for row in reader:
                if len(row) != len(header):
                    raise BenchError(f"{path}:{reader.line_num}: {len(row)} fields, the header has {len(header)}")
                rows.append(row)
            return header, rows
    except OSError as e:
        raise BenchError(f"cannot read {path}: {e}") from e
    except UnicodeDecodeError as e:
        raise BenchError(f"{path}: not UTF-8 ({e})") from e
    except csv.Error as e:
        raise BenchError(f"{path}: malformed CSV: {e}") from e


def typo(word, rng):
    """One random insertion, deletion or substitution of a letter in `word`."""
    kind = rng.randrange(3) if len(word) > 1 else rng.choice((0, 2))
    if kind == 0:  # insertion
        i = rng.randrange(len(word) + 1)
        return word[:i] + rng.choice(TYPO_LETTERS) + word[i:]
    i = rng.randrange(len(word))
    if kind == 1:  # deletion
        return word[:i] + word[i + 1:]
    letter = rng.choice(TYPO_LETTERS)  # substitution by a different letter
    while letter == word[i].lower():
        letter = rng.choice(TYPO_LETTERS)
    return word[:i] + letter + word[i + 1:]


def with_typos(line, rng, rate):
    return _WORD.sub(lambda m: typo(m.group(0), rng) if rng.random() < rate else m.group(0), line)


def write_atomic(path, write):
    """Calls write(file) on a temporary file next to `path`, then renames it to `path`."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~UMASK)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_lines(path, lines):
    write_atomic(path, lambda f: f.writelines(x + "\n" for x in lines))


def write_csv(path, header, rows):
    def w(f):
        out = csv.writer(f, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)
    write_atomic(path, w)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def describe(path, lines):
    words = set()
    for x in lines:
        words.update(x.lower().split())
    return {
        "file": path.name,
        "lines": len(lines),
        "distinct_lines": len(set(lines)),
        "mean_bytes_per_line": round(sum(len(x.encode("utf-8")) for x in lines) / len(lines), 1),
        "distinct_words": len(words),
        "sha256": sha256(path),
    }


def inside_repository(out):
    repo = Path(__file__).resolve().parent.parent
    try:
        out.resolve().relative_to(repo)
        return True
    except ValueError:
        return False


def main(argv=None):
    here = Path(__file__).resolve().parent.parent
    p = argparse.ArgumentParser(description="Build the classify-throughput workloads (a: distinct, b: typos, c: repeated).")
    p.add_argument("out", help="output directory (outside the repository)")
    p.add_argument("--datasets", default=str(here.parent / "shared" / "datasets"),
                   help="folder holding massive-es/, mtod-es/, spam-ham-spanish/, minds14-es/ (default: %(default)s)")
    p.add_argument("--seed", type=int, default=13, help="random seed (default 13)")
    p.add_argument("--lines", type=int, default=500_000, help="lines of workloads a and b (default 500000)")
    p.add_argument("--repeated-lines", type=int, default=1_000_000, help="lines of workload c (default 1000000)")
    p.add_argument("--typo-rate", type=float, default=0.15, help="share of words given a typo in b (default 0.15)")
    a = p.parse_args(argv)
    if a.lines < 1 or a.repeated_lines < 1:
        p.error("--lines and --repeated-lines must be at least 1")
    if not 0 <= a.typo_rate <= 1:
        p.error("--typo-rate must be between 0 and 1")
    out = Path(a.out)
    if inside_repository(out):
        p.error(f"{out} is inside the repository; write the workloads elsewhere")
    out.mkdir(parents=True, exist_ok=True)
    data = Path(a.datasets)

    # Distinct one-line texts, in file order (first occurrence kept).
    pool, seen, sources = [], set(), []
    massive_header = massive_rows = None
    for folder, files in SOURCES:
        for name in files:
            path = data / folder / name
            header, rows = read_rows(path)
            if folder == "massive-es":
                massive_header, massive_rows = header, rows
            col = header.index("text")
            added = 0
            for row in rows:
                t = one_line(row[col])
                if t and t not in seen:
                    seen.add(t)
                    pool.append(t)
                    added += 1
            sources.append({"file": f"{folder}/{name}", "rows": len(rows), "new_distinct_texts": added})
    if len(pool) < 2:
        raise BenchError("fewer than two distinct texts in the data sets")
    if len(massive_rows) <= HELDOUT_ROWS:
        raise BenchError(f"{data / 'massive-es/train.csv'}: {len(massive_rows)} rows, need more than {HELDOUT_ROWS}")
    if a.lines > len(pool) * (len(pool) - 1) // 2:
        raise BenchError(f"--lines {a.lines} is more than the {len(pool)} texts can make as distinct pairs")

    rng = random.Random(a.seed)

    # (a) Distinct lines of two different texts each.
    distinct, taken = [], set()
    while len(distinct) < a.lines:
        i, j = rng.randrange(len(pool)), rng.randrange(len(pool))
        if i == j:
            continue
        line = pool[i] + " " + pool[j]
        if line not in taken:
            taken.add(line)
            distinct.append(line)

    # (b) The same lines with typos, still all distinct (and none equal to a line of (a)
    # unless it drew no typo at all, which then keeps it).
    typos, typo_seen = [], set()
    for line in distinct:
        t = with_typos(line, rng, a.typo_rate)
        while t in typo_seen:
            t = with_typos(line, rng, a.typo_rate)
        typo_seen.add(t)
        typos.append(t)

    # (c) The held-out MASSIVE texts repeated.
    col = massive_header.index("text")
    train_rows, heldout_rows = massive_rows[:-HELDOUT_ROWS], massive_rows[-HELDOUT_ROWS:]
    heldout = [one_line(r[col]) for r in heldout_rows]
    heldout = [t for t in heldout if t]
    repeated = [heldout[k % len(heldout)] for k in range(a.repeated_lines)]

    files = {}
    for key, name, lines in [("a", "a-distinct.txt", distinct), ("b", "b-typos.txt", typos),
                             ("c", "c-repeated.txt", repeated)]:
        path = out / name
        write_lines(path, lines)
        files[key] = describe(path, lines)
        print(f"wrote {path}: {len(lines):,} lines", file=sys.stderr)
    write_csv(out / "massive-train.csv", massive_header, train_rows)
    write_csv(out / "massive-heldout.csv", massive_header, heldout_rows)
    manifest = {
        "seed": a.seed,
        "typo_rate": a.typo_rate,
        "sources": sources,
        "distinct_texts": len(pool),
        "workloads": {
            "a": {"name": "distinct", "what": "two real messages joined per line, no line repeated", **files["a"]},
            "b": {"name": "typos", "what": f"the lines of a with {a.typo_rate:.0%} of words given one random "
                  "insertion, deletion or substitution", **files["b"]},
            "c": {"name": "repeated", "what": f"the {len(heldout):,} held-out MASSIVE texts repeated; "
                  "the memos' best case", **files["c"]},
        },
        "massive_train": {"file": "massive-train.csv", "rows": len(train_rows), "sha256": sha256(out / "massive-train.csv")},
        "massive_heldout": {"file": "massive-heldout.csv", "rows": len(heldout_rows),
                            "what": f"last {HELDOUT_ROWS:,} rows of massive-es/train.csv (the official test split is not shared)",
                            "sha256": sha256(out / "massive-heldout.csv")},
    }
    write_atomic(out / "workloads.json", lambda f: f.write(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"))
    for key in "abc":
        w = manifest["workloads"][key]
        print(f"({key}) {w['file']}: {w['lines']:,} lines, {w['distinct_lines']:,} distinct, "
              f"{w['mean_bytes_per_line']} bytes/line, {w['distinct_words']:,} distinct words")


if __name__ == "__main__":
    runner.run(main, __file__)
