// Sharded analysis: `analyze --shard i/n` on every shard, then `merge`, gives the same dataset as
// one run over all the files (byte for byte but for config.json's date); shards are fixed by the
// files' relative paths, not by the order they are given in; bad shard specs and bad parts are
// refused with the part's name and the reason, and nothing is written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { collectFiles } from '../../web/cli/files.mjs';
import { parseShard, shardOf } from '../../web/cli/parts.mjs';

const CLI = path.resolve('dist/sonomap.mjs');
const IN = ['build/fixtures/cli', 'build/fixtures/cli-broken'];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-shards-'));
const run = (args) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 600000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const at = (...p) => path.join(tmp, ...p);

test('three shards merged = one run over all the files (with the shipped model)', () => {
  const one = run(['analyze', ...IN, '--out', at('one'), '--seed', '5', '--quiet']);
  assert.equal(one.code, 0, one.err);
  for (const i of [0, 1, 2]) {
    const r = run(['analyze', ...IN, '--shard', `${i}/3`, '--out', at(`part${i}`), '--quiet']);
    assert.equal(r.code, 0, r.err);
  }
  const sizes = [0, 1, 2].map(
    (i) => JSON.parse(fs.readFileSync(at(`part${i}`, 'part.json'), 'utf8')).files.length,
  );
  assert.ok(
    sizes.every((k) => k > 10),
    `each shard has a share of the files (${sizes})`,
  );
  // parts given in any order
  const m = run([
    'merge',
    at('part2'),
    at('part0'),
    at('part1'),
    '--out',
    at('merged'),
    '--name',
    'one',
    '--seed',
    '5',
  ]);
  assert.equal(m.code, 0, m.err);
  for (const f of [
    'embeddings.npy',
    'files.txt',
    'projections.json',
    'labels.tsv',
    'audio.flac',
    'sprite.png',
    'audio-sprites.json',
  ])
    assert.ok(
      fs.readFileSync(at('one', f)).equals(fs.readFileSync(at('merged', f))),
      `${f} is the same`,
    );
  const cfg = (d) => {
    const c = JSON.parse(fs.readFileSync(at(d, 'config.json'), 'utf8'));
    delete c.created;
    return c;
  };
  assert.deepEqual(cfg('merged'), cfg('one'));
  assert.equal(cfg('one').failed.length, 3, 'the broken files are reported once each');
  assert.equal(cfg('one').model?.name, 'sonomap-s');
});

test('a file’s shard depends on its path, not on the order the inputs are given in', () => {
  const a = collectFiles(['build/fixtures/cli/tones', 'build/fixtures/cli/noise'], () => {});
  const b = collectFiles(['build/fixtures/cli/noise', 'build/fixtures/cli/tones'], () => {});
  const of = (files) => Object.fromEntries(files.map((f) => [f.rel, shardOf(f.rel, 4)]).sort());
  assert.deepEqual(of(a), of(b));
  assert.ok(new Set(Object.values(of(a))).size > 1, 'files spread over the shards');
  assert.equal(shardOf('drums/kick.wav', 7), shardOf('drums/kick.wav', 7));
  assert.deepEqual(parseShard('3/8'), { index: 3, count: 8 });
});

test('bad shard specs are usage errors', () => {
  for (const spec of ['3', 'a/b', '3/3', '0/0', '-1/2', '1/2/3', ''])
    assert.throws(() => parseShard(spec), /--shard/, spec);
  const r = run(['analyze', IN[0], '--shard', '4/4', '--out', at('never')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /--shard 4\/4: i must be 0 to 3/);
  assert.ok(!fs.existsSync(at('never')));
});

test('merge refuses missing, doubled, foreign and broken parts; nothing is written', () => {
  const small = ['build/fixtures/cli/tones'];
  const part = (name, spec, more = []) => {
    const r = run([
      'analyze',
      ...small,
      '--shard',
      spec,
      '--out',
      at(name),
      '--features',
      'fingerprint',
      '--quiet',
      ...more,
    ]);
    assert.equal(r.code, 0, r.err);
    return at(name);
  };
  const p0 = part('s0', '0/2');
  const p1 = part('s1', '1/2');
  const d1 = part('d1', '1/2', ['--features', 'descriptors']);
  const refuse = (parts, re, out = at('refused')) => {
    const r = run(['merge', ...parts, '--out', out]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, re);
    assert.ok(!fs.existsSync(at('refused')), 'nothing written');
  };
  refuse([p0], /shard 1\/2 missing/);
  refuse([p0, p0], /shard 0\/2 is also/);
  refuse([p0, d1], /d1: another feature \("descriptors"\) than .*s0 \("fingerprint"\)/);
  const t = fs.cpSync(p1, at('cut'), { recursive: true }) ?? at('cut');
  const feats = fs.readFileSync(path.join(t, 'features.npy'));
  fs.writeFileSync(path.join(t, 'features.npy'), feats.subarray(0, feats.length - 100));
  refuse([p0, t], /cut: features\.npy: data shorter than its shape/);
  fs.rmSync(path.join(t, 'part.json'));
  refuse([p0, t], /cut: part\.json is missing/);
  refuse([p0, at('nowhere')], /nowhere: no such folder/);
  // an --out with something in it is left alone
  fs.mkdirSync(at('busy'));
  fs.writeFileSync(at('busy', 'keep.txt'), 'mine');
  const r = run(['merge', p0, p1, '--out', at('busy')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /is not empty; nothing is overwritten/);
  assert.deepEqual(fs.readdirSync(at('busy')), ['keep.txt']);
  // and the good pair merges
  const ok = run(['merge', p0, p1, '--out', at('small')]);
  assert.equal(ok.code, 0, ok.err);
  assert.equal(JSON.parse(fs.readFileSync(at('small', 'config.json'), 'utf8')).count, 20);
});
