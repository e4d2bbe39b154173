// `sonomap similar` against a brute-force cosine search over the embeddings.npy the CLI wrote
// (by index, by file name, --k, --json, bad arguments), and the shared pieces behind similar
// sounds and labels: labels files read with their problems by line, rows matched to paths,
// the nearest-neighbour vote that predicts labels.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { matchLabelRows, readLabelTable } from '../../web/core/labels.js';
import { knnVote, nearestTo, sampleOf, unitRows } from '../../web/core/neighbors.js';
import { npyDecode } from '../../web/core/npy.js';

const CLI = path.resolve('dist/sonomap.mjs');
const FIX = path.resolve('build/fixtures/cli');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-similar-'));
const out = path.join(tmp, 'map');

function run(args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Cosine distances of every row to row `from`, in doubles, written out here on purpose. */
function bruteForce(X, n, d, from) {
  const norm = (i) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += X[i * d + j] ** 2;
    return Math.sqrt(s);
  };
  const a = norm(from);
  const all = [];
  for (let i = 0; i < n; i++) {
    if (i === from) continue;
    let dot = 0;
    for (let j = 0; j < d; j++) dot += X[i * d + j] * X[from * d + j];
    all.push({ index: i, distance: 1 - dot / (a * norm(i)) });
  }
  return all.sort((p, q) => p.distance - q.distance);
}

/** The listed rows agree with the brute-force order: the same distances rank by rank, and the
 *  same rows except where two distances tie within float rounding. */
function assertSameNeighbors(got, want, what) {
  assert.equal(got.length, want.length, `${what}: count`);
  got.forEach((g, r) => {
    assert.ok(Math.abs(g.distance - want[r].distance) < 1e-5, `${what}: distance at rank ${r + 1}`);
    if (g.index !== want[r].index) {
      const tie = want.find((w) => w.index === g.index);
      assert.ok(
        tie && Math.abs(tie.distance - want[r].distance) < 1e-5,
        `${what}: rank ${r + 1} is row ${g.index}, brute force says ${want[r].index}`,
      );
    }
  });
}

function parseTsv(text) {
  const [head, ...lines] = text.trim().split('\n');
  assert.equal(head, 'rank\tindex\tdistance\tfile\tlabel');
  return lines.map((l) => {
    const [rank, index, distance, file, label] = l.split('\t');
    return { rank: +rank, index: +index, distance: +distance, file, label };
  });
}

test('similar: the nearest sounds of a dataset the CLI wrote, as brute force finds them', () => {
  const labels = path.join(tmp, 'labels.csv');
  // tones and noise labelled by a CSV with a header; one line without a label, one name twice
  const rows = ['file,label'];
  for (const f of fs.readdirSync(path.join(FIX, 'tones')).slice(0, 12)) rows.push(`${f},tone`);
  for (const f of fs.readdirSync(path.join(FIX, 'noise')).slice(0, 12)) rows.push(`${f},noise`);
  rows.push('lonely.wav');
  rows.push(`${fs.readdirSync(path.join(FIX, 'tones'))[0]},noise`);
  fs.writeFileSync(labels, `${rows.join('\n')}\n`);
  const made = run([
    'analyze',
    path.join(FIX, 'tones'),
    path.join(FIX, 'noise'),
    '--out',
    out,
    '--labels',
    labels,
    '--quiet',
  ]);
  assert.equal(made.code, 0, made.err);
  assert.match(made.err, /labels\.csv: line 26: has no label/, 'a line without a label, by line');
  assert.match(made.err, /labels\.csv: line 27: names \S+ twice \(first on line 2\)/);
  const { data: X, shape } = npyDecode(fs.readFileSync(path.join(out, 'embeddings.npy')));
  const [n, d] = shape;
  const files = fs.readFileSync(path.join(out, 'files.txt'), 'utf8').trim().split('\n');
  assert.equal(files.length, n);

  for (const from of [0, 7, n - 1]) {
    const r = run(['similar', out, String(from)]);
    assert.equal(r.code, 0, r.err);
    const got = parseTsv(r.out);
    assert.equal(got.length, 10, 'ten by default');
    assertSameNeighbors(got, bruteForce(X, n, d, from).slice(0, 10), `row ${from}`);
    got.forEach((g, k) => {
      assert.equal(g.rank, k + 1);
      assert.equal(g.file, files[g.index]);
    });
    assert.ok(
      got.every((g) => g.index !== from),
      'the sound itself is not among its neighbours',
    );
    // by its name in files.txt, and by its base name when only one file has it
    const byName = run(['similar', out, files[from]]);
    assert.equal(byName.out, r.out, `by name ${files[from]}`);
    const base = path.basename(files[from]);
    if (files.filter((f) => path.basename(f) === base).length === 1)
      assert.equal(run(['similar', out, base]).out, r.out, `by base name ${base}`);
  }
  // labels come from the dataset (the CSV's first label of a name twice)
  const lab = parseTsv(run(['similar', out, '3', '--k', String(n - 1)]).out);
  assert.ok(lab.some((g) => g.label === 'tone') && lab.some((g) => g.label === 'noise'));

  const k3 = run(['similar', out, '5', '--k', '3']);
  assert.equal(parseTsv(k3.out).length, 3, '--k 3');
  const many = parseTsv(run(['similar', out, '5', '--k', '1000']).out);
  assert.equal(many.length, n - 1, '--k past the count lists every other sound');
  assertSameNeighbors(many, bruteForce(X, n, d, 5), 'all of them');
  const json = JSON.parse(run(['similar', out, '5', '--k', '4', '--json']).out);
  assert.equal(json.from.index, 5);
  assert.equal(json.from.file, files[5]);
  assert.deepEqual(
    json.list.map((e) => e.index),
    parseTsv(run(['similar', out, '5', '--k', '4']).out).map((e) => e.index),
  );
});

