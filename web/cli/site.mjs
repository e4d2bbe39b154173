// site.mjs — `sonomap site <dataset-dir>... --out <dir>`: a self-contained static site: the
// viewer (the page, its workers, the engine, the shipped model, the offline service worker), the <sono-map> element and
// embed.html, and the maps under maps/<name>/. Its index.html opens the first map directly,
// maps.html lists them all; every URL is relative, so the site works from any static host, from
// a sub-path and inside an iframe.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDataset } from '../core/dataset.js';
import { compactConfig } from '../core/dataset-columns.js';
import { npyHeader } from '../core/npy.js';
import { UsageError } from './args.mjs';
import { progress } from './files.mjs';

export const SITE_OPTIONS = {
  out: { type: 'string' },
  quiet: { type: 'boolean' },
};

export const SITE_USAGE = `usage: sonomap site <dataset-dir>... --out <dir>

Writes a static site: the viewer, sono-map.js, embed.html and the dataset folders given (written
by \`sonomap analyze\`, exported by the page, or scatter-sounds folders) under maps/<name>/.
<dir>/index.html opens the first map; <dir>/maps.html lists every map. A folder that is not a
dataset is reported and left out.

options:
  --out <dir>   where the site goes (required; an empty or new folder, or a site written before)
  --quiet       no progress lines
  -h, --help    this help
`;

const MARK = '.sonomap-site';
// The Content-Security-Policy every page sonomap writes carries (static hosts send no headers):
// only this origin, its workers and its wasm; no request to anywhere else.
const CSP_META = `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; connect-src 'self' blob: data:; img-src 'self' data: blob:; media-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'">`;

export function siteSettings(values, positionals) {
  if (!positionals.length) throw new UsageError('site needs at least one dataset folder');
  if (values.out === undefined) throw new UsageError('site needs --out <dir>');
  return { inputs: positionals, out: values.out, quiet: !!values.quiet };
}

/** The viewer's files in `dist` (the folder this CLI runs from): the pages, scripts, styles,
 *  engine and the shipped model; not the CLI itself, the demo map or the demo page. */
function appFiles(dist) {
  const out = [];
  for (const e of fs.readdirSync(dist, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    if (e.isFile()) {
      if (
        /\.(html|js|css|wasm|json|webmanifest|svg|png)$/.test(e.name) &&
        !['sonomap.mjs', 'embed-demo.html'].includes(e.name)
      )
        out.push(e.name);
    } else if (e.isDirectory() && (e.name === 'models' || e.name === 'icons')) {
      for (const m of fs.readdirSync(path.join(dist, e.name))) out.push(`${e.name}/${m}`);
    }
  }
  return out.sort();
}

const readJson = (file, what) => {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${what} is missing`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${what} is not valid JSON (${e.message})`);
  }
};

/** Checks that `dir` is a dataset folder the page opens; returns {name, count}. */
export function checkDataset(dir) {
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory())
    throw new Error('no such folder');
  const config = fs.existsSync(path.join(dir, 'config.json'))
    ? readJson(path.join(dir, 'config.json'), 'config.json')
    : {};
  const proj = readJson(path.join(dir, 'projections.json'), 'projections.json');
  const compact = compactConfig(config);
  if (compact) {
    // a big map's compact form (core/dataset-columns.js): its .npy files there, rows from them
    const files = [...Object.values(compact.layouts), compact.columns?.file].filter(Boolean);
    if (!files.length) throw new Error('config.json names no layout file (layoutFiles is empty)');
    let rows = -1;
    for (const f of files) {
      if (/^[a-z][a-z0-9+.-]*:|^[\\/]/i.test(f) || path.normalize(f).startsWith('..'))
        throw new Error(`config.json names ${f}, outside the folder`);
      if (!fs.existsSync(path.join(dir, f)))
        throw new Error(`${f} (named in config.json) is missing`);
      const { shape } = npyHeader(fs.readFileSync(path.join(dir, f)).subarray(0, 4096), f);
      if (rows >= 0 && shape[0] !== rows) throw new Error(`${f} has ${shape[0]} rows, not ${rows}`);
      rows = shape[0];
    }
    if (!rows) throw new Error('it has no sounds');
    return {
      name: typeof config.name === 'string' ? config.name : path.basename(dir),
      count: rows,
    };
  }
  const model = parseDataset(config, proj);
  if (!model.items.length) throw new Error('it has no sounds');
  for (const f of [config.sprite?.file, config.audio?.file].filter(Boolean)) {
    if (/^[a-z][a-z0-9+.-]*:|^[\\/]/i.test(f) || path.normalize(f).startsWith('..'))
      throw new Error(`config.json names ${f}, outside the folder`);
    if (!fs.existsSync(path.join(dir, f)))
      throw new Error(`${f} (named in config.json) is missing`);
  }
  return { name: model.name, count: model.items.length };
}

