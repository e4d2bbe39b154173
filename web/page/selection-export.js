// selection-export.js — the selection written out: its rows as CSV (RFC 4180 quoting; text
// cells that a spreadsheet would run as a formula start with an apostrophe) and its sounds as a
// zip (stored, not compressed): the original files when the page has them (dropped or picked
// files), else each sound's clip cut from the spriteclip as a 16-bit WAV, with a README.txt
// that says so. Pure functions apart from download().
import { strToU8, zipSync } from 'fflate';
import { tagName } from '../core/policy.js';

/** One CSV cell: quoted when it holds a comma, quote, CR or LF (quotes doubled). Text cells
 *  (not numbers) starting with = + - @ tab or CR get a leading apostrophe, so a spreadsheet
 *  shows them instead of evaluating them. */
export function csvCell(v) {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s = v == null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Lines joined with CRLF, ending with one (RFC 4180). */
export function csvText(rows) {
  return rows.map((r) => `${r.map(csvCell).join(',')}\r\n`).join('');
}

const round = (v, k) => (Number.isFinite(v) ? Math.round(v * 10 ** k) / 10 ** k : v);

/** The selection's rows: index, file, label, top tags, times and the position on the map
 *  (layout: the positions drawn, dims per point). */
export function selectionRows(items, indices, layout = null, dims = 2) {
  const pos = dims === 3 ? ['x', 'y', 'z'] : ['x', 'y'];
  const rows = [
    ['index', 'file', 'label', 'tags', 'start_s', 'length_s', 'file_duration_s'].concat(
      pos.map((p) => `map_${p}`),
    ),
  ];
  for (const i of indices) {
    const it = items[i];
    rows.push([
      i,
      it.file,
      it.label || '',
      (it.tags || [])
        .slice(0, 3)
        .map((t) => tagName(t))
        .join('; '),
      round(it.start ?? 0, 4),
      round(it.length ?? 0, 4),
      round(it.duration ?? Number.NaN, 4),
      ...pos.map((_, k) => round(layout ? layout[dims * i + k] : Number.NaN, 5)),
    ]);
  }
  return rows;
}

/** Mono float samples → 16-bit PCM WAV bytes. */
export function wavBytes(samples, rate) {
  const n = samples.length;
  const out = new Uint8Array(44 + 2 * n);
  const dv = new DataView(out.buffer);
  const text = (o, s) => {
    for (let k = 0; k < s.length; k++) out[o + k] = s.charCodeAt(k);
  };
  text(0, 'RIFF');
  dv.setUint32(4, 36 + 2 * n, true);
  text(8, 'WAVEfmt ');
  dv.setUint32(16, 16, true);
  dv.setUint16(20, 1, true); // PCM
  dv.setUint16(22, 1, true); // mono
  dv.setUint32(24, rate, true);
  dv.setUint32(28, rate * 2, true);
  dv.setUint16(32, 2, true);
  dv.setUint16(34, 16, true);
  text(36, 'data');
  dv.setUint32(40, 2 * n, true);
  for (let k = 0; k < n; k++) {
    const v = Math.max(-1, Math.min(1, samples[k] || 0));
    dv.setInt16(44 + 2 * k, Math.round(v * 32767), true);
  }
  return out;
}

/** A path safe inside a zip: forward slashes, no leading slash, no '.' or '..' parts. */
export function zipPath(p) {
  const parts = String(p)
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s && s !== '.' && s !== '..');
  return parts.join('/') || 'sound';
}

/** The zip of the selection. originals: Map path → {bytes: Uint8Array} of the files the page
 *  was given (null when it has none); clip: {samples, rate} of the spriteclip for the rest.
 *  Returns {bytes, names, originals (count), clips (count)}. */
export function selectionZip(items, indices, { originals = null, clip = null, csv = '' } = {}) {
  const entries = {};
  const used = new Set();
  const unique = (name) => {
    let out = name;
    const dot = name.lastIndexOf('.');
    for (let k = 2; used.has(out); k++)
      out = dot > 0 ? `${name.slice(0, dot)}-${k}${name.slice(dot)}` : `${name}-${k}`;
    used.add(out);
    return out;
  };
  const seen = new Set();
  let nOriginal = 0,
    nClip = 0;
  for (const i of indices) {
    const it = items[i];
    const orig = originals?.get(it.file);
    if (orig) {
      if (seen.has(it.file)) continue; // several moments of one long file: the file once
      seen.add(it.file);
      entries[unique(zipPath(it.file))] = [orig.bytes, { level: 0 }];
      nOriginal++;
    } else if (clip) {
      const a = Math.max(0, Math.round(it.clipStart * clip.rate));
      const b = Math.min(clip.samples.length, a + Math.round(it.clipDuration * clip.rate));
      const stem = zipPath(it.file).replace(/\.[^./]*$/, '');
      entries[unique(`${stem}.wav`)] = [
        wavBytes(clip.samples.subarray(a, b), clip.rate),
        { level: 0 },
      ];
      nClip++;
    }
  }
  if (nClip) {
    entries[unique('README.txt')] = strToU8(
      'The original files of these sounds are not on this page (the map was opened from a ' +
        'dataset folder), so each sound is the clip the map plays, cut from its spriteclip: ' +
        `16-bit mono WAV at ${clip.rate} Hz.\r\n`,
    );
  }
  if (csv) entries[unique('selection.csv')] = strToU8(csv);
  return {
    bytes: zipSync(entries, { level: 0 }),
    names: Object.keys(entries),
    originals: nOriginal,
    clips: nClip,
  };
}

/** Saves bytes as a download named name. */
export function download(bytes, name, type) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([bytes], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}
