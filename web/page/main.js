// main.js — the page: takes files (drop, pickers) or a dataset folder (?dataset=<url>), runs the
// analysis in a worker pool and the projection in a worker, and shows the map you can hear.
//
// Debug handle for tests and the curious, read-only: window.sonomap
//   .status        the status line's text
//   .count         number of points on the map
//   .layout        copy of the positions drawn, Float32Array(count * 2) (the projection's
//                  layout stretched to the window and nudged apart: see spread.js)
//   .screenPoint(i) {x, y} of point i's centre in page (client) CSS px, or null
//   .items         [{file, label, tags: [{name, score}], duration (s), centroid (Hz)}] per point
//   .failures      [{file, reason}] files that could not be analysed
//   .lastPlayed    {index, file, start, duration, pan, loop} of the last sound started, or null
//   .rawLayout     the projection's own layout (n x dims), before it is fitted to the window
//   .jobSizes      files per analysis job of the current map (several when a model batches them)
//   .decodedBy     {decoder: files} for the current map: 'engine', 'webcodecs mp3', 'page decodeAudioData', ...
//   .audioState    the AudioContext's state ('none' before the first sound)
//   .plays         how many sounds have been started
//   .dims          2 or 3: the view shown; in 3-D .layout is Float32Array(count * 3) (the
//                  layout centred and stretched to [-1, 1] per axis) and screenPoint projects
//   .colorBy       'none' | 'label' | 'tag' | 'cluster' | 'distance'
//   .groups        per point the legend group it is coloured by (Int32Array, -1 none), or null
//   .legendNames   the legend's entries, in order
//   .clusters      {k, spherical, index: Int32Array} of the last k-means, or null
//   .clusterTable  counts[cluster][label] (last column: unlabelled) when both exist, or null
//   .distances     Float32Array cosine distance of every point to .distanceFrom, or null
//   .distanceFrom  index of the point the distances are from, or -1
//   .quality       {trustworthiness, continuity, k, queries, labelAccuracy, layout} of the
//                  layout shown (computed in the projection worker after mapping), or null
//   .grid          whether the map is snapped to a grid
//   .selection     indices of the box-selected points (shift-drag), [] when none
//   .busy          whether a map is being made
//   .lastMapMs     wall time of the last projection run (ms, from the request to its layout)
//   .drawStats     {draws, ms}: frames the map has drawn and the main thread's time in them
//   .mapFeatures(X, n, d, {projection, dims, labels, features}) maps feature rows made
//                  elsewhere (no audio, plain tiles) through the same projection worker; resolves
//                  {ms, status} when the layout is shown. For tests of large maps.
import { WorkerPool, poolSize } from '../workers/pool.js';
import { Projector } from '../workers/projection.js';
import { MapView, DIMMED, LOOPING, SELECTED, BOXED } from '../view/map-view.js';
import { Player } from './audio.js';
import { Progress } from './progress.js';
import { filesFromInput, pickFolder, wireDrop, pathLabels } from './files.js';
import { buildAtlas } from '../view/atlas.js';
import { labelColors, labelColor, groupColors, rampColor, Legend } from '../view/legend.js';
import { clusterLabelTable, clusterLabelChart } from '../view/charts.js';
import { joinSpriteclip, featureBlocks, DEFAULT_CLIP_SECONDS } from '../core/features.js';
import { parseDataset } from '../core/dataset.js';
import { decodeInPage } from './decode.js';
import { exportDataset } from './export.js';
import { spread } from '../view/spread.js';

const RATE = 16000;
const SEED = 42;
const $ = (id) => document.getElementById(id);
const ui = {
  status: $('status'), stage: $('stage'), canvas: $('map'), empty: $('empty'), tooltip: $('tooltip'),
  search: $('search'), searchCount: $('search-count'), projection: $('projection'), mode: $('mode'),
  fileInput: $('file-input'), folderInput: $('folder-input'), fit: $('fit'), exportBtn: $('export'),
  overlay: $('drop-overlay'), legend: $('legend'), failures: $('failures'), hint: $('sound-hint'),
  announce: $('announce'), bar: $('progress-bar'), dims: $('dims'), grid: $('grid'),
  colorBy: $('color-by'), clustersK: $('clusters-k'), kLabel: $('k-label'), colour: $('colour'),
  chart: $('chart'), quality: $('quality'),
};
const GRID_MAX = 20000;

const progress = new Progress(ui.status, ui.failures, ui.bar);
const player = new Player();
const legend = new Legend(ui.legend, () => updateStates());
// The legend's entries: ui.legend sits in the colour panel, whose select names what it shows.
let view = null;
try {
  view = new MapView(ui.canvas, { onHover, onClick, onBox, onInteract: () => hideTooltipIfMoved() });
} catch (e) {
  progress.message(`The map cannot be drawn: ${e.message}`);
}

// The side column (legend, failures) shows when either has something to say; the map then
// takes the rest of the width and re-lays itself out for its new shape.
const side = new MutationObserver(() => {
  const on = [ui.colour, ui.chart, ui.quality, ui.failures].some((e) => !e.hidden);
  if (document.body.classList.contains('has-side') !== on) document.body.classList.toggle('has-side', on);
});
for (const e of [ui.colour, ui.chart, ui.quality, ui.failures]) side.observe(e, { attributes: true, attributeFilter: ['hidden'] });
let relayout = 0;
const relayoutSoon = () => {
  clearTimeout(relayout);
  relayout = setTimeout(() => { if (app.rawLayout && !app.grid) showLayout(app.rawLayout, true, app.rawDims); }, 120);
};
window.addEventListener('resize', relayoutSoon);
new ResizeObserver(relayoutSoon).observe(ui.stage);

const app = {
  run: 0,            // bumps on every new map; stale async work checks it and stops
  pool: null,
  projector: null,
  wasm: null,
  entries: null,     // the files of the current map (re-analysed when the mode changes)
  model: null,       // the map model (dataset.js shape) plus X, d, atlas, paths, labelInfo
  shown: false,      // whether the view holds this model's points yet
  hover: -1,
  focus: -1,
  colorBy: 'none',
  coloring: null,    // {kind, index, colors, names, ...} the points are coloured by now
  clusters: null,    // {k, spherical, index}
  distances: null,   // {from, values}
  quality: null,
  grid: false,
  selection: [],
  keptRun: 0,        // the run whose map the projection worker keeps (for clusters)
  lastMapMs: NaN,
};

