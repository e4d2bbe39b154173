// engine.js — loads the standalone sonomap.wasm and wraps wasm/sonomap.h for JavaScript.
// The same module runs in a web worker, on the page and under Node: it only moves buffers in
// and out of the wasm memory and calls the C API; all the work is done in C.

import { needsBrowser, readAbi } from './abi.js';
import { NTIMBRE } from './features.js';
import { Model } from './model.js';

export { DECODERS, needsBrowser, readAbi } from './abi.js';
export { Model } from './model.js';

const ERRLEN = 512;

/** Compile (or take) the module and instantiate it. src: URL string, ArrayBuffer, Uint8Array
 *  or WebAssembly.Module. */
export async function loadEngine(src) {
  let module;
  if (src instanceof WebAssembly.Module) module = src;
  else if (typeof src === 'string' || src instanceof URL) {
    const res = await fetch(src);
    if (!res.ok) throw new Error(`could not load ${src}: HTTP ${res.status}`);
    module = await WebAssembly.compile(await res.arrayBuffer());
  } else module = await WebAssembly.compile(src);
  const env = importsFor(module);
  const instance = await WebAssembly.instantiate(module, env.imports);
  env.bind(instance.exports.memory);
  return new Engine(instance);
}

// A standalone module imports little: memory-growth notices and, if some code path prints,
// WASI fd_write. Anything else is a bug in the build, reported when called.
function importsFor(module) {
  const imports = {};
  let memory = null;
  const stderr = [];
  const known = {
    emscripten_notify_memory_growth: () => {},
    fd_write: (_fd, iov, iovcnt, pnum) => {
      const view = new DataView(memory.buffer);
      let total = 0;
      for (let i = 0; i < iovcnt; i++) {
        const ptr = view.getUint32(iov + i * 8, true),
          len = view.getUint32(iov + i * 8 + 4, true);
        stderr.push(new TextDecoder().decode(new Uint8Array(memory.buffer, ptr, len)));
        total += len;
      }
      view.setUint32(pnum, total, true);
      return 0;
    },
    proc_exit: (code) => {
      throw new Error(`sonomap.wasm exited with ${code}: ${stderr.join('')}`);
    },
  };
  for (const imp of WebAssembly.Module.imports(module)) {
    imports[imp.module] ??= {};
    if (imp.kind !== 'function') continue;
    imports[imp.module][imp.name] =
      known[imp.name] ??
      (() => {
        throw new Error(`sonomap.wasm called unexpected import ${imp.module}.${imp.name}`);
      });
  }
  return {
    imports,
    bind(m) {
      memory = m;
    },
  };
}

export class Engine {
  constructor(instance) {
    this.x = instance.exports;
    this.memory = this.x.memory;
    if (this.x._initialize) this.x._initialize();
    this.dec = new TextDecoder();
    this.abi = readAbi(this.x);
    if (this.abi.ntimbre !== NTIMBRE)
      throw new Error(`sonomap.wasm has ${this.abi.ntimbre} timbre values, features.js ${NTIMBRE}`);
  }

  /** Which decoder encoded bytes need: one of DECODERS (sm_decoder_for). */
  decoderFor(bytes) {
    const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const p = this.copyIn(u8);
    try {
      return this.#decoderAt(p, u8.length);
    } finally {
      this.free(p);
    }
  }

