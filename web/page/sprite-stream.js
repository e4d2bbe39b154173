// sprite-stream.js — a map of many rows opened from a dataset with streamed sheets
// (core/sprite-cells.js): drawn as points, and once zoomed in so far that at most VISIBLE_MAX
// points are on screen, the sheets holding their tiles are fetched through the dataset's source
// (the same reader as every other file, so same-origin only), decoded off the main thread
// (createImageBitmap) and drawn over the points (view/tile-layer.js, a bounded LRU of sheets in
// one texture). Zoomed out again, the tiles and the texture go. A sheet that is missing or
// broken is named in the notice over the map and its points stay points; the rest go on.
import { DOT_PX } from '../view/draw.js';
import { TileLayer, visibleRows } from '../view/tile-layer.js';
import { view } from './context.js';
import { reason } from './progress.js';

/** Tiles are streamed when at most this many points are on screen. */
export const VISIBLE_MAX = 3000;
const FETCHES = 6; // sheets fetched at once
const SETTLE_MS = 120;

let stream = null;
const stats = () => ({
  on: false,
  requested: [],
  resident: [],
  failed: [],
  visible: -1,
  tiles: 0,
  checks: 0,
});
let debugState = stats();

/** Starts streaming for the map just shown. cells: model.sprite.cells; index: Int32Array(2n)
 *  (sheet, cell per row); source: the dataset source ({get(name) → Blob | null}). */
export function startSpriteStream({ cells, index, source, tile, n }) {
  stopSpriteStream();
  const sheets = cells.sheets;
  // each sheet's rows in cell order
  const rowsOf = sheets.map((sh) => new Int32Array(sh.count).fill(-1));
  for (let i = 0; i < n; i++) rowsOf[index[2 * i]][index[2 * i + 1]] = i;
  let slotSide = tile;
  for (const sh of sheets)
    slotSide = Math.max(slotSide, sh.cols * tile, Math.ceil(sh.count / sh.cols) * tile);
  const layer = new TileLayer(view.gl, { tile, slotSide, maxTexture: view.maxTexture });
  view.layer = layer;
  debugState = { ...stats(), on: true };
  stream = {
    sheets,
    rowsOf,
    index,
    source,
    tile,
    layer,
    key: '',
    timer: 0,
    wanted: new Set(),
    inFlight: new Set(),
    queue: [],
    failed: new Map(),
  };
  view.onSettled = () => settled(stream);
}

export function stopSpriteStream() {
  if (!stream) return;
  clearTimeout(stream.timer);
  stream.layer.clear();
  stream.dead = true;
  stream = null;
  view.layer = null;
  view.onSettled = null;
  debugState = stats();
  showNotice([]);
}

function settled(s) {
  const v = view.view;
  const key = `${v.cx},${v.cy},${v.scale},${view.width},${view.height},${view.dims},${view.n}`;
  if (key === s.key) return;
  s.key = key;
  clearTimeout(s.timer);
  s.timer = setTimeout(() => check(s), SETTLE_MS);
}

/** What is on screen now: stream its sheets, or drop every tile when there are too many. */
function check(s) {
  if (s.dead) return;
  debugState.checks++;
  const rows = view.pointSize() >= DOT_PX ? visibleRows(view, VISIBLE_MAX) : null;
  debugState.visible = rows ? rows.length : -1;
  if (!rows) {
    s.wanted = new Set();
    s.queue = [];
    if (s.layer.sheets.size) {
      s.layer.clear();
      view.redraw();
    }
    refreshDebug(s);
    return;
  }
  // the sheets of the points on screen, those holding most of them first
  const count = new Map();
  for (const i of rows) {
    const k = s.index[2 * i];
    count.set(k, (count.get(k) ?? 0) + 1);
  }
  const order = [...count.keys()].sort((a, b) => count.get(b) - count.get(a) || a - b);
  const wanted = order.slice(0, s.layer.capacity);
  s.wanted = new Set(wanted);
  for (const k of wanted) s.layer.touch(k);
  s.queue = wanted.filter((k) => !s.layer.has(k) && !s.inFlight.has(k) && !s.failed.has(k));
  pump(s);
  refreshDebug(s);
}

function pump(s) {
  while (s.inFlight.size < FETCHES && s.queue.length) {
    const k = s.queue.shift();
    if (!s.wanted.has(k)) continue;
    s.inFlight.add(k);
    load(s, k).finally(() => {
      s.inFlight.delete(k);
      if (!s.dead) pump(s);
    });
  }
}

async function load(s, k) {
  const sh = s.sheets[k];
  debugState.requested.push(sh.file);
  let bitmap;
  try {
    const blob = await s.source.get(sh.file);
    if (!blob) throw new Error(`is missing${s.source.missingNote ?? ''}`);
    try {
      bitmap = await createImageBitmap(blob, {
        premultiplyAlpha: 'none',
        colorSpaceConversion: 'none',
      });
    } catch {
      throw new Error('is not an image that can be read');
    }
    const w = sh.cols * s.tile,
      h = Math.ceil(sh.count / sh.cols) * s.tile;
    if (bitmap.width < w || bitmap.height < h)
      throw new Error(
        `is ${bitmap.width}×${bitmap.height} px, too small for ${sh.count} tiles of ${s.tile} px`,
      );
    if (s.dead || !s.wanted.has(k)) return;
    s.layer.add(k, bitmap, s.rowsOf[k], sh.cols, s.wanted);
    view.redraw();
  } catch (e) {
    if (s.dead) return;
    const why = reason(e);
    s.failed.set(k, why.startsWith(sh.file) ? why : `${sh.file} ${why}`);
    showNotice([...s.failed.values()]);
  } finally {
    bitmap?.close();
    if (!s.dead) refreshDebug(s);
  }
}

function refreshDebug(s) {
  debugState.resident = [...s.layer.sheets.keys()].map((k) => s.sheets[k].file);
  debugState.failed = [...s.failed.values()];
  debugState.tiles = [...s.layer.sheets.values()].reduce((a, x) => a + x.rows.length, 0);
}

function showNotice(problems) {
  const el = document.getElementById('view-notice');
  if (!el) return;
  if (!problems.length) {
    if (el.dataset.stream) {
      el.hidden = true;
      delete el.dataset.stream;
    }
    return;
  }
  el.dataset.stream = '1';
  el.hidden = false;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  el.textContent = `Sprite sheet ${problems[0]}${more}: those sounds are drawn as points.`;
}

/** window.sonomap.spriteStream: on, requested (sheet files in the order asked for), resident
 *  (sheets held now), failed (reasons), visible (points on screen at the last check, -1: too
 *  many to stream), pending (sheets asked for, not yet come), tiles (points whose tiles are held), tilesShown (drawn in the last frame),
 *  drawn (those points in drawing order), tileSize (CSS px), checks. */
export function spriteStreamDebug() {
  const d = debugState;
  return {
    ...d,
    requested: [...d.requested],
    resident: [...d.resident],
    failed: [...d.failed],
    pending: stream ? stream.inFlight.size + stream.queue.length : 0,
    tilesShown: view?.layer?.count ?? 0,
    // the points drawn as tiles, in the order drawn (the last on top)
    drawn: view?.layer ? [...view.layer.instanceOf.keys()] : [],
    tileSize: view?.pointSize?.() ?? 0,
  };
}
