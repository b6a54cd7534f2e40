#!/usr/bin/env bash
# Lock scaling on a many-core machine, in one go and within about four
# minutes: `lockedges bench` for the scenarios whose cost is lock contention
# (coarse-lock's fixes and its store comparison with libcuckoo and oneTBB;
# nested-field and deferred-lambda-write, whose threads all update one or
# two keys), at 1, 2, 4, 8 and 16 threads.
#
# It builds nothing: run it from the repository root with the plain build
# already in build/ (or LOCKEDGES=/path/to/lockedges). Results go to $OUT:
#   bench.json   Google Benchmark's JSON (plus lockedges' table descriptions)
#   bench.md     the ratio tables
#   bench.txt    everything printed: Google Benchmark's lines, then the tables
#   machine.txt  nproc and lscpu
# Knobs (environment): THREADS (default 1,2,4,8,16), MIN_TIME (seconds per
# benchmark, default 0.25), SCENARIOS, BUDGET (seconds before it is cut
# off, default 225). Extra arguments go to `lockedges bench`.
set -euo pipefail

BIN=${LOCKEDGES:-build/lockedges}
OUT=${OUT:?set OUT to the folder for the results}
THREADS=${THREADS:-1,2,4,8,16}
MIN_TIME=${MIN_TIME:-0.25}
SCENARIOS=${SCENARIOS:-coarse-lock nested-field deferred-lambda-write}
BUDGET=${BUDGET:-225}

if [ ! -x "$BIN" ]; then
  echo "scaling.sh: $BIN is missing: build it first (make build); this script builds nothing" >&2
  exit 1
fi
mkdir -p "$OUT"
{ echo "nproc: $(nproc)"; lscpu; } > "$OUT/machine.txt" 2>&1 || true

# shellcheck disable=SC2086  # SCENARIOS is a list of words
timeout -k 5 "$BUDGET" "$BIN" bench $SCENARIOS --groups fixes,stores --threads "$THREADS" --out "$OUT" \
  --benchmark_min_time="$MIN_TIME" "$@" 2>&1 | tee "$OUT/bench.txt"
exit "${PIPESTATUS[0]}"
