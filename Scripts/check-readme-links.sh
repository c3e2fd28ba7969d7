#!/usr/bin/env bash
# Checks the documentation: every relative link in README.md and docs/**/*.md names a file or
# folder that exists, and README.md has at most 200 lines. Exits 1 and lists the problems
# otherwise. Links to web addresses (scheme:...) and to anchors on the same page (#...) are not
# checked; a link's own #anchor is ignored. Links inside fenced code blocks are not links.
# Tests/cribaCLITests/CLIDocsTests.swift makes the same checks under `swift test`.
#
# usage: Scripts/check-readme-links.sh
set -euo pipefail
cd "$(dirname "$0")/.."
MAX_README_LINES=200
status=0

lines=$(wc -l < README.md)
if (( lines > MAX_README_LINES )); then
    echo "README.md has $lines lines (at most $MAX_README_LINES): move details to docs/" >&2
    status=1
fi

files=(README.md)
while IFS= read -r -d '' f; do files+=("$f"); done < <(find docs -name '*.md' -print0 2>/dev/null | sort -z)

for file in "${files[@]}"; do
    dir=$(dirname "$file")
    # Print "line<TAB>target" for every [text](target) outside fenced code blocks.
    while IFS=$'\t' read -r line target; do
        [[ -z $target ]] && continue
        case $target in
            \#*) continue ;;
            *:*) [[ $target =~ ^[A-Za-z][A-Za-z0-9+.-]*: ]] && continue ;;
        esac
        path=${target%%#*}
        [[ -z $path ]] && continue
        if [[ ! -e $dir/$path ]]; then
            echo "$file:$line: broken link to $target" >&2
            status=1
        fi
    done < <(awk '
        /^[ \t]*(```|~~~)/ { fenced = !fenced; next }
        fenced { next }
        {
            s = $0
            while (match(s, /\]\([^) \t]+( "[^"]*")?\)/)) {
                t = substr(s, RSTART + 2, RLENGTH - 3)
                sub(/ .*/, "", t)
                sub(/^</, "", t); sub(/>$/, "", t)
                print NR "\t" t
                s = substr(s, RSTART + RLENGTH)
            }
        }
    ' "$file")
done

if (( status == 0 )); then
    echo "README.md: $lines lines; relative links in README.md and docs/ resolve (${#files[@]} files)"
fi
exit $status
