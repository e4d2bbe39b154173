// analysis-worker.js — one wasm engine per worker. Jobs (see pool.js):
//   {type: 'file', file: File|Blob, path, opts}  analyse an encoded file (MP3, AAC/ADTS and
//        Opus decoded here with WebCodecs; other formats the engine does not read come back
//        with needsBrowserDecode for the page's decodeAudioData). result.decodedBy says which.
//   {type: 'files', files: [{file, path, label}], opts}  several files in one job (their patches
//        embedded in one batch) → result {results: [{ok, result | error, needsBrowserDecode}]}
//   {type: 'pcm', channels: Float32Array[], rate, path, opts}  analyse PCM the page decoded
//        opts: {mode, feature, clipSeconds, label, tile} (with a model, every segment also gets
//        its embedding and top tags; without one, feature 'embedding' falls back to
//        'fingerprint') → result {items, audio, tiles, tile,
//        format}: the file's map items (features.js fileItems, without their log-mel), its
//        stretch of audio for the spriteclip and one RGBA sprite tile per item
//   {type: 'audio', bytes: ArrayBuffer}          decode a dataset's spriteclip to 16 kHz mono
//   {type: 'wav', audio: Float32Array, rate}     encode a WAV (export)
//   {type: 'sprite', tiles, n, tile, quality}    encode a sprite sheet (export)
//   {type: 'decode', bytes: ArrayBuffer}         only decode + resample to 16 kHz (benchmark)
//        → {samples, duration, sourceRate, channels}
// Answers {id, ok: true, result} or {id, ok: false, error, needsBrowserDecode}.
import { loadEngine } from '../core/engine.js';
import { embedSegments, fileItems, needsModel, withoutModel } from '../core/features.js';
import { decodeWithWebCodecs } from './webcodecs.js';

let engine = null;
let model = null;
let modelBytes = null;

function summarize(path, r, opts, embedded = false) {
  if (!r.segments || r.segments.length === 0)
    throw new Error('no segments came out of the analysis');
  if (model && !embedded) embedSegments(model, r);
  const feature = model || !needsModel(opts.feature) ? opts.feature : withoutModel(opts.feature);
  const { items, audio } = fileItems(path, r, { ...opts, feature });
  const t = opts.tile;
  const tiles = new Uint8ClampedArray(items.length * t * t * 4);
  items.forEach((it, k) => {
    tiles.set(engine.logmelTile(it.logmel, t), k * t * t * 4);
    delete it.logmel;
  });
  for (const it of items) it.features = own(it.features);
  return { items, audio: own(audio), tiles, tile: t, format: r.format };
}
let wasmModule = null;

function transfers(result) {
  const t = new Set();
  for (const k of ['tiles', 'audio', 'bytes']) if (result[k]?.buffer) t.add(result[k].buffer);
  for (const it of result.items || []) if (it.features?.buffer) t.add(it.features.buffer);
  for (const r of result.results || []) if (r.ok) for (const b of transfers(r.result)) t.add(b);
  return [...t];
}

const own = (a) => (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice());

/** One encoded file → {r} (its analysis, decoded by the engine or by WebCodecs here) or
 *  {error, needsBrowserDecode}. */
async function analyzeFile(file, opts) {
  if (file.size === 0) return { error: 'the file is empty' };
  // Streamed straight into the engine's memory, so a long recording is held once.
  const r = await engine.analyzeInto(
    file.size,
    async (view) => {
      const reader = file.stream().getReader();
      for (let off = 0; ; ) {
        const { done, value } = await reader.read();
        if (done) break;
        if (off + value.length > view.length) throw new Error('the file grew while being read');
        view.set(value, off);
        off += value.length;
      }
    },
    { mode: opts.mode },
  );
  // r.decoder (sm_decoder_for): MPEG audio, AAC (ADTS) and Ogg Opus go to WebCodecs here in
  // the worker; what only the browser's own decoder reads (M4A, WebM, 5.1 Vorbis), or what
  // WebCodecs cannot take, goes back to the page for decodeAudioData.
  if (r.error && r.needsBrowserDecode && r.decoder === 'browser') {
    return { error: r.error, needsBrowserDecode: true };
  }
  if (r.error && r.needsBrowserDecode) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    let pcm = null;
    try {
      pcm = await decodeWithWebCodecs(bytes);
    } catch (err) {
      return { error: `${r.error}; ${err.message}`, needsBrowserDecode: true };
    }
    if (!pcm) return { error: r.error, needsBrowserDecode: true };
    const rp = engine.analyzePcm(pcm.channels, pcm.rate, { mode: opts.mode });
    if (rp.error) return { error: rp.error };
    rp.channels = pcm.sourceChannels;
    rp.decodedBy = pcm.decoder;
    return { r: rp };
  }
  if (r.error) return { error: r.error, needsBrowserDecode: r.needsBrowserDecode };
  r.decodedBy = 'engine';
  return { r };
}

