// dataset.js — the dataset folder (README "Dataset folder"): what the CLI writes, the page
// exports and `?dataset=<url>` loads. projections.json keeps the scatter-sounds schema
// ({idx, metadata, projections, spherical}) and adds 2-D/3-D layouts, clusters, tags and where
// each clip plays in the spriteclip.

import { BIG_MAP_ROWS, compactParts, splitColumns } from './dataset-columns.js';
import { cellsConfig, isSheet } from './sprite-cells.js';

export const FORMAT = 'sonomap-dataset';
export const VERSION = 1;

const round = (v, k = 5) => Number(v.toFixed(k));
const SPRITE_NAMES = ['sprite.png', 'sprite.jpg', 'spritesheet.png', 'spritesheet.jpg'];
const AUDIO_NAMES = ['audio.flac', 'audio.wav', 'spriteclip.flac', 'spriteclip.wav', 'audio.mp3'];

/** The clips of the spriteclip by name, for Web Audio sprite players: `spritemap` {name: {start,
 *  end, loop}} in seconds (the audiosprite / Phaser schema, with `resources`) and `sprite` {name:
 *  [offset ms, duration ms]} (Howler's, with `src`). Names are the file paths (long recordings:
 *  "path@start s"), made unique with "#2", "#3", ... */
export function audioSprites(items, audioFile) {
  const spritemap = {};
  const sprite = {};
  const seen = new Map();
  for (const it of items) {
    let name = it.file;
    if (items.length > 1 && (it.start ?? 0) > 0) name = `${it.file}@${round(it.start, 2)}`;
    const k = (seen.get(name) ?? 0) + 1;
    seen.set(name, k);
    if (k > 1) name = `${name}#${k}`;
    const start = round(it.clipStart, 4);
    const dur = round(it.clipDuration, 4);
    spritemap[name] = { start, end: round(start + dur, 4), loop: false };
    sprite[name] = [Math.round(start * 1000), Math.round(dur * 1000)];
  }
  return { resources: [audioFile], spritemap, src: [audioFile], sprite };
}

/** model → {config, projections, filesTxt, labelsTsv, audioSprites, binary}. Maps of
 *  BIG_MAP_ROWS rows or more (or m.compact) are in the compact form (dataset-columns.js):
 *  binary holds the .npy files to write ({file: {data, shape}}), else it is empty. */
