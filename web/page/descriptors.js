// descriptors.js — the six per-sound descriptors the engine computes (wasm/sonomap.h, enum
// sm_descriptor: spectral centroid, roll-off, bandwidth, RMS, zero-crossing rate, duration) as
// continuous colour modes: each mapped to [0, 1] on the scale people hear it on (log frequency,
// decibels, log time) and coloured with viridis; and their values written for people.
import { viridis } from '../view/colormap.js';

const hz = (v) =>
  v >= 1000 ? `${(v / 1000).toFixed(v >= 10000 ? 0 : 1)} kHz` : `${Math.round(v)} Hz`;
const db = (v) => `${(20 * Math.log10(Math.max(v, 1e-6))).toFixed(0).replace('-', '−')} dBFS`;
const zcr = (v) => v.toFixed(3);
const secs = (v) =>
  v >= 60
    ? `${Math.floor(v / 60)}:${String(Math.floor(v % 60)).padStart(2, '0')}`
    : `${v.toFixed(v < 10 ? 2 : 1)} s`;
const logOf = (floor) => (v) => Math.log(Math.max(v, floor));

/** In engine order (descriptor index = position). key: the colour mode's name. */
export const DESCRIPTORS = [
  {
    key: 'centroid',
    name: 'spectral centroid',
    short: 'centroid',
    scale: logOf(1),
    unscale: Math.exp,
    fmt: hz,
  },
  {
    key: 'rolloff',
    name: 'spectral roll-off',
    short: 'roll-off',
    scale: logOf(1),
    unscale: Math.exp,
    fmt: hz,
  },
  {
    key: 'bandwidth',
    name: 'spectral bandwidth',
    short: 'bandwidth',
    scale: logOf(1),
    unscale: Math.exp,
    fmt: hz,
  },
  {
    key: 'rms',
    name: 'loudness (RMS)',
    short: 'RMS',
    scale: logOf(1e-6),
    unscale: Math.exp,
    fmt: db,
  },
  {
    key: 'zcr',
    name: 'zero-crossing rate',
    short: 'ZCR',
    scale: (v) => v,
    unscale: (v) => v,
    fmt: zcr,
  },
  {
    key: 'duration',
    name: 'duration',
    short: 'duration',
    scale: logOf(1e-3),
    unscale: Math.exp,
    fmt: secs,
  },
];
export const DESCRIPTOR_KEYS = DESCRIPTORS.map((d) => d.key);

/** Whether the map's items carry descriptors worth colouring by (any finite, non-zero). */
export function hasDescriptors(items) {
  return items.some((it) => it.descriptors?.some((v) => Number.isFinite(v) && v !== 0));
}

/** {name: value} of one item's descriptors (engine units: Hz, linear RMS, crossings per sample, s). */
export function descriptorValues(item) {
  const d = item.descriptors || [];
  return Object.fromEntries(
    DESCRIPTORS.map((x, k) => [x.key, Number.isFinite(d[k]) ? d[k] : null]),
  );
}

/** The colouring of descriptor `key`: {colors, index: null, scale} where scale is what the
 *  legend draws — {title, min, max, ticks: [{t, text}], hist (counts in 24 bins), css}. */
export function descriptorColoring(items, key) {
  const k = DESCRIPTOR_KEYS.indexOf(key);
  const desc = DESCRIPTORS[k];
  const vals = items.map((it) => it.descriptors?.[k]);
  let lo = Infinity,
    hi = -Infinity,
    min = Infinity,
    max = -Infinity;
  const s = vals.map((v) => (Number.isFinite(v) ? desc.scale(v) : NaN));
  s.forEach((x, i) => {
    if (!Number.isFinite(x)) return;
    if (x < lo) {
      lo = x;
      min = vals[i];
    }
    if (x > hi) {
      hi = x;
      max = vals[i];
    }
  });
  if (!(hi >= lo)) return null;
  const span = hi > lo ? hi - lo : 1;
  const colors = new Uint8Array(items.length * 4);
  const hist = new Array(24).fill(0);
  const t = new Float32Array(items.length).fill(NaN);
  s.forEach((x, i) => {
    if (!Number.isFinite(x)) return;
    t[i] = (x - lo) / span;
    colors.set([...viridis(t[i]), 255], i * 4);
    hist[Math.min(23, Math.floor(t[i] * 24))]++;
  });
  const ticks = [0, 0.5, 1].map((f) => ({ t: f, text: desc.fmt(desc.unscale(lo + f * span)) }));
  ticks[0].text = desc.fmt(min);
  ticks[2].text = desc.fmt(max);
  return {
    colors,
    index: null,
    values: t,
    scale: { title: desc.name, key, min, max, ticks, hist },
  };
}

/** "1.2 kHz" etc. for descriptor `key` (null → "–"). */
export function formatDescriptor(key, v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return DESCRIPTORS[DESCRIPTOR_KEYS.indexOf(key)].fmt(v);
}