// ---------------------------------------------------------------- engine
function wasmModule() {
  if (!app.wasm) {
    const url = new URL('./sonomap.wasm', import.meta.url);
    app.wasm = (async () => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`sonomap.wasm: HTTP ${res.status}`);
      if (WebAssembly.compileStreaming && /application\/wasm/.test(res.headers.get('content-type') || '')) {
        return WebAssembly.compileStreaming(res);
      }
      return WebAssembly.compile(await res.arrayBuffer());
    })();
    app.wasm.catch(() => { app.wasm = null; });
  }
  return app.wasm;
}

function projector(module) {
  if (!app.projector) app.projector = new Projector(new URL('./projection-worker.js', import.meta.url), module);
  return app.projector;
}

// ---------------------------------------------------------------- analysing files
function reset() {
  app.run++;
  app.projector?.cancel();
  app.pool?.close();
  app.pool = null;
  app.model = null;
  app.decodedBy = {};
  app.shown = false;
  app.rawLayout = null;
  app.hover = -1;
  app.focus = -1;
  app.coloring = null;
  app.clusters = null;
  app.distances = null;
  app.quality = null;
  app.grid = false;
  app.selection = [];
  stopBoxPlay();
  player.clear();
  view?.clear();
  legend.show(null);
  ui.colour.hidden = true;
  ui.chart.hidden = true;
  ui.quality.hidden = true;
  setGridButton();
  hideTooltip();
  ui.exportBtn.disabled = true;
  for (const o of ui.projection.options) o.disabled = false;
  for (const o of ui.dims.options) o.disabled = false;
  ui.search.value = '';
  ui.searchCount.textContent = '';
  document.body.classList.remove('has-map');
  return app.run;
}

function reason(err) {
  const m = String(err?.message || err || 'unknown error');
  return m.length > 300 ? m.slice(0, 297) + '…' : m;
}

async function analyzeOne(pool, entry, opts) {
  try {
    return await pool.run({ type: 'file', file: entry.file, path: entry.path, opts });
  } catch (err) {
    if (!err.needsBrowserDecode) throw err;
    return analyzeDecoded(pool, entry, opts, err.message);
  }
}

/** A file neither the engine nor WebCodecs read: decoded here by the browser, analysed as PCM. */
async function analyzeDecoded(pool, entry, opts, why) {
  let pcm;
  try {
    pcm = await decodeInPage(entry.file);
  } catch (e) {
    throw new Error(`${why}; the browser could not decode it either (${e.message})`);
  }
  return pool.run({ type: 'pcm', channels: pcm.channels, rate: pcm.rate, path: entry.path, opts },
    pcm.channels.map((c) => c.buffer));
}

/** A dropped/picked model file: kept for this and later maps (every analysis worker loads it). */
async function takeModel(models) {
  const f = models[models.length - 1];
  try {
    app.modelFile = { name: f.path.split('/').pop(), bytes: new Uint8Array(await f.file.arrayBuffer()) };
  } catch (e) {
    app.modelFile = null;
    progress.message(`${f.path}: could not be read (${reason(e)})`);
  }
}

async function analyze(found) {
  let { entries, skipped, models } = await found;
  if (models?.length) {
    await takeModel(models);
    if (!entries.length && app.modelFile) {
      // Only a model: re-map the current sounds with it, or wait for sounds.
      if (app.entries?.length && app.model?.X) entries = app.entries;
      else {
        progress.message(`Model ${app.modelFile.name} is ready: drop sounds to map them by its embeddings`);
        return;
      }
    }
  }
  const run = reset();
  app.entries = entries;
  const mode = ui.mode.value;
  if (entries.length === 0) {
    progress.message(skipped ? `No audio files there (${skipped} other file${skipped === 1 ? '' : 's'} skipped)` :
      'No files there. Drop sound files or a folder of them.');
    showEmpty(true);
    return;
  }
  showEmpty(false);
  progress.startAnalysis(entries.length);
  let module;
  try {
    module = await wasmModule();
  } catch (e) {
    progress.message(`The analysis engine could not be loaded: ${reason(e)}`);
    return;
  }
  if (run !== app.run) return;
  const labels = pathLabels(entries.map((e) => e.path));
  const modelFile = app.modelFile;
  const opts = { mode, feature: modelFile ? 'embedding' : 'fingerprint', clipSeconds: DEFAULT_CLIP_SECONDS, tile: mode === 'long' ? 32 : 64 };
  const pool = new WorkerPool(new URL('./analysis-worker.js', import.meta.url), module, poolSize(entries.length),
    modelFile?.bytes ?? null);
  app.pool = pool;
  let features = 'fingerprint';
  if (modelFile) {
    // A model that does not load is reported, and the map is made from fingerprints instead.
    pool.modelStatus.then(({ error }) => {
      if (run !== app.run) return;
      if (error) {
        progress.fail(modelFile.name, `${error} — the map uses fingerprint features instead`);
        progress.note('model not used');
      } else {
        features = 'embedding';
        progress.note(`${modelFile.name} embeddings`);
      }
    });
  }
  projector(module);   // starts its worker while the files are analysed
  const parts = new Array(entries.length).fill(null);
  const settle = (i, part, err) => {
    if (run !== app.run) return;
    if (!err && !part.items.length) err = new Error('no sound came out of the analysis');
    if (err) {
      progress.fail(entries[i].path, reason(err));
      progress.fileDone(false);
      return;
    }
    parts[i] = part;
    app.decodedBy[part.decodedBy] = (app.decodedBy[part.decodedBy] ?? 0) + 1;
    progress.fileDone(true);
  };
  // With a model, whole clips go to the workers a few at a time so their patches are embedded
  // in one batch; otherwise (and in long mode, where one file is already many patches) singly.
  const batch = modelFile && mode !== 'long' ? Math.max(1, Math.min(8, Math.floor(entries.length / (2 * pool.size)))) : 1;
  const jobs = [];
  for (let i = 0; i < entries.length; i += batch) jobs.push(entries.slice(i, i + batch).map((e, k) => i + k));
  app.jobSizes = jobs.map((j) => j.length);
  await Promise.all(jobs.map(async (idx) => {
    if (idx.length === 1) {
      const i = idx[0];
      try { settle(i, await analyzeOne(pool, entries[i], { ...opts, label: labels[i] })); } catch (err) { settle(i, null, err); }
      return;
    }
    let results;
    try {
      ({ results } = await pool.run({ type: 'files', files: idx.map((i) => ({ file: entries[i].file, path: entries[i].path, label: labels[i] })), opts }));
    } catch (err) {
      for (const i of idx) settle(i, null, err);
      return;
    }
    await Promise.all(results.map(async (r, k) => {
      const i = idx[k];
      if (r.ok) return settle(i, r.result);
      if (!r.needsBrowserDecode) return settle(i, null, new Error(r.error));
      try { settle(i, await analyzeDecoded(pool, entries[i], { ...opts, label: labels[i] }, r.error)); } catch (err) { settle(i, null, err); }
    }));
  }));
  if (run !== app.run) return;
  pool.close();
  app.pool = null;
  const good = parts.filter(Boolean);
  if (good.length === 0) {
    progress.message(`No sounds could be analysed · ${progress.failures.length} failed`);
    showEmpty(true);
    return;
  }
  if (skipped) progress.note(`${skipped} non-audio file${skipped === 1 ? '' : 's'} skipped`);
  await (modelFile ? pool.modelStatus : null);
  const model = modelFromParts(good, mode, features);
  app.model = model;
  player.setAudio(model.audio.buffer, RATE);
  ui.exportBtn.disabled = false;
  await projectModel(ui.projection.value);
}

