// dataset-source.js — one way to read a dataset folder wherever it lives: a folder on this site
// (HTTP), a .zip (fflate) or a saved map (name → Blob). A source is {label, get(name)}: get
// resolves a Blob, or null when the file is not there, and throws for anything else. readDataset
// reads and checks the folder once for all three: missing files, broken JSON, counts that
// disagree between files.txt, embeddings.npy and projections.json, and names that point to
// another site come back as errors naming the file.
import { unzipSync } from 'fflate';
import { parseDataset } from './dataset.js';
import { compactConfig, readCompact } from './dataset-columns.js';
import { inFolder } from './fetch-dataset.js';
import { npyDecode } from './npy.js';
import { checkCellIndex } from './sprite-cells.js';

/** A name a dataset gives for one of its files: refused when it points anywhere else than the
 *  folder itself (a URL with a scheme, //host, an absolute path or ..). */
export function checkName(name, what) {
  const s = String(name);
  if (/^[a-z][a-z0-9+.-]*:/i.test(s) || s.startsWith('//'))
    throw new Error(
      `config.json names ${s} for ${what}, on another site (nothing is fetched from elsewhere)`,
    );
  if (s.startsWith('/') || s.split(/[\\/]/).includes('..'))
    throw new Error(`config.json names ${s} for ${what}, outside the dataset folder`);
  return s;
}

/** The folder at `base` (a URL on this site) over HTTP. */
export function httpSource(base) {
  return {
    label: base.pathname,
    base,
    missingNote: ' (HTTP 404)',
    async get(name) {
      const url = inFolder(base, name);
      let res;
      try {
        res = await fetch(url);
      } catch (e) {
        throw new Error(`${name} could not be fetched (${e.message})`);
      }
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`${name} could not be read (HTTP ${res.status})`);
      return res.blob();
    },
    /** The first bytes of a file (a Range request), or null when it is not there. */
    async head(name, bytes = 4096) {
      const res = await fetch(inFolder(base, name), { headers: { Range: `bytes=0-${bytes - 1}` } });
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`${name} could not be read (HTTP ${res.status})`);
      return res.blob();
    },
  };
}

/** name → Blob (a Map or a plain object), e.g. a saved map's files. */
export function filesSource(files, label = 'saved map') {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  return { label, files: map, get: async (name) => map.get(name) ?? null };
}

/** The most a zip may unpack to (all entries together). */
export const ZIP_MAX_BYTES = 2 ** 31;

/** A .zip of a dataset folder: its files at the top, or inside one folder. Throws when the bytes
 *  are not a zip. */
export function zipSource(bytes, label = 'the zip') {
  let entries;
  let total = 0;
  // Sizes come from the zip's headers: checked before anything is allocated by them (deflate
  // cannot grow data more than about 1032 times; a stored entry is as long as it says).
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const filter = (f) => {
    if (f.name.endsWith('/')) return false;
    const lies =
      f.size > u8.length ||
      (f.compression === 0 ? f.originalSize !== f.size : f.originalSize > f.size * 1100 + 4096);
    if (lies)
      throw new Error(
        `an entry claims ${f.originalSize} bytes from ${f.size} in a file of ${u8.length}: the zip is damaged`,
      );
    total += f.originalSize;
    if (total > ZIP_MAX_BYTES)
      throw new Error(
        `it unpacks to more than ${ZIP_MAX_BYTES / 2 ** 30} GiB, more than a page can open`,
      );
    return true;
  };
  try {
    entries = unzipSync(u8, { filter });
  } catch (e) {
    throw new Error(`${label} is not a zip file that can be read (${e.message})`);
  }
  const names = Object.keys(entries).filter((n) => !n.endsWith('/') && !n.includes('__MACOSX'));
  let prefix = '';
  if (!names.includes('projections.json')) {
    const p = names.find((n) => n.endsWith('/projections.json'));
    if (p) prefix = p.slice(0, -'projections.json'.length);
  }
  const files = new Map();
  for (const n of names)
    if (n.startsWith(prefix)) files.set(n.slice(prefix.length), new Blob([entries[n]]));
  return filesSource(files, label);
}

