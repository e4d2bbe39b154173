// main.js — the page: takes files (drop, pickers) or a dataset folder (?dataset=<url>), runs the
// analysis in a worker pool and the projection in a worker, and shows the map you can hear.
//
// Debug handle for tests and the curious, read-only: window.sonomap
//   .status        the status line's text
//   .count         number of points on the map
//   .layout        copy of the positions drawn, Float32Array(count * 2) (the projection's
//                  layout stretched to the window and nudged apart: see spread.js)
//   .screenPoint(i) {x, y} of point i's centre in page (client) CSS px, or null
//   .items         [{file, label, tags: [{name, score}]}] per point
//   .failures      [{file, reason}] files that could not be analysed
//   .lastPlayed    {index, file, start, duration, pan, loop} of the last sound started, or null
//   .audioState    the AudioContext's state ('none' before the first sound)
//   .plays         how many sounds have been started
import { WorkerPool, poolSize } from './pool.js';
import { Projector } from './projection.js';
import { MapView, DIMMED, LOOPING, SELECTED } from './view.js';
import { Player } from './audio.js';
import { Progress } from './progress.js';
import { filesFromInput, pickFolder, wireDrop, pathLabels } from './files.js';
import { buildAtlas } from './atlas.js';
import { labelColors, labelColor, Legend } from './legend.js';
import { joinSpriteclip, DEFAULT_CLIP_SECONDS } from './features.js';
import { parseDataset } from './dataset.js';
import { decodeInPage } from './decode.js';
import { exportDataset } from './export.js';
import { spread } from './spread.js';

const RATE = 16000;
const SEED = 42;
const $ = (id) => document.getElementById(id);
const ui = {
  status: $('status'), stage: $('stage'), canvas: $('map'), empty: $('empty'), tooltip: $('tooltip'),
  search: $('search'), searchCount: $('search-count'), projection: $('projection'), mode: $('mode'),
  fileInput: $('file-input'), folderInput: $('folder-input'), fit: $('fit'), exportBtn: $('export'),
  overlay: $('drop-overlay'), legend: $('legend'), failures: $('failures'), hint: $('sound-hint'),
  announce: $('announce'), bar: $('progress-bar'),
};

const progress = new Progress(ui.status, ui.failures, ui.bar);
const player = new Player();
const legend = new Legend(ui.legend, () => updateStates());
let view = null;
try {
  view = new MapView(ui.canvas, { onHover, onClick, onInteract: () => hideTooltipIfMoved() });
} catch (e) {
  progress.message(`The map cannot be drawn: ${e.message}`);
}

// The side column (legend, failures) shows when either has something to say; the map then
// takes the rest of the width and re-lays itself out for its new shape.
const side = new MutationObserver(() => {
  const on = !ui.legend.hidden || !ui.failures.hidden;
  if (document.body.classList.contains('has-side') !== on) document.body.classList.toggle('has-side', on);
});
side.observe(ui.legend, { attributes: true, attributeFilter: ['hidden'] });
side.observe(ui.failures, { attributes: true, attributeFilter: ['hidden'] });
let relayout = 0;
window.addEventListener('resize', () => {
  clearTimeout(relayout);
  relayout = setTimeout(() => { if (app.rawLayout) showLayout(app.rawLayout, true); }, 120);
});
new ResizeObserver(() => {
  clearTimeout(relayout);
  relayout = setTimeout(() => { if (app.rawLayout) showLayout(app.rawLayout, true); }, 120);
}).observe(ui.stage);

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
  app.shown = false;
  app.rawLayout = null;
  app.hover = -1;
  app.focus = -1;
  player.clear();
  view?.clear();
  legend.show(null);
  hideTooltip();
  ui.exportBtn.disabled = true;
  for (const o of ui.projection.options) o.disabled = false;
  ui.search.value = '';
  ui.searchCount.textContent = '';
  document.body.classList.remove('has-map');
  return app.run;
}

function reason(err) {
  const m = String(err?.message || err || 'unknown error');
  return m.length > 300 ? m.slice(0, 297) + '…' : m;
}

