// colormap.js — viridis, the perceptually uniform colour map (its nine published anchor values
// at 0, 1/8, …, 1, linearly interpolated), for continuous colour modes: dark purple for low,
// yellow for high, readable by most colour-blind people and in greyscale.

const VIRIDIS = [
  [68, 1, 84],
  [71, 45, 123],
  [59, 82, 139],
  [44, 114, 142],
  [33, 144, 140],
  [39, 173, 129],
  [93, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** [r, g, b] (0–255) of t in [0, 1] (clamped; NaN gives the low end). */
export function viridis(t) {
  const x = (Number.isFinite(t) ? Math.max(0, Math.min(1, t)) : 0) * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(x)),
    f = x - k;
  return VIRIDIS[k].map((v, j) => Math.round(v + (VIRIDIS[k + 1][j] - v) * f));
}

/** A CSS linear-gradient of the map, left (0) to right (1). */
export const viridisCss = () =>
  `linear-gradient(90deg, ${VIRIDIS.map((c, k) => `rgb(${c.join(',')}) ${((100 * k) / (VIRIDIS.length - 1)).toFixed(1)}%`).join(', ')})`;