function modelFromParts(parts, mode, features) {
  const audio = joinSpriteclip(parts, RATE);
  const items = [];
  const tiles = [];
  const paths = [];
  const tile = parts[0].tile;
  const tileBytes = tile * tile * 4;
  for (const p of parts) {
    const path = [];
    p.items.forEach((it, k) => {
      path.push(items.length);
      items.push(it);
      tiles.push(p.tiles.subarray(k * tileBytes, (k + 1) * tileBytes));
    });
    if (mode === 'long' && path.length > 1) paths.push(path);
  }
  const d = items[0].features.length;
  const X = new Float32Array(items.length * d);
  items.forEach((it, i) => { X.set(it.features, i * d); delete it.features; });
  const atlas = buildAtlas(tiles, tile);
  const dirName = (app.entries[0]?.path.split('/')[0]) || 'sounds';
  return {
    name: app.entries.length > 1 && app.entries.every((e) => e.path.startsWith(dirName + '/')) ? dirName : 'sounds',
    generator: 'sonomap page', mode, features, seed: SEED,
    model: features === 'embedding' ? { file: app.modelFile?.name } : null,
    items, layouts: {}, mainLayout: null,
    sprite: { canvas: atlas.canvas, tile: atlas.tile, cols: atlas.cols, count: items.length, file: 'sprite.png' },
    audio: { buffer: audio, rate: RATE, samples: audio.length, file: 'audio.wav' },
    failed: progress.failures.slice(),
    X, d, paths, unit: mode === 'long' ? 'moment' : 'sound',
    labelInfo: labelColors(items.map((it) => it.label || '')),
  };
}

/** Labels as the engine takes them (Int32Array, -1 unlabelled), or null. */
function labelCodes(m) {
  return m.labelInfo ? Int32Array.from(m.labelInfo.index) : null;
}

async function projectModel(kind, dims = Number(ui.dims.value) || 2) {
  const m = app.model;
  const run = app.run;
  if (!m) return;
  setGrid(false, { animate: false });
  const key = `${kind}-${dims}d`;
  if (m.layouts[key]) {
    m.mainLayout = key;
    showLayout(m.layouts[key], true, dims);
    showQuality(m.qualities?.[key] ?? (m.loadedQuality?.layout === key ? m.loadedQuality : null));
    progress.mapped(m.items.length, m.unit, m.loadedFrom ? `loaded from ${m.loadedFrom}` : '');
    return;
  }
  if (!m.X) {
    const other = m.layouts[`${kind}-${5 - dims}d`];
    if (other && dims === 2) { showLayout(xy(other, m.items.length), true, 2); return; }
    progress.message(`This map has no ${kind.toUpperCase()} ${dims}-D layout`);
    return;
  }
  const n = m.items.length;
  progress.busy(true);
  progress.mapping(n, m.unit, 0, 0, kind);
  showQuality(null);
  let module;
  try {
    module = await wasmModule();
  } catch (e) {
    progress.message(`The projection engine could not be loaded: ${reason(e)}`);
    return;
  }
  const t0 = performance.now();
  let name = key;
  app.mapping = true;
  try {
    const res = await projector(module).run(
      { X: m.X, n, d: m.d, blocks: featureBlocks(m.d, m.features), projection: kind, dims, seed: SEED, labels: labelCodes(m) },
      (layout, done, total, stage) => {
        if (run !== app.run) return;
        if (layout) showLayout(layout, false, dims);
        progress.mapping(n, m.unit, done, total, kind, stage);
      },
      (quality) => {
        if (run !== app.run) return;
        m.qualities ??= {};
        m.qualities[name] = { ...quality, layout: name };
        if (m.mainLayout === name) showQuality(m.qualities[name]);
      });
    if (run !== app.run) return;
    app.lastMapMs = performance.now() - t0;
    app.keptRun = run;
    name = res.projection === 'none' ? key : `${res.projection}-${dims}d`;
    m.layouts[name] = res.layout;
    m.mainLayout = name;
    m.projection = res.projection === 'none' ? kind : res.projection;
    showLayout(res.layout, true, dims);
    const unmapped = res.excluded?.length ? `${res.excluded.length} not mapped` : '';
    progress.mapped(n - (res.excluded?.length || 0), m.unit, [unmapped, res.note].filter(Boolean).join(' · '));
    if (app.colorBy === 'cluster' && !app.clusters) applyColoring();
  } catch (e) {
    if (e.cancelled || run !== app.run) return;
    progress.message(`The sounds could not be mapped: ${reason(e)}`);
  } finally {
    if (run === app.run) { app.mapping = false; setGridButton(); }
  }
}

function xy(layout3, n) {
  const out = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) { out[2 * i] = layout3[3 * i]; out[2 * i + 1] = layout3[3 * i + 1]; }
  return out;
}

/** A 3-D layout centred and stretched to [-1, 1] on each axis (NaN rows stay NaN). */
function normalize3(src, n) {
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) {
    const v = src[3 * i + k];
    if (Number.isFinite(v)) { if (v < lo[k]) lo[k] = v; if (v > hi[k]) hi[k] = v; }
  }
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) {
    const v = src[3 * i + k];
    const span = hi[k] - lo[k];
    out[3 * i + k] = !Number.isFinite(v) ? NaN : span > 0 ? ((v - lo[k]) / span) * 2 - 1 : 0;
  }
  return out;
}

// ---------------------------------------------------------------- showing a model
// Large maps settle through fewer pictures: a layout is drawn at most every PROGRESS_MS while
// the worker is still at it (drawing 100,000 tiles is the main thread's heaviest job).
const PROGRESS_MS = 400;
let progressTimer = 0, progressLast = 0, progressPending = null;

