// markers.js — marks drawn over the map as page elements (not in WebGL, so they cost the map's
// frames nothing and work the same in 2-D and 3-D): a ring at a screen position of the canvas,
// kept there by the caller on every animation frame. Used by the long-recording playhead
// (timeline.js) and the live input's marker (live.js).
import { ui, view } from './context.js';

/** A hidden marker of class `kind` inside the map's stage; .place(x, y, size) shows it at CSS px
 *  (x, y) of the canvas, .hide() hides it. */
export function makeMarker(kind, label = '') {
  const el = document.createElement('div');
  el.className = `map-marker ${kind}`;
  el.hidden = true;
  el.setAttribute('aria-hidden', 'true');
  if (label) el.title = label;
  ui.stage.append(el);
  return {
    el,
    place(x, y, size = 18) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) return this.hide();
      const r = ui.canvas.getBoundingClientRect();
      const s = ui.stage.getBoundingClientRect();
      el.style.width = el.style.height = `${size}px`;
      el.style.transform = `translate(${r.left - s.left + x - size / 2}px, ${r.top - s.top + y - size / 2}px)`;
      el.hidden = false;
    },
    hide() {
      el.hidden = true;
    },
  };
}

/** Screen position (canvas CSS px) between points a and b at fraction f, or null. */
export function between(a, b, f) {
  const pa = view?.screenOf(a);
  if (!pa) return null;
  const pb = b >= 0 ? view.screenOf(b) : null;
  if (!pb) return pa;
  return { x: pa.x + (pb.x - pa.x) * f, y: pa.y + (pb.y - pa.y) * f };
}
