#!/usr/bin/env bash
# Learning from corrections: take N messages of a test CSV that a model gets wrong, `criba
# learn` them with their true labels, and compare their predictions and the accuracy on the
# whole test file before and after.
#
#   Benchmarks/learn_corrections.sh MODEL TEST.csv [N] [CRIBA]
#
# The model file is copied; the original is not changed. Extra `criba learn` options can be
# given in $LEARN_OPTIONS (for example `--epochs 5` for logistic-regression models).
set -euo pipefail

model=${1:?usage: learn_corrections.sh MODEL TEST.csv [N] [CRIBA]}
test=${2:?usage: learn_corrections.sh MODEL TEST.csv [N] [CRIBA]}
n=${3:-20}
criba=${4:-$(dirname "$0")/../.build/release/criba}
read -r -a extra <<< "${LEARN_OPTIONS:-}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$model" "$work/model.criba"

accuracy() { "$criba" evaluate --model "$work/model.criba" "$test" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["accuracy"])'; }

"$criba" predict --model "$work/model.criba" "$test" -o "$work/before.csv"
# The first N wrongly predicted rows, as a labelled CSV with their true labels.
python3 - "$work/before.csv" "$n" "$work/corrections.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
wrong = [r for r in rows if r['predicted_label'] != r['label']][:int(sys.argv[2])]
with open(sys.argv[3], 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['text', 'label', 'was'])
    for r in wrong:
        w.writerow([r['text'], r['label'], r['predicted_label']])
PY
before=$(accuracy)
"$criba" learn --model "$work/model.criba" "$work/corrections.csv" "${extra[@]}"
"$criba" predict --model "$work/model.criba" "$work/corrections.csv" -o "$work/after.csv"
after=$(accuracy)
python3 - "$work/after.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
fixed = sum(r['predicted_label'] == r['label'] for r in rows)
for r in rows:
    print(f"{r['was']:>15} -> {r['predicted_label']:<15} (true {r['label']}, p={r['probability']})  {r['text'][:60]!r}")
print(f"corrected messages now predicted as their label: {fixed}/{len(rows)}")
PY
"$criba" predict --model "$work/model.criba" "$test" -o "$work/after-all.csv"
python3 - "$work/before.csv" "$work/after-all.csv" "$work/corrections.csv" <<'PY'
import csv, sys
read = lambda p: list(csv.DictReader(open(p, newline='', encoding='utf-8')))
before, after, fixed = read(sys.argv[1]), read(sys.argv[2]), {r['text'] for r in read(sys.argv[3])}
rest = [i for i, r in enumerate(before) if r['text'] not in fixed]
acc = lambda rows: sum(rows[i]['predicted_label'] == rows[i]['label'] for i in rest) / len(rest)
print(f"accuracy on the other {len(rest)} messages: before {acc(before):.4f}, after {acc(after):.4f}")
PY
echo "accuracy on $test: before $before, after $after"