function showLayout(layout, final, dims = 2) {
  const m = app.model;
  if (!m || !view) return;
  const n = m.items.length;
  clearTimeout(progressTimer);
  progressTimer = 0;
  if (!final && n > 5000 && app.shown) {
    const wait = progressLast + PROGRESS_MS - performance.now();
    if (wait > 0) {
      progressPending = [layout, dims];
      progressTimer = setTimeout(() => { progressTimer = 0; if (progressPending && app.model === m) showLayout(...progressPending.slice(0, 1), false, progressPending[1]); }, wait);
      return;
    }
  }
  progressPending = null;
  progressLast = performance.now();
  app.rawLayout = layout;
  app.rawDims = dims;
  let positions;
  if (dims === 3) positions = normalize3(layout, n);
  else {
    const aspect = Math.max(0.5, Math.min(3, (view.width - 48) / Math.max(1, view.height - view.insetTop - view.insetBottom)));
    // while the map settles, large maps are only stretched (parting tiles is for the final one)
    positions = spread(layout, n, aspect, final || n <= 5000 ? {} : { maxIter: 0 });
  }
  if (ui.dims.value !== String(dims)) ui.dims.value = String(dims);
  if (!app.shown) {
    const source = m.sprite.canvas || m.sprite.image;
    view.setPoints({
      positions, dims, atlas: { source, tile: m.sprite.tile, cols: m.sprite.cols },
      tileIndex: m.sprite.tileIndex || null, colors: null, paths: m.paths,
    });
    app.shown = true;
    ui.colour.hidden = false;
    fillColorChoices();
    document.body.classList.add('has-map');
    applyColoring();
  } else view.setPositions(positions, { dims, settle: final, jump: n > 5000 });
  app.layout = positions;
  app.dims = dims;
  app.selection = [];
  setGridButton();
  if (final) ui.canvas.setAttribute('aria-label', `Map of ${m.items.length} ${m.unit}s${dims === 3 ? ' in 3-D (drag to turn it)' : ''}. ` +
    'Arrow keys move between them, Enter loops one, Escape stops every loop, + and − zoom, 0 fits; shift-drag selects a box of them.');
}

// ---------------------------------------------------------------- colour
/** Which colourings this map offers; picks the first sensible one for a new map. */
function fillColorChoices() {
  const m = app.model;
  const has = {
    none: true,
    label: !!m.labelInfo,
    tag: m.items.some((it) => it.tags?.length),
    cluster: !!m.X || m.items.some((it) => it.cluster >= 0),
    distance: !!m.X,
  };
  for (const o of ui.colorBy.options) o.disabled = !has[o.value];
  const k = m.labelInfo ? m.labelInfo.names.length : Math.round(Math.sqrt(m.items.length / 2));
  ui.clustersK.value = String(Math.max(2, Math.min(m.labelInfo ? 64 : 16, k)));
  app.colorBy = has.label ? 'label' : 'none';
  ui.colorBy.value = app.colorBy;
}

const tagName = (t) => (typeof t === 'string' ? t : t?.name) || '';

async function applyColoring() {
  const m = app.model;
  if (!m || !app.shown || !view) return;
  const run = app.run;
  const kind = app.colorBy;
  ui.kLabel.hidden = kind !== 'cluster';
  let info = null, title = '';
  if (kind === 'label') info = m.labelInfo;
  else if (kind === 'tag') info = groupColors(m.items.map((it) => tagName(it.tags?.[0])), { max: 12 });
  else if (kind === 'cluster') {
    const k = Math.max(2, Math.min(m.items.length, Number(ui.clustersK.value) || 8));
    if (!app.clusters || app.clusters.k !== k) {
      if (m.X && app.keptRun === run && !app.mapping) {
        try {
          const spherical = m.features === 'embedding';
          const res = await projector(await wasmModule()).cluster(k, spherical);
          if (run !== app.run || app.colorBy !== 'cluster') return;
          app.clusters = { k, spherical, index: res.clusters };
          res.clusters.forEach((c, i) => { m.items[i].cluster = c; });
        } catch (e) {
          if (run !== app.run) return;
          progress.message(`Clusters could not be made: ${reason(e)}`);
          return;
        }
      } else if (!m.X && m.items.some((it) => it.cluster >= 0)) {
        const index = Int32Array.from(m.items, (it) => (it.cluster >= 0 ? it.cluster : -1));
        app.clusters = { k: Math.max(...index) + 1, spherical: false, index, stored: true };
      } else {
        legend.show(null);
        return;   // asked again when the map is done
      }
    }
    const c = app.clusters;
    const colors = new Uint8Array(c.index.length * 4);
    const counts = new Array(c.k).fill(0);
    c.index.forEach((v, i) => { if (v >= 0) { counts[v]++; colors.set([...labelColor(v), 255], i * 4); } });
    info = { names: counts.map((_, v) => `cluster ${v + 1}`), index: c.index, colors, counts };
  } else if (kind === 'distance') {
    info = distanceColoring();
  }
  app.coloring = info ? { kind, ...info } : null;
  view.setColors(info?.colors ?? null);
  legend.show(info, { title });
  showClusterChart();
  updateStates();
}

/** Cosine distance in feature space from the selected point, as a colour ramp. */
function distanceColoring() {
  const m = app.model;
  const from = app.distances?.from ?? -1;
  if (from < 0 || !m.X) return { ramp: { from: null }, colors: null, index: null };
  const vals = app.distances.values;
  let near = Infinity, far = -Infinity;
  for (let i = 0; i < vals.length; i++) if (i !== from && Number.isFinite(vals[i])) { near = Math.min(near, vals[i]); far = Math.max(far, vals[i]); }
  if (!(far > near)) { near = 0; far = 1; }
  const colors = new Uint8Array(vals.length * 4);
  for (let i = 0; i < vals.length; i++) {
    if (!Number.isFinite(vals[i])) continue;
    const c = i === from ? [255, 255, 255] : rampColor((vals[i] - near) / (far - near));
    colors.set([...c, 255], i * 4);
  }
  return { ramp: { from: baseName(m.items[from].file), near, far }, colors, index: null };
}

