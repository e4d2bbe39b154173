// project.mjs — `sonomap project <embeddings.npy> --out <dir>`: feature vectors computed
// elsewhere laid out by the same engine; writes layout.npy (and, with --files, a dataset folder
// without sprites or audio).
import fs from 'node:fs';
import path from 'node:path';
import { buildDataset } from '../core/dataset.js';
import { loadEngine } from '../core/engine.js';
import { npyEncode } from '../core/npy.js';
import { intOpt, oneOf, UsageError } from './args.mjs';
import { progress } from './files.mjs';
import { FIT_SAMPLE_USAGE, fitSampleLayout, fitSampleOpt } from './fit-sample.mjs';
import { openNpyRows } from './npy-rows.mjs';

export const PROJECT_OPTIONS = {
  out: { type: 'string' },
  projection: { type: 'string' },
  dims: { type: 'string' },
  seed: { type: 'string' },
  iterations: { type: 'string' },
  files: { type: 'string' },
  'fit-sample': { type: 'string' },
  quiet: { type: 'boolean' },
};

export const PROJECT_USAGE = `usage: sonomap project <embeddings.npy> --out <dir> [options]

Lays out the rows of an N x D float32 .npy file; writes <dir>/layout.npy (N x dims, NaN for rows
with non-finite values).

options:
  --out <dir>                 where layout.npy goes (required)
  --projection umap|tsne|pca  (default umap)
  --dims 2|3                  (default 2)
  --seed <n>                  0 to 4294967295 (default 42)
  --iterations <n>            UMAP epochs or t-SNE iterations, 1 to 100000 (default: UMAP 500
                              up to 10,000 rows and 200 above, as umap-learn; t-SNE 1000)
  --files <files.txt>         one name per row: also writes config.json, projections.json and
                              files.txt, a dataset folder the page opens (no sprites, no sound)
${FIT_SAMPLE_USAGE}                              (the .npy is then read block by block)
  --quiet                     no progress lines
  -h, --help                  this help
`;

/** The options of one project run, checked (UsageError for the first bad one). */
export function projectSettings(values, positionals) {
  const [file, ...rest] = positionals;
  if (!file) throw new UsageError('project needs an embeddings .npy file');
  if (rest.length) throw new UsageError(`project takes one .npy file, not also ${rest.join(' ')}`);
  if (values.out === undefined) throw new UsageError('project needs --out <dir>');
  return {
    file,
    out: values.out,
    projection: oneOf('projection', values.projection ?? 'umap', ['umap', 'tsne', 'pca']),
    dims: intOpt('dims', values.dims ?? 2, 2, 3),
    seed: intOpt('seed', values.seed ?? 42, 0, 2 ** 32 - 1),
    iterations:
      values.iterations === undefined ? 0 : intOpt('iterations', values.iterations, 1, 100000),
    files: values.files ?? null,
    fitSample: fitSampleOpt(values),
    quiet: !!values.quiet,
  };
}

/** Runs project; resolves the exit status. ctx: {version, wasmUrl}. */
export async function project(s, ctx) {
  const { file, projection, dims, seed, iterations } = s;
  const src = openNpyRows(file);
  const { n, d } = src;
  let names = null;
  try {
    if (s.files) {
      names = fs
        .readFileSync(s.files, 'utf8')
        .split(/\r?\n/)
        .filter((l) => l.length);
      if (names.length !== n) throw new Error(`${s.files} has ${names.length} names for ${n} rows`);
    }
  } catch (e) {
    src.close();
    throw e;
  }
  const engine = await loadEngine(fs.readFileSync(ctx.wasmUrl));
  const pr = progress(s.quiet);
  let layout;
  let excluded;
  let fit = { method: 'full', rows: n };
  try {
    if (s.fitSample !== null && s.fitSample < n) {
      const r = fitSampleLayout(engine, src, s.fitSample, {
        projection,
        dims,
        seed,
        iterations,
        onStage: (t) => pr.log(t),
      });
      layout = r.layout;
      excluded = r.excluded;
      fit = { method: 'sample', rows: n, sample: r.sample.length, placed: n - r.sample.length };
      pr.log(
        `fitted on ${r.sample.length} rows in ${r.fitSeconds.toFixed(1)} s, placed ` +
          `${n - r.sample.length} in ${r.placeSeconds.toFixed(1)} s`,
      );
    } else {
      ({ layout, excluded } = fullLayout(engine, src.read(0, n), n, d, {
        projection,
        dims,
        seed,
        iterations,
      }));
    }
  } finally {
    src.close();
  }
  if (excluded.length) {
    const some = excluded.slice(0, 10).join(', ') + (excluded.length > 10 ? ', …' : '');
    pr.log(`${file}: rows ${some} have non-finite values and were left out`);
  }
  const out = path.resolve(s.out);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'layout.npy'), npyEncode(layout, [n, dims]));
  if (names) {
    const items = names.map((f) => ({
      file: f,
      label: '',
      start: 0,
      length: 0,
      clipStart: 0,
      clipDuration: 0,
      descriptors: [0, 0, 0, 0, 0, 0],
    }));
    const ds = buildDataset({
      name: path.basename(out),
      generator: `sonomap ${ctx.version}`,
      items,
      layouts: { [`${projection}-${dims}d`]: layout },
      projection,
      seed,
    });
    ds.config.sprite = null;
    ds.config.audio = null;
    ds.config.embeddings = null; // the rows stay in the .npy given; the page looks for none
    ds.config.fit = fit; // full, or fitted on a sample with the rest placed
    fs.writeFileSync(path.join(out, 'config.json'), `${JSON.stringify(ds.config, null, 1)}\n`);
    fs.writeFileSync(path.join(out, 'projections.json'), `${JSON.stringify(ds.projections)}\n`);
    // big maps: layouts and numeric columns as .npy (core/dataset-columns.js)
    for (const [f, a] of Object.entries(ds.binary))
      fs.writeFileSync(path.join(out, f), npyEncode(a.data, a.shape));
    fs.writeFileSync(path.join(out, 'files.txt'), ds.filesTxt);
  }
  const nan = excluded.length ? `, ${excluded.length} rows NaN` : '';
  pr.log(`wrote ${path.join(out, 'layout.npy')} (${n} x ${dims}${nan})`);
  return 0;
}

/** The whole matrix mapped at once → {layout, excluded}. */
function fullLayout(engine, X, n, d, opts) {
  const m = engine.createMap(X, n, d, opts);
  try {
    let left = m.totalSteps;
    while (left > 0) left = m.step(Math.max(1, Math.ceil(m.totalSteps / 20)));
    return { layout: m.layout(), excluded: m.excluded };
  } finally {
    m.free();
  }
}
