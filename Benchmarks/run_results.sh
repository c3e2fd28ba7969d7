#!/usr/bin/env bash
# Runs every comparison behind Benchmarks/RESULTS.md and writes that file.
#
# usage: Benchmarks/run_results.sh [DATASETS_DIR] [PYTHON]
#   DATASETS_DIR  folder with massive-es/, mtod-es/, spam-ham-spanish/ (default: ../shared/datasets)
#   PYTHON        a Python with scikit-learn and fasttext (default: .venv/bin/python)
# Needs a release build: swift build -c release
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/datasets}
PY=${2:-.venv/bin/python}
OUT=Benchmarks/RESULTS.md
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# MASSIVE es-ES: the official test split is held out, so development uses a fixed dev split:
# the last 2,000 rows of train.csv.
"$PY" - "$DATA/massive-es/train.csv" "$TMP" <<'PYEOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
header, body = rows[0], rows[1:]
for name, part in [("massive-trainpart.csv", body[:-2000]), ("massive-dev.csv", body[-2000:])]:
    with open(f"{sys.argv[2]}/{name}", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f); w.writerow(header); w.writerows(part)
PYEOF

CONFIGS=(--criba-args= --criba-args="--algorithm nblr" --criba-args="--char-ngrams 0")
run() {
    echo "\$ $PY Benchmarks/compare.py $*" >> "$OUT.tmp"
    echo >> "$OUT.tmp"
    "$PY" Benchmarks/compare.py "$@" --markdown "${CONFIGS[@]}" >> "$OUT.tmp"
    echo >> "$OUT.tmp"
}

{
    echo "# Criba against scikit-learn and fastText"
    echo
    echo "Measured by \`Benchmarks/run_results.sh\` on $(date -u +%Y-%m-%d), one core (every process pinned to"
    echo "CPU 0, BLAS/OpenMP limited to one thread), release build. Each table comes from one run of"
    echo "\`Benchmarks/compare.py\`, so Criba and its peers are measured side by side; times are medians of"
    echo "3 runs. Criba rows: \`(defaults)\` is \`criba train\` with no options (linear SVM, squared hinge,"
    echo "on words and character n-grams); the other rows give the extra \`criba train\` options"
    echo "(\`nblr\`: NB-weighted logistic regression, the shipped model's algorithm; \`--char-ngrams 0\`: words only)."
    echo
} > "$OUT.tmp"

# Classify throughput against fastText on new, misspelt and repeated messages (one run of
# classify_speed.py; workload (a) is the headline).
python3 Benchmarks/make_workloads.py "$TMP/workloads" --datasets "$DATA" >/dev/null 2>&1
{
    echo "## Classify throughput: new messages first"
    echo
    echo "One run of \`Benchmarks/classify_speed.py\` on the workloads of \`Benchmarks/make_workloads.py\`"
    echo "(seed 13): \`criba classify\` (defaults, trained on MASSIVE es-ES minus its last 2,974 rows) and"
    echo "\`fasttext predict model.bin -\` (Debian \`fasttext\`, 25 epochs, word bigrams, same rows, text"
    echo "lower-cased beforehand) as processes reading the file, one core, warm-up then alternating rounds."
    echo "(a) is the headline: every message is new. (c) repeats 2,974 texts, the best case of Criba's memos."
    echo
    "$PY" Benchmarks/classify_speed.py "$TMP/workloads" --markdown 2>/dev/null
    echo
} >> "$OUT.tmp"

run "$TMP/massive-trainpart.csv" "$TMP/massive-dev.csv" --name "MASSIVE es-ES (train minus last 2,000 rows → dev: last 2,000 rows)"
run "$DATA/mtod-es/train.csv" "$DATA/mtod-es/test.csv" --name "Multilingual task-oriented dialog, Spanish (train → test)"
run "$DATA/spam-ham-spanish/train.csv" - --cv 5 --name "spam-ham-spanish"
run Data/train.csv Data/test.csv --name "Criba's corpus (Data/train.csv → Data/test.csv)"
# Every algorithm on the MASSIVE dev split (accuracy only; the peers are in the MASSIVE table).
{
    echo
    echo "### Every algorithm on the MASSIVE dev split"
    echo
    echo "Accuracy and macro-F1 on the same dev split as above (train minus the last 2,000 rows → the last"
    echo "2,000 rows), default features, measured one after the other on $(date -u +%Y-%m-%d) with"
    echo "\`criba train TRAIN -o m.criba --algorithm A\` then \`criba evaluate --model m.criba DEV --json\`"
    echo "(the peers on this split are in the MASSIVE table above):"
    echo
    echo "| algorithm | accuracy | macro-F1 |"
    echo "|---|---:|---:|"
    for spec in "nb:naive Bayes, counts" "cnb:complement naive Bayes" "lr:logistic regression" \
        "nblr:NB-weighted logistic regression" "svm:linear SVM, the default" "nbsvm:NB-weighted linear SVM"; do
        a=${spec%%:*}
        .build/release/criba train "$TMP/massive-trainpart.csv" -o "$TMP/algo.criba" --algorithm "$a" --quiet
        .build/release/criba evaluate --model "$TMP/algo.criba" "$TMP/massive-dev.csv" --json |
            "$PY" -c 'import json,sys; d=json.load(sys.stdin); print("| `%s` (%s) | %.4f | %.4f |" % (sys.argv[1], sys.argv[2], d["accuracy"], d["macro_f1"]))' "$a" "${spec#*:}"
    done
} >> "$OUT.tmp"
# The classify ratio against fastText with the two alternating (see classify_ratio.py), twice.
{
    echo
    echo "### Interleaved classify check on the MASSIVE dev split"
    echo
    echo "Throughput on one core shifts between runs of the same program on this machine, so the MASSIVE"
    echo "classify ratio is also measured with fastText and \`criba classify\` alternating, five rounds,"
    echo "medians (\`$PY Benchmarks/classify_ratio.py TRAIN DEV\`, Criba defaults), twice:"
    echo
    for round in 1 2; do
        echo "- $("$PY" Benchmarks/classify_ratio.py "$TMP/massive-trainpart.csv" "$TMP/massive-dev.csv" 2>/dev/null)"
    done
} >> "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "wrote $OUT"