export function buildDataset(m) {
  const n = m.items.length;
  const compact = m.compact ?? n >= BIG_MAP_ROWS;
  const labelnames = [...new Set(m.items.map((it) => it.label).filter(Boolean))].sort();
  const labelIndex = new Map(labelnames.map((l, i) => [l, i]));
  const layouts = {};
  if (!compact)
    for (const [name, arr] of Object.entries(m.layouts)) {
      const dims = name.endsWith('3d') ? 3 : 2;
      layouts[name] = rows(arr, n, dims);
    }
  const main = m.mainLayout ?? Object.keys(m.layouts)[0];
  const mainDims = main?.endsWith('3d') ? 3 : 2;
  const projections =
    main && !compact ? layouts[main].map((r) => (mainDims === 3 ? r : [r[0], r[1], 0])) : [];
  const col = (k) => m.items.map((it) => round(it.descriptors[k], 4));
  const config = {
    format: FORMAT,
    version: VERSION,
    name: m.name,
    generator: m.generator ?? 'sonomap',
    created: m.created ?? new Date().toISOString(),
    count: n,
    mode: m.mode ?? 'clip',
    features: m.features ?? 'fingerprint',
    projection: m.projection ?? 'umap',
    seed: m.seed ?? 42,
    mainLayout: main,
    layouts: Object.keys(m.layouts),
    sprite: m.sprite?.cells
      ? { tile: m.sprite.tile, count: n, cells: m.sprite.cells }
      : m.sprite
        ? {
            file: m.sprite.file,
            tile: m.sprite.tile,
            cols: m.sprite.cols,
            count: n,
            ...(m.sprite.sheets?.length > 1 ? { sheets: m.sprite.sheets } : {}),
          }
        : null,
    gridSprite: m.gridSprite ?? null,
    audio: m.audio ? { file: m.audio.file, rate: m.audio.rate, samples: m.audio.samples } : null,
    files: 'files.txt',
    embeddings: m.embeddingsFile ?? 'embeddings.npy',
    labels: 'labels.tsv',
    audioSprites: m.audio ? 'audio-sprites.json' : null,
    failed: m.failed ?? [],
    quality: m.quality ?? null,
    model: m.model ?? null,
  };
  const predicted = m.items.some((it) => it.predicted);
  if (m.prediction && Number.isFinite(m.prediction.accuracy))
    config.prediction = {
      method: 'leave-one-out',
      k: m.prediction.k,
      tested: m.prediction.tested,
      accuracy: round(m.prediction.accuracy, 4),
    };
  const parts = compact ? compactParts(m, m.layouts, labelIndex) : null;
  if (parts) Object.assign(config, parts.config);
  const proj = compact
    ? {
        count: n,
        metadata: {
          labelnames,
          ...parts.metadata,
          ...(predicted && {
            predicted: m.items.map((it) => (it.predicted ? it.predicted.label : null)),
            predicted_confidence: m.items.map((it) =>
              it.predicted ? round(it.predicted.confidence, 4) : null,
            ),
          }),
        },
      }
    : {
        idx: m.items.map((_, i) => i),
        metadata: {
          labels: m.items.map((it) => (it.label ? labelIndex.get(it.label) : -1)),
          labelnames,
          filenames: m.items.map((it) => it.file),
          s_centroid: col(0),
          s_rolloff: col(1),
          s_bandwidth: col(2),
          rms: col(3),
          zcr: col(4),
          duration: col(5),
          start: m.items.map((it) => round(it.start, 4)),
          length: m.items.map((it) => round(it.length, 4)),
          clip_start: m.items.map((it) => round(it.clipStart, 5)),
          clip_duration: m.items.map((it) => round(it.clipDuration, 5)),
          tags: m.items.map((it) => it.tags ?? []),
          cluster: m.items.map((it) => it.cluster ?? -1),
          // the atlas mapping: point i is cell sprite_cell[i] (row by row) of sheet sprite_sheet[i]
          ...(m.sprite?.sheetOf
            ? {
                sprite_sheet: Array.from(m.sprite.sheetOf),
                sprite_cell: Array.from(m.sprite.cellOf),
              }
            : {}),
          ...(predicted && {
            predicted: m.items.map((it) => (it.predicted ? it.predicted.label : null)),
            predicted_confidence: m.items.map((it) =>
              it.predicted ? round(it.predicted.confidence, 4) : null,
            ),
          }),
        },
        projections,
        spherical: projections.map((r) => {
          const l = Math.hypot(...r) || 1;
          return r.map((v) => round(v / l));
        }),
        layouts,
      };
  const filesTxt = m.items.map((it) => it.file).join('\n') + (n ? '\n' : '');
  const tsvSafe = (s) => String(s).replace(/[\t\n\r]/g, ' ');
  const labelsTsv = `file\tlabel\tcluster\ttags\tpredicted\tconfidence\n${m.items
    .map((it) =>
      [
        it.file,
        it.label ?? '',
        it.cluster ?? -1,
        (it.tags ?? []).map((t) => t.name ?? t).join(';'),
        it.predicted?.label ?? '',
        it.predicted ? round(it.predicted.confidence, 4) : '',
      ]
        .map(tsvSafe)
        .join('\t'),
    )
    .join('\n')}\n`;
  return {
    config,
    projections: proj,
    filesTxt,
    labelsTsv,
    audioSprites: m.audio ? audioSprites(m.items, m.audio.file) : null,
    binary: parts?.binary ?? {},
  };
}

function rows(arr, n, dims) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const r = [];
    for (let k = 0; k < dims; k++) r.push(round(arr[i * dims + k]));
    out.push(r);
  }
  return out;
}

