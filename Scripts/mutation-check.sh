#!/usr/bin/env bash
# Plants small bugs one at a time in a scratch copy of the repository and checks that the
# tests notice each: every mutation below is applied alone, the named tests are built and run,
# and they must fail ("caught"). A mutation whose tests still pass is "missed".
#
#   Scripts/mutation-check.sh              all mutations
#   Scripts/mutation-check.sh NAME...      only these (see --list)
#   Scripts/mutation-check.sh --list
#
# The scratch copy is $MUTATION_DIR (default: /tmp/criba-mutation-<user>); it keeps its .build
# between mutations and between runs, so each mutation rebuilds only what it touched. Each test
# run is limited to $MUTATION_TIMEOUT seconds (default 600); a run that times out counts as
# caught (the planted bug made a test hang instead of pass). Exit status: 0 when every
# mutation was caught, 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scratch=${MUTATION_DIR:-/tmp/criba-mutation-$(id -un)}
limit=${MUTATION_TIMEOUT:-600}

# name @@ file @@ perl substitution (must change the file) @@ test filter
mutations=(
"csv-quoted-column@@Sources/Criba/CSV/CSVReader.swift@@s/fieldStartColumn \+ \(wasQuoted \? 1 : 0\)/fieldStartColumn + (wasQuoted ? 0 : 0)/@@CSVReaderTests/testInvalidUTF8InsideAQuotedFieldNamesItsExactColumn"
"unsure-threshold-le@@Sources/Criba/Classifier.swift@@s/top < threshold \|\|/top <= threshold ||/@@ExactnessTests/testUnsureBoundaries"
"unsure-margin-le@@Sources/Criba/Classifier.swift@@s/top - second < margin/top - second <= margin/@@ExactnessTests/testUnsureBoundaries"
"precision-is-recall@@Sources/Criba/Evaluation/Evaluation.swift@@s/let p = predicted > 0 \? tp \/ Double\(predicted\) : 0/let p = support > 0 ? tp \/ Double(support) : 0/@@ExactnessTests/testPrecisionRecallAndF1ByHand"
"f1-arithmetic-mean@@Sources/Criba/Evaluation/Evaluation.swift@@s/let f = p \+ r > 0 \? 2 \* p \* r \/ \(p \+ r\) : 0/let f = (p + r) \/ 2/@@ExactnessTests/testPrecisionRecallAndF1ByHand"
"cnb-own-total@@Sources/Criba/NaiveBayes/NaiveBayes.swift@@s/log\(all - totals\[\\\$0\] \+ fa\)/log(totals[\\\$0] + fa)/@@ExactnessTests/testNaiveBayesAndComplementWeightsByHand"
"nb-no-smoothing-in-denominator@@Sources/Criba/NaiveBayes/NaiveBayes.swift@@s/let denominators = totals.map \{ log\(\\\$0 \+ fa\) \}/let denominators = totals.map { log(\\\$0 + alpha) }/@@ExactnessTests/testNaiveBayesAndComplementWeightsByHand"
"write-in-place@@Sources/Criba/System/FileIO.swift@@s/try replace\(target, with: bytes, reportingAs: path\)/try writeDirectly(bytes, to: target)/@@ExactnessTests/testA"
"temperature-fixed-at-1@@Sources/Criba/Training/Calibration.swift@@s/temperature: Float\(t\), logLossBefore/temperature: 1, logLossBefore/@@CalibrationTests/testCalibratedTrainingKeepsTheWeightsAndStoresTheFit"
"record-bound-off-by-one@@Sources/Criba/CSV/CSVReader.swift@@s/consumed - recordStart > maxRecordBytes/consumed - recordStart >= maxRecordBytes/@@CSVReaderTests/testRecordBoundIsExactAndNamesTheRecordsFirstLine"
"record-bound-removed@@Sources/Criba/CSV/CSVReader.swift@@s/if consumed - recordStart > maxRecordBytes \{/if false \&\& consumed - recordStart > maxRecordBytes {/@@CSVReaderTests/testRecordBoundIsExactAndNamesTheRecordsFirstLine"
"line-bound-off-by-one@@Sources/criba/LineIO.swift@@s/if e - start > limit \{ throw LineLimit.error\(line: number, limit: limit\) \}/if e - start >= limit { throw LineLimit.error(line: number, limit: limit) }/@@CLITests/testEndlessInputsStopWithExit65NamingTheLine"
"fifo-reopened@@Sources/Criba/CSV/CSVInput.swift@@s/FileSystem.status\(path\).map\(\{ \\\$0.isSeekable \}\) \?\? true/true/@@CLITests/testTrainReadsFIFOsPipesAndDevStdinOnceForEveryAlgorithm"
"utf16-not-detected@@Sources/Criba/CSV/CSVReader.swift@@s/if filled >= 2 \&\& \(\(buffer\[0\] == 0xFF/if false \&\& ((buffer[0] == 0xFF/@@CSVReaderTests/testUTF16IsRefusedByName"
"blank-line-classified@@Sources/criba/LineFilter.swift@@s/if isBlank\(line\) \{/if line.isEmpty {/@@CLITests/testBlankLinesGetEmptyAnswersInClassifyAndPredict"
"unsure-label-as-model-label@@Sources/criba/UnsureArguments.swift@@s/if labels.contains\(unsureLabel\) \{/if false {/@@CLITests/testUnsureLabelThatIsAModelLabelIsRefused"
"predict-duplicate-header@@Sources/criba/Predict.swift@@s/for added in Self.addedColumns \{/for added in [String]() {/@@CLITests/testPredictRefusesItsOwnOutputColumns"
"stderr-raw-controls@@Sources/criba/Support.swift@@s/let text = escapingControls\(/let text = String(/@@CLITests/testUTF16IsNamedAndControlBytesNeverReachStandardError"
"unlearn-without-record@@Sources/Criba/Model/Model+Learning.swift@@s/if !trainingMessages \{\n            for \(i, e\)/if false {\n            for (i, e)/@@LearningTests/testUnlearningAMessageNeverLearnedIsRefused"
"sigpipe-inherited@@Sources/criba/OS.swift@@s/_ = signal\(SIGPIPE, SIG_DFL\)/_ = 0/@@CLITests/testBrokenPipeEndsEveryCommandTheSameWay"
)

