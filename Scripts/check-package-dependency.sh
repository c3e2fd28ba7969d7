#!/usr/bin/env bash
# Checks that another package can depend on Criba by version.
#
#   Scripts/check-package-dependency.sh [COMMIT]
#
# Makes a bare clone of this repository in a temporary directory and tags COMMIT (default: the
# committed HEAD; uncommitted changes are not part of the check) 1.0.0 there, creates a package outside the
# repository that declares `.package(url: "file:///…/criba.git", from: "1.0.0")`, builds it,
# and classifies a message with Models/default.criba, expecting the label `disponibilidad`.
# SwiftPM refuses a versioned dependency whose targets set unsafe build flags, so this fails
# if any target of the library product uses `unsafeFlags`. Exits non-zero on any failure.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/criba-dependency.XXXXXX")
trap 'rm -rf "$work"' EXIT

head=$(git -C "$root" rev-parse "${1:-HEAD}^{commit}")
git clone --quiet --bare --no-local "$root" "$work/criba.git"
git -C "$work/criba.git" tag -f 1.0.0 "$head" >/dev/null

mkdir -p "$work/consumer/Sources/consumer"
cat >"$work/consumer/Package.swift" <<EOF
// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "consumer",
    dependencies: [
        .package(url: "file://$work/criba.git", from: "1.0.0"),
    ],
    targets: [
        .executableTarget(name: "consumer", dependencies: [.product(name: "Criba", package: "criba")]),
    ]
)
EOF
cat >"$work/consumer/Sources/consumer/main.swift" <<'EOF'
import Criba

let arguments = CommandLine.arguments
let classifier = try Classifier(path: arguments[1])
print(classifier.classify(arguments[2]).label)
EOF

echo "building a package that depends on criba from: 1.0.0 (commit ${head:0:12})"
if ! (cd "$work/consumer" && swift build --quiet >"$work/build.log" 2>&1); then
    cat "$work/build.log" >&2
    echo "FAILED: the package does not build with Criba as a versioned dependency" >&2
    exit 1
fi

message="hola, tienen la talla 38 en negro?"
expected=disponibilidad
label=$(cd "$work/consumer" && .build/debug/consumer "$root/Models/default.criba" "$message")
if [ "$label" != "$expected" ]; then
    echo "FAILED: \"$message\" got \`$label\`, expected \`$expected\`" >&2
    exit 1
fi
echo "ok: built against the tagged clone; \"$message\" → $label"
