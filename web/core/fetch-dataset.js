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

/** The folder's sprite sheet as {image, cols, tile, count}; throws when none loads. A file a
 *  dataset names is resolved against its folder and refused when that leaves the origin. */
export async function fetchSprite(base, sprite, n) {
  const img = new Image();
  await firstThatLoads(sprite.files, async (f) => {
    img.src = inFolder(base, f).href;
    await img.decode();
  });
  const cols = sprite.cols || Math.ceil(Math.sqrt(n));
  return { image: img, cols, tile: sprite.tile || Math.floor(img.naturalWidth / cols), count: n };
}

/** A file the dataset names, as a URL under its folder's origin (throws otherwise). */
export function inFolder(base, name) {
  const u = new URL(name, base);
  if (u.origin !== base.origin) throw new Error(`${name} is on another site (not fetched)`);
  return u;
}
