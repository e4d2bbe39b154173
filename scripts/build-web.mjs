#!/usr/bin/env node
// build-web.mjs — bundles the page, its workers and the CLI with esbuild into dist/.
//   node scripts/build-web.mjs [--dev]      (--dev: no minification, inline source maps)
// Outputs: dist/index.html, dist/style.css, dist/main.js, dist/analysis-worker.js,
// dist/projection-worker.js (browser ES modules; workers are module workers loaded by URL next to
// main.js), dist/sonomap.mjs (the Node CLI, with a shebang). dist/sonomap.wasm comes from the
// Makefile's emcc rule, not from here.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
};

// The page and its workers. engine.js may reach for Node built-ins behind a runtime check;
// those stay external (never loaded in a browser).
await esbuild.build({
  ...common,
  platform: 'browser',
  entryPoints: ['main.js', 'analysis-worker.js', 'projection-worker.js'].map((f) => path.join(web, f)),
  outdir: dist,
  external: ['node:*'],
});

for (const f of ['index.html', 'style.css']) fs.copyFileSync(path.join(web, f), path.join(dist, f));

// The command-line tool: the same engine under Node.
const cli = path.join(web, 'cli.mjs');
if (fs.existsSync(cli)) {
  await esbuild.build({
    ...common,
    minify: false,
    platform: 'node',
    entryPoints: [cli],
    outfile: path.join(dist, 'sonomap.mjs'),
    banner: { js: '#!/usr/bin/env node' },
  });
  fs.chmodSync(path.join(dist, 'sonomap.mjs'), 0o755);
} else {
  process.stderr.write('build-web: web/cli.mjs not there yet; dist/sonomap.mjs not built\n');
}
