// A 1-hour recording through the CLI in long mode: it is analysed in one pass without the
// memory growing past a few times the file, with one point every 0.48 s.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { wavHeader } from '../wav.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-hour-'));

/** 16 kHz mono 16-bit WAV of a slow chirp, written in blocks. */
function writeHour(file, seconds) {
  const rate = 16000,
    n = rate * seconds;
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, wavHeader(n, rate));
  const block = Buffer.alloc(2 * rate);
  let phase = 0;
  for (let s = 0; s < seconds; s++) {
    const f = 200 + 3000 * (s / seconds);
    for (let i = 0; i < rate; i++) {
      phase += (2 * Math.PI * f) / rate;
      block.writeInt16LE(Math.round(8000 * Math.sin(phase)), 2 * i);
    }
    fs.writeSync(fd, block);
  }
  fs.closeSync(fd);
  return 44 + 2 * n;
}

test('a 1-hour recording maps in long mode with bounded memory', { timeout: 240000 }, async () => {
  const file = path.join(tmp, 'hour.wav');
  const size = writeHour(file, 3600);
  const out = path.join(tmp, 'ds');
  const child = spawn(
    process.execPath,
    [
      'dist/sonomap.mjs',
      'analyze',
      file,
      '--mode',
      'long',
      '--out',
      out,
      '--projection',
      'pca',
      '--clusters',
      '0',
      '--audio',
      'wav',
      '--jobs',
      '1',
      '--features',
      'fingerprint',
      '--quiet',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '',
    peak = 0;
  child.stderr.on('data', (d) => {
    err += d;
  });
  // Peak resident memory of the CLI (its worker threads included), polled from /proc.
  const poll = setInterval(() => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      /* exited */
    }
  }, 100);
  const code = await new Promise((resolve) => child.on('exit', resolve));
  clearInterval(poll);
  assert.equal(code, 0, err);
  const cfg = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
  assert.equal(cfg.count, 7499, '3600 s in 0.48 s hops');
  assert.ok(
    cfg.audio.samples >= 3600 * 16000 && cfg.audio.samples < 3601 * 16000,
    'the whole recording is the spriteclip',
  );
  assert.ok(peak > 0, 'memory was measured');
  // The file is 115 MB; the 16 kHz signal as float 230 MB. Everything together stays within a
  // small multiple of that, far from the 4 GB a wasm instance can address.
  assert.ok(
    peak < 2.5e9,
    `peak resident memory ${(peak / 1e9).toFixed(2)} GB for a ${(size / 1e6).toFixed(0)} MB file`,
  );
  console.log(`# 1-hour recording: peak resident memory ${(peak / 1e9).toFixed(2)} GB`);
  fs.rmSync(tmp, { recursive: true, force: true });
});
