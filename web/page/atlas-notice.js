// atlas-notice.js — says so when the map draws plain points because its sprite sheet is past
// what the GPU can hold (view/atlas.js atlasBudget; MapView sends 'sonomap-atlas' with every
// new map), in a notice over the map and in window.sonomap.tilesDropped.
import { ui } from './context.js';

let dropped = null; // {width, height, budget, n} of the last sheet that could not be drawn

export function wireAtlasNotice() {
  const el = document.getElementById('view-notice');
  ui.canvas.addEventListener('sonomap-atlas', (e) => {
    const d = e.detail;
    dropped = d.dropped ? d : null;
    if (!el) return;
    el.hidden = !d.dropped;
    if (d.dropped)
      el.textContent =
        `The sprite sheet (${d.width} × ${d.height} px for ${d.n.toLocaleString('en')} sounds) is larger than ` +
        `this browser's GPU can hold (${d.budget} px): the sounds are drawn as points.`;
  });
}

export const atlasDebug = {
  get tilesDropped() {
    return dropped ? { ...dropped } : null;
  },
};
