#!/usr/bin/env bash
# Runs the test suites named as arguments (default: native node browser fuzz) and prints one closing
# line "total: N passed, M failed". Exits non-zero when any test failed or a suite could not run.
set -uo pipefail
cd "$(dirname "$0")/.."
suites=("$@"); [ ${#suites[@]} -gt 0 ] || suites=(native node browser fuzz)
log=build/test-logs; rm -rf "$log"; mkdir -p "$log"
pass=0; fail=0; broken=0

count_native() {  # lines "name: N passed, M failed"
  awk '/^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed/ {p+=$2; f+=$4} END {print p+0, f+0}' "$1"
}
count_node() {  # node --test closing lines "# pass N" / "# fail N"
  awk '/^# pass / {p+=$3} /^# fail / {f+=$3} END {print p+0, f+0}' "$1"
}

for s in "${suites[@]}"; do
  case "$s" in
    native)
      for t in build/san/tests/test_*; do
        [ -x "$t" ] || continue
        echo "== $t"
        ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$t" 2>&1 | tee -a "$log/native.txt"
        rc=${PIPESTATUS[0]}
        if [ "$rc" != 0 ] && ! tail -n 1 "$log/native.txt" | grep -q ' failed$'; then
          echo "$(basename "$t"): 0 passed, 1 failed   (exit $rc before its report)" | tee -a "$log/native.txt"
        fi
      done
      read -r p f < <(count_native "$log/native.txt") ;;
    fuzz)  # a short run of every fuzz target (tests/fuzz/run.sh; `make fuzz` runs them longer)
      echo "== tests/fuzz/run.sh ${SM_FUZZ_SECONDS:-3}"
      FUZZ_QUICK=1 FUZZ_SEED=${FUZZ_SEED:-1} bash tests/fuzz/run.sh "${SM_FUZZ_SECONDS:-3}" 2>&1 | tee "$log/fuzz.txt"
      read -r p f < <(count_native "$log/fuzz.txt")
      [ "$p" -gt 0 ] || f=$((f + 1)) ;;
    node|browser)
      files=$(ls tests/$s/*.test.mjs 2>/dev/null)
      [ -n "$files" ] || { echo "== no $s tests"; continue; }
      echo "== node --test tests/$s"
      node --test --test-concurrency=1 --test-reporter=tap $files 2>&1 | tee "$log/$s.txt"
      rc=${PIPESTATUS[0]}
      read -r p f < <(count_node "$log/$s.txt")
      if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi ;;
    *) echo "unknown suite $s"; exit 2 ;;
  esac
  echo "$s: $p passed, $f failed"
  pass=$((pass + p)); fail=$((fail + f))
done
echo "total: $pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
