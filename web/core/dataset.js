// dataset.js — the dataset folder (README "Dataset folder"): what the CLI writes, the page
// exports and `?dataset=<url>` loads. projections.json keeps the scatter-sounds schema
// ({idx, metadata, projections, spherical}) and adds 2-D/3-D layouts, clusters, tags and where
// each clip plays in the spriteclip.

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

/** model → {config, projections, filesTxt, labelsTsv, audioSprites}. */
export function buildDataset(m) {
  const n = m.items.length;
  const labelnames = [...new Set(m.items.map((it) => it.label).filter(Boolean))].sort();
  const labelIndex = new Map(labelnames.map((l, i) => [l, i]));
  const layouts = {};
  for (const [name, arr] of Object.entries(m.layouts)) {
    const dims = name.endsWith('3d') ? 3 : 2;
    layouts[name] = rows(arr, n, dims);
  }
  const main = m.mainLayout ?? Object.keys(layouts)[0];
  const mainDims = main?.endsWith('3d') ? 3 : 2;
  const projections = main ? layouts[main].map((r) => (mainDims === 3 ? r : [r[0], r[1], 0])) : [];
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
    layouts: Object.keys(layouts),
    sprite: m.sprite
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
  const proj = {
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
        ? { sprite_sheet: Array.from(m.sprite.sheetOf), sprite_cell: Array.from(m.sprite.cellOf) }
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

/** (config, projections) → model. Accepts sonomap datasets and scatter-sounds ones (which have
 *  only idx, metadata, projections, spherical). Throws with a reason when it cannot be read. */
export function parseDataset(config, proj) {
  if (!proj || (!Array.isArray(proj.projections) && !proj.layouts))
    throw new Error('projections.json has neither "projections" nor "layouts"');
  const md = proj.metadata ?? {};
  const n = (proj.idx ?? md.filenames ?? proj.projections).length;
  const layouts = {};
  const src = proj.layouts ?? {};
  for (const [name, r] of Object.entries(src))
    layouts[name] = flat(r, n, name.endsWith('3d') ? 3 : 2, name);
  if (!Object.keys(layouts).length) {
    layouts['projection-3d'] = flat(proj.projections, n, 3, 'projections');
    layouts['projection-2d'] = flat(
      proj.projections.map((r) => [r[0], r[1]]),
      n,
      2,
      'projections',
    );
    if (Array.isArray(proj.spherical) && proj.spherical.length === n)
      layouts['spherical-3d'] = flat(proj.spherical, n, 3, 'spherical');
  }
  const names = md.labelnames ?? [];
  const at = (arr, i, d) => (Array.isArray(arr) && arr[i] !== undefined ? arr[i] : d);
  const items = [];
  for (let i = 0; i < n; i++) {
    const li = at(md.labels, i, -1);
    items.push({
      file: at(md.filenames, i, `clip ${i + 1}`),
      label: li >= 0 && names[li] !== undefined ? String(names[li]) : '',
      tags: at(md.tags, i, []),
      cluster: at(md.cluster, i, -1),
      predicted: li >= 0 && names[li] !== undefined ? null : predictedAt(md, i),
      start: at(md.start, i, 0),
      length: at(md.length, i, 0.96),
      // scatter-sounds clips are 1 s each, back to back, when no positions are given
      clipStart: at(md.clip_start, i, i * 1.0),
      clipDuration: at(md.clip_duration, i, 1.0),
      descriptors: [
        at(md.s_centroid, i, 0),
        at(md.s_rolloff, i, 0),
        at(md.s_bandwidth, i, 0),
        at(md.rms, i, 0),
        at(md.zcr, i, 0),
        at(md.duration, i, 0),
      ],
    });
  }
  const sprite =
    typeof config?.sprite === 'string' ? { file: config.sprite } : (config?.sprite ?? {});
  const audio = typeof config?.audio === 'string' ? { file: config.audio } : (config?.audio ?? {});
  return {
    name: config?.name ?? 'dataset',
    items,
    layouts,
    mainLayout:
      config?.mainLayout && layouts[config.mainLayout]
        ? config.mainLayout
        : Object.keys(layouts)[0],
    labelnames: names,
    // Files named by the config, else the names such folders commonly use, tried in order.
    sprite: {
      file: sprite.file ?? 'sprite.png',
      files: sprite.file ? [sprite.file] : SPRITE_NAMES,
      // several sheets: [{file, cols, count}] and where each point's tile is in them
      sheets: Array.isArray(sprite.sheets) && sprite.sheets.length > 1 ? sprite.sheets : null,
      sheetOf: md.sprite_sheet ?? null,
      cellOf: md.sprite_cell ?? null,
      tile: sprite.tile ?? null,
      cols: sprite.cols ?? Math.ceil(Math.sqrt(n)),
      count: n,
    },
    audio: {
      file: audio.file ?? 'audio.flac',
      files: audio.file ? [audio.file] : AUDIO_NAMES,
      rate: audio.rate ?? 16000,
    },
    quality: config?.quality ?? null,
    prediction: config?.prediction ?? null,
    failed: config?.failed ?? [],
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
