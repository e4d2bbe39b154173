// selection-export.test.mjs — the selection's CSV (RFC 4180 quoting, formula guard), its WAV
// clips and zip (web/page/selection-export.js), and the lasso's point-in-polygon test
// (web/view/lasso.js), without a browser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unzipSync } from 'fflate';
import {
  csvCell,
  csvText,
  selectionRows,
  selectionZip,
  wavBytes,
  zipPath,
} from '../../web/page/selection-export.js';
import { pointInPolygon } from '../../web/view/lasso.js';

test('CSV cells are quoted when needed, quotes doubled, formulas guarded', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  assert.equal(csvCell('=1+2'), "'=1+2");
  assert.equal(csvCell('+cmd'), "'+cmd");
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell('-x'), "'-x");
  assert.equal(csvCell('=HYPERLINK("a","b")'), `"'=HYPERLINK(""a"",""b"")"`);
  assert.equal(csvCell(-0.5), '-0.5', 'numbers are not guarded');
  assert.equal(csvCell(Number.NaN), '');
  assert.equal(csvCell(null), '');
  assert.equal(
    csvText([
      ['a', 1],
      ['b,c', 2],
    ]),
    'a,1\r\n"b,c",2\r\n',
  );
});

test('selection rows: header, one row per index in order, positions from the layout', () => {
  const items = [
    {
      file: 'a/one.wav',
      label: 'x',
      tags: [{ name: 'Bell', score: 0.9 }],
      start: 0,
      length: 1,
      duration: 2,
    },
    { file: 'a/two.wav', label: '', tags: ['Dog', 'Bark'], start: 0.48, length: 0.96, duration: 3 },
  ];
  const rows = selectionRows(items, [1, 0], new Float32Array([0.25, -0.5, 1, 2]), 2);
  assert.deepEqual(rows[0], [
    'index',
    'file',
    'label',
    'tags',
    'start_s',
    'length_s',
    'file_duration_s',
    'map_x',
    'map_y',
  ]);
  assert.deepEqual(rows[1], [1, 'a/two.wav', '', 'Dog; Bark', 0.48, 0.96, 3, 1, 2]);
  assert.deepEqual(rows[2], [0, 'a/one.wav', 'x', 'Bell', 0, 1, 2, 0.25, -0.5]);
  const r3 = selectionRows(items, [0], new Float32Array([1, 2, 3, 4, 5, 6]), 3);
  assert.deepEqual(r3[0].slice(-3), ['map_x', 'map_y', 'map_z']);
  assert.deepEqual(r3[1].slice(-3), [1, 2, 3]);
});

test('WAV: a 16-bit mono PCM header and the samples, clipped to [-1, 1]', () => {
  const w = wavBytes(new Float32Array([0, 0.5, -1, 2]), 16000);
  const dv = new DataView(w.buffer);
  assert.equal(new TextDecoder().decode(w.subarray(0, 4)), 'RIFF');
  assert.equal(dv.getUint32(4, true), w.length - 8);
  assert.equal(new TextDecoder().decode(w.subarray(8, 16)), 'WAVEfmt ');
  assert.equal(dv.getUint16(20, true), 1);
  assert.equal(dv.getUint16(22, true), 1);
  assert.equal(dv.getUint32(24, true), 16000);
  assert.equal(dv.getUint16(34, true), 16);
  assert.equal(dv.getUint32(40, true), 8);
  assert.deepEqual(
    [0, 1, 2, 3].map((k) => dv.getInt16(44 + 2 * k, true)),
    [0, 16384, -32767, 32767],
  );
});

test('zip: originals stored once per file, clips cut at their place, safe names', () => {
  assert.equal(zipPath('/../a/./b\\c.wav'), 'a/b/c.wav');
  assert.equal(zipPath('..'), 'sound');
  const items = [
    { file: 'd/long.wav', clipStart: 0, clipDuration: 0.5 },
    { file: 'd/long.wav', clipStart: 0.5, clipDuration: 0.5 },
    { file: '../up.wav', clipStart: 1, clipDuration: 0.25 },
  ];
  const orig = new Map([['d/long.wav', { bytes: new Uint8Array([1, 2, 3]) }]]);
  const samples = new Float32Array(32);
  for (let k = 0; k < 32; k++) samples[k] = k / 64;
  const z = selectionZip(items, [0, 1, 2], {
    originals: orig,
    clip: { samples, rate: 16 },
    csv: 'a\r\n',
  });
  assert.equal(z.originals, 1);
  assert.equal(z.clips, 1);
  const files = unzipSync(z.bytes);
  assert.deepEqual(Object.keys(files).sort(), [
    'README.txt',
    'd/long.wav',
    'selection.csv',
    'up.wav',
  ]);
  assert.deepEqual([...files['d/long.wav']], [1, 2, 3]);
  const dv = new DataView(files['up.wav'].buffer, files['up.wav'].byteOffset);
  assert.equal(dv.getUint32(40, true), 8, '0.25 s at 16 Hz: 4 samples');
  assert.equal(dv.getInt16(44, true), Math.round((16 / 64) * 32767), 'from sample 16 (1 s)');
});

test('point in polygon: even-odd, a concave shape', () => {
  const c = [
    { x: 0, y: 0 },
    { x: 10, y: 0 },
    { x: 10, y: 10 },
    { x: 5, y: 4 },
    { x: 0, y: 10 },
  ];
  assert.equal(pointInPolygon(c, 5, 2), true);
  assert.equal(pointInPolygon(c, 5, 8), false, 'in the notch');
  assert.equal(pointInPolygon(c, 1, 8), true);
  assert.equal(pointInPolygon(c, 11, 5), false);
});
