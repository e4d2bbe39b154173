// dataset-source.test.mjs — one reader for a dataset folder wherever it lives
// (web/core/dataset-source.js): a folder's files as name → Blob and the same folder zipped by
// the page's export (web/page/dataset-zip.js) read back alike; broken folders give errors
// naming the file; the sprite sheet's size check. No browser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDataset } from '../../web/core/dataset.js';
import {
  checkName,
  filesSource,
  readDataset,
  spriteProblem,
  zipSource,
} from '../../web/core/dataset-source.js';
import { npyEncode } from '../../web/core/npy.js';
import { zipFiles } from '../../web/page/dataset-zip.js';

const N = 7;
const D = 5;

function folder() {
  const items = [];
  for (let i = 0; i < N; i++)
    items.push({
      file: `s/${i}.wav`,
      label: i % 2 ? 'odd' : 'even',
      tags: [],
      start: 0,
      length: 1,
      clipStart: i,
      clipDuration: 1,
      descriptors: [i, 0, 0, 0, 0, 1],
    });
  const layout = Float32Array.from({ length: 2 * N }, (_, k) => Math.sin(k));
  const X = Float32Array.from({ length: N * D }, (_, k) => k / 10);
  const ds = buildDataset({
    name: 'test',
    items,
    layouts: { 'umap-2d': layout },
    mainLayout: 'umap-2d',
    sprite: { file: 'sprite.png', tile: 8, cols: 3 },
    audio: { file: 'audio.wav', rate: 16000, samples: 16000 * N },
  });
  const files = new Map([
    ['config.json', new Blob([JSON.stringify(ds.config)])],
    ['projections.json', new Blob([JSON.stringify(ds.projections)])],
    ['files.txt', new Blob([ds.filesTxt])],
    ['labels.tsv', new Blob([ds.labelsTsv])],
    ['embeddings.npy', new Blob([npyEncode(X, [N, D])])],
    ['sprite.png', new Blob([new Uint8Array([1, 2, 3])])],
    ['audio.wav', new Blob([new Uint8Array([4, 5, 6])])],
  ]);
  return { files, layout, X, config: ds.config, projections: ds.projections };
}

test('a folder as name → Blob and the same folder zipped read back alike', async () => {
  const f = folder();
  const a = await readDataset(filesSource(f.files));
  assert.equal(a.model.items.length, N);
  assert.deepEqual(
    a.model.items.map((it) => it.label),
    Array.from({ length: N }, (_, i) => (i % 2 ? 'odd' : 'even')),
  );
  for (let k = 0; k < 2 * N; k++)
    assert.ok(Math.abs(a.model.layouts['umap-2d'][k] - f.layout[k]) < 1e-4);
  assert.equal(a.d, D);
  assert.deepEqual(Array.from(a.X), Array.from(f.X));
  assert.equal(a.sprite.name, 'sprite.png');
  assert.equal(a.audio.name, 'audio.wav');
  const zip = await zipFiles([...f.files], 'test');
  const b = await readDataset(zipSource(new Uint8Array(await zip.arrayBuffer()), 'test.zip'));
  assert.deepEqual(b.model.items, a.model.items);
  assert.deepEqual(Array.from(b.X), Array.from(a.X));
  assert.deepEqual([...b.raw.keys()].sort(), [...f.files.keys()].sort());
  for (const [name, blob] of f.files)
    assert.deepEqual(
      new Uint8Array(await b.raw.get(name).arrayBuffer()),
      new Uint8Array(await blob.arrayBuffer()),
      name,
    );
});

test('broken folders: the error names the file and the problem', async () => {
  const cases = [
    [(m) => m.delete('projections.json'), /^projections\.json is missing$/],
    [(m) => m.set('config.json', new Blob(['{"name": '])), /^config\.json is not valid JSON$/],
    [
      (m) => m.set('files.txt', new Blob(['a\nb\n'])),
      /^files\.txt lists 2 files but projections\.json has 7$/,
    ],
    [
      (m) => m.set('embeddings.npy', new Blob([npyEncode(new Float32Array(3 * D), [3, D])])),
      /^embeddings\.npy has 3 rows but projections\.json has 7$/,
    ],
    [
      (m, f) =>
        m.set(
          'config.json',
          new Blob([JSON.stringify({ ...f.config, sprite: { file: 'http://127.0.0.2/x.png' } })]),
        ),
      /^config\.json names http:\/\/127\.0\.0\.2\/x\.png for the sprite sheet, on another site/,
    ],
    [
      (m, f) => m.set('config.json', new Blob([JSON.stringify({ ...f.config, count: 9 })])),
      /^config\.json says 9 sounds but projections\.json has 7$/,
    ],
    [
      (m, f) =>
        m.set(
          'projections.json',
          new Blob([JSON.stringify({ ...f.projections, layouts: { 'umap-2d': [[0, 0]] } })]),
        ),
      /^projections\.json: layout 'umap-2d' has 1 rows, expected 7$/,
    ],
  ];
  for (const [change, re] of cases) {
    const f = folder();
    change(f.files, f);
    await assert.rejects(readDataset(filesSource(f.files)), { message: re });
  }
  assert.throws(() => zipSource(new Uint8Array([1, 2, 3, 4]), 'junk.zip'), {
    message: /^junk\.zip is not a zip file/,
  });
});

test('names off the folder are refused; a sprite sheet too small is described', () => {
  assert.equal(checkName('sprite.png', 'x'), 'sprite.png');
  for (const bad of ['https://a/b.png', '//a/b.png', 'data:image/png,', '/etc/x', '../x.png'])
    assert.throws(() => checkName(bad, 'the sprite sheet'), /config\.json names/, bad);
  assert.equal(spriteProblem('s.png', 24, 24, 7, 3, 8), '');
  assert.equal(spriteProblem('s.png', 24, 24, 9, 3, null), '');
  assert.match(
    spriteProblem('s.png', 24, 16, 7, 3, 8),
    /^s\.png is 24×16 px, too small for 7 tiles in 3 columns of 8 px$/,
  );
  assert.match(spriteProblem('s.png', 1, 1, 7, 3, null), /too small/);
});

test('a zip whose headers claim sizes it cannot hold is refused before anything is allocated', async () => {
  const { zipSync } = await import('fflate');
  const good = zipSync(
    { 'map/projections.json': new TextEncoder().encode('{"idx":[0]}'.repeat(20)) },
    { level: 6 },
  );
  // the central directory entry (PK\1\2): compressed size at +20, uncompressed at +24
  const lie = (at, value) => {
    const z = good.slice();
    const dv = new DataView(z.buffer);
    for (let i = 0; i + 4 <= z.length; i++)
      if (dv.getUint32(i, true) === 0x02014b50) dv.setUint32(i + at, value, true);
    return z;
  };
  assert.equal(zipSource(good, 'good.zip').files.size, 1);
  for (const [name, z] of [
    ['1.3 GB from a few bytes', lie(24, 1311525164)],
    ['compressed past the end', lie(20, 1229836332)],
  ])
    assert.throws(
      () => zipSource(z, 'bad.zip'),
      { message: /bad\.zip .*the zip is damaged/ },
      name,
    );
});