function cosineDistances(X, n, d, from) {
  const out = new Float32Array(n);
  const o = from * d;
  let na = 0;
  for (let j = 0; j < d; j++) na += X[o + j] * X[o + j];
  na = Math.sqrt(na);
  for (let i = 0; i < n; i++) {
    const r = i * d;
    let dot = 0, nb = 0;
    for (let j = 0; j < d; j++) { const v = X[r + j]; dot += v * X[o + j]; nb += v * v; }
    const den = na * Math.sqrt(nb);
    out[i] = den > 0 ? 1 - dot / den : (i === from ? 0 : 1);
  }
  return out;
}

function setDistanceFrom(i) {
  const m = app.model;
  if (!m?.X || i < 0) return;
  app.distances = { from: i, values: cosineDistances(m.X, m.items.length, m.d, i) };
  if (app.colorBy === 'distance') applyColoring();
}

function showClusterChart() {
  const m = app.model;
  const c = app.clusters;
  if (!m || !c || !m.labelInfo || app.colorBy !== 'cluster') { ui.chart.hidden = true; return; }
  const table = clusterLabelTable(c.index, c.k, m.labelInfo.index, m.labelInfo.names.length);
  app.clusterTable = table;
  clusterLabelChart(ui.chart, table, {
    labelNames: m.labelInfo.names, labelColor, clusterColor: labelColor,
    onCluster: (k) => legend.toggle(k),
  });
}

// ---------------------------------------------------------------- quality
function showQuality(q) {
  app.quality = q;
  if (!q) { ui.quality.hidden = true; return; }
  ui.quality.replaceChildren();
  const h = document.createElement('h2');
  h.textContent = 'Map quality';
  const dl = document.createElement('dl');
  const row = (name, value, help) => {
    const dt = document.createElement('dt');
    dt.textContent = name;
    dt.title = help;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  };
  row('Trustworthiness', q.trustworthiness.toFixed(3), `Are a point's ${q.k} nearest neighbours on the map also near it in feature space? (1 is best)`);
  row('Continuity', q.continuity.toFixed(3), `Are a point's ${q.k} nearest neighbours in feature space also near it on the map? (1 is best)`);
  if (Number.isFinite(q.labelAccuracy)) row('1-NN label accuracy', `${(100 * q.labelAccuracy).toFixed(1)} %`, 'How often the nearest point on the map has the same label');
  const note = document.createElement('p');
  note.className = 'quality-note';
  note.textContent = `k = ${q.k}${q.queries && q.queries < (app.model?.items.length ?? 0) ? ` · ${q.queries.toLocaleString('en')} sampled points` : ''}`;
  ui.quality.append(h, dl, note);
  ui.quality.hidden = false;
}

// ---------------------------------------------------------------- grid
function setGridButton() {
  const m = app.model;
  if (!app.grid) view?.setSizeBoost(1);
  const ok = !!m && app.shown && app.dims === 2 && !app.mapping && m.items.length <= GRID_MAX && m.items.length >= 2;
  ui.grid.disabled = !ok;
  ui.grid.title = m && m.items.length > GRID_MAX ? `The grid is for maps of up to ${GRID_MAX.toLocaleString('en')} points`
    : 'Snap the map to a square grid (2-D)';
  ui.grid.setAttribute('aria-pressed', String(app.grid));
}

async function setGrid(on, { animate = true } = {}) {
  const m = app.model;
  if (!on) {
    if (!app.grid) return;
    app.grid = false;
    setGridButton();
    view?.setSizeBoost(1);
    if (m && app.rawLayout && app.rawDims === 2 && view) {
      const aspect = Math.max(0.5, Math.min(3, (view.width - 48) / Math.max(1, view.height - view.insetTop - view.insetBottom)));
      const pos = spread(app.rawLayout, m.items.length, aspect);
      view.setPositions(pos, { dims: 2, animate: animate ? 600 : 0 });
      app.layout = pos;
    }
    return;
  }
  if (!m || app.dims !== 2 || !app.rawLayout || m.items.length > GRID_MAX) return;
  const run = app.run;
  const n = m.items.length;
  const rows0 = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(app.rawLayout[2 * i]) && Number.isFinite(app.rawLayout[2 * i + 1])) rows0.push(i);
  const k = rows0.length;
  if (k < 2) return;
  const aspect = Math.max(0.5, Math.min(3, (view.width - 48) / Math.max(1, view.height - view.insetTop - view.insetBottom)));
  const cols = Math.max(1, Math.ceil(Math.sqrt(k * aspect)));
  const rows = Math.ceil(k / cols);
  const xyIn = new Float32Array(k * 2);
  rows0.forEach((i, r) => { xyIn[2 * r] = app.rawLayout[2 * i]; xyIn[2 * r + 1] = app.rawLayout[2 * i + 1]; });
  ui.grid.disabled = true;
  try {
    const { cells } = await projector(await wasmModule()).grid(xyIn, k, cols, rows);
    if (run !== app.run || app.dims !== 2) return;
    const pos = new Float32Array(n * 2).fill(NaN);
    const step = 2 / Math.max(rows, cols / aspect);
    rows0.forEach((i, r) => {
      const c = cells[r];
      pos[2 * i] = ((c % cols) - (cols - 1) / 2) * step;
      pos[2 * i + 1] = (Math.floor(c / cols) - (rows - 1) / 2) * step;
    });
    app.grid = true;
    // tiles fill most of their cells
    const cellPx = Math.min((view.width - 48) / cols, (view.height - view.insetTop - view.insetBottom) / rows);
    view.setSizeBoost(Math.max(1, (0.8 * cellPx) / (view.baseSize() / view.sizeBoost)));
    view.setPositions(pos, { dims: 2, animate: 600 });
    app.layout = pos;
  } catch (e) {
    if (run === app.run) progress.message(`The grid could not be made: ${reason(e)}`);
  } finally {
    if (run === app.run) setGridButton();
  }
}

// ---------------------------------------------------------------- box selection
let boxTimer = 0;
function stopBoxPlay() { clearTimeout(boxTimer); boxTimer = 0; }

/** Shift-drag: the points in the box are highlighted and a few of them, picked at random,
 *  play one after another (as scatter-sounds does). */
function onBox(indices) {
  const m = app.model;
  if (!m) return;
  stopBoxPlay();
  app.selection = indices.filter((i) => !isDimmed(i));
  updateStates();
  const count = app.selection.length;
  ui.announce.textContent = count ? `${count} ${m.unit}${count === 1 ? '' : 's'} selected` : 'Nothing selected';
  ui.searchCount.textContent = count ? `${count} selected` : '';
  const pool = app.selection.slice();
  const picks = [];
  while (pool.length && picks.length < 6) picks.push(pool.splice(Math.floor(Math.random() * pool.length), 1)[0]);
  const next = () => {
    const i = picks.shift();
    if (i === undefined || app.model !== m) { boxTimer = 0; return; }
    playPoint(i);
    const dur = m.items[i].clipDuration || 0.4;
    boxTimer = setTimeout(next, 1000 * Math.min(0.7, Math.max(0.15, dur)) + 60);
  };
  next();
}

