// debug.js — window.sonomap, the read-only handle tests and the curious use (its fields are
// listed in main.js), and mapFeatures, which maps feature rows made elsewhere.
import { SEED, SPRITECLIP_RATE } from '../core/policy.js';
import { patternSprite, placeholderSprite } from '../view/atlas.js';
import { labelColors } from '../view/legend.js';
import { atlasDebug } from './atlas-notice.js';
import { legend, player, progress, ui, view } from './context.js';
import { descriptorValues } from './descriptors.js';
import { lastDatasetExport } from './export.js';
import { liveDebug } from './live.js';
import { projectModel, reset, showEmpty } from './mapping.js';
import { offline } from './offline.js';
import { featureRows, refreshPredictions } from './predictions.js';
import { saved } from './saved-maps.js';
import { lassoOn, lastSelectionExport } from './selection-panel.js';
import { openSimilar } from './similar.js';
import { spriteStreamDebug } from './sprite-stream.js';
import { state } from './state.js';
import { timelineDebug } from './timeline.js';

/** Maps n rows of d features (no audio; every point a plain tile) through the projection
 *  worker, as a dropped folder would be after its analysis. opts: projection, dims, labels
 *  (strings per row), features ('embedding' → cosine-friendly scaling, spherical clusters),
 *  tiles (true: a made-up tile per point, as many as a real sheet, instead of one plain one). */
async function mapFeatures(X, n, d, opts = {}) {
  if (!(X instanceof Float32Array) || X.length !== n * d)
    throw new Error('mapFeatures: X must be a Float32Array of n * d values');
  reset();
  showEmpty(false);
  const labels = opts.labels || null;
  const items = [];
  for (let i = 0; i < n; i++)
    items.push({
      file: `row ${i + 1}`,
      label: labels ? String(labels[i] ?? '') : '',
      tags: [],
      start: 0,
      length: 0,
      clipStart: 0,
      clipDuration: 0,
      descriptors: [0, 0, 0, 0, 0, 0],
    });
  state.entries = null;
  state.model = {
    name: 'features',
    generator: 'sonomap page',
    mode: 'clip',
    features: opts.features || 'embedding',
    seed: SEED,
    items,
    layouts: {},
    mainLayout: null,
    sprite: opts.tiles ? patternSprite(n) : placeholderSprite(n),
    audio: { buffer: new Float32Array(0), rate: SPRITECLIP_RATE, samples: 0 },
    failed: [],
    X,
    d,
    paths: [],
    unit: 'point',
    labelInfo: labels ? labelColors(items.map((it) => it.label)) : null,
  };
  if (opts.projection) ui.projection.value = opts.projection;
  if (opts.dims) ui.dims.value = String(opts.dims);
  refreshPredictions();
  const t0 = performance.now();
  await projectModel(ui.projection.value, Number(ui.dims.value));
  return { ms: performance.now() - t0, status: ui.status.textContent };
}

