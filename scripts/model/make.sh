#!/usr/bin/env bash
# make.sh — `make model`: retrain sonomap-s from scratch, seeded, and print how long each phase took.
#   1. setup    apt packages the recipe needs (scripts/model/setup.sh)
#   2. teacher  YAMNet (../shared/models/yamnet.tflite) imported to f32 SMNN for torch
#   3. data     corpus + teacher pass (scripts/model/data.py), cached in build/model-cache/<hash>
#   4. train    scripts/model/train.py (CPU, 2 threads)
#   5. export   models/sonomap-s.smnn, tests/node/sonomap-s.json, build/model/report.json
# EPOCHS=n overrides the number of epochs (the shipped model: the default of train.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
TEACHER=../shared/models/yamnet.tflite
[ -f "$TEACHER" ] || { echo "model: $TEACHER is absent (the teacher is never committed)" >&2; exit 1; }
T=$SECONDS
phase() { echo "model: $1 took $((SECONDS - T)) s"; T=$SECONDS; }
bash scripts/model/setup.sh
phase setup
mkdir -p build/model
build/opt/tools/yamnet-import "$TEACHER" build/model/yamnet-f32.smnn --weights f32 >/dev/null
phase "teacher import"
CACHE=$($PY scripts/model/data.py --teacher "$TEACHER" --tool build/opt/tools/yamnet-teacher --cache build/model-cache)
phase "data + teacher pass"
$PY scripts/model/train.py --cache "$CACHE" --teacher-smnn build/model/yamnet-f32.smnn \
  --out build/model/sonomap-s.pt ${EPOCHS:+--epochs $EPOCHS}
phase training
$PY scripts/model/export.py --ckpt build/model/sonomap-s.pt --cache "$CACHE" \
  --teacher-smnn build/model/yamnet-f32.smnn --teacher "$TEACHER" --tool build/opt/tools/yamnet-teacher \
  --out models/sonomap-s.smnn --refs tests/node/sonomap-s.json --report build/model/report.json
phase export
echo "model: total $SECONDS s"
