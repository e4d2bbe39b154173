// The CLI reads what the page reads, and names what it read so it can be told apart:
//  - MP3 (MPEG-1 and MPEG-2) and Ogg Opus decode in Node (mpg123-decoder, ogg-opus-decoder) and
//    land where their tone says (spectral centroid near the tone), a broken MP3 is reported with
//    a reason and the rest goes on;
//  - files.txt names each source relative to the inputs' common folder: two kick.wav from two
//    folders stay apart, one folder keeps its name, files of one folder their bare names.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { commonFolder } from '../../web/cli/files.mjs';
import { wavBytes } from '../wav.mjs';

const CLI = path.resolve('dist/sonomap.mjs');
const WC = path.resolve('build/fixtures/webcodecs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-inputs-'));

function run(args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const readDs = (dir) => ({
  cfg: JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')),
  proj: JSON.parse(fs.readFileSync(path.join(dir, 'projections.json'), 'utf8')),
  files: fs.readFileSync(path.join(dir, 'files.txt'), 'utf8').trim().split('\n'),
});

/** A sine of `hz` as 16-bit mono WAV bytes. */
function sineWav(hz, seconds = 0.6, rate = 22050) {
  const x = Float32Array.from(
    { length: Math.round(seconds * rate) },
    (_, i) => (12000 / 32767) * Math.sin((2 * Math.PI * hz * i) / rate),
  );
  return wavBytes(x, rate);
}

test('MP3 and Ogg Opus decode in the CLI; a broken MP3 is reported, the rest goes on', () => {
  const dir = path.join(tmp, 'compressed');
  fs.mkdirSync(dir);
  for (const f of ['tone-440-stereo.mp3', 'tone-1000-mpeg2.mp3', 'tone-2000.opus'])
    fs.copyFileSync(path.join(WC, f), path.join(dir, f));
  // An MP3 cut after its first 300 bytes (one frame header, no whole frame): nothing decodes.
  fs.writeFileSync(
    path.join(dir, 'cut.mp3'),
    fs.readFileSync(path.join(WC, 'tone-440-stereo.mp3')).subarray(0, 300),
  );
  fs.copyFileSync(path.join(WC, 'noise-not-mp3.mp3'), path.join(dir, 'noise-not-mp3.mp3'));
  const out = path.join(tmp, 'compressed-ds');
  const r = run(['analyze', dir, '--out', out, '--features', 'descriptors', '--seed', '3']);
  assert.equal(r.code, 0, r.err);
  const { cfg, proj, files } = readDs(out);
  assert.deepEqual(files, [
    'compressed/tone-1000-mpeg2.mp3',
    'compressed/tone-2000.opus',
    'compressed/tone-440-stereo.mp3',
  ]);
  assert.equal(cfg.count, 3);
  const failed = Object.fromEntries(cfg.failed.map((f) => [f.file, f.reason]));
  assert.deepEqual(Object.keys(failed).sort(), [
    'compressed/cut.mp3',
    'compressed/noise-not-mp3.mp3',
  ]);
  for (const [f, why] of Object.entries(failed)) {
    assert.ok(why.length > 5, `${f} has a reason: ${why}`);
    assert.doesNotMatch(why, /browser decoder/, `${f} is not sent to a browser any more`);
    assert.match(r.err, new RegExp(`${f.replace(/[.]/g, '\\.')}: `), `${f} is reported on stderr`);
  }
  // Each tone's spectral centroid sits near its frequency (the decoders gave the right audio
  // at the right rate, not silence or noise).
  const cent = proj.metadata.s_centroid;
  const want = { 'tone-1000-mpeg2.mp3': 1000, 'tone-2000.opus': 2000, 'tone-440-stereo.mp3': 440 };
  files.forEach((f, i) => {
    const hz = want[path.basename(f)];
    assert.ok(Math.abs(cent[i] - hz) < hz * 0.25, `${f}: centroid ${cent[i]} Hz near ${hz} Hz`);
  });
});

test('files.txt: paths relative to the common folder of the inputs', () => {
  const root = path.join(tmp, 'names');
  for (const [d, hz] of [
    ['drums/a', 60],
    ['drums/b', 90],
    ['pads', 300],
  ]) {
    fs.mkdirSync(path.join(root, d), { recursive: true });
    fs.writeFileSync(path.join(root, d, 'kick.wav'), sineWav(hz));
  }
  fs.writeFileSync(path.join(root, 'drums/a/snare.wav'), sineWav(500));
  const cases = [
    // two kick.wav from two folders, given one by one: the folders tell them apart
    [
      ['drums/a/kick.wav', 'drums/b/kick.wav'],
      ['a/kick.wav', 'b/kick.wav'],
    ],
    // files of one folder: bare names
    [
      ['drums/a/kick.wav', 'drums/a/snare.wav'],
      ['kick.wav', 'snare.wav'],
    ],
    // one folder: its name stays in every path
    [['drums/a'], ['a/kick.wav', 'a/snare.wav']],
    // a folder and a file elsewhere: both relative to where they meet
    [
      ['drums/b', 'pads/kick.wav'],
      ['drums/b/kick.wav', 'pads/kick.wav'],
    ],
  ];
  cases.forEach(([inputs, want], k) => {
    const out = path.join(tmp, `names-${k}`);
    const r = run([
      'analyze',
      ...inputs.map((p) => path.join(root, p)),
      '--out',
      out,
      '--features',
      'descriptors',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(readDs(out).files, want, inputs.join(' '));
  });
});

test('commonFolder', () => {
  const j = (...p) => path.join(path.sep, ...p);
  assert.equal(commonFolder([j('x', 'a'), j('x', 'b', 'c')]), j('x'));
  assert.equal(commonFolder([j('x', 'ab'), j('x', 'a')]), j('x'), 'whole names, not prefixes');
  assert.equal(commonFolder([j('x', 'a')]), j('x', 'a'));
  assert.equal(commonFolder([j('x'), j('y')]), path.sep);
});

test('audio-sprites.json: every clip by name, where projections.json says it plays', () => {
  const out = path.join(tmp, 'names-0'); // two kick.wav from two folders (above)
  const { cfg, proj } = readDs(out);
  assert.equal(cfg.audioSprites, 'audio-sprites.json');
  const sp = JSON.parse(fs.readFileSync(path.join(out, 'audio-sprites.json'), 'utf8'));
  assert.deepEqual(sp.resources, [cfg.audio.file]);
  assert.deepEqual(sp.src, [cfg.audio.file]);
  const names = proj.metadata.filenames;
  assert.deepEqual(Object.keys(sp.spritemap), names);
  names.forEach((f, i) => {
    const start = proj.metadata.clip_start[i];
    const dur = proj.metadata.clip_duration[i];
    assert.ok(Math.abs(sp.spritemap[f].start - start) < 1e-3, f);
    assert.ok(Math.abs(sp.spritemap[f].end - (start + dur)) < 1e-3, f);
    assert.equal(sp.spritemap[f].loop, false);
    assert.deepEqual(sp.sprite[f], [Math.round(start * 1000), Math.round(dur * 1000)]);
  });
  // the clips tile the spriteclip in order, without overlapping
  for (let i = 1; i < names.length; i++)
    assert.ok(sp.spritemap[names[i]].start >= sp.spritemap[names[i - 1]].end - 1e-3);
});
