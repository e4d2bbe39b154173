// model-browser.mjs — the Chromium side of `make bench-model`: bundled by scripts/bench-model.mjs
// and run on a page served from the repository root; prints the Node run's lines and leaves the
// summary in window.benchResult (or window.benchError).
import { runBenchModel } from './model-core.mjs';

const params = new URLSearchParams(location.search);
runBenchModel(
  {
    label: `chromium ${navigator.userAgent.match(/Chrom(e|ium)\/([\d.]+)/)?.[2] || '?'}, main thread`,
    model: params.get('model'),
    async bytes(p) {
      const r = await fetch(`/${p}`);
      if (!r.ok) throw new Error(`${p}: HTTP ${r.status}`);
      return new Uint8Array(await r.arrayBuffer());
    },
  },
  { rounds: Number(params.get('rounds') || 7), time: Number(params.get('time') || 0.5) },
).then(
  (s) => {
    window.benchResult = s;
  },
  (e) => {
    window.benchError = String(e.stack || e);
  },
);
