#!/usr/bin/env bash
# run.sh SECONDS [TARGET...] — runs the fuzz targets one after the other, each SECONDS long,
# niced, and prints per target the executions, libFuzzer's coverage (cov: edges, ft: features),
# the corpus size and the crashes, then one line "fuzz-TARGET: N passed, M failed" each (the
# form scripts/run-tests.sh counts). Targets: the libFuzzer binaries of `make fuzz-build`
# (analyze-<mode>, decode-<codec>, model-tflite, model-smnn) and js-<parser> (the Node
# mutation loop, tests/fuzz/js-fuzz.mjs). Seed corpora are made here from build/fixtures (run
# `make fixtures` first) and tests/fuzz/smnn_seeds.py; what libFuzzer adds is kept in
# build/fuzz/corpus/ between runs; crashes go to build/fuzz/crashes/TARGET/. FUZZ_SEED fixes
# the random seed (scripts/run-tests.sh uses 1; default: a new one each run); FUZZ_QUICK=1
# takes a few small seeds and a fresh corpus (scripts/run-tests.sh: the whole run in ~2 min).
# FUZZ_TIMEOUT: seconds (wall clock) before libFuzzer calls one input a hang (default 30;
# raise it for long runs sharing a busy machine, where a niced fuzzer may wait its turn).
set -uo pipefail
cd "$(dirname "$0")/../.."
secs="${1:-60}"; shift || true
B=build/fuzz; FX=build/fixtures
c_targets=(analyze-clip analyze-whole analyze-long analyze-onset analyze-blend
  decode-wav decode-aiff decode-flac decode-vorbis model-tflite model-smnn)
js_targets=$(node tests/fuzz/js-fuzz.mjs --list)
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=("${c_targets[@]}" $js_targets)

# Seeds: small engine fixtures (<= 64 KB) by extension, the bad-input corpus, tiny networks.
seeds() {
  local t=$1 d=$B/seeds/$1
  rm -rf "$d"; mkdir -p "$d"
  local pat
  case $t in
    analyze-*) pat='.*\.(wav|aiff|aif|aifc|flac|ogg)$' ;;
    decode-wav) pat='.*\.wav$' ;; decode-aiff) pat='.*\.(aiff|aif|aifc)$' ;;
    decode-flac) pat='.*\.flac$' ;; decode-vorbis) pat='.*\.ogg$' ;;
    model-smnn) /usr/bin/python3 tests/fuzz/smnn_seeds.py "$d"; return ;;
    model-tflite)
      # the only .tflite at hand is YAMNet (CI has it in ../shared/models)
      [ -f ../shared/models/yamnet.tflite ] && [ "${FUZZ_QUICK:-0}" != 1 ] &&
        cp ../shared/models/yamnet.tflite "$d/"
      printf 'TFL3' >"$d/magic.tflite"; return ;;
  esac
  local size=-33k keep=100000 every=1
  [ "${FUZZ_QUICK:-0}" = 1 ] && size=-9k keep=16 every=5
  find "$FX/decode" "$FX/cli-broken" "$FX/bad" -maxdepth 1 -type f -size $size -regextype egrep \
    -regex "$pat" 2>/dev/null | sort | awk -v e=$every '(NR - 1) % e == 0' | head -n $keep | while read -r f; do
    cp "$f" "$d/$(echo "$f" | tr / _)"
  done
}

summary=(); results=()
for t in "${targets[@]}"; do
  case $t in
    js-*)
      out=$(nice -n 10 node tests/fuzz/js-fuzz.mjs --seconds "$secs" --seed "${FUZZ_SEED:-$RANDOM}" "${t#js-}" 2>&1)
      rc=$?
      echo "$out" | tail -n 3
      line=$(echo "$out" | grep "^js-" | tail -n 1)
      summary+=("$line"); [ $rc = 0 ] && results+=("fuzz-$t: 1 passed, 0 failed") ||
        results+=("fuzz-$t: 0 passed, 1 failed") ;;
    *)
      bin=$B/bin/${t%-tflite}; bin=${bin%-smnn}
      [ -x "$bin" ] || { echo "run.sh: $bin missing (make fuzz-build)"; results+=("fuzz-$t: 0 passed, 1 failed"); continue; }
      seeds "$t"
      corpus=$B/corpus/$t crashes=$B/crashes/$t
      # FUZZ_QUICK=1 (make test): a few small seeds, a fresh corpus, so the run stays short
      [ "${FUZZ_QUICK:-0}" = 1 ] && { corpus=$B/quick/$t; rm -rf "$corpus"; }
      mkdir -p "$corpus" "$crashes"
      before=$(ls "$crashes" | grep -vc '^slow-unit-')
      maxlen=65536; [[ $t == analyze-* ]] && maxlen=32768; [[ $t == model-* ]] && maxlen=8388608
      log=$B/logs/$t.log; mkdir -p "$B/logs"
      ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
        nice -n 10 "$bin" -max_total_time="$secs" -rss_limit_mb=2560 -malloc_limit_mb=2560 \
        -timeout="${FUZZ_TIMEOUT:-30}" -max_len=$maxlen -seed="${FUZZ_SEED:-0}" -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" "$B/seeds/$t" \
        >"$log" 2>&1
      rc=$?
      execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -n 1)
      last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
      cov=$(echo "$last" | grep -o 'cov: [0-9]*' | cut -d' ' -f2)
      ft=$(echo "$last" | grep -o 'ft: [0-9]*' | cut -d' ' -f2)
      # slow-unit-*: inputs slower than 10 s, kept for a look but not failures
      crash=$(( $(ls "$crashes" | grep -vc '^slow-unit-') - before ))
      slow=$(grep -c 'Slowest unit' "$log")
      line=$(printf '%-16s %5ss  execs %9s  cov %6s  ft %7s  corpus %5s  crashes %s  slow %s' "$t" \
        "$secs" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$(ls "$corpus" | wc -l)" "$crash" "$slow")
      echo "$line"
      if [ $rc != 0 ] || [ $crash != 0 ]; then
        grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$log" | head -n 8
        results+=("fuzz-$t: 0 passed, 1 failed")
      else
        results+=("fuzz-$t: 1 passed, 0 failed")
      fi
      summary+=("$line") ;;
  esac
done
echo "== fuzz summary (${secs}s per target)"
printf '%s\n' "${summary[@]}"
printf '%s\n' "${results[@]}"
! printf '%s\n' "${results[@]}" | grep -q ' 1 failed'