async function analyseOne(pool, entry, opts) {
  try {
    return await pool.run({ type: 'file', file: entry.file, path: entry.path, opts });
  } catch (err) {
    if (!err.needsBrowserDecode) throw err;
    let pcm;
    try {
      pcm = await decodeInPage(entry.file);
    } catch (e) {
      throw new Error(`${err.message}; the browser could not decode it either (${e.message})`);
    }
    return pool.run({ type: 'pcm', channels: pcm.channels, rate: pcm.rate, path: entry.path, opts },
      pcm.channels.map((c) => c.buffer));
  }
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

async function analyse(found) {
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
  await Promise.all(entries.map(async (entry, i) => {
    try {
      const part = await analyseOne(pool, entry, { ...opts, label: labels[i] });
      if (run !== app.run) return;
      if (!part.items.length) throw new Error('no sound came out of the analysis');
      parts[i] = part;
      progress.fileDone(true);
    } catch (err) {
      if (run !== app.run) return;
      progress.fail(entry.path, reason(err));
      progress.fileDone(false);
    }
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

/** How the projection worker standardises the feature columns: the 32×32 fingerprint as one
 *  block (one scale, so quiet pixels are not blown up), the six descriptors each to unit
 *  variance with a weight that gives them about a fifth of the total variance. */
function featureBlocks(d, features) {
  if (features === 'embedding') return [{ start: 0, end: d, weight: 1, scale: 'global' }];
  if (d === 1030) {
    return [{ start: 0, end: 1024, weight: 1, scale: 'global' },
      { start: 1024, end: 1030, weight: Math.sqrt((0.25 * 1024) / 6), scale: 'column' }];
  }
  return [{ start: 0, end: d, weight: 1, scale: 'column' }];
}

async function projectModel(kind) {
  const m = app.model;
  const run = app.run;
  if (!m) return;
  const key = `${kind}-2d`;
  if (m.layouts[key]) {
    m.mainLayout = key;
    showLayout(m.layouts[key], true);
    progress.mapped(m.items.length, m.unit);
    return;
  }
  if (!m.X) {
    const alt = m.layouts[`${kind}-3d`];
    if (alt) { showLayout(xy(alt, m.items.length), true); return; }
    progress.message(`This map has no ${kind.toUpperCase()} layout`);
    return;
  }
  const n = m.items.length;
  progress.busy(true);
  progress.mapping(n, m.unit, 0, 0, kind);
  let module;
  try {
    module = await wasmModule();
  } catch (e) {
    progress.message(`The projection engine could not be loaded: ${reason(e)}`);
    return;
  }
  try {
    const res = await projector(module).run(
      { X: m.X, n, d: m.d, blocks: featureBlocks(m.d, m.features), projection: kind, dims: 2, seed: SEED },
      (layout, done, total) => {
        if (run !== app.run) return;
        showLayout(layout, false);
        progress.mapping(n, m.unit, done, total, kind);
      });
    if (run !== app.run) return;
    const name = res.projection === 'none' ? key : `${res.projection}-2d`;
    m.layouts[name] = res.layout;
    m.mainLayout = name;
    m.projection = res.projection === 'none' ? kind : res.projection;
    showLayout(res.layout, true);
    const unmapped = res.excluded?.length ? `${res.excluded.length} not mapped` : '';
    progress.mapped(n - (res.excluded?.length || 0), m.unit, [unmapped, res.note].filter(Boolean).join(' · '));
  } catch (e) {
    if (e.cancelled || run !== app.run) return;
    progress.message(`The sounds could not be mapped: ${reason(e)}`);
  }
}

function xy(layout3, n) {
  const out = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) { out[2 * i] = layout3[3 * i]; out[2 * i + 1] = layout3[3 * i + 1]; }
  return out;
}

// ---------------------------------------------------------------- showing a model
function showLayout(layout, final) {
  const m = app.model;
  if (!m || !view) return;
  const n = m.items.length;
  app.rawLayout = layout;
  const aspect = Math.max(0.5, Math.min(3, (view.width - 48) / Math.max(1, view.height - view.insetTop - view.insetBottom)));
  const positions = spread(layout, n, aspect);
  if (!app.shown) {
    const source = m.sprite.canvas || m.sprite.image;
    view.setPoints({
      positions, atlas: { source, tile: m.sprite.tile, cols: m.sprite.cols },
      tileIndex: m.sprite.tileIndex || null,
      colors: m.labelInfo ? m.labelInfo.colors : null, paths: m.paths,
    });
    app.shown = true;
    legend.show(m.labelInfo);
    document.body.classList.add('has-map');
    updateStates();
  } else view.setPositions(positions, { settle: final });
  app.layout = positions;
  if (final) ui.canvas.setAttribute('aria-label', `Map of ${m.items.length} ${m.unit}s. ` +
    'Arrow keys move between them, Enter loops one, Escape stops every loop, + and − zoom, 0 fits.');
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
  const states = new Uint8Array(m.items.length);
  let shown = 0;
  m.items.forEach((it, i) => {
    let s = 0;
    const dim = (q && !matches(it, q)) || (active !== null && m.labelInfo && m.labelInfo.index[i] !== active);
    if (dim) s |= DIMMED; else shown++;
    if (player.isLooping(i)) s |= LOOPING;
    if (i === app.focus) s |= SELECTED;
    states[i] = s;
  });
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
  if (i < 0 || !app.model) return;
  app.focus = i;
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
ui.mode.addEventListener('change', () => {
  if (app.entries && app.entries.length && app.model?.X) analyse(Promise.resolve({ entries: app.entries, skipped: 0 }));
});
ui.fit.addEventListener('click', () => view?.fit());

// ---------------------------------------------------------------- files in
function showEmpty(on) { ui.empty.hidden = !on; }

function takeInput(input) {
  const found = filesFromInput(input);
  input.value = '';
  if (found.entries.length || found.skipped) analyse(Promise.resolve(found));
}
ui.fileInput.addEventListener('change', () => takeInput(ui.fileInput));
ui.folderInput.addEventListener('change', () => takeInput(ui.folderInput));
for (const id of ['add-files', 'empty-files']) $(id).addEventListener('click', () => ui.fileInput.click());
for (const id of ['add-folder', 'empty-folder']) {
  $(id).addEventListener('click', async () => {
    const found = await pickFolder(ui.folderInput);
    if (found) analyse(Promise.resolve(found));
  });
}
wireDrop(document.documentElement, {
  onDragState: (on) => { ui.overlay.hidden = !on; },
  onFiles: (found) => analyse(found),
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
      img.src = new URL(model.sprite.file, base).href;
      await img.decode();
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
    const layout = main.endsWith('3d') ? xy(model.layouts[main], n) : model.layouts[main];
    const labels = model.items.map((it) => it.label || '');
    app.model = {
      ...model, sprite, X: null, paths: null, unit: 'sound', mode: config.mode || 'clip',
      labelInfo: labelColors(labels),
    };
    for (const f of model.failed || []) progress.fail(f.file, f.reason);
    fillProjectionChoices(model.layouts, main);
    showLayout(layout, true);
    // The spriteclip, decoded by the engine in a worker (16 kHz mono), else by the browser.
    try {
      const bytes = await (await fetchOk(new URL(model.audio.file, base), model.audio.file)).arrayBuffer();
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
  const mainKind = main.replace(/-[23]d$/, '');
  if (kinds.has(mainKind) && [...ui.projection.options].some((o) => o.value === mainKind)) ui.projection.value = mainKind;
}

// ---------------------------------------------------------------- debug handle
const debug = {
  get status() { return ui.status.textContent; },
  get count() { return app.shown && app.model ? app.model.items.length : 0; },
  get layout() { return app.shown && app.layout ? app.layout.slice() : new Float32Array(0); },
  screenPoint(i) {
    if (!view || !app.shown) return null;
    const p = view.screenOf(i);
    if (!p) return null;
    const r = ui.canvas.getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  },
  get items() { return app.model ? app.model.items.map((it) => ({ file: it.file, label: it.label || '', tags: (it.tags || []).map((t) => ({ ...t })) })) : []; },
  get failures() { return progress.failures.map((f) => ({ ...f })); },
  get lastPlayed() {
    const l = player.lastPlayed;
    return l ? { ...l, file: app.model?.items[l.index]?.file ?? null } : null;
  },
  get audioState() { return player.state; },
  get plays() { return player.plays; },
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
