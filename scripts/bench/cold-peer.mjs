#!/usr/bin/env node
// cold-peer.mjs — the peers' side of the cold whole-command benchmark (scripts/bench/cold.mjs):
// what `sonomap project <x.npy> --out <dir> --iterations N` does, done with umap-js 1.4.0 or
// @keckelt/tsne 1.0.2 as a person would script it: read the .npy, lay it out, write
// <dir>/layout.npy. Timed from outside, from the process's start to its exit.
//   node scripts/bench/cold-peer.mjs umap|tsne <x.npy> <dir> <iterations> <seed>
import fs from 'node:fs';
import path from 'node:path';
import { npyDecode, npyEncode } from '../../web/core/npy.js';
import { peerLayout } from './cold-peer-layout.mjs';

const [algo, file, out, iters, seed] = process.argv.slice(2);
const { data, shape } = npyDecode(new Uint8Array(fs.readFileSync(file)), file);
const [n, d] = shape;
const lib = algo === 'umap' ? await import('umap-js') : await import('@keckelt/tsne');
const Y = peerLayout(lib, algo, data, n, d, Number(iters), Number(seed));
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'layout.npy'), npyEncode(Y, [n, 2]));