function matches(item, q) {
  return item.file.toLowerCase().includes(q) || (item.label || '').toLowerCase().includes(q) ||
    (item.tags || []).some((t) => String(t?.name ?? t).toLowerCase().includes(q));
}

function updateStates() {
  const m = app.model;
  if (!m || !app.shown || !view) return;
  const q = ui.search.value.trim().toLowerCase();
  const active = legend.active;
  const groups = app.coloring?.index;
  const states = new Uint8Array(m.items.length);
  let shown = 0;
  m.items.forEach((it, i) => {
    let s = 0;
    const dim = (q && !matches(it, q)) || (active !== null && groups && groups[i] !== active);
    if (dim) s |= DIMMED; else shown++;
    if (player.isLooping(i)) s |= LOOPING;
    if (i === app.focus) s |= SELECTED;
    states[i] = s;
  });
  for (const i of app.selection) states[i] |= BOXED;
  view.setStates(states);
  ui.searchCount.textContent = q || active !== null ? `${shown} of ${m.items.length}` : '';
}

function isDimmed(i) { return view && (view.states[i] & DIMMED) !== 0; }

// ---------------------------------------------------------------- listening
function panOf(i) {
  const p = view.screenOf(i);
  return p ? Math.max(-1, Math.min(1, (p.x / view.width) * 2 - 1)) * 0.8 : 0;
}

function playPoint(i) {
  const it = app.model?.items[i];
  if (!it) return;
  const ok = player.play(i, it.clipStart, it.clipDuration, panOf(i));
  if (!ok && player.state !== 'running') ui.hint.hidden = false;
}

function onHover(i, e) {
  if (!app.model) return;
  if (i === app.hover) { if (i >= 0) placeTooltip(i); return; }
  app.hover = i;
  if (i < 0) { hideTooltip(); return; }
  showTooltip(i);
  if (!isDimmed(i)) playPoint(i);
}

function onClick(i) {
  ui.canvas.focus({ preventScroll: true });
  if (app.selection.length) { app.selection = []; stopBoxPlay(); updateStates(); }
  if (i < 0 || !app.model) return;
  app.focus = i;
  setDistanceFrom(i);
  toggleLoop(i);
}

function toggleLoop(i) {
  const it = app.model.items[i];
  const on = player.toggleLoop(i, it.clipStart, it.clipDuration, panOf(i));
  updateStates();
  showTooltip(i);
  ui.announce.textContent = `${baseName(it.file)} ${on ? 'loops' : 'stopped'}`;
}

// The AudioContext may only start after a gesture: the first press anywhere resumes it.
function unlockAudio() {
  player.resume().then(() => { if (player.state === 'running') ui.hint.hidden = true; });
}
window.addEventListener('pointerdown', unlockAudio, { capture: true });
window.addEventListener('keydown', unlockAudio, { capture: true });

// ---------------------------------------------------------------- tooltip
const baseName = (p) => p.split('/').pop();
const dirName = (p) => p.split('/').slice(0, -1).join('/');
const fmtTime = (s) => (s >= 60 ? `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}` : `${s.toFixed(s < 10 ? 2 : 1)} s`);

function showTooltip(i) {
  const m = app.model;
  const it = m.items[i];
  const t = ui.tooltip;
  t.replaceChildren();
  const name = document.createElement('div');
  name.className = 'tt-name';
  name.textContent = baseName(it.file);
  t.append(name);
  const dir = dirName(it.file);
  if (dir) {
    const d = document.createElement('div');
    d.className = 'tt-dir';
    d.textContent = dir;
    t.append(d);
  }
  const meta = document.createElement('div');
  meta.className = 'tt-meta';
  if (it.label) {
    const chip = document.createElement('span');
    chip.className = 'tt-label';
    const k = m.labelInfo ? m.labelInfo.index[i] : -1;
    if (k >= 0) chip.style.setProperty('--c', `rgb(${labelColor(k).join(',')})`);
    chip.textContent = it.label;
    meta.append(chip);
  }
  const time = document.createElement('span');
  time.textContent = m.mode === 'long' ? `at ${fmtTime(it.start)}` : fmtTime(it.clipDuration);
  meta.append(time);
  if (player.isLooping(i)) {
    const l = document.createElement('span');
    l.className = 'tt-loop';
    l.textContent = 'looping';
    meta.append(l);
  }
  t.append(meta);
  const tags = (it.tags || []).map((x) => (typeof x === 'string' ? x : x?.name)).filter(Boolean);
  if (tags.length) {
    const tg = document.createElement('div');
    tg.className = 'tt-tags';
    tg.textContent = tags.slice(0, 5).join(' · ');
    t.append(tg);
  }
  t.hidden = false;
  placeTooltip(i);
}

function placeTooltip(i) {
  const p = view.screenOf(i);
  if (!p) return hideTooltip();
  const t = ui.tooltip;
  const r = ui.canvas.getBoundingClientRect();
  const off = view.pointSize() * 0.9 + 8;
  let x = r.left + p.x + off, y = r.top + p.y - 12;
  const w = t.offsetWidth, h = t.offsetHeight;
  if (x + w > window.innerWidth - 8) x = r.left + p.x - off - w;
  y = Math.max(8, Math.min(window.innerHeight - h - 8, y));
  t.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
}

function hideTooltip() { ui.tooltip.hidden = true; }
function hideTooltipIfMoved() { if (app.hover >= 0) placeTooltip(app.hover); }

// ---------------------------------------------------------------- keyboard on the map
ui.canvas.addEventListener('keydown', (e) => {
  const m = app.model;
  if (!m || !view) return;
  const dirs = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  if (dirs[e.key]) {
    e.preventDefault();
    const next = app.focus < 0 ? view.first() : view.neighbour(app.focus, ...dirs[e.key]);
    if (next < 0) return;
    app.focus = next;
    app.hover = next;
    view.setHover(next);
    updateStates();
    showTooltip(next);
    playPoint(next);
    const it = m.items[next];
    ui.announce.textContent = `${baseName(it.file)}${it.label ? `, ${it.label}` : ''}`;
  } else if ((e.key === 'Enter' || e.key === ' ') && app.focus >= 0) {
    e.preventDefault();
    toggleLoop(app.focus);
  } else if (e.key === 'Escape') {
    player.stopAll();
    stopBoxPlay();
    app.selection = [];
    updateStates();
    ui.announce.textContent = 'All sounds stopped';
  } else if (e.key === '+' || e.key === '=') {
    view.zoomAt(view.width / 2, view.height / 2, 1.25);
  } else if (e.key === '-' || e.key === '_') {
    view.zoomAt(view.width / 2, view.height / 2, 0.8);
  } else if (e.key === '0') {
    view.fit();
  } else return;
  if (app.hover >= 0) placeTooltip(app.hover);
});
ui.canvas.addEventListener('blur', () => { if (app.focus >= 0) { app.focus = -1; updateStates(); } });
window.addEventListener('keydown', (e) => {
  if (e.key === '/' && document.activeElement !== ui.search) { e.preventDefault(); ui.search.focus(); }
});

