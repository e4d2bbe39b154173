// js-fuzz.mjs — seeded mutation fuzzing of every parser of user files in JS: the page's MP3,
// ADTS and Ogg Opus demuxers (web/workers/webcodecs.js), dataset JSON (web/core/dataset.js),
// label CSV/TSV (web/core/labels.js), .npy (web/core/npy.js), the zip import
// (web/core/dataset-source.js) and big maps' compact folders (dataset-columns.js, sprite-cells.js:
// layouts, columns and the sprite index as .npy files named in config.json, read by readDataset). Each parser must return a
// well-formed result or throw an Error with a message (never a TypeError, RangeError... from
// inside it), within a second. Failing inputs go to build/fuzz/crashes/js-NAME/.
//   node tests/fuzz/js-fuzz.mjs [--seconds N] [--seed S] [NAME...]   (default: all, 10 s each)
//   node tests/fuzz/js-fuzz.mjs --list
// No coverage instrumentation: "outcomes" counts the distinct kinds of result and error
// message seen (digits folded), and inputs giving a new one join the mutation pool.

import fs from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import { buildDataset, parseDataset } from '../../web/core/dataset.js';
import { readDataset, zipSource } from '../../web/core/dataset-source.js';
import { parseLabelCsv } from '../../web/core/labels.js';
import { npyDecode, npyEncode } from '../../web/core/npy.js';
import { demux, demuxAdts, demuxMp3, demuxOggOpus } from '../../web/workers/webcodecs.js';
import { mutateBytes, mutateJson, rng } from './mutate.mjs';

const FX = 'build/fixtures';
const readFx = (f) => {
  try {
    return new Uint8Array(fs.readFileSync(path.join(FX, f)));
  } catch {
    return null;
  }
};
const enc = new TextEncoder();
const dec = new TextDecoder();

/** A few ADTS frames (AAC LC, 44.1 kHz, stereo) with `n`-byte payloads. */
function adts(frames, n, id3 = false) {
  const out = [];
  if (id3) out.push(Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4]));
  for (let f = 0; f < frames; f++) {
    const len = 7 + n;
    const h = [0xff, 0xf1, (1 << 6) | (4 << 2), (2 << 6) | (len >> 11), (len >> 3) & 0xff];
    h.push(((len & 7) << 5) | 0x1f, 0xfc);
    out.push(
      Uint8Array.from(h),
      new Uint8Array(n).map((_, i) => (i * 37 + f) & 0xff),
    );
  }
  return Uint8Array.from(out.flatMap((a) => [...a]));
}

const audioSeeds = () =>
  [
    readFx('webcodecs/tone-440-stereo.mp3'),
    readFx('webcodecs/tone-1000-mpeg2.mp3'),
    readFx('webcodecs/tone-2000.opus'),
    readFx('webcodecs/noise-not-mp3.mp3'),
    adts(12, 40),
    adts(5, 200, true),
  ].filter(Boolean);

function checkDemuxed(s) {
  if (s === null) return 'null';
  const c = s.config;
  if (!c || typeof c.codec !== 'string') throw new Error('INVARIANT: no codec');
  if (!(c.sampleRate > 0 && Number.isFinite(c.sampleRate)))
    throw new Error(`INVARIANT: sample rate ${c.sampleRate}`);
  if (!(Number.isInteger(c.numberOfChannels) && c.numberOfChannels >= 1))
    throw new Error(`INVARIANT: ${c.numberOfChannels} channels`);
  if (!Array.isArray(s.packets) || !s.packets.length) throw new Error('INVARIANT: no packets');
  for (const p of s.packets)
    if (!(p.data instanceof Uint8Array) || !p.data.length || !(p.duration >= 0))
      throw new Error('INVARIANT: bad packet');
  return `${c.codec}:${c.numberOfChannels}`;
}

