#!/usr/bin/env node
// build-web.mjs — bundles the page, its workers and the CLI with esbuild into dist/.
//   node scripts/build-web.mjs [--dev]      (--dev: no minification, inline source maps)
// Outputs: dist/index.html, dist/style.css, dist/main.js (from web/page/main.js),
// dist/analysis-worker.js, dist/projection-worker.js, dist/labels-worker.js and
// dist/live-worker.js (from web/workers/; module workers loaded by URL next to main.js),
// dist/mic-worklet.js (the live input's AudioWorklet module), dist/sono-map.js (the <sono-map>
// element, web/embed/) with dist/embed.html (one map for an iframe) and dist/embed-demo.html
// (two maps in a course page), dist/sw.js (the offline service worker), dist/sonomap.mjs (the
// Node CLI from web/cli/main.mjs, with a shebang).
// Shader sources (web/view/shaders/*.vert, *.frag) are bundled as text. dist/sonomap.wasm comes
// from the Makefile's emcc rule, not from here. dist/models/sonomap-s.smnn is copied from models/.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { makeIcons } from './make-icons.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(repo, 'web');
const dist = path.join(repo, 'dist');
const dev = process.argv.includes('--dev');
fs.mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  legalComments: 'none',
  logLevel: 'warning',
  loader: { '.vert': 'text', '.frag': 'text', '.glsl': 'text' },
};

// The page and its workers. engine.js may reach for Node built-ins behind a runtime check;
// those stay external (never loaded in a browser).
await esbuild.build({
  ...common,
  platform: 'browser',
  entryPoints: {
    main: path.join(web, 'page/main.js'),
    'analysis-worker': path.join(web, 'workers/analysis-worker.js'),
    'projection-worker': path.join(web, 'workers/projection-worker.js'),
    // <sono-map>: the element alone, for pages that embed maps (no workers, no engine needed)
    'sono-map': path.join(web, 'embed/sono-map.js'),
    'embed-page': path.join(web, 'embed/embed-page.js'),
    'labels-worker': path.join(web, 'workers/labels-worker.js'),
    'live-worker': path.join(web, 'workers/live-worker.js'),
    'mic-worklet': path.join(web, 'workers/mic-worklet.js'),
  },
  outdir: dist,
  external: ['node:*'],
});

for (const f of [
  'index.html',
  'style.css',
  'embed.html',
  'embed-demo.html',
  'manifest.webmanifest',
])
  fs.copyFileSync(path.join(web, f), path.join(dist, f));

// The shipped model (models/sonomap-s.md), which the page fetches and the CLI reads by default.
fs.mkdirSync(path.join(dist, 'models'), { recursive: true });
fs.copyFileSync(path.join(repo, 'models/sonomap-s.smnn'), path.join(dist, 'models/sonomap-s.smnn'));

// The command-line tool: the same engine under Node.
await esbuild.build({
  ...common,
  minify: false,
  platform: 'node',
  entryPoints: [path.join(web, 'cli/main.mjs')],
  outfile: path.join(dist, 'sonomap.mjs'),
  // The npm MP3/Opus decoders' worker shim is CommonJS and requires Node built-ins: give the
  // bundle a require of its own.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __smRequire } from 'node:module';\nconst require = __smRequire(import.meta.url);",
  },
});
fs.chmodSync(path.join(dist, 'sonomap.mjs'), 0o755);

// The app's icons (drawn by make-icons.mjs) for the web app manifest.
const icons = path.join(dist, 'icons');
const iconScript = path.join(repo, 'scripts/make-icons.mjs');
if (
  !fs.existsSync(path.join(icons, 'icon-maskable-512.png')) ||
  fs.statSync(iconScript).mtimeMs > fs.statSync(path.join(icons, 'icon-maskable-512.png')).mtimeMs
)
  makeIcons(icons);

// The service worker, last: its precache list names every file of the app with a hash of its
// bytes, so a new build replaces exactly what changed (sonomap.wasm comes from the Makefile's
// emcc rule, which runs before this script).
// every file of the app: the pages, scripts, styles and engine next to index.html, the shipped
// model and the icons (not the CLI, the demo map or the course-page demo)
const APP = [
  ...fs
    .readdirSync(dist)
    .filter(
      (f) =>
        /\.(html|js|css|wasm|webmanifest)$/.test(f) &&
        !['sw.js', 'embed-demo.html'].includes(f) &&
        fs.statSync(path.join(dist, f)).isFile(),
    )
    .sort(),
  ...['models', 'icons'].flatMap((d) =>
    fs.existsSync(path.join(dist, d))
      ? fs
          .readdirSync(path.join(dist, d))
          .sort()
          .map((f) => `${d}/${f}`)
      : [],
  ),
];
const precache = APP.filter((f) => fs.existsSync(path.join(dist, f))).map((url) => ({
  url,
  revision: crypto
    .createHash('sha256')
    .update(fs.readFileSync(path.join(dist, url)))
    .digest('hex')
    .slice(0, 16),
}));
await esbuild.build({
  ...common,
  platform: 'browser',
  entryPoints: [path.join(web, 'workers/sw.js')],
  outfile: path.join(dist, 'sw.js'),
  define: {
    __SONOMAP_PRECACHE__: JSON.stringify(precache),
    'process.env.NODE_ENV': '"production"',
  },
});
