// decode-node.mjs — what the engine leaves to a browser, decoded in Node for the CLI: MPEG audio
// (mpg123-decoder) and Ogg Opus (ogg-opus-decoder), both wasm builds from npm, so the CLI reads
// what the page reads. One decoder of each kind per worker thread, made on first use. Both are
// imported on first use too: ogg-opus-decoder brings 4 MB of code and data, and a command that
// meets no MP3 or Opus file (project, merge, site, most analyses) should not pay for them at
// start-up (the bundle evaluates a dynamic import only when it runs).

const made = new Map();

function decoderOf(kind) {
  if (!made.has(kind))
    made.set(
      kind,
      (async () => {
        const d =
          kind === 'browser-mpeg'
            ? new (await import('mpg123-decoder')).MPEGDecoder()
            : new (await import('ogg-opus-decoder')).OggOpusDecoder();
        await d.ready;
        return d;
      })(),
    );
  return made.get(kind);
}

/** Whether decodeInNode reads what sm_decoder_for named `decoder`. */
export const nodeDecodes = (decoder) => decoder === 'browser-mpeg' || decoder === 'browser-opus';

/** Encoded bytes → {channels: Float32Array[], rate, decoder} or throws with the reason. */
export async function decodeInNode(bytes, decoder) {
  const d = await decoderOf(decoder);
  let r;
  try {
    r = decoder === 'browser-mpeg' ? d.decode(bytes) : await d.decodeFile(bytes);
  } finally {
    await d.reset();
  }
  const frames = r.samplesDecoded | 0;
  if (!frames || !r.channelData?.length || !(r.sampleRate > 0)) {
    const what = decoder === 'browser-mpeg' ? 'MPEG audio' : 'Ogg Opus';
    const why = r.errors?.length ? `: ${r.errors[0].message}` : '';
    throw new Error(`${what}: no audio could be decoded${why}`);
  }
  const channels = r.channelData.map((c) => (c.length === frames ? c : c.subarray(0, frames)));
  return {
    channels,
    rate: r.sampleRate,
    decoder: decoder === 'browser-mpeg' ? 'mpg123-decoder' : 'ogg-opus-decoder',
  };
}
