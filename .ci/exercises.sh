#!/usr/bin/env bash
# Proofs about the exercises (see EXERCISES.md in the shared docs), run by
# .ci/run after the root tests:
#   1. the stubs: every exercise package fails, none fails to build, and
#      every stub still says TODO;
#   2. the solutions through the learner's side: with an overlay putting
#      each solution in place of its stub, every exercise passes, with plain
#      go test and with dlearn grade;
#   3. each stub exports the same API as its solution;
#   4. a classroom export (the kit without solutions/) contains no solution
#      code, builds and vets, and grades every exercise as not done;
#   5. dlearn grade never reads the learner's test files: an emptied test
#      and a solution's import do not pass (the full hostile suite is in
#      go test ./grade).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
export GOWORK=off
tmp=$(mktemp -d)
export DLEARN_HOME="$tmp/home" # never touch a real progress file
trap 'rm -rf "$tmp"' EXIT

proof() { printf -- '--- %s (%ss)\n' "$*" "$SECONDS"; }
die() { echo "FAIL: $*" >&2; exit 1; }

mod=$(cd exercises && go list -m)
exercises=()
for d in exercises/*/; do
  n=$(basename "$d")
  ls "$d"*.go 2>/dev/null | grep -qv '_test\.go$' && exercises+=("$n")
done
[ ${#exercises[@]} -gt 0 ] || die "no exercises found"
echo "exercises: ${exercises[*]}"
go build -o "$tmp/dlearn" ./cmd/dlearn

proof "1. stubs: every exercise fails, none with build-fail, each stub says TODO"
unformatted=$(cd exercises && gofmt -l .)
[ -z "$unformatted" ] || die "exercises/ is not gofmt-clean: $unformatted"
(cd exercises && go vet ./...)
(cd exercises && go test -json -count=1 -timeout 120s ./... >"$tmp/stubs.jsonl" 2>"$tmp/stubs.err") && die "go test passed on the stubs"
grep -q '"Action":"build-fail"' "$tmp/stubs.jsonl" && die "a stub does not build: $(grep build-output "$tmp/stubs.jsonl" | head -5)"
for n in "${exercises[@]}"; do
  grep -q "\"Action\":\"fail\",\"Package\":\"$mod/$n\",\"Elapsed\"" "$tmp/stubs.jsonl" || die "exercise $n did not fail on its stub"
  grep -l 'panic("TODO' exercises/"$n"/*.go | grep -qv '_test\.go$' || die "exercise $n has no TODO stub left"
done
set +e
"$tmp/dlearn" grade --dir exercises >"$tmp/stubs.txt"; code=$?
set -e
[ "$code" -eq 1 ] || die "dlearn grade exited $code on the stubs, want 1"
grep -qx "Points 0/${#exercises[@]}" "$tmp/stubs.txt" || die "dlearn grade on the stubs: $(tail -3 "$tmp/stubs.txt")"
grep -qE '^(!|✗) ' "$tmp/stubs.txt" && die "a stub is graded as wrong or broken, not as not implemented: $(grep -E '^(!|✗) ' "$tmp/stubs.txt")"
[ "$(grep -cE '^○ ' "$tmp/stubs.txt")" -eq ${#exercises[@]} ] || die "not every exercise is graded not implemented yet"
echo "ok: ${#exercises[@]} exercises, all not implemented yet"

proof "2. solutions through the learner's side (go test -overlay)"
go run ./grade/internal/kitcheck overlay exercises solutions "$tmp/overlay.json"
(cd exercises && go test -count=1 -timeout 120s -overlay "$tmp/overlay.json" ./...)
before=$(sha256sum "$DLEARN_HOME/progress.json")
"$tmp/dlearn" grade --dir exercises --overlay "$tmp/overlay.json" --results "$tmp/results.json" --junit "$tmp/junit.xml" >"$tmp/solutions.txt" ||
  die "dlearn grade with the solutions: $(cat "$tmp/solutions.txt")"
grep -qx "Points ${#exercises[@]}/${#exercises[@]}" "$tmp/solutions.txt" || die "solutions: $(tail -3 "$tmp/solutions.txt")"
grep -q '"status": "pass"' "$tmp/results.json" || die "results.json does not say pass"
[ "$(sha256sum "$DLEARN_HOME/progress.json")" = "$before" ] || die "grading with an overlay changed the learner's progress"
echo "ok: every solution passes through the learner's test files"

proof "3. stubs and solutions export the same API; dlearn reset's copy of the stubs is exact"
go run ./grade/internal/kitcheck api exercises solutions
for f in exercises/*/*.go; do
  cmp -s "$f" "internal/stubs/files/${f#exercises/}.txt" || die "internal/stubs has no exact copy of $f: run go generate ./internal/stubs"
done
[ "$(find internal/stubs/files -name '*.txt' | wc -l)" -eq "$(ls exercises/*/*.go | wc -l)" ] || die "internal/stubs has files exercises/ does not: run go generate ./internal/stubs"

proof "4. classroom export: no solutions, builds, vets, grades every exercise as not done"
class="$tmp/classroom"
mkdir -p "$class"
git ls-files -z --cached --others --exclude-standard | grep -zv '^solutions/' | xargs -0 cp --parents -t "$class"
[ -e "$class/solutions" ] && die "the export has solutions/"
for f in solutions/*/*.go; do
  case "$f" in *_test.go) continue ;; esac
  sum=$(sha256sum "$f" | cut -d' ' -f1)
  if find "$class" -name '*.go' -exec sha256sum {} + | grep -q "^$sum "; then die "the export contains $f"; fi
done
(cd "$class" && go build ./... && go vet ./... && go build -o "$tmp/class-dlearn" ./cmd/dlearn)
(cd "$class" && go test -short -count=1 ./grade/... ./internal/checks/... ./harness/... >/dev/null) # the full hostile suite ran at the root
set +e
(cd "$class" && "$tmp/class-dlearn" grade >"$tmp/class.txt"); code=$?
set -e
[ "$code" -eq 1 ] && grep -qx "Points 0/${#exercises[@]}" "$tmp/class.txt" || die "classroom grade exited $code: $(tail -3 "$tmp/class.txt")"
echo "ok: the classroom copy builds and every exercise is still to do"

proof "5. tampering: an emptied test stays not done, an import of the solutions is refused"
tamper="$tmp/tamper/exercises"
mkdir -p "$tamper"
cp -r exercises/. "$tamper"
printf 'package mse\n\nimport "testing"\n\nfunc TestMSE(t *testing.T) {}\n' >"$tamper/mse/mse_test.go"
printf 'package logistic\n\nimport _ "%s/solutions/logistic"\n' "$(go list -m)" >"$tamper/logistic/cheat.go"
set +e
"$tmp/dlearn" grade --dir "$tamper" mse logistic >"$tmp/tamper.txt"; code=$?
set -e
[ "$code" -eq 1 ] || die "grading the tampered copy exited $code: $(cat "$tmp/tamper.txt")"
grep -q '^○ mse ' "$tmp/tamper.txt" || die "an emptied test changed the grade: $(head -3 "$tmp/tamper.txt")"
grep -q 'not graded: it imports .*/solutions/logistic (the kit.s solutions)' "$tmp/tamper.txt" || die "an import of the solutions was not refused: $(cat "$tmp/tamper.txt")"
grep -qx 'Points 0/2' "$tmp/tamper.txt" || die "tampered points: $(tail -2 "$tmp/tamper.txt")"
echo "ok: the grade ignores the learner's test files and refuses the solutions"

proof "done"
