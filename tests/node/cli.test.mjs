// The CLI end to end: a folder of 100 mixed-format sounds (plus broken files) in, a dataset
// folder out, checked file by file against the contract in the README.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadEngine } from '../../web/core/engine.js';
import { npyDecode, npyEncode } from '../../web/core/npy.js';

const engine = await loadEngine(fs.readFileSync('dist/sonomap.wasm'));

const CLI = path.resolve('dist/sonomap.mjs');
const FIX = path.resolve('build/fixtures/cli');
const BROKEN = path.resolve('build/fixtures/cli-broken');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-cli-'));

function run(args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function pngSize(buf) {
  assert.deepEqual([...buf.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  return [buf.readUInt32BE(16), buf.readUInt32BE(20)];
}

test('analyze: 100 mixed-format files and 3 broken ones → a complete dataset folder', () => {
  const out = path.join(tmp, 'ds');
  const r = run([
    'analyze',
    FIX,
    BROKEN,
    '--out',
    out,
    '--labels',
    'folder',
    '--jobs',
    '2',
    '--seed',
    '7',
    '--features',
    'fingerprint',
  ]);
  assert.equal(r.code, 0, r.err);
  for (const b of ['cut.flac', 'readme.wav', 'empty.aiff'])
    assert.match(
      r.err,
      new RegExp(`${b.replace('.', '\\.')}: .+`),
      `${b} is reported with a reason`,
    );
  const cfg = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
  const proj = JSON.parse(fs.readFileSync(path.join(out, 'projections.json'), 'utf8'));
  assert.equal(cfg.count, 100);
  assert.equal(cfg.failed.length, 3);
  assert.deepEqual(proj.idx, [...Array(100).keys()]);
  assert.equal(proj.projections.length, 100);
  assert.ok(proj.projections.every((r) => r.length === 3 && r.every(Number.isFinite)));
  for (const name of ['umap-2d', 'umap-3d', 'pca-2d', 'pca-3d', 'grid-2d'])
    assert.equal(proj.layouts[name]?.length, 100, name);
  // the grid layout puts every point in its own cell of a 10 x 10 grid
  const cells = new Set(
    proj.layouts['grid-2d'].map(([x, y]) => {
      assert.ok(
        Number.isInteger(x) && Number.isInteger(y) && x >= 0 && x < 10 && y >= 0 && y < 10,
        `cell ${x},${y}`,
      );
      return y * 10 + x;
    }),
  );
  assert.equal(cells.size, 100);
  assert.deepEqual(proj.metadata.labelnames, ['noise', 'plucks', 'pulses', 'sweeps', 'tones']);
  const files = fs.readFileSync(path.join(out, 'files.txt'), 'utf8').trim().split('\n');
  assert.deepEqual(files, proj.metadata.filenames);
  // labels follow the folders
  files.forEach((f, i) =>
    assert.equal(proj.metadata.labelnames[proj.metadata.labels[i]], f.split('/')[1]),
  );
  // sprite sheet: a square grid of tiles
  const [w, h] = pngSize(fs.readFileSync(path.join(out, 'sprite.png')));
  assert.equal(w, cfg.sprite.cols * cfg.sprite.tile);
  assert.ok(h >= Math.ceil(100 / cfg.sprite.cols) * cfg.sprite.tile);
  // spriteclip: 16 kHz mono FLAC (decoded by the engine) whose length matches config, every
  // clip inside it
  assert.equal(cfg.audio.file, 'audio.flac');
  const flac = fs.readFileSync(path.join(out, 'audio.flac'));
  assert.equal(flac.toString('ascii', 0, 4), 'fLaC');
  const dec = engine.analyzeFile(flac);
  assert.equal(dec.error, null);
  assert.equal(dec.sourceRate, 16000);
  assert.equal(dec.channels, 1);
  const samples = dec.audio.length;
  assert.equal(samples, cfg.audio.samples);
  assert.ok(flac.length < 0.8 * 2 * samples, `FLAC ${flac.length} bytes for ${samples} samples`);
  const wav = { readInt16LE: (o) => Math.round(dec.audio[(o - 44) / 2] * 32768) };
  proj.metadata.clip_start.forEach((s, i) => {
    const e = s + proj.metadata.clip_duration[i];
    assert.ok(
      s >= 0 && e <= samples / 16000 + 1e-3 && proj.metadata.clip_duration[i] > 0.1,
      `clip ${i}: ${s}..${e}`,
    );
  });
  // each clip's audio in the spriteclip is not silent
  for (let i = 0; i < 100; i += 9) {
    const a = Math.round(proj.metadata.clip_start[i] * 16000),
      b = a + Math.round(proj.metadata.clip_duration[i] * 16000);
    let peak = 0;
    for (let k = a; k < b; k++) peak = Math.max(peak, Math.abs(wav.readInt16LE(44 + 2 * k)));
    assert.ok(peak > 300, `clip ${i} (${files[i]}) is audible in the spriteclip (peak ${peak})`);
  }
  const emb = npyDecode(fs.readFileSync(path.join(out, 'embeddings.npy')));
  assert.equal(emb.shape[0], 100);
  assert.ok(emb.shape[1] > 1000);
  // tones and noise are far apart on the map: most nearest neighbours share the folder label
  const L = proj.layouts['umap-2d'];
  let same = 0;
  for (let i = 0; i < 100; i++) {
    let best = -1,
      bd = Infinity;
    for (let j = 0; j < 100; j++)
      if (j !== i) {
        const d = (L[i][0] - L[j][0]) ** 2 + (L[i][1] - L[j][1]) ** 2;
        if (d < bd) {
          bd = d;
          best = j;
        }
      }
    if (proj.metadata.labels[best] === proj.metadata.labels[i]) same++;
  }
  assert.ok(same >= 70, `1-NN label agreement on the map is ${same}/100`);
  // quality figures and clusters (one per label by default)
  assert.ok(
    cfg.quality.trustworthiness > 0.85 && cfg.quality.trustworthiness <= 1,
    `trustworthiness ${cfg.quality.trustworthiness}`,
  );
  assert.ok(cfg.quality.continuity > 0.85 && cfg.quality.continuity <= 1);
  assert.ok(
    Math.abs(cfg.quality.labelAccuracy - same / 100) < 0.05,
    `1-NN accuracy ${cfg.quality.labelAccuracy} vs ${same / 100} counted here`,
  );
  assert.match(r.err, /map quality \(umap-2d, k = 10\): trustworthiness 0\.\d+/);
  assert.equal(cfg.quality.clusters, 5);
  const cl = proj.metadata.cluster;
  assert.equal(new Set(cl).size, 5);
  // clusters follow the folders well above chance (fingerprint features are weak: ~0.5 here)
  let agree = 0;
  for (let c = 0; c < 5; c++) {
    const members = cl
      .map((v, i) => (v === c ? proj.metadata.labels[i] : null))
      .filter((v) => v !== null);
    const counts = {};
    for (const l of members) counts[l] = (counts[l] ?? 0) + 1;
    agree += Math.max(...Object.values(counts));
  }
  assert.ok(agree >= 45, `cluster purity ${agree}/100 (chance is about 30)`);
  fs.writeFileSync(path.join(tmp, 'first-run.json'), JSON.stringify(proj.layouts));
});

test('analyze is deterministic for a seed', () => {
  const out = path.join(tmp, 'ds2');
  const r = run([
    'analyze',
    FIX,
    '--out',
    out,
    '--jobs',
    '1',
    '--seed',
    '7',
    '--features',
    'fingerprint',
    '--quiet',
  ]);
  assert.equal(r.code, 0, r.err);
  const proj = JSON.parse(fs.readFileSync(path.join(out, 'projections.json'), 'utf8'));
  assert.equal(
    JSON.stringify(proj.layouts),
    fs.readFileSync(path.join(tmp, 'first-run.json'), 'utf8'),
  );
});

test('analyze --audio wav writes the spriteclip as WAV with the same samples', () => {
  const out = path.join(tmp, 'wav');
  const r = run(['analyze', path.join(FIX, 'tones'), '--out', out, '--audio', 'wav', '--quiet']);
  assert.equal(r.code, 0, r.err);
  const cfg = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
  assert.equal(cfg.audio.file, 'audio.wav');
  assert.ok(!fs.existsSync(path.join(out, 'audio.flac')));
  const w = engine.analyzeFile(fs.readFileSync(path.join(out, 'audio.wav')));
  const r2 = run(['analyze', path.join(FIX, 'tones'), '--out', out, '--quiet']);
  assert.equal(r2.code, 0, r2.err);
  assert.ok(
    !fs.existsSync(path.join(out, 'audio.wav')),
    'a rewritten folder keeps no stale spriteclip',
  );
  const f = engine.analyzeFile(fs.readFileSync(path.join(out, 'audio.flac')));
  assert.equal(w.audio.length, f.audio.length);
  assert.ok(
    w.audio.every((v, i) => v === f.audio[i]),
    'FLAC and WAV hold the same samples',
  );
});

test('analyze: long mode gives one point per 0.48 s and clips inside the recording', () => {
  const rec = path.join(tmp, 'long.wav');
  const s = spawnSync('sox', [
    '-q',
    '-n',
    '-r',
    '44100',
    '-c',
    '2',
    '-b',
    '16',
    rec,
    'synth',
    '6',
    'sine',
    '200:3000',
    'gain',
    '-6',
  ]);
  assert.equal(s.status, 0);
  const out = path.join(tmp, 'long');
  const r = run(['analyze', rec, '--mode', 'long', '--out', out, '--projection', 'pca', '--quiet']);
  assert.equal(r.code, 0, r.err);
  const proj = JSON.parse(fs.readFileSync(path.join(out, 'projections.json'), 'utf8'));
  const n = proj.idx.length;
  assert.ok(n >= 11 && n <= 13, `6 s in 0.48 s hops gives ~12 segments, got ${n}`);
  const st = proj.metadata.start;
  for (let i = 1; i < n; i++)
    assert.ok(Math.abs(st[i] - st[i - 1] - 0.48) < 1e-3, `segment ${i} starts ${st[i]}`);
  // each segment plays from its own place in the recording
  proj.metadata.clip_start.forEach((c, i) =>
    assert.ok(Math.abs(c - st[i]) < 1e-3, `clip ${i} plays at ${c}, starts ${st[i]}`),
  );
});

test('analyze: nothing decodable → non-zero exit with reasons', () => {
  const r = run(['analyze', BROKEN, '--out', path.join(tmp, 'none')]);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /nothing could be analysed/);
  assert.match(r.err, /readme\.wav: /);
});

test('analyze: bad options are refused with a message', () => {
  let r = run(['analyze', FIX, '--out', path.join(tmp, 'x'), '--projection', 'mds']);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /--projection must be one of/);
  r = run(['analyze', FIX]);
  assert.match(r.err, /--out/);
});

test('the command line is strict: unknown options, missing and out-of-range values stop it', () => {
  const npy = path.join(tmp, 'strict.npy');
  fs.writeFileSync(
    npy,
    npyEncode(
      Float32Array.from({ length: 40 }, (_, i) => Math.sin(i)),
      [10, 4],
    ),
  );
  const cases = [
    [
      ['project', npy, '--out', path.join(tmp, 's1'), '--projectoin', 'tsne'],
      /unknown option --projectoin \(did you mean --projection\?\)/,
    ],
    [['analyze', FIX, '--out', path.join(tmp, 's2'), '--bogus', '3'], /unknown option --bogus/],
    [['analyze', FIX, '--out'], /--out needs a value/],
    [['project', npy, '--out', path.join(tmp, 's3'), '--dims'], /--dims needs a value/],
    [
      ['analyze', FIX, '--out', path.join(tmp, 's4'), '--dims', '4'],
      /--dims must be a whole number from 2 to 3, not '4'/,
    ],
    [
      ['analyze', FIX, '--out', path.join(tmp, 's5'), '--jobs', '0'],
      /--jobs must be a whole number from 1 to 256, not '0'/,
    ],
    [['analyze', FIX, '--out', path.join(tmp, 's6'), '--quiet=yes'], /--quiet takes no value/],
    [['project', npy, '--out', path.join(tmp, 's7'), '--seed', '-1'], /--seed/],
  ];
  for (const [args, re] of cases) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')} exits with status 2`);
    assert.match(r.err, re, args.join(' '));
    assert.match(r.err, new RegExp(`usage: sonomap ${args[0]} `), 'the usage follows the message');
    assert.equal(r.out, '');
  }
  for (const d of ['s1', 's2', 's4', 's5', 's6', 's7'])
    assert.ok(!fs.existsSync(path.join(tmp, d)), `nothing written for ${d}`);
  // a misspelt option must never be ignored: the same run spelt right works
  assert.equal(
    run(['project', npy, '--out', path.join(tmp, 's1'), '--projection', 'tsne', '--quiet']).code,
    0,
  );
});

