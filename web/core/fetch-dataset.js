// fetch-dataset.js — reading a dataset folder over HTTP (the page's ?dataset= and the
// <sono-map> element): its JSON files with clear reasons, names tried in order, and the rule
// that nothing is fetched from another origin than the page's.

/** The folder's URL from what a page was given (relative to `page`, a trailing / added); throws
 *  when it leaves the page's origin. */
export function datasetBase(src, page = location.href) {
  const base = new URL(src.endsWith('/') ? src : `${src}/`, page);
  if (base.origin !== new URL(page).origin)
    throw new Error('only maps on this site can be opened (nothing is fetched from elsewhere)');
  return base;
}

export async function fetchOk(url, what) {
  let res;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`${what} could not be fetched (${e.message})`);
  }
  if (!res.ok)
    throw new Error(
      `${what} ${res.status === 404 ? 'is missing' : 'could not be read'} (HTTP ${res.status})`,
    );
  return res;
}

export async function fetchJson(url, what) {
  const res = await fetchOk(url, what);
  try {
    return await res.json();
  } catch {
    throw new Error(`${what} is not valid JSON`);
  }
}

/** config.json and projections.json of the folder at `base`. A folder without config.json (some
 *  scatter-sounds folders) reads as one with an empty config. */
export async function fetchDatasetFiles(base) {
  const config = fetchJson(new URL('config.json', base), 'config.json').catch((e) => {
    if (/is missing/.test(e.message)) return {};
    throw e;
  });
  const proj = fetchJson(new URL('projections.json', base), 'projections.json');
  return Promise.all([config, proj]);
}

/** The result of load(name) for the first name that loads; else the first name's error. */
export async function firstThatLoads(names, load) {
  let first = null;
  for (const f of names) {
    try {
      return await load(f);
    } catch (e) {
      first ??= e;
    }
  }
  throw first ?? new Error('nothing to load');
}

/** The folder's sprite atlas as {image | canvas, cols, tile, count}; throws when none loads. A
 *  file a dataset names is resolved against its folder and refused when that leaves the
 *  origin. Several sheets (sprite.sheets, split at the texture limit by the CLI) are drawn
 *  into one atlas of at most `maxSide` px a side, tiles shrunk only as far as that needs. */
export async function fetchSprite(base, sprite, n, maxSide = 4096) {
  // base: the folder's URL, or a function giving a file's URL (a zip's or saved map's Blob)
  const urlOf = typeof base === 'function' ? base : (f) => inFolder(base, f).href;
  if (!sprite.sheets) {
    const img = new Image();
    await firstThatLoads(sprite.files, async (f) => {
      img.src = urlOf(f);
      await img.decode();
    });
    const cols = sprite.cols || Math.ceil(Math.sqrt(n));
    return { image: img, cols, tile: sprite.tile || Math.floor(img.naturalWidth / cols), count: n };
  }
  const sheets = sprite.sheets;
  const images = await Promise.all(
    sheets.map(async (sh) => {
      const img = new Image();
      img.src = urlOf(sh.file);
      try {
        await img.decode();
      } catch {
        throw new Error(`${sh.file} could not be read`);
      }
      return img;
    }),
  );
  const tile = sprite.tile || Math.floor(images[0].naturalWidth / sheets[0].cols);
  // where each point's tile is: the mapping when the folder has one, else sheet after sheet
  const start = [];
  sheets.reduce((a, sh, k) => {
    start[k] = a;
    return a + sh.count;
  }, 0);
  const locate = (i) => {
    if (sprite.sheetOf?.[i] !== undefined && sprite.cellOf?.[i] !== undefined)
      return [sprite.sheetOf[i], sprite.cellOf[i]];
    let k = sheets.length - 1;
    while (k > 0 && start[k] > i) k--;
    return [k, i - start[k]];
  };
  const cols = Math.ceil(Math.sqrt(n));
  const t = Math.max(1, Math.min(tile, Math.floor(maxSide / cols)));
  const canvas = document.createElement('canvas');
  canvas.width = cols * t;
  canvas.height = Math.ceil(n / cols) * t;
  const g = canvas.getContext('2d');
  g.imageSmoothingQuality = 'high';
  for (let i = 0; i < n; i++) {
    const [k, cell] = locate(i);
    const sh = sheets[k];
    if (!sh || !images[k])
      throw new Error(`point ${i} names sprite sheet ${k}, which is not there`);
    const sx = (cell % sh.cols) * tile;
    const sy = Math.floor(cell / sh.cols) * tile;
    g.drawImage(images[k], sx, sy, tile, tile, (i % cols) * t, Math.floor(i / cols) * t, t, t);
  }
  return { canvas, cols, tile: t, count: n };
}

/** A file the dataset names, as a URL under its folder's origin (throws otherwise). */
export function inFolder(base, name) {
  const u = new URL(name, base);
  if (u.origin !== base.origin) throw new Error(`${name} is on another site (not fetched)`);
  return u;
}
