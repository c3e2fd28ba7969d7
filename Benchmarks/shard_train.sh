#!/usr/bin/env bash
# Sharded naive Bayes training on one machine: split a labelled CSV into N shards, train a
# count model per shard in parallel processes (`criba train --counts-only`), add them up with
# `criba merge`, train the same data in one process, and check that both models are the same
# file and give the same prediction on every row.
#
#   Benchmarks/shard_train.sh DATA.csv [SHARDS] [CRIBA]
#
# SHARDS defaults to 4; CRIBA defaults to .build/release/criba (build it with
# `swift build -c release`). Extra `criba train` options can be given in $TRAIN_OPTIONS
# (for example `--word-ngrams 1`); they are passed to both ways of training.
set -euo pipefail

data=${1:?usage: shard_train.sh DATA.csv [SHARDS] [CRIBA]}
shards=${2:-4}
criba=${3:-$(dirname "$0")/../.build/release/criba}
read -r -a extra <<< "${TRAIN_OPTIONS:-}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# Split with Python's csv module: the header is repeated in every shard and quoted fields
# with line breaks stay whole. Rows go to shards in contiguous blocks.
split_csv() {
    python3 - "$data" "$shards" "$work" <<'PY'
import csv, sys
path, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, newline='', encoding='utf-8-sig') as f:
    sample = f.readline()
    f.seek(0)
    delimiter = max(',;\t', key=sample.count)
    rows = list(csv.reader(f, delimiter=delimiter))
header, body = rows[0], rows[1:]
size = -(-len(body) // n)
for i in range(n):
    with open(f"{out}/shard-{i + 1}.csv", 'w', newline='', encoding='utf-8') as g:
        w = csv.writer(g, delimiter=delimiter, lineterminator='\n')
        w.writerow(header)
        w.writerows(body[i * size:(i + 1) * size])
PY
}

start=$(now)
split_csv
pids=()
for i in $(seq 1 "$shards"); do
    "$criba" train "$work/shard-$i.csv" --counts-only --quiet "${extra[@]}" -o "$work/shard-$i.criba" &
    pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
"$criba" merge --quiet "$work"/shard-*.criba -o "$work/merged.criba"
sharded=$(elapsed "$start" "$(now)")

start=$(now)
"$criba" train "$data" --algorithm nb --quiet "${extra[@]}" -o "$work/single.criba"
single=$(elapsed "$start" "$(now)")

echo "rows: $(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline="", encoding="utf-8-sig"))) - 1)' "$data")"
echo "sharded ($shards shards in parallel + merge): $sharded s"
echo "single process: $single s"
if cmp -s "$work/merged.criba" "$work/single.criba"; then
    echo "model files: identical ($(wc -c < "$work/single.criba") bytes)"
else
    echo "model files: DIFFERENT" >&2
fi
"$criba" predict --model "$work/merged.criba" "$data" -o "$work/merged.predictions.csv"
"$criba" predict --model "$work/single.criba" "$data" -o "$work/single.predictions.csv"
if cmp -s "$work/merged.predictions.csv" "$work/single.predictions.csv"; then
    echo "predictions: identical on every row"
else
    echo "predictions: DIFFERENT" >&2
    exit 1
fi
cmp -s "$work/merged.criba" "$work/single.criba"