test('--help for the tool and for each command', () => {
  let r = run(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /sonomap analyze <file-or-folder>/);
  assert.match(r.out, /sonomap project <embeddings\.npy>/);
  for (const cmd of ['analyze', 'project']) {
    r = run([cmd, '--help']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`^usage: sonomap ${cmd} `));
    assert.match(r.out, /--projection umap\|tsne\|pca/);
    assert.equal(r.err, '');
  }
  assert.match(run(['analyze', '-h']).out, /--clip-seconds/);
  r = run([]);
  assert.equal(r.code, 2, 'no command is a usage mistake');
  assert.match(r.err, /usage:/);
  r = run(['frobnicate']);
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown command 'frobnicate'/);
});

test('project: vectors computed elsewhere → layout.npy and a dataset without sprites', () => {
  const n = 60,
    d = 16;
  const X = new Float32Array(n * d);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < d; k++) X[i * d + k] = (i % 3) * 5 + Math.sin(i * 7.1 + k * 1.3);
  const npy = path.join(tmp, 'vec.npy');
  fs.writeFileSync(npy, npyEncode(X, [n, d]));
  const names = path.join(tmp, 'names.txt');
  fs.writeFileSync(names, `${Array.from({ length: n }, (_, i) => `song-${i}.mp3`).join('\n')}\n`);
  const out = path.join(tmp, 'proj');
  const r = run(['project', npy, '--out', out, '--dims', '3', '--files', names, '--quiet']);
  assert.equal(r.code, 0, r.err);
  const lay = npyDecode(fs.readFileSync(path.join(out, 'layout.npy')));
  assert.deepEqual(lay.shape, [n, 3]);
  assert.ok(lay.data.every(Number.isFinite));
  const proj = JSON.parse(fs.readFileSync(path.join(out, 'projections.json'), 'utf8'));
  assert.equal(proj.metadata.filenames[5], 'song-5.mp3');
});

