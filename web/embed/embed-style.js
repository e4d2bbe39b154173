// embed-style.js — the <sono-map> element's own style (inside its shadow DOM, so the host page's
// CSS does not reach in and this does not leak out). The host sizes it: its width is the
// container's, its height the `height` attribute, else the container's, else 400px.
export const EMBED_CSS = `
:host {
  display: block; position: relative; width: 100%;
  height: var(--sono-map-height, 100%); min-height: 160px;
  contain: content; color-scheme: dark;
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
:host([hidden]) { display: none; }
.frame {
  position: absolute; inset: 0; overflow: hidden; border-radius: 8px;
  background: #0b0e13; color: #e7eaf0; box-shadow: inset 0 0 0 1px rgba(255, 255, 255, 0.09);
}
canvas { display: block; width: 100%; height: 100%; cursor: crosshair; touch-action: none; }
canvas:focus { outline: none; }
canvas:focus-visible { outline: 1px solid rgba(76, 201, 240, 0.5); outline-offset: -2px; }
.tip {
  position: absolute; z-index: 3; pointer-events: none; max-width: min(260px, 70%);
  padding: 6px 9px; border-radius: 6px; background: rgba(20, 25, 33, 0.94);
  border: 1px solid rgba(255, 255, 255, 0.16); box-shadow: 0 6px 20px rgba(0, 0, 0, 0.4);
}
.tip .name { font-weight: 600; overflow-wrap: anywhere; }
.tip .meta { color: #99a2b1; font-size: 12px; overflow-wrap: anywhere; }
.legend {
  position: absolute; left: 8px; right: 8px; bottom: 6px; display: flex; flex-wrap: wrap;
  gap: 2px 10px; pointer-events: none; font-size: 11.5px; color: #99a2b1;
  max-height: 3.2em; overflow: hidden;
}
.chip { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; }
.chip::before { content: ""; width: 8px; height: 8px; border-radius: 2px; background: var(--c); }
.status {
  position: absolute; inset: auto 10px 10px 10px; margin: 0; color: #99a2b1;
  font-size: 12.5px; text-align: center;
}
.status:only-child, .frame > .status { pointer-events: none; }
.select-box {
  position: absolute; z-index: 4; pointer-events: none; border-radius: 3px;
  border: 1px dashed rgba(231, 234, 240, 0.8); background: rgba(76, 201, 240, 0.08);
}
`;
