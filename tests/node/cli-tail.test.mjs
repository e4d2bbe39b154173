// cli-tail.test.mjs — the end of `analyze` gives the same dataset whether its layouts and
// spriteclip run one after another in the main thread's engine (--jobs 1) or side by side on
// the map worker pool (--jobs 3): every layout, the clusters, the grid, the sprite sheets and
// the spriteclip, byte for byte.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';

const FIX = path.resolve('build/fixtures/cli');

test('analyze: layouts side by side on the worker pool = one after another', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-tail-'));
  try {
    const run = (jobs) => {
      const out = path.join(tmp, `j${jobs}`);
      const r = spawnSync(
        process.execPath,
        [
          'dist/sonomap.mjs',
          'analyze',
          path.join(FIX, 'tones'),
          path.join(FIX, 'plucks'),
          '--out',
          out,
          '--jobs',
          String(jobs),
          '--quiet',
          '--grid-sprite',
          '--seed',
          '7',
        ],
        { encoding: 'utf8' },
      );
      assert.equal(r.status, 0, r.stderr);
      return out;
    };
    const a = run(1);
    const b = run(3);
    const proj = JSON.parse(fs.readFileSync(path.join(a, 'projections.json'), 'utf8'));
    for (const k of ['umap-2d', 'umap-3d', 'pca-2d', 'pca-3d', 'grid-2d'])
      assert.ok(proj.layouts[k], `${k} is written`);
    for (const f of [
      'projections.json',
      'labels.tsv',
      'audio.flac',
      'sprite.png',
      'grid-sprite.png',
      'embeddings.npy',
      'audio-sprites.json',
    ]) {
      assert.ok(
        fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))),
        `${f}: the same bytes`,
      );
    }
    const ca = JSON.parse(fs.readFileSync(path.join(a, 'config.json'), 'utf8'));
    const cb = JSON.parse(fs.readFileSync(path.join(b, 'config.json'), 'utf8'));
    assert.deepEqual(cb.quality, ca.quality, 'the same quality figures');
    assert.ok(ca.quality.clusters > 0, 'clusters were made');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