test('project --iterations: the epochs / iterations the engine runs, checked', () => {
  const n = 80,
    d = 12;
  const X = new Float32Array(n * d);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < d; k++) X[i * d + k] = (i % 4) * 3 + Math.cos(i * 3.7 + k * 0.9);
  const npy = path.join(tmp, 'iters.npy');
  fs.writeFileSync(npy, npyEncode(X, [n, d]));
  for (const projection of ['umap', 'tsne']) {
    const out = path.join(tmp, `iters-${projection}`);
    const r = run([
      'project',
      npy,
      '--out',
      out,
      '--projection',
      projection,
      '--iterations',
      '7',
      '--seed',
      '3',
      '--quiet',
    ]);
    assert.equal(r.code, 0, r.err);
    const got = npyDecode(fs.readFileSync(path.join(out, 'layout.npy'))).data;
    // the same map in process: 7 steps of it, and the engine's default count differs
    const layoutOf = (iterations) => {
      const m = engine.createMap(X, n, d, { projection, dims: 2, seed: 3, iterations });
      try {
        assert.equal(m.totalSteps, iterations || (projection === 'umap' ? 500 : 1000));
        while (m.step(1000) > 0);
        return m.layout();
      } finally {
        m.free();
      }
    };
    assert.deepEqual(Array.from(got), Array.from(layoutOf(7)), `${projection}: 7 iterations`);
    assert.notDeepEqual(Array.from(got), Array.from(layoutOf(0)), `${projection}: not the default`);
  }
  for (const bad of ['0', '100001', '2.5', 'many']) {
    const r = run(['project', npy, '--out', path.join(tmp, 'iters-bad'), '--iterations', bad]);
    assert.equal(r.code, 2, bad);
    assert.match(
      r.err,
      new RegExp(`--iterations must be a whole number from 1 to 100000, not '${bad}'`),
    );
  }
  assert.ok(!fs.existsSync(path.join(tmp, 'iters-bad')));
});