/** A small dataset as the CLI writes it, and a scatter-sounds one. */
function datasetSeeds() {
  const n = 5;
  const items = Array.from({ length: n }, (_, i) => ({
    file: `dir/clip-${i}.wav`,
    label: ['dog', 'rain', ''][i % 3],
    tags: [{ name: 'Bark', score: 0.5 }],
    cluster: i % 2,
    start: 0.1 * i,
    length: 0.96,
    clipStart: i * 1.1,
    clipDuration: 1,
    descriptors: [1000 + i, 2000, 500, 0.1, 0.05, 1.2],
  }));
  const layouts = {
    'umap-2d': Float32Array.from({ length: 2 * n }, (_, i) => Math.sin(i)),
    'pca-3d': Float32Array.from({ length: 3 * n }, (_, i) => Math.cos(i)),
  };
  const ds = buildDataset({
    name: 'seed',
    items,
    layouts,
    sprite: { file: 'sprite.png', tile: 64, cols: 3 },
    audio: { file: 'audio.flac', rate: 16000, samples: 80000 },
    created: '2026-01-01T00:00:00Z',
  });
  const scatter = {
    idx: [0, 1, 2],
    metadata: { filenames: ['a.wav', 'b.wav', 'c.wav'], labels: [0, 1, 0], labelnames: ['x', 'y'] },
    projections: [
      [0, 1, 2],
      [1, 2, 3],
      [2, 3, 4],
    ],
    spherical: [
      [0, 0, 1],
      [0, 1, 0],
      [1, 0, 0],
    ],
  };
  return [
    { config: ds.config, proj: ds.projections },
    { config: {}, proj: scatter },
  ];
}

function checkDataset(m) {
  const n = m.items.length;
  for (const [name, l] of Object.entries(m.layouts)) {
    if (!(l instanceof Float32Array) || l.length !== n * (name.endsWith('3d') ? 3 : 2))
      throw new Error(`INVARIANT: layout ${name}`);
  }
  for (const it of m.items) {
    if (typeof it.file !== 'string' || typeof it.label !== 'string')
      throw new Error('INVARIANT: file or label not a string');
    if (!Array.isArray(it.tags)) throw new Error('INVARIANT: tags not an array');
    for (const k of ['start', 'length', 'clipStart', 'clipDuration', 'cluster'])
      if (!Number.isFinite(it[k])) throw new Error(`INVARIANT: ${k} ${it[k]}`);
    if (!it.descriptors.every(Number.isFinite)) throw new Error('INVARIANT: descriptors');
  }
  if (!Array.isArray(m.failed)) throw new Error('INVARIANT: failed not an array');
  return `ok:${Object.keys(m.layouts).length}:${n > 0}`;
}

const labelSeeds = () =>
  [
    'file,label\nkick.wav,drum\nsnare.wav,"drum, loud"\n"a ""quoted"" name.wav",voice\n',
    'file\tlabel\tcluster\ttags\nx.wav\tdog\t1\tBark;Dog\ny.wav\t\t-1\t\n',
    'a.wav,one\r\nb.wav,two\r\n\r\nc.wav\n',
  ].map((s) => enc.encode(s));

