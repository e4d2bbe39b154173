#!/usr/bin/env node
import fs from 'node:fs';
// serve.mjs — a tiny static file server for the built site, bound to 127.0.0.1 only.
//   node scripts/serve.mjs <root> [port] [--open-path /?dataset=demo/]
// Port 0 picks a free port. The first line printed on stdout is "sonomap: serving <root> at <url>"
// (tests read the URL from it). GET and HEAD only; paths that leave <root> get 404; directories
// serve their index.html; the wasm MIME type is right so WebAssembly.compileStreaming works.
import http from 'node:http';
import path from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.tsv': 'text/tab-separated-values; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.wav': 'audio/wav',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.aif': 'audio/aiff',
  '.aiff': 'audio/aiff',
  '.npy': 'application/octet-stream',
  '.tflite': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

function usage(msg) {
  if (msg) process.stderr.write(`serve: ${msg}\n`);
  process.stderr.write('usage: node scripts/serve.mjs <root> [port] [--open-path /path?query]\n');
  process.exit(2);
}

const args = process.argv.slice(2);
let openPath = '/';
const positional = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--open-path') {
    if (i + 1 >= args.length) usage('--open-path needs a value');
    openPath = args[++i];
    if (!openPath.startsWith('/')) openPath = `/${openPath}`;
  } else if (args[i] === '-h' || args[i] === '--help') usage();
  else positional.push(args[i]);
}
if (positional.length < 1 || positional.length > 2) usage();
const root = path.resolve(positional[0]);
const port = positional.length > 1 ? Number(positional[1]) : 8000;
if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`bad port ${positional[1]}`);
if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) usage(`${root} is not a directory`);
const realRoot = fs.realpathSync(root);

function send(res, code, text) {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${text}\n`);
}

// Resolves a URL path to a file under root, or null (not found / outside root).
function resolveFile(urlPath) {
  let rel;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  const parts = rel.split('/').filter((p) => p.length > 0);
  if (parts.some((p) => p === '..' || p.includes('\\'))) return null;
  let file = path.join(realRoot, ...parts);
  let st;
  try {
    st = fs.statSync(file);
    if (st.isDirectory()) {
      file = path.join(file, 'index.html');
      st = fs.statSync(file);
    }
    if (!st.isFile()) return null;
    // Symlinks must not lead out of root either.
    const real = fs.realpathSync(file);
    if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return null;
    return { file: real, size: st.size };
  } catch {
    return null;
  }
}

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'method not allowed');
  }
  let urlPath;
  try {
    urlPath = new URL(req.url, 'http://127.0.0.1').pathname;
  } catch {
    return send(res, 400, 'bad request');
  }
  const hit = resolveFile(urlPath);
  if (!hit) return send(res, 404, 'not found');
  const type = MIME[path.extname(hit.file).toLowerCase()] || 'application/octet-stream';
  const headers = {
    'Content-Type': type,
    'Content-Length': hit.size,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  };
  // Byte ranges: media elements and large spriteclips ask for them.
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range || '');
  let start = 0;
  let end = hit.size - 1;
  let code = 200;
  if (range && hit.size > 0) {
    if (range[1] === '' && range[2] !== '') {
      start = Math.max(0, hit.size - Number(range[2]));
    } else {
      start = Number(range[1] || 0);
      if (range[2] !== '') end = Math.min(end, Number(range[2]));
    }
    if (start > end || start >= hit.size) {
      res.writeHead(416, { 'Content-Range': `bytes */${hit.size}` });
      return res.end();
    }
    code = 206;
    headers['Content-Range'] = `bytes ${start}-${end}/${hit.size}`;
    headers['Content-Length'] = end - start + 1;
  }
  headers['Accept-Ranges'] = 'bytes';
  res.writeHead(code, headers);
  if (req.method === 'HEAD' || hit.size === 0) return res.end();
  const stream = fs.createReadStream(hit.file, { start, end });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
});

server.on('error', (e) => {
  process.stderr.write(`serve: ${e.message}\n`);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  const actual = server.address().port;
  process.stdout.write(`sonomap: serving ${root} at http://127.0.0.1:${actual}/\n`);
  if (openPath !== '/') process.stdout.write(`open http://127.0.0.1:${actual}${openPath}\n`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
