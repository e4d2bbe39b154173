// real-clips.mjs — the real clips the end-to-end benchmarks map: Sonic Pi's samples, Wesnoth's
// and Tux Paint's sounds (Debian packages, installed by scripts/model/setup.sh or apt-get), at
// most 2 MB each, taken round-robin from the sources in a fixed order.
import fs from 'node:fs';
import path from 'node:path';

export const SOURCES = [
  '/usr/share/sonic-pi/samples',
  '/usr/share/games/wesnoth/1.16/data/core/sounds',
  '/usr/share/games/wesnoth/1.16/sounds',
  '/usr/share/tuxpaint/stamps',
  '/usr/share/tuxpaint/sounds',
];
const AUDIO = /\.(wav|flac|ogg|aiff?)$/i;

function walk(dir, out) {
  let names;
  try {
    names = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const d of names.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) walk(p, out);
    else if (AUDIO.test(d.name) && fs.statSync(p).size <= 2 << 20) out.push(p);
  }
  return out;
}

/** count clips taken round-robin from the sources, so every kind of sound is in the map. */
export function realClips(count) {
  const lists = SOURCES.map((s) => walk(s, []));
  const out = [];
  for (let i = 0; out.length < count && lists.some((l) => i < l.length); i++)
    for (const l of lists) if (i < l.length && out.length < count) out.push(l[i]);
  return out;
}
