#!/usr/bin/env bash
# Regenerates the "## Reference (`criba help <command>`)" blocks of docs/cli/<command>.md from
# the built `criba`, for every subcommand that `criba --help` lists. A subcommand without a page
# gets a new page holding its abstract and the reference block; write the prose above the block
# and add the page to docs/cli/README.md. docs/cli/README.md itself is not a command page.
#
# usage: Scripts/update-cli-docs.sh [CRIBA]
#   CRIBA  the executable to ask (default: .build/debug/criba; build it with `swift build`)
#
# The help text is produced with COLUMNS=80, as Tests/cribaCLITests/CLIDocsTests.swift does when
# it compares these blocks with the binary, so the width of your terminal does not matter.
# Only the text between the heading's code fences is replaced.
set -euo pipefail
cd "$(dirname "$0")/.."
CRIBA=${1:-.build/debug/criba}
if [[ ! -x $CRIBA ]]; then
    echo "error: $CRIBA not found; build it first (swift build) or pass the executable's path" >&2
    exit 66
fi
export COLUMNS=80

# The subcommands: the first word of each line indented by exactly two spaces under SUBCOMMANDS:,
# up to the first blank line.
subcommands() {
    "$CRIBA" --help | awk '
        /^SUBCOMMANDS:/ { inside = 1; next }
        inside && (/^$/ || /^[^ ]/) { inside = 0 }
        inside && /^  [^ ]/ { print $1 }
    '
}

# Prints the help of one subcommand without its trailing blank lines.
help_text() {
    "$CRIBA" help "$1" | awk '{ lines[NR] = $0 } END { n = NR; while (n > 0 && lines[n] == "") n--; for (i = 1; i <= n; i++) print lines[i] }'
}

mkdir -p docs/cli
commands=$(subcommands)
if [[ -z $commands ]]; then
    echo "error: no subcommands found in \`$CRIBA --help\`" >&2
    exit 1
fi

changed=0
for cmd in $commands; do
    page=docs/cli/$cmd.md
    heading="## Reference (\`criba help $cmd\`)"
    block=$(mktemp)
    help_text "$cmd" > "$block"
    if [[ ! -f $page ]]; then
        abstract=$("$CRIBA" help "$cmd" | awk '/^OVERVIEW: / { sub(/^OVERVIEW: /, ""); on = 1 } on && /^$/ { exit } on { printf "%s%s", sep, $0; sep = " " } END { print "" }')
        {
            echo "# \`criba $cmd\`"
            echo
            echo "$abstract"
            echo
            echo "$heading"
            echo
            echo '```text'
            echo '```'
        } > "$page"
        echo "created $page: describe the command above its reference block"
    fi
    if ! grep -qxF "$heading" "$page"; then
        printf '\n%s\n\n```text\n```\n' "$heading" >> "$page"
    fi
    new=$(mktemp)
    # Copy the page; after the heading, replace the first fenced block with the help text.
    awk -v heading="$heading" -v blockfile="$block" '
        state == 0 { print; if ($0 == heading) state = 1; next }
        state == 1 && /^```/ {
            print "```text"
            while ((getline line < blockfile) > 0) print line
            print "```"
            state = 2; next
        }
        state == 1 { print; next }
        state == 2 { if ($0 ~ /^```/) state = 3; next }
        { print }
    ' "$page" > "$new"
    if ! cmp -s "$new" "$page"; then
        cat "$new" > "$page"
        echo "updated $page"
        changed=1
    fi
    rm -f "$new" "$block"
done

for page in docs/cli/*.md; do
    name=$(basename "$page" .md)
    [[ $name == README ]] && continue
    if ! grep -qxF "$name" <<< "$commands"; then
        echo "warning: $page documents \`$name\`, which \`criba --help\` does not list" >&2
    fi
done
[[ $changed == 1 ]] || echo "docs/cli is up to date"