// Values read from a dataset's JSON are of whatever type the file says: these keep the
// model's types (strings, finite numbers, arrays) whatever it holds.
const str = (v, d) => (typeof v === 'string' ? v : Number.isFinite(v) ? String(v) : d);
const num = (v, d) => (Number.isFinite(v) ? v : d);
const arr = (v) => (Array.isArray(v) ? v : []);
const obj = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});

/** (config, projections) → model. Accepts sonomap datasets and scatter-sounds ones (which have
 *  only idx, metadata, projections, spherical). Throws with a reason when it cannot be read. */
export function parseDataset(config, proj, bin = null) {
  if (bin) return parseCompact(config, proj, bin);
  if (!proj || (!Array.isArray(proj.projections) && !proj.layouts))
    throw new Error('projections.json has neither "projections" nor "layouts"');
  const md = obj(proj.metadata);
  const list = proj.idx ?? md.filenames ?? proj.projections;
  if (!Array.isArray(list))
    throw new Error('projections.json does not list its sounds ("idx" is not an array)');
  const n = list.length;
  const layouts = {};
  for (const [name, r] of Object.entries(obj(proj.layouts)))
    if (name !== '__proto__') layouts[name] = flat(r, n, name.endsWith('3d') ? 3 : 2, name);
  if (!Object.keys(layouts).length) {
    if (!Array.isArray(proj.projections))
      throw new Error('projections.json has no layout with rows ("layouts" is empty)');
    layouts['projection-3d'] = flat(proj.projections, n, 3, 'projections');
    layouts['projection-2d'] = flat(
      proj.projections.map((r) => [r?.[0], r?.[1]]),
      n,
      2,
      'projections',
    );
    if (Array.isArray(proj.spherical) && proj.spherical.length === n)
      layouts['spherical-3d'] = flat(proj.spherical, n, 3, 'spherical');
  }
  return modelOf(config, md, n, layouts);
}

/** The compact form (dataset-columns.js): bin = {n, layouts: {name: Float32Array}, columns:
 *  {file, names} of the matrix or null, data (the matrix) or null, filenames: [n names]}. */
function parseCompact(config, proj, bin) {
  const { n } = bin;
  const layouts = {};
  for (const [name, a] of Object.entries(bin.layouts)) {
    const dims = name.endsWith('3d') ? 3 : 2;
    if (a.length !== n * dims)
      throw new Error(`layout '${name}' has ${a.length / dims} rows, expected ${n}`);
    layouts[name] = a;
  }
  if (!Object.keys(layouts).length) throw new Error('config.json names no layout file');
  // projections.json's own columns (labels changed on the page) win over the matrix's
  const md = {
    ...(bin.data ? splitColumns(bin.data, n, bin.columns.names) : {}),
    ...(bin.filenames ? { filenames: bin.filenames } : {}),
    ...obj(proj?.metadata),
  };
  return modelOf(config, md, n, layouts);
}