test('project: rows with NaN are left out, reported, and kept in place as NaN', () => {
  const n = 40,
    d = 8;
  const X = new Float32Array(n * d);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < d; k++) X[i * d + k] = (i % 2) * 4 + Math.cos(i * 3.7 + k);
  X[3 * d + 2] = NaN;
  X[17 * d] = Infinity;
  const npy = path.join(tmp, 'nan.npy');
  fs.writeFileSync(npy, npyEncode(X, [n, d]));
  const out = path.join(tmp, 'nan');
  const r = run(['project', npy, '--out', out, '--projection', 'tsne']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /rows 3, 17 have non-finite values/);
  const lay = npyDecode(fs.readFileSync(path.join(out, 'layout.npy')));
  assert.deepEqual(lay.shape, [n, 2]);
  assert.ok(Number.isNaN(lay.data[6]) && Number.isNaN(lay.data[34]));
  assert.ok(Number.isFinite(lay.data[0]) && Number.isFinite(lay.data[79]));
});

test('a long clip plays the stretch around its peak, not its start', () => {
  const f = path.join(tmp, 'late-peak.wav');
  // 6 s of quiet noise with a loud tone burst at 5.0-5.3 s
  const s = spawnSync('sox', [
    '-q',
    '-n',
    '-r',
    '22050',
    '-b',
    '16',
    f,
    'synth',
    '6',
    'whitenoise',
    'vol',
    '0.01',
    ':',
    'synth',
    '0.3',
    'sine',
    '800',
    'vol',
    '0.9',
    ':',
    'synth',
    '0.2',
    'whitenoise',
    'vol',
    '0.01',
  ]);
  assert.equal(s.status, 0);
  const out = path.join(tmp, 'late');
  const r = run([
    'analyze',
    f,
    path.join(FIX, 'tones', 'tone-0.wav'),
    '--mode',
    'clips',
    '--out',
    out,
    '--projection',
    'pca',
    '--quiet',
  ]);
  assert.equal(r.code, 0, r.err);
  const proj = JSON.parse(fs.readFileSync(path.join(out, 'projections.json'), 'utf8'));
  // (given one by one from two folders: named relative to where those folders meet)
  const i = proj.metadata.filenames.findIndex((name) => path.basename(name) === 'late-peak.wav');
  assert.ok(proj.metadata.start[i] > 5, `the peak window starts at ${proj.metadata.start[i]} s`);
  const clip = engine.analyzeFile(fs.readFileSync(path.join(out, 'audio.flac'))).audio;
  const a = Math.round(proj.metadata.clip_start[i] * 16000),
    b = a + Math.round(proj.metadata.clip_duration[i] * 16000);
  let peak = 0;
  for (let k = a; k < b; k++) peak = Math.max(peak, Math.abs(clip[k]));
  assert.ok(peak > 0.5, `the burst is inside the clip's span of the spriteclip (peak ${peak})`);
});
