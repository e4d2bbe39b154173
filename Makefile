# sonomap — build, test, serve.
#   make demo    install what is missing, build, precompute a demo map and serve it
#   make test    install what is missing, lint, build, run every test (native C, Node, Chromium)
#   make lint    check the sources' format and lint rules (Biome for JS, clang-format for C)
#   make         build dist/ (the static site and the CLI)
#   make bench   benchmarks, printed as ratios against the peers measured in the same run
#                (bench-latency: pointer to sound on the page)
#   make eval-features  1-NN label accuracy of every feature and clip-window choice on labelled
#                sets (scripts/eval/), a markdown table

SHELL := /bin/bash
.DEFAULT_GOAL := build
.DELETE_ON_ERROR:
# Objects are kept between builds (they are intermediates of the pattern rules).
.SECONDARY:

BUILD := build
DIST := dist
KISS := $(BUILD)/kissfft
PORT ?= 8000

# Every .c under wasm/ is the engine; KissFFT's sources are fetched by `make setup`.
ENGINE_SRC := $(shell find wasm -name '*.c' | sort)
KISS_SRC := $(KISS)/kiss_fft.c $(KISS)/kiss_fftr.c
ENGINE_HDR := $(shell find wasm -name '*.h')
WEB_SRC := $(shell find web -type f | sort)

WARN := -Wall -Wextra -Wno-unused-parameter
COMMON := -std=c11 $(WARN) -Iwasm -I$(KISS) -isystem /usr/include/stb -Dkiss_fft_scalar=float

# --- native: ASan/UBSan build for tests, optimised build for benchmarks and references ---
NATIVE_LIBS := -lm
XNN_LIB := $(firstword $(wildcard /usr/lib/*/libXNNPACK.so /usr/lib/*/libXNNPACK.a))
ifneq ($(XNN_LIB),)
NATIVE_DEFS := -DNN_HAVE_XNNPACK
NATIVE_LIBS += -lXNNPACK -lpthread
endif
# gcc's -fsanitize=undefined leaves out float-to-int conversions out of range (clang's includes
# them; the stb_vorbis finding was one): asked for by name
SAN := -fsanitize=address,undefined,float-cast-overflow \
  -fno-sanitize-recover=undefined,float-cast-overflow -fno-omit-frame-pointer
NATIVE_CFLAGS := $(COMMON) $(NATIVE_DEFS) -O1 -g $(SAN)
OPT_CFLAGS := $(COMMON) $(NATIVE_DEFS) -O3 -march=native -g -DNDEBUG