/** Rows of a .npy file from its first bytes (the header), or throws naming the file. */
function npyRows(u8, name) {
  if (u8.length < 10 || u8[0] !== 0x93 || String.fromCharCode(...u8.subarray(1, 6)) !== 'NUMPY')
    throw new Error(`${name}: not a .npy file`);
  const header = new TextDecoder('latin1').decode(u8.subarray(10, Math.min(u8.length, 4096)));
  const m = /'shape':\s*\(\s*(\d+)/.exec(header);
  if (!m) throw new Error(`${name}: unreadable header`);
  return Number(m[1]);
}

/** Reads and checks a dataset folder. Optional files (files.txt, embeddings.npy, labels.tsv,
 *  audio-sprites.json) are read when config.json names them. opts.embeddings: decode
 *  embeddings.npy (else only its header is checked). Resolves {config, model (parseDataset's),
 *  raw: Map of the files read (name → Blob), names: every file the folder names, sprite, audio
 *  ({name, blob} or null), X, d (null, 0 unless decoded)}; throws an Error naming the file and
 *  the problem. */
export async function readDataset(source, { embeddings = true } = {}) {
  const raw = new Map();
  const seen = new Map();
  const get = (name) => {
    if (!seen.has(name)) seen.set(name, source.get(name));
    return seen.get(name);
  };
  const json = async (name, required) => {
    const blob = await get(name);
    if (!blob) {
      if (required) throw new Error(`${name} is missing${source.missingNote ?? ''}`);
      return null;
    }
    raw.set(name, blob);
    try {
      return JSON.parse(await blob.text());
    } catch {
      throw new Error(`${name} is not valid JSON`);
    }
  };
  const config = (await json('config.json', false)) ?? {};
  if (typeof config !== 'object' || Array.isArray(config))
    throw new Error('config.json is not an object');
  const proj = await json('projections.json', true);
  const compact = compactConfig(config);
  const bin = compact && (await readCompact(compact, config, get, raw, checkName));
  let model;
  try {
    model = parseDataset(config, proj, bin);
  } catch (e) {
    throw new Error(`projections.json: ${e.message.replace(/^projections\.json /, '')}`);
  }
  const n = model.items.length;
  if (n === 0) throw new Error('projections.json has no sounds');
  for (const f of model.sprite.files) checkName(f, 'the sprite sheet');
  for (const f of model.audio.files) checkName(f, 'the spriteclip');
  const named = {};
  for (const [k, what] of [
    ['files', 'the file list'],
    ['embeddings', 'the embeddings'],
    ['labels', 'the labels'],
    ['audioSprites', 'the audio sprites'],
  ])
    if (typeof config[k] === 'string') named[k] = checkName(config[k], what);
  if (Number.isInteger(config.count) && config.count !== n)
    throw new Error(`config.json says ${config.count} sounds but projections.json has ${n}`);
  if (named.files && !bin?.filenames) {
    const txt = await get(named.files);
    if (!txt) throw new Error(`${named.files} is missing (config.json names it)`);
    raw.set(named.files, txt);
    const lines = (await txt.text()).split('\n').filter((l) => l.trim() !== '');
    if (lines.length !== n)
      throw new Error(`${named.files} lists ${lines.length} files but projections.json has ${n}`);
  }
  let X = null;
  let d = 0;
  if (named.embeddings) {
    const name = named.embeddings;
    // Only its header when the map does not need it (a ?dataset= folder, which may be offline:
    // a header that cannot be had then is not checked)
    const head = embeddings
      ? await get(name)
      : await (source.head ?? source.get)(name).catch(() => null);
    if (head) {
      const rows = npyRows(new Uint8Array(await head.slice(0, 4096).arrayBuffer()), name);
      if (rows !== n) throw new Error(`${name} has ${rows} rows but projections.json has ${n}`);
      if (embeddings) {
        raw.set(name, head);
        const { data, shape } = npyDecode(new Uint8Array(await head.arrayBuffer()), name);
        X = data;
        d = shape.length > 1 ? shape[1] : 1;
      }
    }
  }
  for (const k of ['labels', 'audioSprites']) {
    const b = named[k] && (await get(named[k]).catch(() => null));
    if (b) raw.set(named[k], b);
  }
  const firstOf = async (names) => {
    for (const name of names) {
      const blob = await get(name);
      if (blob) return { name, blob };
    }
    return null;
  };
  const sprite = await firstOf(model.sprite.files);
  const audio = await firstOf(model.audio.files);
  if (sprite) raw.set(sprite.name, sprite.blob);
  for (const sh of model.sprite.sheets ?? []) {
    const f = checkName(sh.file, 'a sprite sheet');
    const b = await get(f);
    if (b) raw.set(f, b);
  }
  if (audio) raw.set(audio.name, audio.blob);
  const cells = model.sprite.cells && (await readCells(model.sprite.cells, n, get, raw));
  const names = [...new Set([...raw.keys(), ...Object.values(named)])];
  return { config, model, raw, names, sprite, audio, X, d, cells };
}

/** Streamed sheets (sprite-cells.js): their names checked (a name off the folder refuses the
 *  dataset) and the index read. → {index: Int32Array(2n) or null, problem: '' or why the
 *  sounds are drawn as points}; the sheets themselves are fetched when zoomed in. */
async function readCells(cells, n, get, raw) {
  const name = checkName(cells.index, 'the sprite index');
  for (const sh of cells.sheets) checkName(sh.file, 'a sprite sheet');
  const blob = await get(name).catch(() => null);
  if (!blob) return { index: null, problem: `${name} is missing` };
  raw.set(name, blob);
  try {
    const { data, shape } = npyDecode(new Uint8Array(await blob.arrayBuffer()), name);
    return { index: checkCellIndex(data, shape, cells.sheets, n, name), problem: '' };
  } catch (e) {
    return { index: null, problem: e.message };
  }
}

/** The problem with a sprite sheet of w x h px for n tiles (cols per row, tile px, null: from
 *  the width), or '' when it fits. */
export function spriteProblem(name, w, h, n, cols, tile) {
  const t = tile || Math.floor(w / cols);
  const rows = Math.ceil(n / cols);
  if (t >= 1 && w >= cols * t && h >= rows * t) return '';
  return `${name} is ${w}×${h} px, too small for ${n} tiles in ${cols} columns${tile ? ` of ${tile} px` : ''}`;
}
