#!/usr/bin/env bash
# Renders `criba evaluate --report` pages in headless Chromium at 1280 px and checks their layout:
# no horizontal overflow of the page, every chart label inside its chart, and no two labels of a
# chart drawn over each other. With --screenshots, writes the two-label and 60-label pages to
# docs/images/.
#
#   Scripts/check-report.sh [--screenshots] [CRIBA_BINARY]
#
# Needs Debian's `chromium`. Uses the shipped data (Data/) and, when present, MASSIVE es-ES
# (../shared/datasets/massive-es/train.csv or $MASSIVE_CSV) for a 60-label report.
set -euo pipefail
cd "$(dirname "$0")/.."
shots=0
if [[ ${1:-} == --screenshots ]]; then shots=1; shift; fi
criba=${1:-.build/release/criba}
[[ -x $criba ]] || { echo "build first: swift build -c release --product criba" >&2; exit 1; }
chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[[ -n $chrome ]] || { echo "needs chromium (apt-get install chromium)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The checks run inside the page; their result replaces the body, which --dump-dom prints.
cat > "$work/check.js" <<'JS'
(function () {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth) problems.push("page is " + doc.scrollWidth + " px wide at " + window.innerWidth);
  document.querySelectorAll("svg").forEach((svg, k) => {
    const name = (svg.querySelector("title") || {}).textContent || ("chart " + k);
    const w = svg.width.baseVal.value, h = svg.height.baseVal.value;
    const boxes = [];
    svg.querySelectorAll("text").forEach(t => {
      const b = t.getBBox();
      const m = t.getCTM(), sm = svg.getCTM();
      // Corners in the svg's own coordinates (rotated labels included).
      const pts = [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]].map(([x, y]) => {
        const p = svg.createSVGPoint(); p.x = x; p.y = y;
        return p.matrixTransform(m).matrixTransform(sm.inverse());
      });
      const xs = pts.map(p => p.x), ys = pts.map(p => p.y);
      const box = {x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys), text: t.textContent, rotated: t.hasAttribute("transform")};
      if (box.x0 < -0.5 || box.y0 < -0.5 || box.x1 > w + 0.5 || box.y1 > h + 0.5)
        problems.push(name + ": label '" + box.text + "' is cut at the chart's edge");
      if (!box.rotated) boxes.push(box);
    });
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      const ox = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0), oy = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
      if (ox > 1 && oy > 2) problems.push(name + ": labels '" + a.text + "' and '" + b.text + "' overlap");
    }
  });
  document.body.innerHTML = "<pre id=result>" + (problems.length ? problems.join("\n") : "OK") + "</pre>";
})();
JS

check() { # check NAME HTML
    local name=$1 html=$2
    { cat "$html"; echo "<script>"; cat "$work/check.js"; echo "</script>"; } > "$work/$name-check.html"
    local out
    out=$("$chrome" --headless --no-sandbox --disable-gpu --window-size=1280,1000 --dump-dom "file://$work/$name-check.html" 2>/dev/null \
        | sed -n 's:.*<pre id="result">\(.*\):\1:p; /<\/pre>/q' | sed 's:</pre>.*::')
    if [[ $out == OK ]]; then
        echo "ok: $name report at 1280 px"
    else
        echo "FAIL: $name report at 1280 px"; echo "$out" | sed 's/^/  /'; failed=1
    fi
    if (( shots )) && [[ $name == two-labels || $name == 60-labels ]]; then
        mkdir -p docs/images
        "$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,4000 \
            --screenshot="docs/images/report-$name.png" "file://$(realpath "$html")" >/dev/null 2>&1
        echo "   screenshot: docs/images/report-$name.png"
    fi
}

failed=0
# Two labels: spam/ham split of the shipped data's spam column is not available, so use the
# shipped corpus relabelled spam / not spam.
python3 - "$work" <<'PY'
import csv, sys
w = sys.argv[1]
for name in ("train", "test"):
    rows = list(csv.DictReader(open(f"Data/{name}.csv", encoding="utf-8")))
    with open(f"{w}/spam-{name}.csv", "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["text", "label"])
        for r in rows:
            out.writerow([r["text"], "spam" if r["label"] == "spam" else "ham"])
PY
"$criba" train "$work/spam-train.csv" --calibrate -o "$work/spam.criba" --quiet
"$criba" evaluate --model "$work/spam.criba" "$work/spam-test.csv" --report "$work/two-labels.html" >/dev/null 2>&1
check two-labels "$work/two-labels.html"
"$criba" evaluate --model Models/default.criba Data/test.csv --report "$work/default.html" >/dev/null 2>&1
check default-model "$work/default.html"
massive=${MASSIVE_CSV:-../shared/datasets/massive-es/train.csv}
if [[ -f $massive ]]; then
    head -n 9515 "$massive" > "$work/m-train.csv"
    { head -1 "$massive"; tail -n 2000 "$massive"; } > "$work/m-test.csv"
    "$criba" train "$work/m-train.csv" -o "$work/m.criba" --quiet
    "$criba" evaluate --model "$work/m.criba" "$work/m-test.csv" --report "$work/60-labels.html" >/dev/null 2>&1
    check 60-labels "$work/60-labels.html"
else
    echo "skipped: 60-label report (no $massive)"
fi
# A perfect run: every tick distinct, nothing cut.
{ echo "text,label"; for i in $(seq 1 30); do echo "cuánto cuesta el producto $i,precio"; echo "a qué hora abren el día $i,horario"; done; } > "$work/perfect.csv"
"$criba" train "$work/perfect.csv" -o "$work/perfect.criba" --quiet
"$criba" evaluate --model "$work/perfect.criba" "$work/perfect.csv" --report "$work/perfect.html" >/dev/null 2>&1
check perfect "$work/perfect.html"
exit $failed
