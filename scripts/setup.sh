#!/usr/bin/env bash
# Installs what a fresh Debian bookworm machine lacks to build, test and demo sonomap.
# Idempotent: when nothing is missing it only checks, in about a second.
#   apt packages (by name), KissFFT's C sources (Debian source package, pinned and hash-checked),
#   npm packages (pinned by package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  emscripten libstb-dev            # the wasm build: emcc 3.1.6, stb_image_write + stb_vorbis
  libxnnpack-dev libpthreadpool-dev  # native second backend for the network kernels (xnnpack.h needs pthreadpool.h)
  chromium                         # browser tests (driven by playwright-core)
  sox libsox-fmt-all flac vorbis-tools lame opus-tools espeak-ng  # test audio
  sonic-pi-samples                 # CC0 samples: the demo map and real FLAC files for tests
  python3-numpy                    # independent reference computations in tests
  python3-distributed              # the Dask recipe for sharded analysis (scripts/dask/), tested
  clang-format                     # make lint: the C format (.clang-format)
  clang libclang-rt-dev            # make fuzz: libFuzzer with ASan + UBSan (tests/fuzz/)
)

need=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
# Node.js and npm: whatever provides the commands (the machine image may ship its own build).
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  mkdir -p build
  log=build/setup-apt.log
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
         $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    echo "setup: apt-get failed (full log: $log)" >&2
    exit 1
  fi
fi

# KissFFT's C sources: Debian ships only headers and a native library, so the sources come from
# Debian's source package, fetched through a private deb-src list derived from the system's
# (the system's own apt configuration is left alone).
KISS_VERSION="131.1.0-4.1~deb12u1"
KISS_ORIG="kissfft_131.1.0.orig.tar.gz"
KISS_SHA256="76c1aac87ddb7258f34b08a13f0eebf9e53afa299857568346aa5c82bcafaf1a"
KISS_DIR="build/kissfft"
if [ ! -f "$KISS_DIR/.ok" ]; then
  echo "setup: fetching KissFFT $KISS_VERSION sources" >&2
  apt_dir="$PWD/build/apt"
  rm -rf "$apt_dir" "$KISS_DIR"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/parts" "$apt_dir/src" "$KISS_DIR"
  found=0
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    sed -e 's/^Types:.*$/Types: deb-src/' "$f" >"$apt_dir/parts/$(basename "$f")"; found=1
  done
  if [ -f /etc/apt/sources.list ]; then
    grep -E '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' >"$apt_dir/parts/system.list" || true
    [ -s "$apt_dir/parts/system.list" ] && found=1
  fi
  [ $found = 1 ] || { echo "setup: no apt sources found to derive a deb-src list from" >&2; exit 1; }
  opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$apt_dir/parts"
        -o "Dir::State::Lists=$apt_dir/lists" -o "APT::Sandbox::User=root")
  apt-get "${opts[@]}" -qq update 2>/dev/null
  (cd "$apt_dir/src" && apt-get "${opts[@]}" -qq source --download-only "kissfft=$KISS_VERSION" >/dev/null)
  echo "$KISS_SHA256  $apt_dir/src/$KISS_ORIG" | sha256sum -c --quiet - \
    || { echo "setup: $KISS_ORIG hash mismatch" >&2; exit 1; }
  tar -xzf "$apt_dir/src/$KISS_ORIG" -C "$KISS_DIR" --strip-components=1 --wildcards \
    '*/kiss_fft.c' '*/kiss_fft.h' '*/kiss_fftr.c' '*/kiss_fftr.h' '*/_kiss_fft_guts.h' \
    '*/kiss_fft_log.h' '*/COPYING' '*/LICENSES/*'
  touch "$KISS_DIR/.ok"
fi

# npm packages, exactly as package-lock.json pins them.
# (A node_modules that is a link belongs to another checkout, e.g. a git worktree sharing it:
# never reinstall through it.)
if [ ! -L node_modules ] && { [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
