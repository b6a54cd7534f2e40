#!/bin/sh
# Builds the libFuzzer targets of the parsers of outside text with clang++
# (fuzzer, ASan and UBSan) and runs each for RUNS executions, one after the
# other, at low priority. Each target's corpus is tests/fixtures/fuzz/<target>/:
# the run starts from it (and from the real logs under tests/fixtures/), and
# afterwards it and what the run found are minimised with -set_cover_merge=1
# -use_counters=0 (libFuzzer's -merge=1 with a greedy set cover, over the
# edges reached rather than how often each was: a fraction of the files)
# into the new corpus, small enough to keep as regression fixtures. Inputs
# that once broke a parser are kept as crash-<sha1> whatever the merge says.
# The unit tests replay every file.
#
#   sh fuzz/run.sh                       every target, 10 million runs each
#   RUNS=100000 sh fuzz/run.sh tsan_log  one target, briefly
#
# Not part of `make test`: it takes minutes per target, and clang is a local
# tool here. The binaries, logs and any crashing input (crash-<sha1>) go to
# $FUZZ_OUT (build/fuzz); a crash stops the script with that target's log.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-10000000}
OUT=${FUZZ_OUT:-$ROOT/build/fuzz}
CXX=${CXX_FUZZ:-clang++}
FLAGS="-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$ROOT/lib -I$ROOT/tests"
mkdir -p "$OUT"

# The library sources each target's parser needs (and only what it links).
sources() {
  case $1 in
    tsan_log) echo lib/detection/tsan_log.cpp lib/detection/tsan_findings.cpp lib/detection/findings.cpp \
                   lib/detection/fingerprint.cpp lib/detection/frames.cpp lib/detection/lessons.cpp \
                   lib/detection/source_names.cpp lib/case_api/signal.cpp lib/util/text.cpp ;;
    go_race_log) echo lib/detection/go_race_log.cpp lib/detection/tsan_log.cpp lib/detection/tsan_findings.cpp lib/detection/findings.cpp \
                   lib/detection/fingerprint.cpp lib/detection/frames.cpp lib/detection/lessons.cpp \
                   lib/detection/source_names.cpp lib/case_api/signal.cpp lib/util/text.cpp ;;
    asan_log) echo lib/detection/asan_log.cpp lib/detection/findings.cpp lib/util/text.cpp ;;
    cpu_profile) echo lib/profiles/cpu_profile.cpp lib/child/spawn.cpp lib/child/interrupt.cpp ;;
    worker_result) echo lib/child/protocol.cpp lib/case_api/run.cpp lib/case_api/shared_mutex.cpp ;;
    *) echo "unknown target $1 (tsan_log, go_race_log, asan_log, cpu_profile, worker_result)" >&2; exit 2 ;;
  esac
}

# The real inputs each run also starts from.
seeds() {
  case $1 in
    tsan_log) echo "$ROOT/tests/fixtures/tsan $ROOT/tests/fixtures/tsan/cases" ;;
    go_race_log) echo "$ROOT/tests/fixtures/diagnose/logs" ;;
    asan_log) echo "$ROOT/tests/fixtures/asan" ;;
    *) echo "" ;;
  esac
}

# Longest input: a few lines of a report are enough to reach every branch
# of a line-by-line parser, and short inputs run several times faster.
max_len() {
  case $1 in
    cpu_profile) echo 8192 ;;  # a real profile, tests/fixtures/fuzz/cpu_profile's seed, is 5 kB
    *) echo 2048 ;;
  esac
}

for target in ${*:-tsan_log go_race_log asan_log cpu_profile worker_result}; do
  bin=$OUT/$target
  src=$(sources "$target")
  echo "== $target: building"
  (cd "$ROOT" && $CXX $FLAGS -DLOCKEDGES_FUZZ_CHECK="$target" fuzz/fuzz_target.cpp $src \
     $(pkg-config --cflags --libs spdlog fmt) -pthread -o "$bin")
  corpus=$ROOT/tests/fixtures/fuzz/$target
  mkdir -p "$corpus"
  work=$(mktemp -d)
  dict=""
  [ -f "$ROOT/fuzz/$target.dict" ] && dict="-dict=$ROOT/fuzz/$target.dict"
  echo "== $target: $RUNS runs (log: $OUT/$target.log)"
  # The first folder is where libFuzzer writes what it finds; the others
  # are only read.
  if ! nice -n 10 "$bin" -runs="$RUNS" -max_len="$(max_len "$target")" -timeout=10 $dict \
       -print_final_stats=1 -artifact_prefix="$OUT/$target-" "$work" "$corpus" $(seeds "$target") \
       > "$OUT/$target.log" 2>&1; then
    tail -n 40 "$OUT/$target.log"
    echo "== $target: FAILED; the input is under $OUT/$target-*" >&2
    exit 1
  fi
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$OUT/$target.log"
  # Minimise: only inputs adding coverage go into a fresh folder, which
  # then replaces the corpus. The real logs stay out of it: they are
  # fixtures of their own.
  fresh=$(mktemp -d)
  nice -n 10 "$bin" -set_cover_merge=1 -use_counters=0 "$fresh" "$corpus" "$work" \
    > "$OUT/$target.merge.log" 2>&1
  find "$corpus" -type f ! -name 'crash-*' -delete
  cp "$fresh"/* "$corpus"/
  echo "== $target: corpus $(ls "$corpus" | wc -l) files, $(du -sh "$corpus" | cut -f1)"
  rm -rf "$work" "$fresh"
done