const slug = (s) =>
  s
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, 60) || 'map';

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Runs site; resolves the exit status. */
export async function site(s, ctx) {
  const pr = progress(s.quiet);
  const dist = path.dirname(fileURLToPath(ctx.entryUrl));
  const out = path.resolve(s.out);
  if (fs.existsSync(out)) {
    const entries = fs.readdirSync(out);
    if (entries.length && !entries.includes(MARK)) {
      pr.log(`sonomap site: ${s.out} is not empty and not a site written before; nothing written`);
      return 2;
    }
  }
  const maps = [];
  const used = new Set();
  for (const input of s.inputs) {
    const dir = path.resolve(input);
    if (out === dir || out.startsWith(dir + path.sep)) {
      pr.log(`${input}: --out is inside this folder; left out`);
      continue;
    }
    try {
      const info = checkDataset(dir);
      let name = slug(path.basename(dir));
      for (let k = 2; used.has(name); k++) name = `${slug(path.basename(dir))}-${k}`;
      used.add(name);
      maps.push({ dir, input, name, title: info.name, count: info.count });
    } catch (e) {
      pr.log(`${input}: not a dataset folder (${e.message}); left out`);
    }
  }
  if (!maps.length) {
    pr.log('sonomap site: no dataset folder to publish; nothing written');
    return 1;
  }
  fs.rmSync(path.join(out, 'maps'), { recursive: true, force: true });
  fs.mkdirSync(path.join(out, 'maps'), { recursive: true });
  for (const f of appFiles(dist)) {
    fs.mkdirSync(path.dirname(path.join(out, f)), { recursive: true });
    fs.copyFileSync(path.join(dist, f), path.join(out, f));
  }
  for (const m of maps) {
    fs.cpSync(m.dir, path.join(out, 'maps', m.name), {
      recursive: true,
      filter: (src) => !path.basename(src).startsWith('.'),
    });
  }
  // index.html opens the first map; maps.html lists them all.
  const first = `maps/${maps[0].name}/`;
  const index = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  fs.writeFileSync(
    path.join(out, 'index.html'),
    index.replace(
      '<meta charset="utf-8">',
      `<meta charset="utf-8">\n<meta name="sonomap-dataset" content="${esc(first)}">`,
    ),
  );
  fs.writeFileSync(path.join(out, 'maps.html'), mapsPage(maps));
  // The service worker's precache list names index.html by a hash of its bytes: this site's
  // index.html is its own, so a visitor of an earlier version of the site gets the new one.
  const sw = path.join(out, 'sw.js');
  if (fs.existsSync(sw)) {
    const hash = crypto
      .createHash('sha256')
      .update(fs.readFileSync(path.join(out, 'index.html')))
      .digest('hex')
      .slice(0, 16);
    fs.writeFileSync(
      sw,
      fs.readFileSync(sw, 'utf8').replace(/(url:"index\.html",revision:")[0-9a-f]+/, `$1${hash}`),
    );
  }
  const list = maps.map((m) => ({
    name: m.name,
    title: m.title,
    count: m.count,
    path: `maps/${m.name}/`,
  }));
  fs.writeFileSync(path.join(out, 'maps', 'index.json'), `${JSON.stringify(list, null, 1)}\n`);
  fs.writeFileSync(path.join(out, MARK), `sonomap ${ctx.version}\n`);
  pr.log(
    `wrote ${s.out}: ${maps.length} map${maps.length === 1 ? '' : 's'} (${maps
      .map((m) => `${m.name}: ${m.count} sounds`)
      .join(', ')}); open index.html or maps.html`,
  );
  return 0;
}

function mapsPage(maps) {
  const items = maps
    .map(
      (m) => `<section>
  <h2><a href="index.html?dataset=maps/${esc(m.name)}/">${esc(m.title || m.name)}</a> <small>${m.count} sounds</small></h2>
  <sono-map src="maps/${esc(m.name)}/" height="320px"></sono-map>
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${CSP_META}
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="dark">
<link rel="icon" href="data:,">
<title>sonomap — maps</title>
<style>
  body { max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; background: #0b0e13; color: #e7eaf0; font: 15px/1.5 system-ui, sans-serif; }
  a { color: #4cc9f0; } small { color: #99a2b1; font-weight: 400; } section { margin: 0 0 1.6rem; }
</style>
<script type="module" src="sono-map.js"></script>
</head>
<body>
<h1>Maps of sounds</h1>
<p>Hover a map to hear its sounds; open one by its name for the full viewer.</p>
${items}
</body>
</html>
`;
}
