// parts.mjs — sharded analysis: `analyze --shard i/n` takes a fixed 1/n of the inputs (by a hash
// of each file's path relative to the inputs' common folder, so the split does not depend on
// the order files are listed in or on the machine) and writes a part folder; `merge` reads the
// parts back into the single run's order. A part folder:
//   part.json     {format: "sonomap-part", version, generator, shard: {index, count}, inputs
//                 (files in the whole run), settings: {mode, feature, clipSeconds, labels, model},
//                 files: [{file, order, rows, samples}], failed: [{file, reason, order}],
//                 items: [{file, label, tags, start, length, descriptors, clipDuration,
//                 duration, segment} per row]}
//   features.npy  float32 rows × D, the rows' feature vectors
//   logmel.npy    float32 rows × patch, each row's log-mel patch (its sprite tile)
//   audio.npy     float32, the analysed files' spriteclip audio one after another (16 kHz)
import fs from 'node:fs';
import path from 'node:path';
import { npyDecode, npyEncode } from '../core/npy.js';
import { UsageError } from './args.mjs';

export const PART_FORMAT = 'sonomap-part';
const PART_VERSION = 1;

/** "i/n" → {index, count}, 0 ≤ i < n ≤ 100000; UsageError otherwise. */
export function parseShard(text) {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(String(text).trim());
  if (!m) throw new UsageError(`--shard ${text}: expected i/n, e.g. 0/4 (the first of four)`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > 100000) throw new UsageError(`--shard ${text}: n must be 1 to 100000`);
  if (index >= count)
    throw new UsageError(`--shard ${text}: i must be 0 to ${count - 1} (shards count from 0)`);
  return { index, count };
}

/** The shard (0 … count-1) a file belongs to: FNV-1a of its relative path's UTF-8 bytes. */
export function shardOf(rel, count) {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(rel, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % count;
}

/** Writes the part folder `out` (created; a part written before is replaced). ok: per analysed
 *  file {order, items, audio}; failed: [{file, reason, order}]. */
export function writePart(out, { shard, inputs, settings, generator, ok, failed }) {
  const items = ok.flatMap((p) => p.items);
  const D = items.length ? items[0].features.length : 0;
  const P = items.length ? items[0].logmel.length : 0;
  const features = new Float32Array(items.length * D);
  const logmel = new Float32Array(items.length * P);
  items.forEach((it, i) => {
    features.set(it.features, i * D);
    logmel.set(it.logmel, i * P);
  });
  const samples = ok.reduce((a, p) => a + p.audio.length, 0);
  const audio = new Float32Array(samples);
  let pos = 0;
  for (const p of ok) {
    audio.set(p.audio, pos);
    pos += p.audio.length;
  }
  const head = {
    format: PART_FORMAT,
    version: PART_VERSION,
    generator,
    shard,
    inputs,
    settings,
    files: ok.map((p) => ({
      file: p.items[0]?.file,
      order: p.order,
      rows: p.items.length,
      samples: p.audio.length,
    })),
    failed,
    items: items.map(({ features: _f, logmel: _l, ...rest }) => rest),
  };
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'features.npy'), npyEncode(features, [items.length, D]));
  fs.writeFileSync(path.join(out, 'logmel.npy'), npyEncode(logmel, [items.length, P]));
  fs.writeFileSync(path.join(out, 'audio.npy'), npyEncode(audio, [samples]));
  // part.json last: a part without it was not finished
  fs.writeFileSync(path.join(out, 'part.json'), `${JSON.stringify(head)}\n`);
}

