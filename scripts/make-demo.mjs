// make-demo.mjs — the map `make demo` opens: Debian's sonic-pi-samples (CC0), analysed by the
// CLI into dist/demo/, labelled by the family in each sample's name (bd_*, elec_*, tabla_*, ...).
// Mapped by the shipped model (sonomap-s embeddings, with its tags). Re-made only when the CLI,
// the engine, the model or the samples changed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const SAMPLES = '/usr/share/sonic-pi/samples';
const OUT = 'dist/demo';
const FAMILIES = {
  ambi: 'ambient',
  bass: 'bass',
  bd: 'bass drum',
  drum: 'drums',
  elec: 'electronic',
  glitch: 'glitch',
  guit: 'guitar',
  loop: 'loops',
  mehackit: 'mehackit',
  misc: 'misc',
  perc: 'percussion',
  sn: 'snare',
  tabla: 'tabla',
  vinyl: 'vinyl',
};

if (!fs.existsSync(SAMPLES)) {
  console.error(`make-demo: ${SAMPLES} is missing (make setup installs sonic-pi-samples)`);
  process.exit(1);
}
const files = fs
  .readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.flac'))
  .sort();
const stamp = path.join(OUT, '.made');
const newest = Math.max(
  fs.statSync('dist/sonomap.mjs').mtimeMs,
  fs.statSync('dist/sonomap.wasm').mtimeMs,
  fs.statSync('dist/models/sonomap-s.smnn').mtimeMs,
  ...files.map((f) => fs.statSync(path.join(SAMPLES, f)).mtimeMs),
);
if (fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= newest) {
  console.error(`make-demo: ${OUT} is up to date`);
  process.exit(0);
}
fs.mkdirSync('build', { recursive: true });
const csv = path.join('build', 'demo-labels.csv');
fs.writeFileSync(
  csv,
  `file,label\n${files.map((f) => `${f},${FAMILIES[f.split('_')[0]] ?? 'other'}`).join('\n')}\n`,
);
const r = spawnSync(
  process.execPath,
  [
    'dist/sonomap.mjs',
    'analyze',
    SAMPLES,
    '--out',
    OUT,
    '--labels',
    csv,
    '--name',
    'Sonic Pi samples',
    '--clip-seconds',
    '3',
  ],
  { stdio: 'inherit' },
);
if (r.status !== 0) process.exit(r.status ?? 1);
fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
