#!/usr/bin/env bash
# setup.sh — installs (by name, with apt-get) what `make model` needs and the machine lacks:
# torch and numpy for /usr/bin/python3, the audio the corpus is made of (scripts/model/data.py)
# and the tools that render it. Idempotent: when nothing is missing it only checks.
set -euo pipefail
cd "$(dirname "$0")/../.."

APT_PACKAGES=(
  python3-torch python3-numpy                    # training and export (CPU)
  fluidsynth fluid-soundfont-gm                  # rendered General MIDI notes
  sonic-pi-samples klettres-data wesnoth-1.16-data tuxpaint-stamps-default  # packaged sounds
  espeak-ng sox libsox-fmt-all                   # speech, decoding and resampling
)
need=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "model setup: installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  mkdir -p build
  log=build/setup-model-apt.log
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
         $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    echo "model setup: apt-get failed (full log: $log)" >&2
    exit 1
  fi
fi
