// engine.js — loads the standalone sonomap.wasm and wraps wasm/sonomap.h for JavaScript.
// The same module runs in a web worker, on the page and under Node: it only moves buffers in
// and out of the wasm memory and calls the C API; all the work is done in C.

const MODES = { clip: 0, whole: 1, long: 2 };
const PROJECTIONS = { pca: 0, umap: 1, tsne: 2 };
const PATCH = 96 * 64;
const FP = 32 * 32;
const NDESC = 6;
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
    fd_write: (fd, iov, iovcnt, pnum) => {
      const view = new DataView(memory.buffer);
      let total = 0;
      for (let i = 0; i < iovcnt; i++) {
        const ptr = view.getUint32(iov + i * 8, true), len = view.getUint32(iov + i * 8 + 4, true);
        stderr.push(new TextDecoder().decode(new Uint8Array(memory.buffer, ptr, len)));
        total += len;
      }
      view.setUint32(pnum, total, true);
      return 0;
    },
    proc_exit: (code) => { throw new Error(`sonomap.wasm exited with ${code}: ${stderr.join('')}`); },
  };
  for (const imp of WebAssembly.Module.imports(module)) {
    imports[imp.module] ??= {};
    if (imp.kind !== 'function') continue;
    imports[imp.module][imp.name] = known[imp.name] ??
      (() => { throw new Error(`sonomap.wasm called unexpected import ${imp.module}.${imp.name}`); });
  }
  return { imports, bind(m) { memory = m; } };
}

export class Engine {
  constructor(instance) {
    this.x = instance.exports;
    this.memory = this.x.memory;
    if (this.x._initialize) this.x._initialize();
    this.dec = new TextDecoder();
  }

