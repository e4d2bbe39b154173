// decode-only.test.mjs — engine.decodeFile (sm_decode_file, what bench-decode times): the same
// 16 kHz signal length and duration as the full analysis of each fixture format, no features,
// and a broken file's reason.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { loadEngine } from '../../web/core/engine.js';

const FIX = path.resolve('build/fixtures/cli');

test('decodeFile: the analysis signal without the features, per format', async () => {
  const engine = await loadEngine(fs.readFileSync('dist/sonomap.wasm'));
  const seen = new Set();
  for (const dir of fs.readdirSync(FIX)) {
    for (const name of fs.readdirSync(path.join(FIX, dir))) {
      const ext = path.extname(name).toLowerCase();
      if (seen.has(ext) || !['.wav', '.flac', '.ogg', '.aiff'].includes(ext)) continue;
      const bytes = fs.readFileSync(path.join(FIX, dir, name));
      const full = engine.analyzeFile(bytes);
      if (full.error) continue;
      seen.add(ext);
      const d = engine.decodeFile(bytes);
      assert.equal(d.error, null, `${name}: ${d.error}`);
      assert.equal(d.samples, full.audio.length, `${name}: 16 kHz samples`);
      assert.equal(d.duration, full.duration, `${name}: duration`);
      assert.equal(d.format, full.format, `${name}: format`);
      assert.equal(d.sourceRate, full.sourceRate, `${name}: source rate`);
    }
  }
  assert.ok(seen.size >= 3, `formats tried: ${[...seen]}`);
  const bad = engine.decodeFile(new Uint8Array([82, 73, 70, 70, 1, 2, 3]));
  assert.ok(bad.error && bad.samples === 0, `a broken file gives a reason: ${bad.error}`);
});
