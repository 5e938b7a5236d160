#!/usr/bin/env bash
# Runs every fuzz target of the module for FUZZTIME each (default 5s; CI
# uses the default). `go test -fuzz` takes one target of one package at a
# time, so the targets are found and run one by one. For a long run before a
# release: FUZZTIME=10m .ci/fuzz.sh (or one target:
# go test -run '^$' -fuzz '^FuzzControlRequest$' -fuzztime 1h ./fakegraph).
# A failing input is written under the package's testdata/fuzz/ and then
# replays in every plain `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-5s}"
status=0
while IFS= read -r file; do
  pkg="$(dirname "$file")"
  for target in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)\(' "$file" | sed -E 's/^func (Fuzz[A-Za-z0-9_]+)\(/\1/'); do
    echo "fuzz: $pkg $target ($fuzztime)"
    corpus="$pkg/testdata/fuzz/$target"
    before="$(ls "$corpus" 2>/dev/null || true)"
    if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" >/tmp/fuzz-$$.log 2>&1; then
      cat /tmp/fuzz-$$.log
      # Go 1.26's fuzzing coordinator can report its own -fuzztime
      # deadline as a failure (golang/go#75804, fixed in Go 1.27): a bare
      # "context deadline exceeded" with no failing input written. That is
      # not a finding; an input that fails is always written to $corpus.
      if [ "$(ls "$corpus" 2>/dev/null || true)" = "$before" ] && grep -qx '    context deadline exceeded' /tmp/fuzz-$$.log; then
        echo "fuzz: $target: the toolchain's deadline race, no failing input: not counted"
      else
        status=1
      fi
    fi
  done
done < <(grep -rlE '^func Fuzz[A-Za-z0-9_]+\(' --include='*_test.go' . | grep -v node_modules | sort)
rm -f /tmp/fuzz-$$.log
exit $status
