#!/usr/bin/env node
// bench-model.mjs — `make bench-model`: patches per second of the shipped student
// (models/sonomap-s.smnn) against full YAMNet in the same run, wasm (dist/sonomap.wasm), one
// thread, batch 1 and 16, first under Node, then in headless Chromium; the target is a ratio of
// at least 3. The measurement is scripts/bench/model-core.mjs. Timing-based: never part of `make test`.
//   node scripts/bench-model.mjs [--rounds 7] [--time 0.5] [--model models/sonomap-s.smnn] [--no-browser]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInChromium } from './bench/chromium.mjs';
import { runBenchModel } from './bench/model-core.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);
const args = process.argv.slice(2);
const opt = (k, d) => {
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1] : d;
};
const ROUNDS = Number(opt('--rounds', 7)),
  TIME = Number(opt('--time', 0.5)),
  MODEL = opt('--model', 'models/sonomap-s.smnn');

async function main() {
  for (const f of ['dist/sonomap.wasm', MODEL])
    if (!fs.existsSync(f)) throw new Error(`${f} missing (make; make model)`);
  const results = [
    await runBenchModel(
      {
        label: `node ${process.version}`,
        model: MODEL,
        async bytes(p) {
          return fs.readFileSync(p);
        },
      },
      { rounds: ROUNDS, time: TIME },
    ),
  ];
  if (!args.includes('--no-browser')) {
    console.log('');
    results.push(
      await runInChromium({
        root: ROOT,
        name: 'model',
        entry: 'scripts/bench/model-browser.mjs',
        polling: 500,
        query: `rounds=${ROUNDS}&time=${TIME}&model=${encodeURIComponent(MODEL)}`,
      }),
    );
  }
  console.log('\nsummary: sonomap-s / YAMNet patches per second, same run (target >= 3x)');
  for (const r of results)
    for (const row of r.rows)
      console.log(
        `  ${r.label.padEnd(34)} batch ${String(row.batch).padStart(2)}: ${row.ratio.toFixed(2)}x ` +
          `(${row.student.toFixed(1)} vs ${row.yamnet.toFixed(1)} patches/s)${row.ratio >= 3 ? '' : '  -- below the 3x target'}`,
      );
}

main().catch((e) => {
  console.error(`bench-model: ${e.stack || e.message}`);
  process.exit(1);
});