/** A .npy file of version `major` with the given dtype, shape and raw data bytes. */
function npyRaw(descr, shape, data, major = 1) {
  const pre = major === 1 ? 10 : 12;
  let h = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  h += `${' '.repeat((64 - ((pre + h.length + 1) % 64)) % 64)}\n`;
  const out = new Uint8Array(pre + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const dv = new DataView(out.buffer);
  if (major === 1) dv.setUint16(8, h.length, true);
  else dv.setUint32(8, h.length, true);
  out.set(enc.encode(h), pre);
  out.set(data, pre + h.length);
  return out;
}

const npySeeds = () => [
  npyEncode(
    Float32Array.from({ length: 12 }, (_, i) => i / 3),
    [3, 4],
  ),
  npyEncode(new Float32Array(0), [0]),
  npyEncode(new Float32Array([Number.NaN, Number.POSITIVE_INFINITY, -0]), [3]),
  npyRaw('<f8', [2, 2], new Uint8Array(new Float64Array([1, 2, 3, 4]).buffer)),
  npyRaw('<f4', [2], new Uint8Array(new Float32Array([5, 6]).buffer), 2),
];

/** Zips as Export writes them (a folder of dataset files) and at the top level. */
/** A compact folder (big maps' form, written here for 6 rows) as a JSON tree the mutator edits:
 *  {config, proj, files: {name: {shape, data: [numbers]}}, filesTxt}. */
function compactSeeds() {
  const n = 6;
  const items = Array.from({ length: n }, (_, i) => ({
    file: `c-${i}.wav`,
    label: ['a', 'b', ''][i % 3],
    cluster: i % 2,
    start: 0,
    length: 0.96,
    clipStart: i,
    clipDuration: 1,
    descriptors: [900 + i, 1800, 400, 0.2, 0.04, 1],
  }));
  const ds = buildDataset({
    name: 'compact',
    compact: true,
    items,
    layouts: {
      'umap-2d': Float32Array.from({ length: 2 * n }, (_, i) => i * 0.5),
      'pca-3d': Float32Array.from({ length: 3 * n }, (_, i) => -i),
    },
    sprite: { file: 'sprite.png', tile: 32, cols: 3 },
    audio: { file: 'audio.flac', rate: 16000, samples: 96000 },
    created: '2026-01-01T00:00:00Z',
  });
  const files = {};
  for (const [f, { data, shape }] of Object.entries(ds.binary))
    files[f] = { shape, data: Array.from(data) };
  const cells = {
    ...ds.config,
    sprite: {
      tile: 32,
      count: n,
      cells: {
        index: 'sprite-index.npy',
        sheets: [{ file: 'sprite-cells/0.png', cols: 3, count: n }],
      },
    },
  };
  files['sprite-index.npy'] = {
    shape: [n, 2],
    data: Array.from({ length: 2 * n }, (_, i) => (i % 2 ? i >> 1 : 0)),
  };
  return [
    { config: ds.config, proj: ds.projections, files, filesTxt: ds.filesTxt },
    { config: cells, proj: ds.projections, files, filesTxt: ds.filesTxt },
  ];
}

const zipSeeds = () => {
  const files = {
    'config.json': enc.encode(JSON.stringify({ format: 'sonomap-dataset', count: 2 })),
    'projections.json': enc.encode(
      JSON.stringify({
        idx: [0, 1],
        projections: [
          [0, 0, 0],
          [1, 1, 1],
        ],
      }),
    ),
    'files.txt': enc.encode('a.wav\nb.wav\n'),
  };
  const inFolder = Object.fromEntries(Object.entries(files).map(([k, v]) => [`map/${k}`, v]));
  return [zipSync(files, { level: 0 }), zipSync(inFolder, { level: 6 }), zipSync({})];
};

export const TARGETS = {
  compact: {
    json: true,
    seeds: compactSeeds,
    // big maps' folders as the page reads them: readDataset over the folder's files
    run: async (v) => {
      const blobs = new Map();
      const text = (name, x) =>
        blobs.set(name, new Blob([typeof x === 'string' ? x : JSON.stringify(x)]));
      if (v?.config !== undefined) text('config.json', v.config);
      if (v?.proj !== undefined) text('projections.json', v.proj);
      if (typeof v?.filesTxt === 'string') text('files.txt', v.filesTxt);
      for (const [name, f] of Object.entries(v?.files ?? {})) {
        let bytes;
        try {
          bytes = npyEncode(Float32Array.from(f?.data ?? []), f?.shape ?? []);
        } catch {
          bytes = enc.encode(String(f?.data)); // not an array of numbers: the bytes of its text
        }
        blobs.set(name, new Blob([bytes]));
      }
      const r = await readDataset({ get: async (name) => blobs.get(name) ?? null });
      checkDataset(r.model);
      const idx = r.cells?.index;
      if (idx && !(idx instanceof Int32Array && idx.length === 2 * r.model.items.length))
        throw new Error('INVARIANT: sprite index');
      return `ok:${r.model.items.length > 0}:${!!idx}:${!!r.cells?.problem}`;
    },
  },
  zip: {
    seeds: zipSeeds,
    // the zip import (dropping an exported .zip on the page): entries and the folder inside
    run: (b) => {
      const src = zipSource(b, 'x.zip');
      for (const [k, v] of src.files)
        if (typeof k !== 'string' || !(v instanceof Blob)) throw new Error('INVARIANT: entry');
      return `ok:${Math.min(src.files.size, 3)}:${src.files.has('projections.json')}`;
    },
  },
  mp3: { seeds: audioSeeds, run: (b) => checkDemuxed(demuxMp3(b)) },
  adts: { seeds: audioSeeds, run: (b) => checkDemuxed(demuxAdts(b)) },
  'ogg-opus': { seeds: audioSeeds, run: (b) => checkDemuxed(demuxOggOpus(b)) },
  demux: { seeds: audioSeeds, run: (b) => checkDemuxed(demux(b)) },
  dataset: {
    json: true,
    seeds: datasetSeeds,
    // as the page gets them: JSON text parsed, then the two objects
    run: (v) => checkDataset(parseDataset(v?.config, v?.proj)),
  },
  'dataset-text': {
    seeds: () => datasetSeeds().map((s) => enc.encode(JSON.stringify(s))),
    run: (b) => {
      let v;
      try {
        v = JSON.parse(dec.decode(b));
      } catch {
        return 'not json';
      }
      return checkDataset(parseDataset(v?.config, v?.proj));
    },
  },
  labels: {
    seeds: labelSeeds,
    run: (b) => {
      const m = parseLabelCsv(dec.decode(b));
      for (const [k, v] of m)
        if (typeof k !== 'string' || typeof v !== 'string') throw new Error('INVARIANT: cell');
      return `ok:${Math.min(m.size, 3)}`;
    },
  },
  npy: {
    seeds: npySeeds,
    run: (b) => {
      const { data, shape } = npyDecode(b, 'x.npy');
      if (!(data instanceof Float32Array) || data.length !== shape.reduce((a, c) => a * c, 1))
        throw new Error('INVARIANT: data length and shape differ');
      return `ok:${shape.length}`;
    },
  },
};

/** One run of a target on input: [outcome signature, failure or null] (a target's run may be
 *  async: the compact folder's reader is). */
async function once(t, input) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let sig,
    fail = null;
  try {
    sig = t.run(input);
    if (sig instanceof Promise) sig = await sig;
  } catch (e) {
    if (
      !(e instanceof Error) ||
      e.constructor !== Error ||
      !e.message ||
      /^INVARIANT/.test(e.message)
    )
      fail = `${e?.constructor?.name}: ${e?.message}`;
    sig = `throw:${String(e?.message)
      .split('(')[0]
      .replace(/[0-9]+/g, '#')
      .slice(0, 60)}`;
  }
  // slow means a second of this process's own CPU time: a niced run on a busy machine may
  // wait far longer than that on the wall clock
  if (!fail && performance.now() - t0 > 1000) {
    const c = process.cpuUsage(c0);
    const ms = (c.user + c.system) / 1000;
    if (ms > 1000) fail = `slow: ${ms.toFixed(0)} ms of CPU`;
  }
  return [sig, fail];
}

