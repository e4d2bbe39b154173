#!/usr/bin/env node
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// build-web.mjs — bundles the page, its workers and the CLI with esbuild into dist/.
//   node scripts/build-web.mjs [--dev]      (--dev: no minification, inline source maps)
// Outputs: dist/index.html, dist/style.css, dist/main.js (from web/page/main.js),
// dist/analysis-worker.js, dist/projection-worker.js and dist/live-worker.js (from web/workers/;
// module workers loaded by URL next to main.js), dist/mic-worklet.js (the live input's
// AudioWorklet module), dist/sonomap.mjs (the Node CLI from web/cli/main.mjs, with a shebang).
// Shader sources (web/view/shaders/*.vert, *.frag) are bundled as text. dist/sonomap.wasm comes
// from the Makefile's emcc rule, not from here. dist/models/sonomap-s.smnn is copied from models/.
import * as esbuild from 'esbuild';

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
    'live-worker': path.join(web, 'workers/live-worker.js'),
    'mic-worklet': path.join(web, 'workers/mic-worklet.js'),
  },
  outdir: dist,
  external: ['node:*'],
});

for (const f of ['index.html', 'style.css']) fs.copyFileSync(path.join(web, f), path.join(dist, f));

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
  banner: { js: '#!/usr/bin/env node' },
});
fs.chmodSync(path.join(dist, 'sonomap.mjs'), 0o755);
