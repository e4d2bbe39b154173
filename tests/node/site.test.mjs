// `sonomap site`: dataset folders in, a static site out (the viewer, the element, maps/<name>/,
// index.html opening the first map); folders that are not datasets are reported by name with
// the reason and left out; a folder that is not empty and not a site is never written into.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const CLI = path.resolve('dist/sonomap.mjs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-site-'));
const run = (args) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const ds = path.join(tmp, 'tones');
test('analyze a small dataset for the site', () => {
  const r = run([
    'analyze',
    'build/fixtures/cli/tones',
    '--out',
    ds,
    '--features',
    'descriptors',
    '--quiet',
  ]);
  assert.equal(r.code, 0, r.err);
});

test('site: the viewer, the element and the maps; bad folders reported and left out', () => {
  const bad = path.join(tmp, 'bad');
  const mk = (name, files) => {
    fs.mkdirSync(path.join(bad, name), { recursive: true });
    for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(bad, name, f), text);
    return path.join(bad, name);
  };
  const copy = (name) => {
    fs.cpSync(ds, path.join(bad, name), { recursive: true });
    return path.join(bad, name);
  };
  const broken = mk('broken-json', { 'projections.json': '{"idx": [0, 1' });
  const notDs = mk('just-audio', { 'a.txt': 'hello' });
  const foreign = copy('foreign');
  const cfg = JSON.parse(fs.readFileSync(path.join(foreign, 'config.json'), 'utf8'));
  cfg.audio.file = 'http://192.0.2.1/audio.flac';
  fs.writeFileSync(path.join(foreign, 'config.json'), JSON.stringify(cfg));
  const noSprite = copy('no-sprite');
  fs.rmSync(path.join(noSprite, cfg.sprite.file));
  const out = path.join(tmp, 'site');
  const r = run(['site', ds, broken, notDs, foreign, noSprite, ds, '--out', out]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /broken-json: not a dataset folder \(projections\.json is not valid JSON/);
  assert.match(r.err, /just-audio: not a dataset folder \(projections\.json is missing\)/);
  assert.match(
    r.err,
    /foreign: not a dataset folder \(config\.json names http:\/\/192\.0\.2\.1\/audio\.flac, outside the folder\)/,
  );
  assert.match(
    r.err,
    /no-sprite: not a dataset folder \(sprite\.\w+ \(named in config\.json\) is missing\)/,
  );
  // the viewer and the element
  for (const f of [
    'index.html',
    'main.js',
    'analysis-worker.js',
    'projection-worker.js',
    'sonomap.wasm',
    'style.css',
    'sono-map.js',
    'embed.html',
    'embed-page.js',
    'maps.html',
    'models/sonomap-s.smnn',
  ])
    assert.ok(fs.existsSync(path.join(out, f)), `${f} is in the site`);
  for (const f of ['sonomap.mjs', 'embed-demo.html', 'demo'])
    assert.ok(!fs.existsSync(path.join(out, f)), `${f} is not`);
  // the same folder twice: two maps with two names
  const list = JSON.parse(fs.readFileSync(path.join(out, 'maps/index.json'), 'utf8'));
  assert.deepEqual(
    list.map((m) => [m.name, m.count, m.path]),
    [
      ['tones', 20, 'maps/tones/'],
      ['tones-2', 20, 'maps/tones-2/'],
    ],
  );
  for (const f of fs.readdirSync(ds))
    assert.deepEqual(
      fs.readFileSync(path.join(out, 'maps/tones', f)),
      fs.readFileSync(path.join(ds, f)),
      f,
    );
  const index = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
  assert.match(index, /<meta name="sonomap-dataset" content="maps\/tones\/">/);
  const maps = fs.readFileSync(path.join(out, 'maps.html'), 'utf8');
  assert.equal(maps.match(/<sono-map /g).length, 2);
  // every URL the site's pages name is relative (works from a sub-path)
  for (const page of ['index.html', 'maps.html', 'embed.html'])
    assert.doesNotMatch(fs.readFileSync(path.join(out, page), 'utf8'), /(src|href)="\//, page);

  // written again over itself: fine; into a folder with other things: refused, untouched
  assert.equal(run(['site', ds, '--out', out, '--quiet']).code, 0);
  assert.deepEqual(
    JSON.parse(fs.readFileSync(path.join(out, 'maps/index.json'), 'utf8')).map((m) => m.name),
    ['tones'],
  );
  const other = path.join(tmp, 'other');
  fs.mkdirSync(other);
  fs.writeFileSync(path.join(other, 'notes.txt'), 'mine');
  const r2 = run(['site', ds, '--out', other]);
  assert.equal(r2.code, 2);
  assert.match(r2.err, /is not empty and not a site written before; nothing written/);
  assert.deepEqual(fs.readdirSync(other), ['notes.txt']);
  // nothing to publish
  const r3 = run(['site', notDs, '--out', path.join(tmp, 'empty-site')]);
  assert.equal(r3.code, 1);
  assert.ok(!fs.existsSync(path.join(tmp, 'empty-site')));
  // usage
  assert.equal(run(['site', ds]).code, 2);
  assert.equal(run(['site', '--out', out]).code, 2);
});
