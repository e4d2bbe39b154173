// embed-page.js — embed.html's script: one <sono-map> filling the frame, its folder taken from
// ?dataset=<folder> and its attributes from ?layout=, ?dims=, ?color= (for iframes in pages that
// cannot load modules themselves).
import './sono-map.js';

const q = new URLSearchParams(location.search);
const el = document.querySelector('sono-map');
for (const a of ['layout', 'dims', 'color']) if (q.get(a)) el.setAttribute(a, q.get(a));
const src = q.get('dataset');
if (src) el.setAttribute('src', src);
else
  el.shadowRoot.querySelector('.status').textContent =
    'No map given: open embed.html?dataset=<a dataset folder on this site>';