  // ---- memory helpers ----
  alloc(bytes) {
    const p = this.x.malloc(Math.max(1, bytes));
    if (!p) throw new Error(`out of wasm memory allocating ${bytes} bytes`);
    return p;
  }
  free(p) { if (p) this.x.free(p); }
  copyIn(typed) {
    const p = this.alloc(typed.byteLength);
    new Uint8Array(this.memory.buffer, p, typed.byteLength)
      .set(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength));
    return p;
  }
  f32(p, n) { return new Float32Array(this.memory.buffer, p, n).slice(); }
  u8(p, n) { return new Uint8Array(this.memory.buffer, p, n).slice(); }
  u32At(p) { return new Uint32Array(this.memory.buffer, p, 1)[0]; }
  i32At(p) { return new Int32Array(this.memory.buffer, p, 1)[0]; }
  str(p, max = 1 << 16) {
    if (!p) return null;
    const mem = new Uint8Array(this.memory.buffer, p, Math.min(max, this.memory.buffer.byteLength - p));
    const end = mem.indexOf(0);
    return this.dec.decode(mem.subarray(0, end < 0 ? mem.length : end));
  }
  withScratch(bytes, fn) {
    const p = this.alloc(bytes);
    try { return fn(p); } finally { this.free(p); }
  }

  // ---- analysis ----
  /** Analyse an encoded file. Never throws for bad audio: returns {error}. */
  analyzeFile(bytes, { mode = 'clip' } = {}) {
    const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const p = this.copyIn(u8);
    try {
      return this.#collect(this.x.sm_analyze_file(p, u8.length, modeCode(mode)));
    } finally { this.free(p); }
  }

  /** Analyse PCM decoded elsewhere: channels is an array of Float32Array (planar). */
  analyzePcm(channels, rate, { mode = 'clip' } = {}) {
    const nch = channels.length, frames = nch ? channels[0].length : 0;
    const inter = new Float32Array(frames * nch);
    for (let c = 0; c < nch; c++) {
      const ch = channels[c];
      for (let i = 0; i < frames; i++) inter[i * nch + c] = ch[i];
    }
    const p = this.copyIn(inter);
    try {
      return this.#collect(this.x.sm_analyze_pcm(p, frames, nch, rate, modeCode(mode)));
    } finally { this.free(p); }
  }

  #collect(a) {
    if (!a) throw new Error('out of wasm memory during analysis');
    const x = this.x;
    try {
      const error = this.str(x.sm_analysis_error(a));
      const format = this.str(x.sm_analysis_format(a));
      if (error) return { error, format, needsBrowserDecode: /decoded by the browser/.test(error), segments: [] };
      const n = x.sm_analysis_segments(a);
      const segments = [];
      for (let i = 0; i < n; i++) {
        segments.push({
          start: x.sm_segment_start(a, i),
          length: x.sm_segment_length(a, i),
          logmel: this.f32(x.sm_segment_logmel(a, i), PATCH),
          fingerprint: this.f32(x.sm_segment_fingerprint(a, i), FP),
          descriptors: this.f32(x.sm_segment_descriptors(a, i), NDESC),
        });
      }
      const alen = Number(x.sm_analysis_audio_length(a));
      return {
        error: null, needsBrowserDecode: false, format,
        sourceRate: x.sm_analysis_source_rate(a),
        channels: x.sm_analysis_source_channels(a),
        duration: x.sm_analysis_duration(a),
        audio: this.f32(x.sm_analysis_audio(a), alen),
        segments,
      };
    } finally { x.sm_analysis_free(a); }
  }

  // ---- projection ----
  /** Start a map of n rows of d features. Returns a stepper; throws with the engine's reason. */
  createMap(X, n, d, { projection = 'umap', dims = 2, seed = 42 } = {}) {
    const code = PROJECTIONS[projection];
    if (code === undefined) throw new Error(`unknown projection '${projection}' (umap, tsne or pca)`);
    if (dims !== 2 && dims !== 3) throw new Error(`dims must be 2 or 3, not ${dims}`);
    const px = this.copyIn(X instanceof Float32Array ? X : Float32Array.from(X));
    const perr = this.alloc(ERRLEN);
    let m;
    try {
      new Uint8Array(this.memory.buffer, perr, 1)[0] = 0;
      m = this.x.sm_map_new(px, n, d, code, dims, seed >>> 0, perr, ERRLEN);
      if (!m) throw new Error(this.str(perr) || 'the map could not be made');
    } finally { this.free(px); this.free(perr); }
    const eng = this;
    const excluded = [];
    const k = this.x.sm_map_excluded_count(m);
    if (k > 0) excluded.push(...new Int32Array(this.memory.buffer, this.x.sm_map_excluded(m), k));
    return {
      excluded,
      totalSteps: this.x.sm_map_total_steps(m),
      /** Advance; returns the steps still to do. Throws with the engine's reason on failure. */
      step(work = 1) {
        const left = eng.x.sm_map_step(m, work);
        if (left < 0) throw new Error(eng.str(eng.x.sm_map_error(m)) || 'the map failed');
        return left;
      },
      /** n x dims, row i = input row i; NaN rows for the excluded ones. */
      layout() { return eng.f32(eng.x.sm_map_layout(m), n * dims); },
      free() { if (m) eng.x.sm_map_free(m); m = 0; },
    };
  }

  // ---- outputs ----
  /** RGBA tile (size x size) of a 96x64 log-mel patch, colour-mapped, low bands at the bottom. */
  logmelTile(logmel, size) {
    const pin = this.copyIn(logmel);
    const pout = this.alloc(size * size * 4);
    try {
      this.x.sm_logmel_tile(pin, 96, 64, size, size, pout);
      return new Uint8ClampedArray(this.u8(pout, size * size * 4).buffer);
    } finally { this.free(pin); this.free(pout); }
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
    } finally { this.free(pin); }
  }

  /** 16-bit mono WAV bytes of x at rate. */
  wavEncode(x, rate) {
    const pin = this.copyIn(x);
    try {
      return this.withScratch(4, (pl) => {
        const out = this.x.sm_wav_encode(pin, x.length, rate, pl);
        if (!out) throw new Error('WAV could not be encoded');
        const bytes = this.u8(out, this.u32At(pl));
        this.x.sm_free(out);
        return bytes;
      });
    } finally { this.free(pin); }
  }
}

function modeCode(mode) {
  const m = MODES[mode];
  if (m === undefined) throw new Error(`unknown mode '${mode}' (clip, whole or long)`);
  return m;
}