/** Defines window.sonomap. */
export function installDebugHandle() {
  const debug = {
    get status() {
      return ui.status.textContent;
    },
    /** The map's window, feature kind and model ({name, file, kind, embedding, classes}). */
    get made() {
      const m = state.model;
      return m ? { mode: m.mode, features: m.features, model: m.model ?? null } : null;
    },
    get count() {
      return state.shown && state.model ? state.model.items.length : 0;
    },
    get layout() {
      return state.shown && state.layout ? state.layout.slice() : new Float32Array(0);
    },
    /** The positions drawn in this frame: .layout but for a layout transition (in the view's
     *  dims, which during 2-D ↔ 3-D is 3). */
    get layoutNow() {
      if (state.shown && view?.anim) return view.positions.slice();
      return state.shown && state.layout ? state.layout.slice() : new Float32Array(0);
    },
    /** The map's pixels in a CSS px rectangle of its canvas, as drawn by the next frame:
     *  resolves RGBA values (w x h, row by row). */
    mapPixels(x, y, w, h) {
      return new Promise((resolve) => {
        view.redraw();
        requestAnimationFrame(() => {
          const c = document.createElement('canvas');
          c.width = w;
          c.height = h;
          const g = c.getContext('2d');
          const k = view.dpr || 1;
          g.drawImage(ui.canvas, x * k, y * k, w * k, h * k, 0, 0, w, h);
          resolve(Array.from(g.getImageData(0, 0, w, h).data));
        });
      });
    },
    /** Streamed sprite sheets of a map of many rows (sprite-stream.js): {on, requested,
     *  resident, failed, visible, tiles, tilesShown, checks}; pointsMode: drawn as points. */
    get spriteStream() {
      return { ...spriteStreamDebug(), pointsMode: !!view?.pointsMode };
    },
    get transitioning() {
      return !!view?.anim;
    },
    get rawLayout() {
      return state.shown && state.rawLayout ? Array.from(state.rawLayout) : [];
    },
    screenPoint(i) {
      if (!view || !state.shown) return null;
      const p = view.screenOf(i);
      if (!p) return null;
      const r = ui.canvas.getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    },
    get items() {
      return state.model
        ? state.model.items.map((it) => ({
            file: it.file,
            label: it.label || '',
            tags: (it.tags || []).map((t) => ({ ...t })),
            duration: it.duration,
            centroid: it.descriptors?.[0],
            descriptors: descriptorValues(it),
          }))
        : [];
    },
    get failures() {
      return progress.failures.map((f) => ({ ...f }));
    },
    get lastPlayed() {
      const l = player.lastPlayed;
      return l ? { ...l, file: state.model?.items[l.index]?.file ?? null } : null;
    },
    get audioState() {
      return player.state;
    },
    get decodedBy() {
      return { ...state.decodedBy };
    },
    get jobSizes() {
      return (state.jobSizes || []).slice();
    },
    get plays() {
      return player.plays;
    },
    get dims() {
      return state.shown ? state.dims : 0;
    },
    get colorBy() {
      return state.colorBy;
    },
    get groups() {
      return state.coloring?.index ? Int32Array.from(state.coloring.index) : null;
    },
    get colorModes() {
      return Array.from(ui.colorBy.options, (o) => o.value);
    },
    get colorScale() {
      const sc = state.coloring?.scale;
      return sc
        ? { key: sc.key, min: sc.min, max: sc.max, ticks: sc.ticks.map((t) => t.text) }
        : null;
    },
    get hiddenClasses() {
      return state.coloring?.index ? legend.hiddenNames() : [];
    },
    get onlyClass() {
      const k = state.coloring?.index ? legend.only : null;
      return k === null ? null : (state.coloring.names[k] ?? null);
    },
    get legendNames() {
      return state.coloring?.names ? [...state.coloring.names] : [];
    },
    get clusters() {
      return state.clusters
        ? {
            k: state.clusters.k,
            spherical: state.clusters.spherical,
            index: Int32Array.from(state.clusters.index),
          }
        : null;
    },
    get clusterTable() {
      return state.clusters && state.model?.labelInfo && state.clusterTable
        ? state.clusterTable.map((r) => r.slice())
        : null;
    },
    get distances() {
      return state.distances ? state.distances.values.slice() : null;
    },
    get distanceFrom() {
      return state.distances ? state.distances.from : -1;
    },
    get quality() {
      return state.quality ? { ...state.quality } : null;
    },
    get grid() {
      return state.grid;
    },
    get selection() {
      return state.selection.slice();
    },
    get lasso() {
      return lassoOn();
    },
    get selectionPlaying() {
      return state.selectionPlaying;
    },
    get lastExport() {
      return lastSelectionExport();
    },
    get recent() {
      return player.recent.slice();
    },
    get volume() {
      return player.volume;
    },
    get gain() {
      return player.gain;
    },
    get maxLoops() {
      return player.maxLoops;
    },
    get loops() {
      return [...player.loops.keys()];
    },
    get latency() {
      return player.latency ? { ...player.latency, context: player.contextLatency } : null;
    },
    get busy() {
      return !!state.mapping;
    },
    get lastMapMs() {
      return state.lastMapMs;
    },
    get zoom() {
      if (!view || !state.shown) return 0;
      return view.dims === 3
        ? view.fitDist / view.camera.dist
        : view.view.scale / (view.fitScale || 1);
    },
    get drawStats() {
      return view ? { ...view.stats } : null;
    },
    get offline() {
      return { ...offline };
    },
    get savedMaps() {
      return saved.maps.map((r) => ({ ...r }));
    },
    get lastSave() {
      return saved.lastSave ? { ...saved.lastSave } : null;
    },
    get storage() {
      return saved.storage ? { ...saved.storage } : null;
    },
    get savedId() {
      return state.model?.savedId ?? null;
    },
    get reused() {
      return state.reused;
    },
    get analysed() {
      return state.analysed;
    },
    get datasetExport() {
      return lastDatasetExport
        ? { ...lastDatasetExport, names: [...lastDatasetExport.names] }
        : null;
    },
    mapFeatures,
    /** {from, list: [{index, distance}]} of the similar panel, or null when it is closed. */
    get similar() {
      const s = state.similar;
      return s ? { from: s.from, list: s.list ? s.list.map((e) => ({ ...e })) : null } : null;
    },
    /** Opens the similar panel for point i (as a click on it does, without the loop). */
    openSimilar(i) {
      openSimilar(i);
      return this.similar;
    },
    /** The feature rows similar sounds and predictions use: {n, d, X: Float32Array(n*d)} (a
     *  copy), or null. */
    get features() {
      const r = featureRows();
      return r ? { n: r.X.length / r.d, d: r.d, X: r.X.slice() } : null;
    },
    /** Per point its predicted label {label, confidence}, or null (labelled, or none). */
    get predicted() {
      return state.model
        ? state.model.items.map((it) => (it.predicted ? { ...it.predicted } : null))
        : [];
    },
    /** Held-out (leave-one-out) accuracy of the predictions, NaN when there is none. */
    get predictionAccuracy() {
      return state.model?.prediction?.accuracy ?? NaN;
    },
    /** The colours the points are drawn with (Uint8Array n*4; alpha 128: a predicted label,
     *  drawn hatched), or null when they take their tiles' own. */
    get drawnColors() {
      return state.coloring?.colors ? state.coloring.colors.slice() : null;
    },
    /** {busy, k, tested, refs, accuracy, method} of the last prediction run, or null. */
    get prediction() {
      return state.model?.prediction ? { ...state.model.prediction } : null;
    },
  };
  // the parts' own fields (their getters, copied as they are)
  for (const part of [timelineDebug, liveDebug, atlasDebug])
    Object.defineProperties(debug, Object.getOwnPropertyDescriptors(part));
  Object.defineProperty(window, 'sonomap', {
    value: Object.freeze(debug),
    writable: false,
    configurable: false,
  });
}
