// The engine's contracts with its JavaScript binding (web/core/engine.js): sm_decoder_for says
// which decoder a file needs, and sm_abi gives the constants and the sm_map_options layout the
// binding reads at load instead of copying them.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { DECODERS, loadEngine, needsBrowser, readAbi } from '../../web/core/engine.js';

const engine = await loadEngine(fs.readFileSync('dist/sonomap.wasm'));
const read = (f) => fs.readFileSync(`build/fixtures/${f}`);

test('sm_decoder_for names the decoder of each format, and failed analyses carry it', () => {
  const cases = [
    ['browser/tones/sine-440.wav', 'engine'],
    ['browser/noise/white-0.5.flac', 'engine'],
    ['browser/plucks/pluck-C4.ogg', 'engine'],
    ['decode/v_6ch.ogg', 'browser'], // 5.1 Vorbis: the bundled decoder would get it wrong
    ['webcodecs/tone-440-stereo.mp3', 'browser-mpeg'],
    ['webcodecs/tone-1000-mpeg2.mp3', 'browser-mpeg'],
    ['webcodecs/tone-2000.opus', 'browser-opus'],
    ['browser/broken/notes.wav', 'unknown'], // text named .wav
  ];
  for (const [f, want] of cases) {
    const bytes = read(f);
    assert.equal(engine.decoderFor(bytes), want, f);
    const r = engine.analyzeFile(bytes);
    if (want === 'engine') {
      assert.equal(r.error, null, `${f}: ${r.error}`);
      assert.equal(r.decoder, 'engine');
    } else {
      assert.ok(r.error, `${f} is refused by the engine`);
      assert.equal(r.decoder, want, f);
      assert.equal(r.needsBrowserDecode, want.startsWith('browser'), f);
    }
  }
  assert.equal(
    engine.decoderFor(new Uint8Array([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc, 0])),
    'browser-aac',
  );
  assert.equal(engine.decoderFor(Buffer.from('\0\0\0\x20ftypM4A \0\0\0\0', 'latin1')), 'browser');
  assert.equal(engine.decoderFor(Buffer.from('caff\0\x01\0\0', 'latin1')), 'none');
  assert.equal(engine.decoderFor(new Uint8Array(0)), 'unknown');
  assert.deepEqual(DECODERS.filter(needsBrowser), [
    'browser-mpeg',
    'browser-aac',
    'browser-opus',
    'browser',
  ]);
});

test('the binding reads the engine ABI and refuses one it does not fit', () => {
  const abi = engine.abi;
  assert.equal(abi.rate, 16000);
  assert.equal(abi.patch, 96 * 64);
  assert.equal(abi.fpSize, 32 * 32);
  assert.equal(abi.ndesc, 6);
  assert.equal(abi.mapOptionsSize, 56);
  assert.deepEqual(Object.keys(abi.projections), ['pca', 'umap', 'tsne']);
  assert.equal(new Set(Object.values(abi.projections)).size, 3);
  // options written through the offsets reach the engine: a 3-D t-SNE of 30 rows
  const X = Float32Array.from({ length: 30 * 5 }, (_, i) => Math.sin(i * 0.7));
  const m = engine.createMap(X, 30, 5, {
    projection: 'tsne',
    dims: 3,
    perplexity: 5,
    iterations: 50,
  });
  assert.equal(m.totalSteps, 50);
  assert.equal(m.layout().length, 90);
  m.free();
  const fake = (over) => ({ sm_abi: (id) => (id in over ? over[id] : engine.x.sm_abi(id)) });
  assert.throws(() => readAbi(fake({ 0: 2 })), /ABI version 2/);
  assert.throws(() => readAbi(fake({ 23: -1 })), /does not know sm_abi id 23/);
  assert.throws(() => readAbi(fake({ 31: 58 })), /layout engine\.js cannot fill/);
  assert.throws(() => readAbi({}), /no sm_abi/);
});