  #decoderAt(p, len) {
    return this.abi.decoders[this.x.sm_decoder_for(p, len)] ?? 'unknown';
  }

  // ---- memory helpers ----
  alloc(bytes) {
    const p = this.x.malloc(Math.max(1, bytes));
    if (!p) throw new Error(`out of wasm memory allocating ${bytes} bytes`);
    return p;
  }
  free(p) {
    if (p) this.x.free(p);
  }
  copyIn(typed) {
    const p = this.alloc(typed.byteLength);
    new Uint8Array(this.memory.buffer, p, typed.byteLength).set(
      new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength),
    );
    return p;
  }
  f32(p, n) {
    return new Float32Array(this.memory.buffer, p, n).slice();
  }
  u8(p, n) {
    return new Uint8Array(this.memory.buffer, p, n).slice();
  }
  u32At(p) {
    return new Uint32Array(this.memory.buffer, p, 1)[0];
  }
  i32At(p) {
    return new Int32Array(this.memory.buffer, p, 1)[0];
  }
  str(p, max = 1 << 16) {
    if (!p) return null;
    const mem = new Uint8Array(
      this.memory.buffer,
      p,
      Math.min(max, this.memory.buffer.byteLength - p),
    );
    const end = mem.indexOf(0);
    return this.dec.decode(mem.subarray(0, end < 0 ? mem.length : end));
  }
  withScratch(bytes, fn) {
    const p = this.alloc(bytes);
    try {
      return fn(p);
    } finally {
      this.free(p);
    }
  }

  // ---- analysis ----
  /** Analyse an encoded file. Never throws for bad audio: returns {error}. */
  analyzeFile(bytes, { mode = 'clip' } = {}) {
    const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const p = this.copyIn(u8);
    try {
      return this.#collect(this.x.sm_analyze_file(p, u8.length, this.#mode(mode)), p, u8.length);
    } finally {
      this.free(p);
    }
  }

  /** Only decode, down-mix and resample an encoded file to 16 kHz (no features), for
   *  benchmarks: {error, format, sourceRate, channels, duration, samples}. */
  decodeFile(bytes) {
    const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const p = this.copyIn(u8);
    const x = this.x;
    try {
      const a = x.sm_decode_file(p, u8.length);
      if (!a) throw new Error('out of wasm memory decoding');
      try {
        return {
          error: this.str(x.sm_analysis_error(a)),
          format: this.str(x.sm_analysis_format(a)),
          sourceRate: x.sm_analysis_source_rate(a),
          channels: x.sm_analysis_source_channels(a),
          duration: x.sm_analysis_duration(a),
          samples: Number(x.sm_analysis_audio_length(a)),
        };
      } finally {
        x.sm_analysis_free(a);
      }
    } finally {
      this.free(p);
    }
  }

  /** Analyse an encoded file of `size` bytes that `fill(view)` writes straight into the wasm
   *  memory (a Uint8Array of that size; it may be async), so a large file is held once, not
   *  twice. Returns what analyzeFile returns. */
  async analyzeInto(size, fill, { mode = 'clip' } = {}) {
    const p = this.alloc(size);
    try {
      await fill(new Uint8Array(this.memory.buffer, p, size));
      return this.#collect(this.x.sm_analyze_file(p, size, this.#mode(mode)), p, size);
    } finally {
      this.free(p);
    }
  }

  /** Analyse PCM decoded elsewhere: channels is an array of Float32Array (planar). */
  analyzePcm(channels, rate, { mode = 'clip' } = {}) {
    const nch = channels.length,
      frames = nch ? channels[0].length : 0;
    const inter = new Float32Array(frames * nch);
    for (let c = 0; c < nch; c++) {
      const ch = channels[c];
      for (let i = 0; i < frames; i++) inter[i * nch + c] = ch[i];
    }
    const p = this.copyIn(inter);
    try {
      return this.#collect(this.x.sm_analyze_pcm(p, frames, nch, rate, this.#mode(mode)));
    } finally {
      this.free(p);
    }
  }

  #mode(mode) {
    const m = this.abi.modes[mode];
    if (m === undefined)
      throw new Error(`unknown mode '${mode}' (${Object.keys(this.abi.modes).join(', ')})`);
    return m;
  }

  /** The analysis a as JS values; for a failed analysis of encoded bytes (at p, len bytes,
   *  still in memory) also which decoder they need: `decoder` (one of DECODERS) and
   *  `needsBrowserDecode` (a browser may decode them). */
  #collect(a, p = 0, len = 0) {
    if (!a) throw new Error('out of wasm memory during analysis');
    const x = this.x;
    const { patch, fpSize, ndesc, ntimbre } = this.abi;
    try {
      const error = this.str(x.sm_analysis_error(a));
      const format = this.str(x.sm_analysis_format(a));
      if (error) {
        const decoder = p ? this.#decoderAt(p, len) : 'engine';
        return { error, format, decoder, needsBrowserDecode: needsBrowser(decoder), segments: [] };
      }
      const n = x.sm_analysis_segments(a);
      const segments = [];
      for (let i = 0; i < n; i++) {
        const seg = {
          start: x.sm_segment_start(a, i),
          length: x.sm_segment_length(a, i),
          logmel: this.f32(x.sm_segment_logmel(a, i), patch),
          fingerprint: this.f32(x.sm_segment_fingerprint(a, i), fpSize),
          descriptors: this.f32(x.sm_segment_descriptors(a, i), ndesc),
          timbre: this.f32(x.sm_segment_timbre(a, i), ntimbre),
        };
        // Whole and blend mode: every patch the segment stands for, with its weight, so
        // embeddings are averaged like the fingerprint (sm_segment_patch_weight).
        const np = x.sm_segment_patches(a, i);
        if (np > 1) {
          seg.patches = new Float32Array(np * patch);
          seg.weights = new Float64Array(np);
          for (let q = 0; q < np; q++) {
            seg.patches.set(
              new Float32Array(this.memory.buffer, x.sm_segment_patch_logmel(a, i, q), patch),
              q * patch,
            );
            seg.weights[q] = x.sm_segment_patch_weight(a, i, q);
          }
        }
        segments.push(seg);
      }
      const alen = Number(x.sm_analysis_audio_length(a));
      return {
        error: null,
        decoder: 'engine',
        needsBrowserDecode: false,
        format,
        sourceRate: x.sm_analysis_source_rate(a),
        channels: x.sm_analysis_source_channels(a),
        duration: x.sm_analysis_duration(a),
        audio: this.f32(x.sm_analysis_audio(a), alen),
        segments,
      };
    } finally {
      x.sm_analysis_free(a);
    }
  }

  // ---- projection ----
  /** Start a map of n rows of d features. Options: projection ('umap'|'tsne'|'pca'), dims (2|3),
   *  seed, metric ('euclidean'|'cosine'), neighbors, minDist, spread, perplexity, iterations,
   *  pcaDims, knn ('auto'|'exact'|'approx'), clusters (k-means k, 0: none), spherical (bool).
   *  Returns a stepper; throws with the engine's reason. */
  createMap(X, n, d, opts = {}) {
    const { projection = 'umap', dims = 2 } = opts;
    if (this.abi.projections[projection] === undefined)
      throw new Error(`unknown projection '${projection}' (umap, tsne or pca)`);
    if (dims !== 2 && dims !== 3) throw new Error(`dims must be 2 or 3, not ${dims}`);
    const px = this.copyIn(X instanceof Float32Array ? X : Float32Array.from(X));
    const perr = this.alloc(ERRLEN);
    const popt = this.alloc(this.abi.mapOptionsSize);
    let m;
    try {
      this.#mapOptions(popt, opts);
      new Uint8Array(this.memory.buffer, perr, 1)[0] = 0;
      m = this.x.sm_map_new_with(px, n, d, popt, perr, ERRLEN);
      if (!m) throw new Error(this.str(perr) || 'the map could not be made');
    } finally {
      this.free(px);
      this.free(perr);
      this.free(popt);
    }
    const eng = this;
    const x = this.x;
    const excluded = [];
    const k = x.sm_map_excluded_count(m);
    if (k > 0) excluded.push(...new Int32Array(this.memory.buffer, x.sm_map_excluded(m), k));
    const check = (rc) => {
      if (rc < 0) throw new Error(eng.str(x.sm_map_error(m)) || 'the map failed');
      return rc;
    };
    return {
      excluded,
      totalSteps: x.sm_map_total_steps(m),
      /** Chunks of the setup (neighbour search, graph) before the first step. */
      prepareTotal: x.sm_map_prepare_total(m),
      /** One bounded chunk of the setup; returns the chunks still to do (0: ready). The layout
       *  is the PCA one until the projection starts. Throws with the engine's reason. */
      prepare() {
        return check(x.sm_map_prepare(m));
      },
      /** 'neighbours' | 'graph' | 'layout' | 'done' */
      stage() {
        return eng.str(x.sm_map_stage(m));
      },
      /** Advance (finishing the setup first); returns the steps still to do. Throws with the
       *  engine's reason on failure. */
      step(work = 1) {
        return check(x.sm_map_step(m, work));
      },
      /** n x dims, row i = input row i; NaN rows for the excluded ones. */
      layout() {
        return eng.f32(x.sm_map_layout(m), n * dims);
      },
      /** Places more rows (Float32Array, rows x d, as the map's rows) in the current layout
       *  without moving it → Float32Array(rows x dims), NaN for rows with NaN/Inf. first: the
       *  number of the block's first row among all rows placed (each row's seed: any blocks give
       *  the same places); epochs: refinement epochs (-1: the engine's 100, 0: none). */
      place(rowsX, rows, first = 0, epochs = -1) {
        if (rowsX.length !== rows * d)
          throw new Error(`place: ${rowsX.length} values for ${rows} rows of ${d}`);
        const px = eng.copyIn(rowsX);
        const po = eng.alloc(rows * dims * 4);
        try {
          check(x.sm_map_place(m, px, rows, d, first, epochs, po));
          return eng.f32(po, rows * dims);
        } finally {
          eng.free(px);
          eng.free(po);
        }
      },
      /** k-means (spherical: cosine) on the preprocessed rows → Int32Array(n), -1 for excluded. */
      cluster(kk, spherical = false) {
        check(x.sm_map_cluster(m, kk, spherical ? 1 : 0));
        return new Int32Array(eng.memory.buffer, x.sm_map_clusters(m), n).slice();
      },
      /** The clusters asked for with options.clusters, or null. */
      clusters() {
        const p = x.sm_map_clusters(m);
        return p ? new Int32Array(eng.memory.buffer, p, n).slice() : null;
      },
      /** Trustworthiness and continuity at k of the current layout (queries: rows sampled, 0 all). */
      quality(kk = 10, queries = 0) {
        return eng.withScratch(16, (p) => {
          if (x.sm_map_quality(m, kk, queries, p, p + 8) < 0)
            throw new Error('out of memory measuring the map');
          const f = new Float64Array(eng.memory.buffer, p, 2);
          return { trustworthiness: f[0], continuity: f[1], k: kk };
        });
      },
      /** 1-NN label accuracy in the layout; labels: Int32Array(n), < 0 unlabelled. NaN if too few. */
      labelAccuracy(labels, queries = 0) {
        const p = eng.copyIn(Int32Array.from(labels));
        try {
          return x.sm_map_label_accuracy(m, p, queries);
        } finally {
          eng.free(p);
        }
      },
      free() {
        if (m) x.sm_map_free(m);
        m = 0;
      },
    };
  }

  #mapOptions(p, o) {
    const abi = this.abi;
    this.x.sm_map_options_init(p);
    const view = new DataView(this.memory.buffer, p, abi.mapOptionsSize);
    const int = (off, v) => {
      if (v !== undefined && v !== null) view.setInt32(off, v | 0, true);
    };
    const float = (off, v) => {
      if (v !== undefined && v !== null) view.setFloat32(off, v, true);
    };
    const code = (table, v, what, names) => {
      const c = table[v];
      if (c === undefined) throw new Error(`unknown ${what} '${v}' (${names})`);
      return c;
    };
    int(abi.offProjection, abi.projections[o.projection ?? 'umap']);
    int(abi.offDims, o.dims ?? 2);
    if (o.seed !== undefined) view.setUint32(abi.offSeed, o.seed >>> 0, true);
    if (o.metric !== undefined)
      int(abi.offMetric, code(abi.metrics, o.metric, 'metric', 'euclidean or cosine'));
    int(abi.offNeighbors, o.neighbors);
    float(abi.offMinDist, o.minDist);
    float(abi.offSpread, o.spread);
    float(abi.offPerplexity, o.perplexity);
    int(abi.offIterations, o.iterations);
    int(abi.offPcaDims, o.pcaDims);
    if (o.knn !== undefined)
      int(abi.offKnn, code(abi.knn, o.knn, 'knn method', 'auto, exact or approx'));
    int(abi.offClusters, o.clusters);
    int(abi.offSpherical, o.spherical ? 1 : 0);
    if (o.standardize !== undefined) int(abi.offStandardize, o.standardize ? 1 : 0); // per-column z-scores [true]
  }

  /** Assign a 2-D cloud (xy: Float32Array n*stride) to the cells of a cols x rows grid → Int32Array(n)
   *  of cell = row * cols + col. */
  gridAssign(xy, n, cols, rows, stride = 2) {
    const pxy = this.copyIn(xy);
    const pcell = this.alloc(4 * n);
    const perr = this.alloc(ERRLEN);
    try {
      if (this.x.sm_grid_assign(pxy, n, stride, cols, rows, pcell, perr, ERRLEN) < 0)
        throw new Error(this.str(perr) || 'grid assignment failed');
      return new Int32Array(this.memory.buffer, pcell, n).slice();
    } finally {
      this.free(pxy);
      this.free(pcell);
      this.free(perr);
    }
  }

  // ---- model: YAMNet-style embeddings and class scores ----
  /** Load a .tflite (YAMNet classification) or SMNN model. Throws with the reason. */
  loadModel(bytes) {
    const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const p = this.copyIn(u8);
    const perr = this.alloc(ERRLEN);
    try {
      new Uint8Array(this.memory.buffer, perr, 1)[0] = 0;
      const h = this.x.sm_model_load(p, u8.length, perr, ERRLEN);
      if (!h) throw new Error(this.str(perr) || 'the model could not be loaded');
      return new Model(this, h);
    } finally {
      this.free(p);
      this.free(perr);
    }
  }

  // ---- outputs ----
  /** RGBA tile (size x size) of a 96x64 log-mel patch, colour-mapped, low bands at the bottom. */
  logmelTile(logmel, size) {
    const pin = this.copyIn(logmel);
    const pout = this.alloc(size * size * 4);
    try {
      this.x.sm_logmel_tile(pin, this.abi.patchFrames, this.abi.patchBands, size, size, pout);
      return new Uint8ClampedArray(this.u8(pout, size * size * 4).buffer);
    } finally {
      this.free(pin);
      this.free(pout);
    }
  }

  /** PNG (quality 0) or JPEG (1..100) sprite sheet of n square RGBA tiles. */
  spriteEncode(tilesRGBA, n, tile, quality = 0) {
    const pin = this.copyIn(tilesRGBA);
    try {
      return this.withScratch(8, (po) => {
        const out = this.x.sm_sprite_encode(pin, n, tile, quality, po, po + 4);
        if (!out) throw new Error('sprite sheet could not be encoded');
        const bytes = this.u8(out, this.u32At(po));
        const cols = this.i32At(po + 4);
        this.x.sm_free(out);
        return { bytes, cols };
      });
    } finally {
      this.free(pin);
    }
  }

  /** 16-bit mono WAV bytes of x at rate. */
  wavEncode(x, rate) {
    return this.#encodeAudio('sm_wav_encode', 'WAV', x, rate);
  }

  /** 16-bit mono FLAC bytes of x at rate (the same samples as wavEncode, losslessly smaller). */
  flacEncode(x, rate) {
    return this.#encodeAudio('sm_flac_encode', 'FLAC', x, rate);
  }

  #encodeAudio(fn, what, x, rate) {
    const pin = this.copyIn(x);
    try {
      return this.withScratch(4, (pl) => {
        const out = this.x[fn](pin, x.length, rate, pl);
        if (!out) throw new Error(`${what} could not be encoded`);
        const bytes = this.u8(out, this.u32At(pl));
        this.x.sm_free(out);
        return bytes;
      });
    } finally {
      this.free(pin);
    }
  }
}