test('similar: bad arguments stop with a clear message and status 2', () => {
  const cases = [
    [['similar'], /needs a dataset folder/],
    [['similar', out], /needs a file or row index/],
    [['similar', out, '1', '2'], /takes one file or index/],
    [['similar', out, '1', '--k', '0'], /--k must be a whole number from 1/],
    [['similar', out, '1', '--k', 'many'], /--k must be a whole number/],
    [['similar', out, '1', '--kk', '3'], /unknown option --kk \(did you mean --k\?\)/],
    [['similar', out, '100000'], /row 100000 is past the last row/],
    [['similar', out, 'no-such-sound.wav'], /no file no-such-sound\.wav in this dataset/],
    [['similar', path.join(tmp, 'nowhere'), '0'], /nowhere is not a folder/],
    [['similar', tmp, '0'], /embeddings\.npy is missing/],
  ];
  for (const [args, re] of cases) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: status`);
    assert.match(r.err, re, args.join(' '));
    assert.equal(r.out, '', `${args.join(' ')}: nothing on stdout`);
  }
  assert.equal(run(['similar', '--help']).code, 0);
});

test('labels files: rows with a header, problems by line, not CSV at all', () => {
  const t = readLabelTable(
    '\uFEFFid,path,class\r\n1,a.wav,dog\n\n2,b.wav\n3,"c, d.wav",cat\n4,a.wav,bird\n5,,x\n',
  );
  assert.deepEqual(
    t.rows.map((r) => [r.file, r.label, r.line]),
    [
      ['a.wav', 'dog', 2],
      ['c, d.wav', 'cat', 5],
    ],
  );
  assert.deepEqual(
    t.problems.map((p) => p.line),
    [4, 6, 7],
  );
  assert.match(t.problems[1].reason, /names a\.wav twice \(first on line 2\)/);
  assert.equal(t.notTable, false);
  const plain = readLabelTable('x.wav\tdrum\ny.wav\tbass\n');
  assert.deepEqual(
    [...plain.table],
    [
      ['x.wav', 'drum'],
      ['y.wav', 'bass'],
    ],
  );
  assert.equal(plain.problems.length, 0, 'no header: every line is a row');
  for (const junk of ['{"a": 1}\n', 'RIFF\0\0\0WAVEfmt ', 'just one column\nof names\n']) {
    const j = readLabelTable(junk);
    assert.equal(j.notTable, true, JSON.stringify(junk));
    assert.equal(j.problems[0].line, 1);
  }
});

test('labels files: rows name paths by their end, the rest are reported', () => {
  const rows = [
    { file: 'bark.wav', label: 'dog', line: 2 },
    { file: 'cats/meow.wav', label: 'cat', line: 3 },
    { file: '/home/me/sounds/birds/tweet.wav', label: 'bird', line: 4 },
    { file: 'nothing.wav', label: 'x', line: 5 },
  ];
  const { labels, unmatched } = matchLabelRows(rows, [
    'set/dogs/bark.wav',
    'set/cats/meow.wav',
    'set/meow.wav',
    'birds/tweet.wav',
    'other.wav',
  ]);
  assert.deepEqual(labels, ['dog', 'cat', null, 'bird', null]);
  assert.deepEqual(
    unmatched.map((r) => r.line),
    [5],
  );
});

test('neighbours: nearestTo and the labels vote against brute force on random rows', () => {
  let s = 7;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
  const n = 200,
    d = 16;
  const X = Float32Array.from({ length: n * d }, rnd);
  for (const from of [0, 99, 199]) {
    const got = nearestTo(X, n, d, from, 10);
    assertSameNeighbors(got, bruteForce(X, n, d, from).slice(0, 10), `row ${from}`);
  }
  // two groups along the first axis: the vote follows the group, its confidence in (0, 1]
  const Y = new Float32Array(n * d);
  const codes = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) Y[i * d + j] = rnd() * 0.5;
    Y[i * d] += i % 2 ? 3 : -3;
    if (i < 100) codes[i] = i % 2;
  }
  const U = unitRows(Y, n, d);
  const refs = Int32Array.from({ length: 100 }, (_, i) => i);
  for (let q = 100; q < n; q++) {
    const v = knnVote(U, d, q, refs, codes, 10);
    assert.equal(v.code, q % 2, `row ${q}`);
    assert.ok(v.confidence > 0.5 && v.confidence <= 1);
  }
  // a labelled row is voted on by the others only
  const self = knnVote(U, d, 3, Int32Array.of(3), codes, 10);
  assert.equal(self, null);
  const sample = sampleOf([...Array(50).keys()], 10, 42);
  assert.deepEqual(sample, sampleOf([...Array(50).keys()], 10, 42), 'seeded');
  assert.equal(new Set(sample).size, 10);
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