async function handle(m) {
  switch (m.type) {
    case 'file': {
      const a = await analyzeFile(m.file, m.opts);
      if (a.error) return a;
      return { result: { ...summarize(m.path, a.r, m.opts), decodedBy: a.r.decodedBy } };
    }
    case 'files': {
      // A few files at once: with a model, the patches of all of them are embedded in one
      // batch, which keeps the network's GEMMs efficient. Each file still gets its own answer.
      const all = [];
      for (const f of m.files) {
        try {
          all.push(await analyzeFile(f.file, m.opts));
        } catch (err) {
          all.push({ error: String(err?.message || err) });
        }
      }
      const good = all.filter((a) => a.r?.segments?.length);
      if (model && good.length)
        embedSegments(model, { segments: good.flatMap((a) => a.r.segments) });
      const results = all.map((a, k) => {
        if (a.error)
          return { ok: false, error: a.error, needsBrowserDecode: !!a.needsBrowserDecode };
        try {
          const opts = { ...m.opts, label: m.files[k].label };
          return {
            ok: true,
            result: { ...summarize(m.files[k].path, a.r, opts, true), decodedBy: a.r.decodedBy },
          };
        } catch (err) {
          return { ok: false, error: String(err?.message || err) };
        }
      });
      return { result: { results } };
    }
    case 'pcm': {
      const r = engine.analyzePcm(m.channels, m.rate, { mode: m.opts.mode });
      if (r.error) return { error: r.error };
      return { result: { ...summarize(m.path, r, m.opts), decodedBy: 'page decodeAudioData' } };
    }
    case 'audio': {
      const r = engine.analyzeFile(new Uint8Array(m.bytes), { mode: 'clip' });
      if (r.error) return { error: r.error, needsBrowserDecode: r.needsBrowserDecode };
      return { result: { audio: r.audio } };
    }
    case 'wav':
      return { result: { bytes: engine.wavEncode(m.audio, m.rate) } };
    case 'decode': {
      const { error, samples, duration, sourceRate, channels } = engine.decodeFile(m.bytes);
      if (error) return { error };
      return { result: { samples, duration, sourceRate, channels } };
    }
    case 'sprite': {
      const { bytes, cols } = engine.spriteEncode(m.tiles, m.n, m.tile, m.quality);
      return { result: { bytes, cols } };
    }
    default:
      return { error: `unknown job ${m.type}` };
  }
}

self.onmessage = async (e) => {
  const m = e.data;
  if (m.type === 'init') {
    try {
      wasmModule = m.module;
      engine = await loadEngine(m.module);
      modelBytes = m.model ?? null;
      let modelError = null,
        modelInfo = null;
      if (modelBytes) {
        try {
          model = engine.loadModel(modelBytes);
          modelInfo = { kind: model.kind, embedding: model.size, classes: model.classes };
        } catch (err) {
          modelError = String(err?.message || err);
          model = null;
        }
      }
      self.postMessage({ type: 'ready', modelError, modelInfo });
    } catch (err) {
      self.postMessage({ type: 'init-error', error: String(err?.message || err) });
    }
    return;
  }
  // Test hook (tests/browser/saved.test.mjs): a file whose path contains "sonomap-test-crash"
  // makes this worker die the way a crash does (an error thrown outside any job, which the page
  // sees as the worker's 'error' event), so a test can check that the pool replaces the worker,
  // reports that file and maps the rest.
  const paths = m.type === 'file' ? [m.path] : m.type === 'files' ? m.files.map((f) => f.path) : [];
  if (paths.some((p) => p?.includes('sonomap-test-crash'))) {
    setTimeout(() => {
      throw new Error('the worker crashed (test hook)');
    });
    return;
  }
  let out;
  try {
    out = await handle(m);
  } catch (err) {
    out = { error: String(err?.message || err) };
    // A trap leaves the instance in an unknown state: start a fresh one for the next job.
    if (err instanceof WebAssembly.RuntimeError) {
      try {
        engine = await loadEngine(wasmModule);
        model = modelBytes && model ? engine.loadModel(modelBytes) : null;
      } catch {
        /* the pool replaces us on the next error */
      }
    }
  }
  if (out.error) {
    self.postMessage({
      id: m.id,
      ok: false,
      error: out.error,
      needsBrowserDecode: !!out.needsBrowserDecode,
    });
  } else {
    self.postMessage({ id: m.id, ok: true, result: out.result }, transfers(out.result));
  }
};

// For the memory benchmark (scripts/bench-memory.mjs): this worker's wasm memory in bytes (it
// only grows, so it is also the worker's peak).
globalThis.__sonomapMemory = () => ({ wasm: engine ? engine.memory.buffer.byteLength : 0 });
