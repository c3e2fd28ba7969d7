#!/usr/bin/env bash
# Runs Examples/Spark/classify_job.py with Spark in local mode and checks that every output line
# equals `criba classify` run directly on the same input (label, probability, message).
#
#   Scripts/check-spark-example.sh [MESSAGES.txt]
#
# Needs Java (apt-get install default-jre-headless) and network access to PyPI the first time
# (pyspark goes into .venv-spark). Uses the messages of Data/test.csv and Data/train.csv, plus
# empty lines, when no file is given.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v java >/dev/null || { echo "needs Java: apt-get install default-jre-headless" >&2; exit 1; }
venv=${SPARK_VENV:-.venv-spark}
if [[ ! -x $venv/bin/spark-submit ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q pyspark==3.5.3
fi
export PATH="$PWD/$venv/bin:$PATH" PYSPARK_PYTHON="$PWD/$venv/bin/python"
SPARK_HOME=$("$venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
export SPARK_HOME
swift build -c release --static-swift-stdlib --product criba >/dev/null
criba=.build/release/criba
if ldd "$criba" | grep -q -E 'libswiftCore|libFoundation'; then
    echo "FAIL: the static build still links the Swift runtime:" >&2; ldd "$criba" >&2; exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [[ $# -ge 1 ]]; then
    cp "$1" "$work/messages.txt"
else
    python3 - "$work/messages.txt" <<'PY'
import csv, sys
lines = []
for name in ("Data/test.csv", "Data/train.csv"):
    lines += [r["text"].replace("\r", " ").replace("\n", " ") for r in csv.DictReader(open(name, encoding="utf-8"))]
# Empty lines in the middle: the job must keep them paired with their (empty) answers.
lines[10:10] = ["", ""]
open(sys.argv[1], "w", encoding="utf-8").write("\n".join(lines) + "\n")
PY
fi
n=$(wc -l < "$work/messages.txt")
"$venv/bin/spark-submit" --master "local[2]" --conf spark.ui.enabled=false \
    --files "$criba,Models/default.criba" \
    Examples/Spark/classify_job.py "$work/messages.txt" "$work/out" 8 2> "$work/spark.log" || {
    tail -30 "$work/spark.log" >&2; exit 1; }
cat "$work"/out/part-* > "$work/spark.tsv"
"$criba" classify --model Models/default.criba < "$work/messages.txt" \
    | paste - "$work/messages.txt" | sed 's/^\t/\t\t/' > "$work/direct.tsv"
parts=$(ls "$work"/out/part-* | wc -l)
if cmp -s "$work/spark.tsv" "$work/direct.tsv"; then
    echo "ok: $n messages in $parts partitions, every line equal to criba classify"
else
    echo "FAIL: Spark output differs from criba classify:" >&2
    diff "$work/direct.tsv" "$work/spark.tsv" | head -20 >&2
    exit 1
fi
