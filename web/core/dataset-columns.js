// dataset-columns.js — the compact form of a big map's dataset folder (README "The dataset
// folder"): past BIG_MAP_ROWS rows, per-row numbers are not written into projections.json (a
// million rows of them are over a hundred MB of JSON, seconds to parse) but as float32 .npy
// files named in config.json: each layout (`layoutFiles: {name: file}`) and the numeric
// metadata columns in one matrix (`columns: {file, names}`); the file names are files.txt's
// lines. projections.json keeps what is not per-row numbers (label names, tags, predictions).

/** Maps with this many rows or more are written in the compact form, get streamed sprite
 *  sheets from the CLI (`--sprite-cells auto`) and open in points mode on the page. */
export const BIG_MAP_ROWS = 50000;

/** The numeric metadata columns, in the order of the matrix. */
export const COLUMN_NAMES = [
  'labels',
  's_centroid',
  's_rolloff',
  's_bandwidth',
  'rms',
  'zcr',
  'duration',
  'start',
  'length',
  'clip_start',
  'clip_duration',
  'cluster',
];
export const COLUMNS_FILE = 'columns.npy';
export const layoutFile = (name) => `layout-${name}.npy`;

/** The compact parts of model m (buildDataset's input; labelIndex: label → its number):
 *  {metadata (projections.json's), config: {layoutFiles, columns}, binary: {file: {data, shape}}}. */
export function compactParts(m, layouts, labelIndex) {
  const n = m.items.length;
  const k = COLUMN_NAMES.length;
  const cols = new Float32Array(n * k);
  m.items.forEach((it, i) => {
    const row = [
      it.label ? labelIndex.get(it.label) : -1,
      ...[0, 1, 2, 3, 4, 5].map((j) => it.descriptors?.[j] ?? 0),
      it.start ?? 0,
      it.length ?? 0,
      it.clipStart ?? 0,
      it.clipDuration ?? 0,
      it.cluster ?? -1,
    ];
    cols.set(row, i * k);
  });
  const binary = { [COLUMNS_FILE]: { data: cols, shape: [n, k] } };
  const layoutFiles = {};
  for (const [name, arr] of Object.entries(layouts)) {
    const dims = name.endsWith('3d') ? 3 : 2;
    layoutFiles[name] = layoutFile(name);
    binary[layoutFile(name)] = {
      data: Float32Array.from(arr.subarray(0, n * dims)),
      shape: [n, dims],
    };
  }
  const metadata = {};
  if (m.items.some((it) => it.tags?.length)) metadata.tags = m.items.map((it) => it.tags ?? []);
  return {
    metadata,
    config: { layoutFiles, columns: { file: COLUMNS_FILE, names: COLUMN_NAMES } },
    binary,
  };
}

/** config.json's compact-form entries checked: {layouts: {name: file}, columns: {file, names}
 *  or null}, or null when the folder is not in the compact form. */
export function compactConfig(cfg) {
  const lf = cfg?.layoutFiles;
  if (!lf || typeof lf !== 'object' || Array.isArray(lf)) return null;
  const layouts = {};
  for (const [name, f] of Object.entries(lf))
    if (name !== '__proto__' && typeof f === 'string') layouts[name] = f;
  const c = cfg.columns;
  const columns =
    c &&
    typeof c.file === 'string' &&
    Array.isArray(c.names) &&
    c.names.every((s) => typeof s === 'string')
      ? { file: c.file, names: c.names }
      : null;
  return { layouts, columns };
}

/** The matrix of columns (data: n x names.length) as {name: Float32Array(n)}. */
export function splitColumns(data, n, names) {
  const k = names.length;
  const out = {};
  names.forEach((name, j) => {
    if (name === '__proto__') return;
    const col = new Float32Array(n);
    for (let i = 0; i < n; i++) col[i] = data[i * k + j];
    out[name] = col;
  });
  return out;
}
