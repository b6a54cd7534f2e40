#!/bin/sh
# bench/stability.sh [RUNS] [BUILD_DIR] — runs `lockedges run all` RUNS times
# (default 20) and compares the verdicts: every run must give every scenario
# the same verdict. Prints one line per scenario (its verdicts and how many
# runs gave each) and exits 0 when all runs agree and every scenario was
# reproduced-and-fixed each time, 1 otherwise. Not part of `make test`: at
# about 17 s a run it takes some minutes. Each run's report stays under
# $STABILITY_DIR (default a fresh folder under /tmp) for reading later.
set -eu
runs=${1:-20}
build=${2:-build}
dir=${STABILITY_DIR:-$(mktemp -d /tmp/lockedges-stability-XXXXXX)}
mkdir -p "$dir"
i=1
while [ "$i" -le "$runs" ]; do
  start=$(date +%s)
  status=0
  "$build/lockedges" run all --out "$dir/run-$i" --format json -q > "$dir/run-$i.json" || status=$?
  echo "run $i of $runs: exit $status in $(( $(date +%s) - start )) s" >&2
  i=$((i + 1))
done
python3 - "$dir" "$runs" <<'PY'
import collections, json, sys
folder, runs = sys.argv[1], int(sys.argv[2])
seen = collections.defaultdict(collections.Counter)
for i in range(1, runs + 1):
    try:
        reports = json.load(open(f"{folder}/run-{i}.json"))
    except (OSError, ValueError) as e:
        seen["(no report)"][f"run {i}: {e}"] += 1
        continue
    for r in reports:
        seen[r["scenario"]][r["verdict"]] += 1
ok = True
for scenario, verdicts in seen.items():
    line = ", ".join(f"{v} x{n}" for v, n in verdicts.most_common())
    good = list(verdicts) == ["reproduced-and-fixed"] and verdicts["reproduced-and-fixed"] == runs
    ok = ok and good
    print(f"{scenario:24} {line}{'' if good else '   <- differs'}")
print(f"{runs} runs of run all under {folder}: " + ("every verdict the same, all reproduced-and-fixed" if ok else "verdicts differ"))
sys.exit(0 if ok else 1)
PY