split() {  # one mutation into name, file, subst, filter
    name=${1%%@@*}
    local rest=${1#*@@}
    file=${rest%%@@*}
    rest=${rest#*@@}
    subst=${rest%@@*}
    filter=${rest##*@@}
}

if [[ ${1:-} == --check ]]; then
    # Only whether every patch still applies to the working tree.
    status=0
    for m in "${mutations[@]}"; do
        split "$m"
        if perl -0pe "$subst" "$file" | cmp -s - "$file"; then echo "does not apply: $name"; status=1; fi
    done
    exit $status
fi

if [[ ${1:-} == --list ]]; then
    for m in "${mutations[@]}"; do split "$m"; printf '%-32s %-42s %s\n' "$name" "$file" "$filter"; done
    exit 0
fi
wanted=("$@")

mkdir -p "$scratch"
# A fresh copy of the working tree, keeping the scratch copy's .build.
find "$scratch" -mindepth 1 -maxdepth 1 ! -name .build ! -name .mutation-logs -exec rm -rf {} +
tar -C "$root" --exclude=./.build --exclude=./Fuzz/.build --exclude=./.git -cf - . | tar -C "$scratch" -xf -
cd "$scratch"
unset CRIBA_TEST_EXECUTABLE
log=$scratch/.mutation-logs
mkdir -p "$log"

echo "building the unmutated copy in $scratch (the tests must pass there first)"
if ! swift build --build-tests > "$log/base-build.log" 2>&1; then
    echo "the unmutated copy does not build; see $log/base-build.log" >&2
    exit 2
fi

caught=0
missed=0
broken=0
for m in "${mutations[@]}"; do
    split "$m"
    if (( ${#wanted[@]} > 0 )) && [[ ! " ${wanted[*]} " == *" $name "* ]]; then continue; fi
    cp "$root/$file" "$file"
    perl -0pi -e "$subst" "$file"
    if cmp -s "$root/$file" "$file"; then
        echo "BROKEN  $name: the patch no longer applies to $file"
        broken=$((broken + 1))
        continue
    fi
    if ! swift build --build-tests > "$log/$name-build.log" 2>&1; then
        echo "BROKEN  $name: the mutated code does not build ($log/$name-build.log)"
        broken=$((broken + 1))
    else
        timeout "$limit" swift test --skip-build --filter "$filter" > "$log/$name-test.log" 2>&1
        status=$?
        if grep -q "Executed 0 tests" "$log/$name-test.log" && ! grep -qE "Executed [1-9]" "$log/$name-test.log"; then
            echo "BROKEN  $name: the filter $filter matches no test"
            broken=$((broken + 1))
        elif (( status == 124 )); then
            echo "caught  $name (tests timed out: $filter)"
            caught=$((caught + 1))
        elif (( status != 0 )); then
            echo "caught  $name ($filter)"
            caught=$((caught + 1))
        else
            echo "MISSED  $name: $filter passed with the bug ($log/$name-test.log)"
            missed=$((missed + 1))
        fi
    fi
    cp "$root/$file" "$file"
done
# Leave the copy built as the repository is, ready for the next run.
swift build --build-tests > "$log/base-build.log" 2>&1
echo "mutations: $caught caught, $missed missed, $broken not applicable"
(( missed == 0 && broken == 0 ))
