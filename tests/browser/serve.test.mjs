// serve.test.mjs — scripts/serve.mjs: MIME types (wasm for compileStreaming), index.html for
// folders, byte ranges, 404 outside the root (no directory traversal, encoded or not).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

let proc, base, root;

before(async () => {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'sonomap-serve-'));
  root = path.join(top, 'site');
  fs.mkdirSync(path.join(root, 'ds'), { recursive: true });
  fs.writeFileSync(path.join(top, 'secret.txt'), 'outside the root');
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>x</title>');
  fs.writeFileSync(path.join(root, 'ds', 'index.html'), 'dataset index');
  const files = {
    'm.wasm': '\0asm',
    'a.mjs': 'export {}',
    'b.js': '1',
    'c.css': 'a{}',
    'd.json': '{}',
    'e.flac': 'fLaC',
    'f.npy': '\x93NUMPY',
    'g.png': 'png',
    'h.wav': 'RIFF0123456789',
  };
  for (const [k, v] of Object.entries(files)) fs.writeFileSync(path.join(root, k), v);
  fs.symlinkSync(path.join(top, 'secret.txt'), path.join(root, 'link.txt'));
  proc = spawn(process.execPath, ['scripts/serve.mjs', root, '0', '--open-path', '/?dataset=ds/'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const out = await new Promise((resolve, reject) => {
    let s = '';
    proc.stdout.on('data', (d) => {
      s += d;
      if (/open http/.test(s)) resolve(s);
    });
    proc.on('exit', (c) => reject(new Error(`exited ${c}: ${s}`)));
  });
  base = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)[1];
  assert.match(out, new RegExp(`open ${base}/\\?dataset=ds/`));
});

after(() => {
  proc?.kill();
  fs.rmSync(path.dirname(root), { recursive: true, force: true });
});

function get(p, headers = {}) {
  // raw request path, so ../ and %2e%2e reach the server as written
  return new Promise((resolve, reject) => {
    const u = new URL(base);
    const req = http.request({ host: u.hostname, port: u.port, path: p, headers }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          type: res.headers['content-type'],
          headers: res.headers,
          body,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

test('MIME types', async () => {
  const want = {
    'm.wasm': 'application/wasm',
    'a.mjs': 'text/javascript',
    'b.js': 'text/javascript',
    'c.css': 'text/css',
    'd.json': 'application/json',
    'e.flac': 'audio/flac',
    'f.npy': 'application/octet-stream',
    'g.png': 'image/png',
    'h.wav': 'audio/wav',
  };
  for (const [f, t] of Object.entries(want)) {
    const r = await get(`/${f}`);
    assert.equal(r.status, 200, f);
    assert.ok(r.type.startsWith(t), `${f}: ${r.type}`);
  }
  const idx = await get('/');
  assert.equal(idx.status, 200);
  assert.ok(idx.type.startsWith('text/html'));
  assert.equal((await get('/ds/?x=1')).body, 'dataset index');
});

test('nothing outside the root', async () => {
  for (const p of [
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/ds/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/link.txt',
    '/%00',
    '/nope.txt',
  ]) {
    const r = await get(p);
    assert.equal(r.status, 404, p);
    assert.ok(!r.body.includes('outside the root'), p);
  }
});

test('byte ranges', async () => {
  const r = await get('/h.wav', { Range: 'bytes=4-7' });
  assert.equal(r.status, 206);
  assert.equal(r.body, '0123');
  assert.equal(r.headers['content-range'], 'bytes 4-7/14');
  assert.equal((await get('/h.wav', { Range: 'bytes=-3' })).body, '789');
  assert.equal((await get('/h.wav', { Range: 'bytes=99-' })).status, 416);
});