// ---------------------------------------------------------------- search, projection, mode
ui.search.addEventListener('input', updateStates);
ui.search.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') { ui.search.value = ''; updateStates(); }
  if (e.key === 'Enter' && app.model) {
    const q = ui.search.value.trim().toLowerCase();
    const i = app.model.items.findIndex((it) => !q || matches(it, q));
    if (i >= 0) { app.focus = i; ui.canvas.focus(); view.setHover(i); app.hover = i; updateStates(); showTooltip(i); playPoint(i); }
  }
});
ui.projection.addEventListener('change', () => projectModel(ui.projection.value));
ui.dims.addEventListener('change', () => projectModel(ui.projection.value, Number(ui.dims.value)));
ui.grid.addEventListener('click', () => setGrid(!app.grid));
ui.colorBy.addEventListener('change', () => { app.colorBy = ui.colorBy.value; applyColoring(); });
ui.clustersK.addEventListener('change', () => { if (app.colorBy === 'cluster') applyColoring(); });
ui.mode.addEventListener('change', () => {
  if (app.entries && app.entries.length && app.model?.X) analyze(Promise.resolve({ entries: app.entries, skipped: 0 }));
});
ui.fit.addEventListener('click', () => view?.fit());

// ---------------------------------------------------------------- files in
function showEmpty(on) { ui.empty.hidden = !on; }

function takeInput(input) {
  const found = filesFromInput(input);
  input.value = '';
  if (found.entries.length || found.skipped) analyze(Promise.resolve(found));
}
ui.fileInput.addEventListener('change', () => takeInput(ui.fileInput));
ui.folderInput.addEventListener('change', () => takeInput(ui.folderInput));
for (const id of ['add-files', 'empty-files']) $(id).addEventListener('click', () => ui.fileInput.click());
for (const id of ['add-folder', 'empty-folder']) {
  $(id).addEventListener('click', async () => {
    const found = await pickFolder(ui.folderInput);
    if (found) analyze(Promise.resolve(found));
  });
}
wireDrop(document.documentElement, {
  onDragState: (on) => { ui.overlay.hidden = !on; },
  onFiles: (found) => analyze(found),
});

// ---------------------------------------------------------------- export
ui.exportBtn.addEventListener('click', async () => {
  const m = app.model;
  if (!m) return;
  ui.exportBtn.disabled = true;
  const before = ui.status.textContent;
  try {
    const where = await exportDataset(m, { wasm: await wasmModule(), say: (t) => progress.message(t) });
    if (where) progress.message(`${before} · exported to ${where}`);
    else progress.message(before);
  } catch (e) {
    progress.message(`${before} · export failed: ${reason(e)}`);
  } finally {
    ui.exportBtn.disabled = false;
  }
});

// ---------------------------------------------------------------- ?dataset=
async function fetchOk(url, what) {
  let res;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`${what} could not be fetched (${e.message})`);
  }
  if (!res.ok) throw new Error(`${what} ${res.status === 404 ? 'is missing' : 'could not be read'} (HTTP ${res.status})`);
  return res;
}

async function fetchJson(url, what) {
  const res = await fetchOk(url, what);
  try {
    return await res.json();
  } catch {
    throw new Error(`${what} is not valid JSON`);
  }
}

/** The result of load(name) for the first name that loads; else the first name's error. */
async function firstThatLoads(names, load) {
  let first = null;
  for (const f of names) {
    try { return await load(f); } catch (e) { first ??= e; }
  }
  throw first ?? new Error('nothing to load');
}

async function loadDataset(param) {
  const run = reset();
  showEmpty(false);
  const base = new URL(param.endsWith('/') ? param : `${param}/`, location.href);
  progress.message(`Loading the map ${param}…`);
  progress.busy(true);
  try {
    if (base.origin !== location.origin) throw new Error('only maps on this site can be opened (nothing is fetched from elsewhere)');
    const [config, proj] = await Promise.all([
      fetchJson(new URL('config.json', base), 'config.json'),
      fetchJson(new URL('projections.json', base), 'projections.json'),
    ]);
    const model = parseDataset(config, proj);
    const n = model.items.length;
    if (n === 0) throw new Error('it has no sounds');
    const notes = [];
    // The sprite sheet.
    let sprite;
    try {
      const img = new Image();
      await firstThatLoads(model.sprite.files, async (f) => { img.src = new URL(f, base).href; await img.decode(); });
      const cols = model.sprite.cols || Math.ceil(Math.sqrt(n));
      sprite = { image: img, cols, tile: model.sprite.tile || Math.floor(img.naturalWidth / cols), count: n };
    } catch {
      notes.push('no sprite sheet');
      const c = document.createElement('canvas');
      c.width = c.height = 8;
      const g = c.getContext('2d');
      g.fillStyle = '#3a4150';
      g.fillRect(0, 0, 8, 8);
      sprite = { canvas: c, cols: 1, tile: 8, count: n, tileIndex: new Float32Array(n) };
    }
    if (run !== app.run) return;
    const main = model.mainLayout;
    const dims = main.endsWith('3d') ? 3 : 2;
    const labels = model.items.map((it) => it.label || '');
    const q = model.quality;
    app.model = {
      ...model, sprite, X: null, paths: null, unit: 'sound', mode: config.mode || 'clip',
      labelInfo: labelColors(labels), loadedFrom: param,
      loadedQuality: q && Number.isFinite(q.trustworthiness) ? { k: 10, labelAccuracy: NaN, layout: main, ...q } : null,
    };
    for (const f of model.failed || []) progress.fail(f.file, f.reason);
    fillProjectionChoices(model.layouts, main);
    showLayout(model.layouts[main], true, dims);
    showQuality(app.model.loadedQuality?.layout === main ? app.model.loadedQuality : null);
    // The spriteclip, decoded by the engine in a worker (16 kHz mono), else by the browser.
    try {
      const bytes = await firstThatLoads(model.audio.files,
        async (f) => (await fetchOk(new URL(f, base), f)).arrayBuffer());
      const audio = await decodeSpriteclip(bytes);
      if (run !== app.run) return;
      player.setAudio(audio.samples, audio.rate);
    } catch (e) {
      notes.push(`no sound (${reason(e)})`);
    }
    if (run !== app.run) return;
    progress.mapped(n, 'sound', [`loaded from ${param}`, ...notes].join(' · '));
  } catch (e) {
    if (run !== app.run) return;
    progress.message(`Could not open the map ${param}: ${reason(e)}. Drop sounds here to make a new map.`);
    showEmpty(true);
  }
}