export async function fuzz(name, seconds, seed, log = console.log) {
  const t = TARGETS[name];
  const r = rng(seed ^ [...name].reduce((a, c) => a * 31 + c.charCodeAt(0), 7));
  const seeds = t.seeds();
  const pool = [...seeds];
  const outcomes = new Set();
  const failures = new Map();
  const dir = path.join('build/fuzz/crashes', `js-${name}`);
  let execs = 0;
  const end = performance.now() + seconds * 1000;
  for (const s of seeds) outcomes.add((await once(t, s))[0]);
  while (performance.now() < end) {
    for (let k = 0; k < 50; k++) {
      const base = pool[r() % pool.length];
      let input;
      if (t.json) {
        input = mutateJson(base, r);
        if (JSON.stringify(input ?? null).length > 1 << 20) continue;
      } else input = mutateBytes(base, r, pool.length > 1 ? pool : [], 1 << 20);
      const [sig, fail] = await once(t, input);
      execs++;
      if (!outcomes.has(sig)) {
        outcomes.add(sig);
        if (pool.length < 2000) pool.push(input);
      }
      if (fail) {
        const key = fail.replace(/[0-9]+/g, '#');
        if (!failures.has(key)) {
          failures.set(key, fail);
          fs.mkdirSync(dir, { recursive: true });
          const file = path.join(dir, `failure-${failures.size}${t.json ? '.json' : '.bin'}`);
          fs.writeFileSync(file, t.json ? JSON.stringify(input) : input);
          log(`js-${name}: ${fail} (input: ${file})`);
        }
      }
    }
  }
  const line = `js-${name.padEnd(13)} ${String(seconds).padStart(5)}s  execs ${String(execs).padStart(9)}  outcomes ${String(outcomes.size).padStart(4)}  failures ${failures.size}`;
  log(line);
  return failures.size;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  if (args.includes('--list')) {
    console.log(
      Object.keys(TARGETS)
        .map((n) => `js-${n}`)
        .join(' '),
    );
    process.exit(0);
  }
  let seconds = 10,
    seed = 1;
  const names = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--seconds') seconds = Number(args[++i]);
    else if (args[i] === '--seed') seed = Number(args[++i]);
    else names.push(args[i]);
  }
  let bad = 0;
  for (const n of names.length ? names : Object.keys(TARGETS)) {
    if (!TARGETS[n]) {
      console.error(`js-fuzz: unknown target ${n}`);
      process.exit(2);
    }
    bad += await fuzz(n, seconds, seed);
  }
  process.exit(bad ? 1 : 0);
}
