// decode.js — the browser's own decoder, for what the engine does not read (MP3, AAC/M4A, Opus):
// decodeAudioData on an OfflineAudioContext (no audio device or gesture needed; the browser
// decodes off the main thread). At most two files at a time, to bound memory.

const RATE = 48000; // decodeAudioData resamples to the context's rate; the engine then to 16 kHz
let ctx = null;
let active = 0;
const waiting = [];

async function slot() {
  if (active < 2) {
    active++;
    return;
  }
  await new Promise((r) => waiting.push(r));
  active++;
}
function release() {
  active--;
  waiting.shift()?.();
}

/** → {channels: Float32Array[], rate}. Rejects with the browser's reason. */
export async function decodeInPage(file) {
  await slot();
  try {
    const bytes = await file.arrayBuffer();
    const OAC = globalThis.OfflineAudioContext || globalThis.webkitOfflineAudioContext;
    if (!OAC) throw new Error('this browser has no audio decoder');
    ctx ??= new OAC(1, 1, RATE);
    let buf;
    try {
      buf = await ctx.decodeAudioData(bytes);
    } catch (e) {
      throw new Error(e?.message || 'unable to decode audio data');
    }
    if (!buf || buf.length === 0) throw new Error('the browser decoded no samples');
    const channels = [];
    for (let c = 0; c < buf.numberOfChannels; c++) channels.push(buf.getChannelData(c).slice());
    return { channels, rate: buf.sampleRate };
  } finally {
    release();
  }
}