async function decodeSpriteclip(bytes) {
  try {
    const module = await wasmModule();
    const pool = new WorkerPool(new URL('./analysis-worker.js', import.meta.url), module, 1);
    try {
      const r = await pool.run({ type: 'audio', bytes }, []);
      return { samples: r.audio, rate: RATE };
    } finally {
      pool.close();
    }
  } catch (engineErr) {
    try {
      const pcm = await decodeInPage(new Blob([bytes]));
      return { samples: pcm.channels[0], rate: pcm.rate };
    } catch {
      throw engineErr;
    }
  }
}

function fillProjectionChoices(layouts, main) {
  const kinds = new Set(Object.keys(layouts).map((k) => k.replace(/-[23]d$/, '')));
  for (const o of ui.projection.options) o.disabled = !kinds.has(o.value);
  ui.dims.options[1].disabled = !Object.keys(layouts).some((k) => k.endsWith('-3d'));
  const mainKind = main.replace(/-[23]d$/, '');
  if (kinds.has(mainKind) && [...ui.projection.options].some((o) => o.value === mainKind)) ui.projection.value = mainKind;
}

// ---------------------------------------------------------------- feature rows from elsewhere
/** Maps n rows of d features (no audio; every point a plain tile) through the projection
 *  worker, as a dropped folder would be after its analysis. opts: projection, dims, labels
 *  (strings per row), features ('embedding' → cosine-friendly scaling, spherical clusters). */
async function mapFeatures(X, n, d, opts = {}) {
  if (!(X instanceof Float32Array) || X.length !== n * d) throw new Error('mapFeatures: X must be a Float32Array of n * d values');
  reset();
  showEmpty(false);
  const c = document.createElement('canvas');
  c.width = c.height = 8;
  const g = c.getContext('2d');
  g.fillStyle = '#5a6a80';
  g.fillRect(0, 0, 8, 8);
  const labels = opts.labels || null;
  const items = [];
  for (let i = 0; i < n; i++) items.push({ file: `row ${i + 1}`, label: labels ? String(labels[i] ?? '') : '', tags: [], start: 0, length: 0, clipStart: 0, clipDuration: 0, descriptors: [0, 0, 0, 0, 0, 0] });
  app.entries = null;
  app.model = {
    name: 'features', generator: 'sonomap page', mode: 'clip', features: opts.features || 'embedding', seed: SEED,
    items, layouts: {}, mainLayout: null,
    sprite: { canvas: c, tile: 8, cols: 1, count: n, tileIndex: new Float32Array(n) },
    audio: { buffer: new Float32Array(0), rate: RATE, samples: 0 },
    failed: [], X, d, paths: [], unit: 'point',
    labelInfo: labels ? labelColors(items.map((it) => it.label)) : null,
  };
  if (opts.projection) ui.projection.value = opts.projection;
  if (opts.dims) ui.dims.value = String(opts.dims);
  const t0 = performance.now();
  await projectModel(ui.projection.value, Number(ui.dims.value));
  return { ms: performance.now() - t0, status: ui.status.textContent };
}

// ---------------------------------------------------------------- debug handle
const debug = {
  get status() { return ui.status.textContent; },
  get count() { return app.shown && app.model ? app.model.items.length : 0; },
  get layout() { return app.shown && app.layout ? app.layout.slice() : new Float32Array(0); },
  get rawLayout() { return app.shown && app.rawLayout ? Array.from(app.rawLayout) : []; },
  screenPoint(i) {
    if (!view || !app.shown) return null;
    const p = view.screenOf(i);
    if (!p) return null;
    const r = ui.canvas.getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  },
  get items() {
    return app.model ? app.model.items.map((it) => ({
      file: it.file, label: it.label || '', tags: (it.tags || []).map((t) => ({ ...t })),
      duration: it.duration, centroid: it.descriptors?.[0],
    })) : [];
  },
  get failures() { return progress.failures.map((f) => ({ ...f })); },
  get lastPlayed() {
    const l = player.lastPlayed;
    return l ? { ...l, file: app.model?.items[l.index]?.file ?? null } : null;
  },
  get audioState() { return player.state; },
  get decodedBy() { return { ...app.decodedBy }; },
  get jobSizes() { return (app.jobSizes || []).slice(); },
  get plays() { return player.plays; },
  get dims() { return app.shown ? app.dims : 0; },
  get colorBy() { return app.colorBy; },
  get groups() { return app.coloring?.index ? Int32Array.from(app.coloring.index) : null; },
  get legendNames() { return app.coloring?.names ? [...app.coloring.names] : []; },
  get clusters() { return app.clusters ? { k: app.clusters.k, spherical: app.clusters.spherical, index: Int32Array.from(app.clusters.index) } : null; },
  get clusterTable() { return app.clusters && app.model?.labelInfo && app.clusterTable ? app.clusterTable.map((r) => r.slice()) : null; },
  get distances() { return app.distances ? app.distances.values.slice() : null; },
  get distanceFrom() { return app.distances ? app.distances.from : -1; },
  get quality() { return app.quality ? { ...app.quality } : null; },
  get grid() { return app.grid; },
  get selection() { return app.selection.slice(); },
  get busy() { return !!app.mapping; },
  get lastMapMs() { return app.lastMapMs; },
  get drawStats() { return view ? { ...view.stats } : null; },
  mapFeatures,
};
Object.defineProperty(window, 'sonomap', { value: Object.freeze(debug), writable: false, configurable: false });

// ---------------------------------------------------------------- start
const param = new URLSearchParams(location.search).get('dataset');
if (param) loadDataset(param);
else {
  showEmpty(true);
  progress.message('Drop sounds or a folder anywhere to make a map');
  wasmModule().catch(() => {});   // compile while the person picks files
}