SAN_OBJ := $(patsubst %.c,$(BUILD)/san/%.o,$(ENGINE_SRC) $(KISS_SRC))
OPT_OBJ := $(patsubst %.c,$(BUILD)/opt/%.o,$(ENGINE_SRC) $(KISS_SRC))
NATIVE_TESTS := $(patsubst tests/native/%.c,$(BUILD)/san/tests/%,$(wildcard tests/native/test_*.c))
NATIVE_TOOLS := $(patsubst scripts/native/%.c,$(BUILD)/opt/tools/%,$(wildcard scripts/native/*.c))

# --- wasm: emcc -O3 -msimd128, standalone module loaded by web/core/engine.js ---
EMCC := emcc
WASM_CFLAGS := $(COMMON) -O3 -msimd128 -DNDEBUG -Wno-unused-command-line-argument
WASM_LDFLAGS := --no-entry -sSTANDALONE_WASM -sALLOW_MEMORY_GROWTH -sINITIAL_MEMORY=33554432 \
  -sMAXIMUM_MEMORY=4294967296 -sTOTAL_STACK=1048576 -sEXPORTED_FUNCTIONS=_malloc,_free
WASM_OBJ := $(patsubst %.c,$(BUILD)/wasm/%.o,$(ENGINE_SRC) $(KISS_SRC))

.PHONY: setup build wasm web native test test-native test-node test-browser fixtures serve demo \
  bench bench-nn bench-map eval-features clean lint lint-js lint-c

setup:
	@bash scripts/setup.sh

$(KISS)/.ok:
	@bash scripts/setup.sh

build: setup
	@$(MAKE) --no-print-directory wasm web

wasm: $(DIST)/sonomap.wasm

$(BUILD)/wasm/%.o: %.c $(ENGINE_HDR) | $(KISS)/.ok
	@mkdir -p $(dir $@)
	$(EMCC) $(WASM_CFLAGS) -c $< -o $@

$(DIST)/sonomap.wasm: $(WASM_OBJ)
	@mkdir -p $(DIST)
	$(EMCC) $(WASM_CFLAGS) $(WASM_LDFLAGS) $(WASM_OBJ) -o $@

web: $(DIST)/.web

$(DIST)/.web: $(WEB_SRC) scripts/build-web.mjs scripts/make-icons.mjs package-lock.json models/sonomap-s.smnn $(DIST)/sonomap.wasm
	node scripts/build-web.mjs
	@touch $@

native: $(NATIVE_TESTS) $(NATIVE_TOOLS)

# stb_image_write's JPEG encoder left-shifts negative ints (third-party code, well defined on
# every target we build for): exempt only that check, only in the file that includes it.
$(BUILD)/san/wasm/output/sprite.o: NATIVE_CFLAGS += -fno-sanitize=shift

$(BUILD)/san/%.o: %.c $(ENGINE_HDR) | $(KISS)/.ok
	@mkdir -p $(dir $@)
	$(CC) $(NATIVE_CFLAGS) -c $< -o $@

$(BUILD)/opt/%.o: %.c $(ENGINE_HDR) | $(KISS)/.ok
	@mkdir -p $(dir $@)
	$(CC) $(OPT_CFLAGS) -c $< -o $@

$(BUILD)/san/tests/%: tests/native/%.c $(wildcard tests/native/*.h) $(SAN_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(NATIVE_CFLAGS) -Itests/native $< $(SAN_OBJ) -o $@ $(NATIVE_LIBS)

$(BUILD)/opt/tools/%: scripts/native/%.c $(OPT_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(OPT_CFLAGS) $< $(OPT_OBJ) -o $@ $(NATIVE_LIBS)

fixtures: $(BUILD)/fixtures/.ok

$(BUILD)/fixtures/.ok: $(wildcard tests/fixtures/*.sh tests/fixtures/*.py)
	@mkdir -p $(BUILD)/fixtures
	@for s in tests/fixtures/*.sh; do OUT=$(BUILD)/fixtures bash $$s || exit 1; done
	@touch $@

test: setup
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory wasm web native fixtures fuzz-build
	@bash scripts/run-tests.sh

# Format and lint rules are the tools' (biome.jsonc); `node_modules/.bin/biome check --write
# web scripts tests` applies them.
lint: lint-js lint-c

lint-js: setup
	node_modules/.bin/biome check web scripts tests

test-native: setup
	@$(MAKE) --no-print-directory native fixtures
	@bash scripts/run-tests.sh native

test-node: build fixtures
	@bash scripts/run-tests.sh node

test-browser: build fixtures
	@bash scripts/run-tests.sh browser

serve: build
	node scripts/serve.mjs $(DIST) $(PORT)

# A static site of dataset folders: make site DATA="maps/drums maps/voices" OUT=public
.PHONY: site
site: build
	@test -n "$(DATA)" -a -n "$(OUT)" || { echo 'usage: make site DATA="<dataset-dir>..." OUT=<dir>'; exit 2; }
	node $(DIST)/sonomap.mjs site $(DATA) --out $(OUT)

demo: build
	@node scripts/make-demo.mjs
	node scripts/serve.mjs $(DIST) $(PORT) --open-path "/?dataset=demo/"

bench: bench-nn bench-map bench-model bench-e2e bench-cli bench-decode bench-latency bench-view

bench-nn: build native
	node scripts/bench-nn.mjs

bench-map: build native
	node scripts/bench-map.mjs

# Maps of many rows: the full UMAP fit of 10^5 x 1024 against --fit-sample (10^4 fitted, the
# rest placed), and fit-sample at 10^6 x 1024 (scripts/bench-fit-sample.mjs). Not in `make
# bench`: about 15 minutes on a busy 2-core machine.
.PHONY: bench-fit-sample
bench-fit-sample: build
	node scripts/bench-fit-sample.mjs --million

# C formatting (.clang-format) of the engine, the native tests and tools, the C benchmarks.
CLANG_FORMAT ?= clang-format
LINT_C_SRC = $(shell find wasm tests/native scripts/native scripts/bench -name '*.[ch]' | sort)

lint-c:
	@$(CLANG_FORMAT) --dry-run --Werror $(LINT_C_SRC) && echo "lint-c: $(words $(LINT_C_SRC)) C files formatted"

# Labelled sets (rendered from Debian packages, seeded) and the feature / window table.
EVAL_SETS := $(BUILD)/eval-sets
$(EVAL_SETS)/.ok: scripts/eval/make-sets.py
	/usr/bin/python3 scripts/eval/make-sets.py $(EVAL_SETS)
	@touch $@

eval-features: $(BUILD)/opt/tools/feature-dump $(EVAL_SETS)/.ok
	rm -rf $(BUILD)/eval-features
	/usr/bin/python3 scripts/eval/features.py --sets $(EVAL_SETS) --work $(BUILD)/eval-features \
	  $(EVAL_MODELS)

clean:
	rm -rf $(BUILD)/san $(BUILD)/opt $(BUILD)/wasm $(BUILD)/fixtures $(DIST)

# --- sonomap-s: the shipped student model (scripts/model/, models/sonomap-s.md) ---
.PHONY: model bench-model
model:
	@$(MAKE) --no-print-directory $(BUILD)/opt/tools/yamnet-import $(BUILD)/opt/tools/yamnet-teacher
	@bash scripts/model/make.sh

bench-model: build
	node scripts/bench-model.mjs

# From the pointer to the sound: pointermove -> the voice's start() on the page, beside a bare
# page's (cold: first hover after load; warm: later hovers).
.PHONY: bench-latency
bench-latency: build fixtures
	node scripts/bench-latency.mjs

# Memory while the page analyses: a soak over 5,000 files, peaks for 10,000 files and a 1-hour
# recording (scripts/bench-memory.mjs).
.PHONY: bench-memory
bench-memory: build
	node scripts/bench-memory.mjs

# What a person pays: 1,000 real clips dropped on the page -> a map with the default model.
.PHONY: bench-e2e
bench-e2e: build
	node scripts/bench-e2e.mjs

# The CLI on 1,000 real clips, cold: analysis against the tail (layouts, grid, sprites, files),
# and the layouts one after another against side by side on the worker pool
# (scripts/bench-cli.mjs).
.PHONY: bench-cli
bench-cli: build
	node scripts/bench-cli.mjs

# Decoding in Chromium: decodeAudioData against the engine's decode + resample on the page's
# worker pool, and the whole map against decodeAudioData (scripts/bench-decode.mjs).
.PHONY: bench-decode
bench-decode: build
	node scripts/bench-decode.mjs

# Frame times of pan, zoom and hover on maps of 10k and 100k points in Chromium (cold and warm).
.PHONY: bench-view
bench-view: build
	node scripts/bench-view.mjs
# --- fuzzing (tests/fuzz/, README "Reliability"): libFuzzer targets built with clang under
# ASan + UBSan (clang's UBSan also checks float-to-int conversions), the JS parsers' seeded
# mutation loop, and the generated bad-input corpus.
#   make fuzz FUZZ_SECONDS=N   every target N seconds (default 60), one after the other
#   make fuzz-build            the libFuzzer binaries only (build/fuzz/bin/)
#   make bad-corpus            build/fixtures/bad/ and its expected outcomes
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN := -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined \
  -fno-omit-frame-pointer
FUZZ_CFLAGS := $(COMMON) $(NATIVE_DEFS) -O1 -g $(FUZZ_SAN)
FUZZ_OBJ := $(patsubst %.c,$(BUILD)/fuzz/%.o,$(ENGINE_SRC) $(KISS_SRC))
FUZZ_MODES := clip:0 whole:1 long:2 onset:3 blend:4
FUZZ_CODECS := wav aiff flac vorbis
FUZZ_BINS := $(foreach m,$(FUZZ_MODES),$(BUILD)/fuzz/bin/analyze-$(firstword $(subst :, ,$(m)))) \
  $(foreach c,$(FUZZ_CODECS),$(BUILD)/fuzz/bin/decode-$(c)) $(BUILD)/fuzz/bin/model

.PHONY: fuzz fuzz-build bad-corpus
fuzz-build: $(FUZZ_BINS)

$(BUILD)/fuzz/wasm/output/sprite.o: FUZZ_CFLAGS += -fno-sanitize=shift

$(BUILD)/fuzz/%.o: %.c $(ENGINE_HDR) | $(KISS)/.ok
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(BUILD)/fuzz/bin/analyze-%: tests/fuzz/fuzz_analyze.c $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer \
	  -DFUZZ_MODE=$(lastword $(subst :, ,$(filter $*:%,$(FUZZ_MODES)))) $< $(FUZZ_OBJ) -o $@ $(NATIVE_LIBS)

$(BUILD)/fuzz/bin/decode-%: tests/fuzz/fuzz_decode.c $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -DFUZZ_CODEC=dec_codec_$* $< $(FUZZ_OBJ) -o $@ $(NATIVE_LIBS)

$(BUILD)/fuzz/bin/model: tests/fuzz/fuzz_model.c $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_OBJ) -o $@ $(NATIVE_LIBS)

fuzz: setup
	@$(MAKE) --no-print-directory fuzz-build fixtures wasm
	@bash tests/fuzz/run.sh $(FUZZ_SECONDS)
