// similar.mjs — `sonomap similar <dataset-dir> <file-or-index> [--k N]`: the sounds of a dataset
// folder nearest to one of them in the feature space (cosine distance between the rows of its
// embeddings.npy, as the page's similar panel finds them), nearest first.
import fs from 'node:fs';
import path from 'node:path';
import { compactConfig } from '../core/dataset-columns.js';
import { nearestTo } from '../core/neighbors.js';
import { npyDecode } from '../core/npy.js';
import { intOpt, UsageError } from './args.mjs';

export const SIMILAR_OPTIONS = {
  k: { type: 'string' },
  json: { type: 'boolean' },
};

export const SIMILAR_USAGE = `usage: sonomap similar <dataset-dir> <file-or-index> [--k <n>] [--json]

Lists the sounds of a dataset folder (written by \`sonomap analyze\` or the page's Export) nearest
to one of them by cosine distance between the rows of its embeddings.npy, nearest first, one per
line: rank, row index, distance, file, label (tab-separated, after a header line).

  <file-or-index>   a row index (0-based, the order of files.txt), or a file as files.txt names
                    it, or the end of one ("dogs/bark.wav", "bark.wav") when only one file ends so
  --k <n>           how many sounds (1-100000)                               [10]
  --json            {from: {index, file, label}, list: [{index, distance, file, label}]}
  -h, --help        this help
`;

export function similarSettings(values, positionals) {
  const [dir, which, ...rest] = positionals;
  if (!dir) throw new UsageError('similar needs a dataset folder and a file or index');
  if (which === undefined)
    throw new UsageError('similar needs a file or row index after the dataset folder');
  if (rest.length)
    throw new UsageError(`similar takes one file or index, not also ${rest.join(' ')}`);
  return {
    dir,
    which,
    k: values.k === undefined ? 10 : intOpt('k', values.k, 1, 100000),
    json: !!values.json,
  };
}

/** The file names and labels of a dataset folder's rows (files.txt, else projections.json). */
function readNames(dir, n) {
  let files = null;
  let labels = new Array(n).fill('');
  const proj = path.join(dir, 'projections.json');
  let md = null;
  if (fs.existsSync(proj)) {
    try {
      md = JSON.parse(fs.readFileSync(proj, 'utf8')).metadata ?? null;
    } catch {
      md = null;
    }
  }
  const list = path.join(dir, 'files.txt');
  if (fs.existsSync(list)) files = fs.readFileSync(list, 'utf8').split(/\r?\n/).slice(0, n);
  else if (Array.isArray(md?.filenames)) files = md.filenames.map(String);
  // a big map's compact form: the labels are a column of columns.npy (core/dataset-columns.js)
  const cfgFile = path.join(dir, 'config.json');
  let cfg = null;
  try {
    cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8'));
  } catch {
    cfg = null;
  }
  const cols = compactConfig(cfg)?.columns;
  if (md && !md.labels && cols?.names.includes('labels') && !/^[\\/]|\.\./.test(cols.file)) {
    const { data, shape } = npyDecode(fs.readFileSync(path.join(dir, cols.file)), cols.file);
    const j = cols.names.indexOf('labels');
    md.labels = Array.from({ length: shape[0] }, (_, i) => data[i * shape[1] + j]);
  }
  if (Array.isArray(md?.labels) && Array.isArray(md.labelnames))
    labels = md.labels.map((l) => (l >= 0 ? String(md.labelnames[l] ?? '') : ''));
  files = Array.from({ length: n }, (_, i) => files?.[i] ?? `row ${i}`);
  return { files, labels };
}

/** The row `which` names: an index, a file name, or the unique file ending in it. */
function findRow(which, files) {
  if (/^\d+$/.test(which)) {
    const i = Number(which);
    if (i >= files.length)
      throw new UsageError(`row ${i} is past the last row (${files.length - 1})`);
    return i;
  }
  const exact = files.indexOf(which);
  if (exact >= 0) return exact;
  const tail = which.replace(/\\/g, '/');
  const ends = [];
  files.forEach((f, i) => {
    if (f.replace(/\\/g, '/').endsWith(`/${tail}`)) ends.push(i);
  });
  if (ends.length === 1) return ends[0];
  if (ends.length > 1)
    throw new UsageError(
      `${which} names ${ends.length} files (${ends
        .slice(0, 3)
        .map((i) => files[i])
        .join(', ')}${ends.length > 3 ? ', …' : ''}): give more of the path or the row index`,
    );
  throw new UsageError(
    `no file ${which} in this dataset (give a name from files.txt or a row index)`,
  );
}

/** Runs similar; resolves the exit status (0, or 2 with the reason on stderr). */
export async function similar(s) {
  const fail = (msg) => {
    process.stderr.write(`sonomap similar: ${msg}\n`);
    return 2;
  };
  if (!fs.existsSync(s.dir) || !fs.statSync(s.dir).isDirectory())
    return fail(`${s.dir} is not a folder`);
  const npy = path.join(s.dir, 'embeddings.npy');
  if (!fs.existsSync(npy))
    return fail(`${npy} is missing: similar sounds need the feature rows of the dataset`);
  let data, shape;
  try {
    ({ data, shape } = npyDecode(fs.readFileSync(npy), npy));
  } catch (e) {
    return fail(e.message);
  }
  if (shape.length !== 2 || shape[0] < 1) return fail(`${npy} is not an N x D array`);
  const [n, d] = shape;
  const X = data instanceof Float32Array ? data : Float32Array.from(data);
  const { files, labels } = readNames(s.dir, n);
  let from;
  try {
    from = findRow(s.which, files);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return fail(e.message);
  }
  const list = nearestTo(X, n, d, from, s.k).map((e) => ({
    ...e,
    file: files[e.index],
    label: labels[e.index],
  }));
  if (s.json) {
    const out = { from: { index: from, file: files[from], label: labels[from] }, list };
    process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
  } else {
    const tsv = (v) => String(v).replace(/[\t\r\n]/g, ' ');
    const lines = ['rank\tindex\tdistance\tfile\tlabel'];
    list.forEach((e, r) =>
      lines.push([r + 1, e.index, e.distance.toFixed(6), tsv(e.file), tsv(e.label)].join('\t')),
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return 0;
}
