// What the JS fuzz loop (tests/fuzz/js-fuzz.mjs) found in the parsers of user files, kept as
// regression tests: each input is rebuilt here from the failing case's essentials.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDataset } from '../../web/core/dataset.js';
import { npyDecode, npyEncode } from '../../web/core/npy.js';
import { demuxOggOpus } from '../../web/workers/webcodecs.js';
import { fuzz, TARGETS } from '../fuzz/js-fuzz.mjs';

/** One Ogg page (CRC left 0: the demuxer does not check it) holding the packets. */
function oggPage(packets, flags = 0) {
  const lace = packets.flatMap((p) => [
    ...Array(Math.floor(p.length / 255)).fill(255),
    p.length % 255,
  ]);
  const h = new Uint8Array(27 + lace.length);
  h.set([0x4f, 0x67, 0x67, 0x53, 0, flags]);
  h[26] = lace.length;
  h.set(lace, 27);
  const out = new Uint8Array(h.length + packets.reduce((a, p) => a + p.length, 0));
  out.set(h);
  let o = h.length;
  for (const p of packets) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

test('Ogg Opus whose OpusHead says 0 channels is not handed to WebCodecs', () => {
  const head = new Uint8Array(19);
  head.set(new TextEncoder().encode('OpusHead'));
  head[8] = 1;
  const tags = new TextEncoder().encode('OpusTags\0\0\0\0\0\0\0\0');
  const audio = Uint8Array.from([0xfc, 1, 2, 3]);
  const page = (channels) => {
    head[9] = channels;
    return new Uint8Array([...oggPage([head], 2), ...oggPage([tags, audio])]);
  };
  assert.equal(demuxOggOpus(page(2)).config.numberOfChannels, 2);
  assert.equal(demuxOggOpus(page(0)), null);
});

test('.npy of version 2 cut inside its 12-byte preamble: a reason, not a RangeError', () => {
  const b = npyEncode(new Float32Array([1, 2]), [2]).slice(0, 10);
  b[6] = 2;
  assert.throws(() => npyDecode(b, 'cut.npy'), {
    constructor: Error,
    message: /cut\.npy: header runs past the end/,
  });
});

test('dataset JSON with values of the wrong type: a reason, or a model of the right types', () => {
  assert.throws(() => parseDataset({}, { layouts: { 'a-2d': [] } }), {
    constructor: Error,
    message: /does not list its sounds/,
  });
  assert.throws(() => parseDataset({}, { idx: 3, projections: [] }), { constructor: Error });
  const m = parseDataset(
    { name: 7, mainLayout: 'constructor', sprite: { cols: 'x', tile: {} }, failed: 'no', audio: 5 },
    {
      idx: [0, 1],
      metadata: {
        filenames: [{}, 12],
        labels: ['0', 0],
        labelnames: [null],
        tags: ['x', null],
        start: [null, 'x'],
        length: [{}, -1],
        clip_start: 'abc',
        rms: [[], 0.5],
      },
      projections: [null, [1, 'x', 2]],
    },
  );
  assert.deepEqual(
    m.items.map((it) => [it.file, it.label, it.tags, it.start, it.length, it.clipStart]),
    [
      ['clip 1', '', [], 0, 0.96, 0],
      ['12', '', [], 0, -1, 1],
    ],
  );
  assert.deepEqual(m.items[1].descriptors, [0, 0, 0, 0.5, 0, 0]);
  assert.equal(m.mainLayout, 'projection-3d');
  assert.equal(m.name, '7');
  assert.deepEqual(m.failed, []);
  assert.equal(m.sprite.cols, 2);
  assert.equal(m.sprite.tile, null);
  assert.equal(m.audio.file, 'audio.flac');
  assert.deepEqual([...m.layouts['projection-3d']], [0, 0, 0, 1, 0, 2]);
});

test('every JS fuzz target reads its seeds, and a short seeded run finds nothing', async () => {
  for (const [name, t] of Object.entries(TARGETS)) {
    for (const s of t.seeds()) await assert.doesNotReject(async () => t.run(s), `${name} seed`);
    assert.equal(await fuzz(name, 0.3, 7, () => {}), 0, name);
  }
});