/** One part folder → {head, ok: [{order, items, audio}], failed}; throws with the reason. */
export function readPart(dir) {
  const file = (f) => path.join(dir, f);
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory())
    throw new Error('no such folder');
  let head;
  try {
    head = JSON.parse(fs.readFileSync(file('part.json'), 'utf8'));
  } catch (e) {
    throw new Error(
      e.code === 'ENOENT'
        ? 'part.json is missing (not a part, or its analysis did not finish)'
        : `part.json is not valid JSON (${e.message})`,
    );
  }
  if (head?.format !== PART_FORMAT) throw new Error('part.json is not a sonomap part');
  if (head.version !== PART_VERSION)
    throw new Error(`part version ${head.version} (this sonomap reads ${PART_VERSION})`);
  const rows = head.items?.length ?? 0;
  const npy = (name, n, dims) => {
    let a;
    try {
      a = npyDecode(fs.readFileSync(file(name)), name);
    } catch (e) {
      throw new Error(e.code === 'ENOENT' ? `${name} is missing` : e.message);
    }
    if (a.shape.length !== dims || a.shape[0] !== n)
      throw new Error(`${name} has shape (${a.shape.join(', ')}), part.json says ${n} rows`);
    return a;
  };
  const samples = head.files.reduce((a, f) => a + f.samples, 0);
  if (head.files.reduce((a, f) => a + f.rows, 0) !== rows)
    throw new Error('part.json: its files and items disagree');
  const F = npy('features.npy', rows, 2);
  const L = npy('logmel.npy', rows, 2);
  const A = npy('audio.npy', samples, 1);
  const D = F.shape[1];
  const P = L.shape[1];
  const ok = [];
  let r = 0;
  let s = 0;
  for (const f of head.files) {
    const items = [];
    for (let k = 0; k < f.rows; k++, r++)
      items.push({
        ...head.items[r],
        features: F.data.slice(r * D, (r + 1) * D),
        logmel: L.data.slice(r * P, (r + 1) * P),
      });
    ok.push({ order: f.order, items, audio: A.data.slice(s, s + f.samples) });
    s += f.samples;
  }
  return { head, ok, failed: head.failed ?? [] };
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** The parts of one sharded run → {head, ok, failed} in the single run's order; throws with the
 *  reason and the part's name when a part is missing, broken or from another run. */
export function readParts(dirs) {
  const parts = dirs.map((d) => {
    try {
      return { dir: d, ...readPart(d) };
    } catch (e) {
      throw new Error(`${d}: ${e.message}`);
    }
  });
  const first = parts[0];
  const bySlot = new Map();
  for (const p of parts) {
    const h = p.head;
    if (h.shard.count !== first.head.shard.count)
      throw new Error(
        `${p.dir}: shard ${h.shard.index}/${h.shard.count}, but ${first.dir} is ${first.head.shard.index}/${first.head.shard.count}`,
      );
    if (h.inputs !== first.head.inputs)
      throw new Error(
        `${p.dir}: made from ${h.inputs} input files, ${first.dir} from ${first.head.inputs} (other inputs)`,
      );
    for (const k of ['mode', 'feature', 'clipSeconds', 'labels', 'model'])
      if (!same(h.settings[k], first.head.settings[k]))
        throw new Error(
          `${p.dir}: ${k === 'model' ? 'another model' : `another ${k}`} (${JSON.stringify(h.settings[k]?.name ?? h.settings[k])}) than ${first.dir} (${JSON.stringify(first.head.settings[k]?.name ?? first.head.settings[k])})`,
        );
    if (bySlot.has(h.shard.index))
      throw new Error(
        `${p.dir}: shard ${h.shard.index}/${h.shard.count} is also ${bySlot.get(h.shard.index)}`,
      );
    bySlot.set(h.shard.index, p.dir);
  }
  const n = first.head.shard.count;
  const missing = [];
  for (let i = 0; i < n; i++) if (!bySlot.has(i)) missing.push(`${i}/${n}`);
  if (missing.length)
    throw new Error(`shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing`);
  const ok = parts.flatMap((p) => p.ok).sort((a, b) => a.order - b.order);
  const failed = parts.flatMap((p) => p.failed).sort((a, b) => a.order - b.order);
  return { head: first.head, ok, failed: failed.map(({ file, reason }) => ({ file, reason })) };
}