/** The model of n rows from their metadata columns (arrays or typed arrays) and layouts. */
function modelOf(config, md, n, layouts) {
  const names = arr(md.labelnames);
  // each column once: a reader of row i (its value, or the default when it has none)
  const col = (a, d) =>
    Array.isArray(a) || ArrayBuffer.isView(a) ? (i) => (a[i] !== undefined ? a[i] : d(i)) : d;
  const zero = () => 0;
  const filenames = col(md.filenames, () => null);
  const labels = col(md.labels, () => -1);
  const tags = col(md.tags, () => []);
  const cluster = col(md.cluster, () => -1);
  const start = col(md.start, zero);
  const length = col(md.length, () => 0.96);
  // scatter-sounds clips are 1 s each, back to back, when no positions are given
  const clipStart = col(md.clip_start, (i) => i * 1.0);
  const clipDuration = col(md.clip_duration, () => 1.0);
  const desc = [md.s_centroid, md.s_rolloff, md.s_bandwidth, md.rms, md.zcr, md.duration].map((c) =>
    col(c, zero),
  );
  const hasPredicted = Array.isArray(md.predicted);
  const items = new Array(n);
  for (let i = 0; i < n; i++) {
    const li = labels(i);
    const labelled = Number.isInteger(li) && li >= 0 && names[li] != null;
    items[i] = {
      file: str(filenames(i), `clip ${i + 1}`),
      label: labelled ? str(names[li], '') : '',
      tags: arr(tags(i)),
      cluster: num(cluster(i), -1),
      predicted: labelled || !hasPredicted ? null : predictedAt(md, i),
      start: num(start(i), 0),
      length: num(length(i), 0.96),
      clipStart: num(clipStart(i), i * 1.0),
      clipDuration: num(clipDuration(i), 1.0),
      descriptors: [
        num(desc[0](i), 0),
        num(desc[1](i), 0),
        num(desc[2](i), 0),
        num(desc[3](i), 0),
        num(desc[4](i), 0),
        num(desc[5](i), 0),
      ],
    };
  }
  const cfg = obj(config);
  const sprite = typeof cfg.sprite === 'string' ? { file: cfg.sprite } : obj(cfg.sprite);
  const audio = typeof cfg.audio === 'string' ? { file: cfg.audio } : obj(cfg.audio);
  const cells = cellsConfig(sprite.cells);
  const spriteFile = str(sprite.file, null),
    audioFile = str(audio.file, null);
  const cols = num(sprite.cols, 0);
  return {
    name: str(cfg.name, 'dataset'),
    items,
    layouts,
    mainLayout:
      typeof cfg.mainLayout === 'string' && Object.hasOwn(layouts, cfg.mainLayout)
        ? cfg.mainLayout
        : Object.keys(layouts)[0],
    labelnames: names.map((l) => str(l, '')),
    // Files named by the config, else the names such folders commonly use, tried in order.
    sprite: {
      file: spriteFile ?? 'sprite.png',
      files: spriteFile ? [spriteFile] : cells ? [] : SPRITE_NAMES,
      // big maps: small sheets grouped by position, streamed (sprite-cells.js)
      cells,
      // several sheets: [{file, cols, count}] and where each point's tile is in them
      sheets: sheetList(sprite.sheets),
      sheetOf: Array.isArray(md.sprite_sheet) ? md.sprite_sheet : null,
      cellOf: Array.isArray(md.sprite_cell) ? md.sprite_cell : null,
      tile: num(sprite.tile, null),
      cols: Number.isInteger(cols) && cols > 0 ? cols : Math.ceil(Math.sqrt(n)),
      count: n,
    },
    audio: {
      file: audioFile ?? 'audio.flac',
      files: audioFile ? [audioFile] : AUDIO_NAMES,
      rate: num(audio.rate, 0) > 0 ? audio.rate : 16000,
    },
    quality: cfg.quality && typeof cfg.quality === 'object' ? cfg.quality : null,
    prediction: cfg.prediction && typeof cfg.prediction === 'object' ? cfg.prediction : null,
    failed: arr(cfg.failed),
  };
}

/** Row i's predicted label {label, confidence} from metadata.predicted /
 *  predicted_confidence, or null (none, or the row is labelled). */
function predictedAt(md, i) {
  const l = Array.isArray(md.predicted) ? md.predicted[i] : null;
  if (l === null || l === undefined || l === '') return null;
  const c = Number(Array.isArray(md.predicted_confidence) ? md.predicted_confidence[i] : NaN);
  return { label: String(l), confidence: Number.isFinite(c) ? c : NaN };
}

function flat(r, n, dims, name) {
  if (!Array.isArray(r) || r.length !== n)
    throw new Error(`layout '${name}' has ${r?.length} rows, expected ${n}`);
  const out = new Float32Array(n * dims);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < dims; k++) {
      const v = Number(r[i]?.[k] ?? 0);
      out[i * dims + k] = Number.isFinite(v) ? v : 0;
    }
  return out;
}

/** config.json's sprite.sheets when it lists two or more well-formed sheets ({file: a name,
 *  cols > 0, count ≥ 0}), else null (one sheet). */
function sheetList(sheets) {
  if (!Array.isArray(sheets) || sheets.length < 2) return null;
  return sheets.every(isSheet) ? sheets : null;
}
