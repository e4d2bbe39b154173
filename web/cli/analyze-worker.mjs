// analyze-worker.mjs — the body of one analysis worker thread of `sonomap analyze`: its own wasm
// engine (and model), taking messages of a few files each. With a model their patches are
// embedded together, so the network runs on batches across files rather than one patch at a
// time. Message in: {id, jobs: [{file, rel, opts}]}; out: {id, results: [{items, audio} |
// {error}]}, one result per job.
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { loadEngine } from '../core/engine.js';
import { embedSegments, fileItems } from '../core/features.js';
import { decodeInNode, nodeDecodes } from './decode-node.mjs';

/** Runs the worker loop; wasmUrl: the engine file, modelBytes: a model every file uses or null. */
export async function runAnalysisWorker(wasmUrl, modelBytes) {
  const engine = await loadEngine(fs.readFileSync(wasmUrl));
  const model = modelBytes ? engine.loadModel(modelBytes) : null;
  parentPort.on('message', async ({ id, jobs }) => {
    const results = [];
    for (const job of jobs) {
      try {
        results.push(await analyzeFile(engine, job));
      } catch (e) {
        results.push({ error: e.message });
      }
    }
    const good = results.filter((r) => !r.error);
    if (model && good.length) {
      try {
        embedSegments(model, { segments: good.flatMap((r) => r.segments) });
      } catch (e) {
        for (const r of good) r.error = `the model could not run: ${e.message}`;
      }
    }
    const out = [];
    const transfer = [];
    jobs.forEach((job, k) => {
      const r = results[k];
      if (r.error) {
        out.push({ error: r.error });
        return;
      }
      try {
        const part = fileItems(job.rel, r, job.opts);
        const audio = part.audio.slice(); // just this file's span, not the whole signal
        transfer.push(audio.buffer);
        out.push({ items: part.items, audio });
      } catch (e) {
        out.push({ error: e.message });
      }
    });
    parentPort.postMessage({ id, results: out }, transfer);
  });
}

/** The file is read straight into the engine's memory: held once, however large. */
async function analyzeFile(engine, { file, opts }) {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const result = await engine.analyzeInto(
      size,
      (view) => {
        for (let off = 0; off < size; ) {
          const got = fs.readSync(fd, view, off, Math.min(size - off, 1 << 24), off);
          if (got <= 0) throw new Error('the file shrank while being read');
          off += got;
        }
      },
      { mode: opts.mode },
    );
    if (result.error && nodeDecodes(result.decoder)) {
      const bytes = new Uint8Array(fs.readFileSync(file));
      let pcm;
      try {
        pcm = await decodeInNode(bytes, result.decoder);
      } catch (e) {
        return { error: e.message };
      }
      return engine.analyzePcm(pcm.channels, pcm.rate, { mode: opts.mode });
    }
    if (result.error && result.needsBrowserDecode) {
      result.error = `${result.format || 'this format'} is decoded by the page's browser decoder; the CLI reads WAV, AIFF, FLAC, Ogg Vorbis, Ogg Opus and MP3`;
    }
    return result;
  } finally {
    fs.closeSync(fd);
  }
}
