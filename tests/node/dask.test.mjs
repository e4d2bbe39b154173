// The Dask recipe (scripts/dask/sonomap_dask.py, Debian's python3-distributed) on a LocalCluster
// of two workers: three shard tasks and a merge task give the dataset one run gives.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-dask-'));
const IN = ['build/fixtures/cli/tones', 'build/fixtures/cli/noise'];

test('sharded analysis on a Dask LocalCluster = one run', () => {
  const has = spawnSync('/usr/bin/python3', ['-c', 'import distributed'], { encoding: 'utf8' });
  assert.equal(
    has.status,
    0,
    `python3-distributed is missing (make setup installs it): ${has.stderr}`,
  );
  const r = spawnSync(
    '/usr/bin/python3',
    [
      'scripts/dask/sonomap_dask.py',
      ...IN,
      '--out',
      path.join(tmp, 'dask'),
      '--shards',
      '3',
      '--local-workers',
      '2',
      '--',
      '--features',
      'fingerprint',
    ],
    { encoding: 'utf8', timeout: 600000 },
  );
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout.trim().split('\n').pop());
  assert.equal(report.shards, 3);
  assert.equal(
    report.files.reduce((a, b) => a + b, 0),
    40,
  );
  const one = spawnSync(
    process.execPath,
    [
      'dist/sonomap.mjs',
      'analyze',
      ...IN,
      '--out',
      path.join(tmp, 'one'),
      '--features',
      'fingerprint',
      '--quiet',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(one.status, 0, one.stderr);
  for (const f of ['embeddings.npy', 'files.txt', 'projections.json'])
    assert.ok(
      fs.readFileSync(path.join(tmp, 'one', f)).equals(fs.readFileSync(path.join(tmp, 'dask', f))),
      `${f}: the same as one run`,
    );
});
