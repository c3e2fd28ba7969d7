#!/usr/bin/env bash
# Builds the libFuzzer harnesses with AddressSanitizer and runs each for SECONDS (default 60),
# starting from its committed seed corpus Fuzz/corpus/<harness>/.
#
#   Fuzz/run.sh [SECONDS] [HARNESS...]      harnesses: csv tokenizer model linefilter
#
# Inputs the fuzzer finds interesting go to Fuzz/.build/corpus/<harness>/ (not committed); a
# crash is written to Fuzz/.build/crashes/<harness>-crash-* and makes the script fail. Set
# FUZZ_JOBS=N to run N harnesses at once, FUZZ_FLAGS for extra libFuzzer flags.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-60}
shift || true
harnesses=("$@")
[[ ${#harnesses[@]} -gt 0 ]] || harnesses=(csv tokenizer model linefilter)
out=$root/Fuzz/.build
mkdir -p "$out/lib" "$out/bin" "$out/crashes"

flags=(-sanitize=fuzzer,address -O -g -parse-as-library)
cflags=(-fsanitize=fuzzer-no-link,address -O1 -g)

# The C shim and its module map (SwiftPM writes one for C targets; swiftc alone does not).
mkdir -p "$out/shims"
cat > "$out/shims/module.modulemap" <<MAP
module CribaShims {
    header "$root/Sources/CribaShims/include/CribaShims.h"
    export *
}
module CSentencePiece {
    header "$root/Sources/CSentencePiece/include/CSentencePiece.h"
    export *
}
MAP
includes=(-I "$root/Sources/CBLAS" -I "$root/Sources/CStemmer" -I "$out/shims")

stamp=$out/lib/sources.sha
sources=$(find Sources/Criba Sources/CribaShims Sources/CSentencePiece Fuzz/Harnesses Sources/criba/LineFilter.swift Sources/criba/LineIO.swift Sources/criba/OS.swift -type f | sort)
sum=$(cat $sources | sha256sum | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$sum" || ! -f $out/lib/libCriba.a ]]; then
    echo "building the library with -sanitize=fuzzer,address (a few minutes)" >&2
    clang "${cflags[@]}" -I Sources/CribaShims/include -c Sources/CribaShims/CribaShims.c -o "$out/lib/CribaShims.o"
    clang++ "${cflags[@]}" -std=c++17 -I Sources/CSentencePiece/include -c Sources/CSentencePiece/CSentencePiece.cpp \
        -o "$out/lib/CSentencePiece.o"
    swiftc "${flags[@]}" "${includes[@]}" -enable-testing -module-name Criba -wmo \
        -emit-module -emit-module-path "$out/lib/Criba.swiftmodule" \
        -emit-library -static -o "$out/lib/libCriba.a" $(find Sources/Criba -name '*.swift' | sort)
    echo "$sum" > "$stamp"
    rm -f "$out"/bin/*
fi

link=(-L "$out/lib" -lCriba "$out/lib/CribaShims.o" "$out/lib/CSentencePiece.o" -lblas -llapack -lstemmer -lsentencepiece -lstdc++)
build() {  # name, sources...
    local name=$1
    shift
    if [[ ! -x $out/bin/$name ]]; then
        swiftc "${flags[@]}" "${includes[@]}" -I "$out/lib" -module-name "Fuzz_$name" "$@" "${link[@]}" -o "$out/bin/$name" \
            2> >(grep -v "Cannot export local symbol" >&2)
    fi
}
for h in "${harnesses[@]}"; do
    case $h in
        csv) build csv Fuzz/Harnesses/CSVReaderFuzz.swift ;;
        tokenizer) build tokenizer Fuzz/Harnesses/TokenizerFuzz.swift ;;
        model) build model Fuzz/Harnesses/ModelLoaderFuzz.swift ;;
        linefilter) build linefilter Fuzz/Harnesses/LineFilterFuzz.swift Sources/criba/LineFilter.swift Sources/criba/LineIO.swift Sources/criba/OS.swift ;;
        *) echo "unknown harness $h (csv tokenizer model linefilter)" >&2; exit 64 ;;
    esac
done

run() {
    local h=$1
    mkdir -p "$out/corpus/$h"
    # -rss_limit_mb: an input may not make a harness hold more than this.
    local status=0
    "$out/bin/$h" "$out/corpus/$h" "Fuzz/corpus/$h" -max_total_time="$seconds" -rss_limit_mb=2048 \
        -timeout=20 -max_len=65536 -print_final_stats=1 -artifact_prefix="$out/crashes/$h-" ${FUZZ_FLAGS:-} \
        > "$out/$h.log" 2>&1 || status=$?
    local stats
    stats=$(grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$out/$h.log" | tr '\n' ' ')
    echo "$h: exit $status, ${seconds} s, $stats(log: Fuzz/.build/$h.log)"
    return $status
}
status=0
jobs=${FUZZ_JOBS:-1}
pids=()
for h in "${harnesses[@]}"; do
    run "$h" &
    pids+=($!)
    if (( ${#pids[@]} >= jobs )); then
        wait "${pids[0]}" || status=1
        pids=("${pids[@]:1}")
    fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
if (( status != 0 )); then
    echo "a harness failed; see Fuzz/.build/crashes/ and the logs" >&2
fi
exit $status
