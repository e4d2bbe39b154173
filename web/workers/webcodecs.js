// webcodecs.js — decodes the formats the engine leaves to the browser (MP3, AAC in ADTS, Opus in
// Ogg) inside the analysis worker with WebCodecs' AudioDecoder, so the page's main thread is not
// involved. The demuxers here only split the stream into the codec's packets; the browser
// decodes them. Anything not handled here (M4A/MP4, WebM, a browser without WebCodecs) returns
// null and the page falls back to decodeAudioData.

// ---------------------------------------------------------------- MP3 (MPEG-1/2/2.5 Layer III)
const MP3_BITRATES = {
  1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320], // MPEG-1
  2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160], // MPEG-2 and 2.5
};
const MP3_RATES = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/** Layer III frame header at i, or null. */
export function mp3Header(b, i) {
  if (i + 4 > b.length || b[i] !== 0xff || (b[i + 1] & 0xe0) !== 0xe0) return null;
  const version = (b[i + 1] >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5, 1: reserved
  const layer = (b[i + 1] >> 1) & 3; // 1: Layer III
  const br = (b[i + 2] >> 4) & 15,
    sr = (b[i + 2] >> 2) & 3,
    pad = (b[i + 2] >> 1) & 1;
  if (version === 1 || layer !== 1 || br === 0 || br === 15 || sr === 3) return null;
  const rate = MP3_RATES[version][sr];
  const kbps = MP3_BITRATES[version === 3 ? 1 : 2][br];
  const samples = version === 3 ? 1152 : 576;
  const length = Math.floor(((samples / 8) * kbps * 1000) / rate) + pad;
  const channels = ((b[i + 3] >> 6) & 3) === 3 ? 1 : 2;
  return { rate, channels, samples, length };
}

/** Skips an ID3v2 tag at the start; returns the offset of the audio. */
function skipId3(b) {
  let i = 0;
  while (i + 10 <= b.length && b[i] === 0x49 && b[i + 1] === 0x44 && b[i + 2] === 0x33) {
    const size =
      ((b[i + 6] & 0x7f) << 21) |
      ((b[i + 7] & 0x7f) << 14) |
      ((b[i + 8] & 0x7f) << 7) |
      (b[i + 9] & 0x7f);
    i += 10 + size + (b[i + 5] & 0x10 ? 10 : 0);
  }
  return i;
}

/** The Xing/Info frame an encoder puts first: {delay, padding} from its LAME tag (samples the
 *  encoder added at the start and the end), or null when the frame is audio. */
export function mp3InfoFrame(b, i, h) {
  const mpeg1 = h.samples === 1152;
  const side = mpeg1 ? (h.channels === 1 ? 17 : 32) : h.channels === 1 ? 9 : 17;
  const x = i + 4 + side;
  if (x + 8 > i + h.length) return null;
  const tag = String.fromCharCode(b[x], b[x + 1], b[x + 2], b[x + 3]);
  if (tag !== 'Xing' && tag !== 'Info') return null;
  const flags = b[x + 7];
  const o =
    x + 8 + (flags & 1 ? 4 : 0) + (flags & 2 ? 4 : 0) + (flags & 4 ? 100 : 0) + (flags & 8 ? 4 : 0);
  let delay = 0,
    padding = 0;
  if (
    o + 24 <= i + h.length &&
    String.fromCharCode(b[o], b[o + 1], b[o + 2], b[o + 3]) === 'LAME'
  ) {
    delay = (b[o + 21] << 4) | (b[o + 22] >> 4);
    padding = ((b[o + 22] & 15) << 8) | b[o + 23];
  }
  return { delay, padding };
}

/** A tag block that may follow the last frame: ID3v1 "TAG", APEv2, Lyrics3. */
function trailerAt(b, i) {
  const t = String.fromCharCode(...b.subarray(i, i + 8));
  return t.startsWith('TAG') || t === 'APETAGEX' || t.startsWith('LYRICS');
}

/** The MPEG audio decoder's own delay, in samples (the synthesis filter bank). */
const MP3_DECODER_DELAY = 529;

/** MP3 stream → {config, packets: [{data, duration}], skip, trim}, or null when it is not MP3.
 *  A frame is taken only where the next header follows it (or the stream ends), which skips
 *  junk. A leading Xing/Info frame is not audio: its LAME tag gives the samples to drop at the
 *  start (skip) and the end (trim) so the decoded length is the original's. */
export function demuxMp3(b) {
  let i = skipId3(b);
  let first = null,
    info = null;
  const packets = [];
  while (i + 4 <= b.length) {
    const h = mp3Header(b, i);
    const next = h && i + h.length;
    if (
      h &&
      h.length > 4 &&
      next <= b.length &&
      (next + 4 > b.length || mp3Header(b, next) || trailerAt(b, next))
    ) {
      if (!first) {
        first = h;
        info = mp3InfoFrame(b, i, h);
        if (info) {
          i = next;
          continue;
        }
      }
      if (h.rate === first.rate)
        packets.push({ data: b.subarray(i, next), duration: h.samples / h.rate });
      i = next;
    } else i++;
  }
  if (!first || packets.length < 1) return null;
  const skip = info ? info.delay + MP3_DECODER_DELAY : 0;
  const trim = info ? Math.max(0, info.padding - MP3_DECODER_DELAY) : 0;
  return {
    config: { codec: 'mp3', sampleRate: first.rate, numberOfChannels: first.channels },
    packets,
    skip,
    trim,
  };
}

// ---------------------------------------------------------------- AAC in ADTS
const AAC_RATES = [
  96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
];

export function demuxAdts(b) {
  const packets = [];
  let first = null;
  let i = skipId3(b);
  while (i + 7 <= b.length) {
    const ok = b[i] === 0xff && (b[i + 1] & 0xf6) === 0xf0;
    const len = ok ? ((b[i + 3] & 3) << 11) | (b[i + 4] << 3) | (b[i + 5] >> 5) : 0;
    const sfi = (b[i + 2] >> 2) & 15;
    if (!ok || len < 7 || i + len > b.length || sfi >= AAC_RATES.length) {
      i++;
      continue;
    }
    const ch = ((b[i + 2] & 1) << 2) | (b[i + 3] >> 6);
    if (!first)
      first = { rate: AAC_RATES[sfi], channels: ch || 2, profile: ((b[i + 2] >> 6) & 3) + 1 };
    packets.push({ data: b.subarray(i, i + len), duration: 1024 / first.rate });
    i += len;
  }
  if (!first || packets.length < 2) return null;
  return {
    config: {
      codec: `mp4a.40.${first.profile}`,
      sampleRate: first.rate,
      numberOfChannels: first.channels,
    },
    packets,
  };
}

// ---------------------------------------------------------------- Opus in Ogg
/** Ogg pages → the packets of the first logical stream. */
export function oggPackets(b) {
  const packets = [];
  let serial = null,
    cur = [];
  let i = 0;
  while (i + 27 <= b.length) {
    if (!(b[i] === 0x4f && b[i + 1] === 0x67 && b[i + 2] === 0x67 && b[i + 3] === 0x53)) {
      i++;
      continue;
    }
    const nseg = b[i + 26];
    if (i + 27 + nseg > b.length) break;
    const s = b[i + 14] | (b[i + 15] << 8) | (b[i + 16] << 16) | (b[i + 17] << 24);
    let body = i + 27 + nseg;
    const mine = serial === null || s === serial;
    if (serial === null) serial = s;
    for (let k = 0; k < nseg; k++) {
      const lace = b[i + 27 + k];
      if (body + lace > b.length) return packets;
      if (mine) cur.push(b.subarray(body, body + lace));
      body += lace;
      if (mine && lace < 255) {
        const len = cur.reduce((a, c) => a + c.length, 0);
        const p = new Uint8Array(len);
        let o = 0;
        for (const c of cur) {
          p.set(c, o);
          o += c.length;
        }
        packets.push(p);
        cur = [];
      }
    }
    i = body;
  }
  return packets;
}

const OPUS_FRAME_MS = [
  10, 20, 40, 60, 10, 20, 40, 60, 10, 20, 40, 60, 10, 20, 10, 20, 2.5, 5, 10, 20, 2.5, 5, 10, 20,
  2.5, 5, 10, 20, 2.5, 5, 10, 20,
];

/** Duration of one Opus packet in seconds (RFC 6716, 3.1). */
export function opusPacketDuration(p) {
  if (!p.length) return 0;
  const ms = OPUS_FRAME_MS[p[0] >> 3];
  const c = p[0] & 3;
  const frames = c === 0 ? 1 : c === 3 ? (p.length > 1 ? p[1] & 63 : 0) : 2;
  return (ms * frames) / 1000;
}

export function demuxOggOpus(b) {
  const packets = oggPackets(b);
  const head = packets[0];
  const isHead =
    head && head.length >= 19 && String.fromCharCode(...head.subarray(0, 8)) === 'OpusHead';
  if (!isHead) return null;
  const channels = head[9];
  if (channels < 1) return null; // an OpusHead of 0 channels: nothing WebCodecs can configure
  const preSkip = head[10] | (head[11] << 8);
  const audio = packets.slice(2).filter((p) => p.length > 0); // after OpusHead and OpusTags
  if (!audio.length) return null;
  return {
    config: { codec: 'opus', sampleRate: 48000, numberOfChannels: channels, description: head },
    packets: audio.map((data) => ({ data, duration: opusPacketDuration(data) })),
    skip: preSkip,
  };
}

// ---------------------------------------------------------------- decoding
/** Which demuxer fits the bytes, by their first bytes. */
export function demux(b) {
  if (b.length >= 36 && b[0] === 0x4f && b[1] === 0x67 && b[2] === 0x67 && b[3] === 0x53)
    return demuxOggOpus(b);
  const i = skipId3(b);
  if (i + 2 <= b.length && b[i] === 0xff && (b[i + 1] & 0xf6) === 0xf0) return demuxAdts(b);
  return demuxMp3(b);
}

/** Decode with WebCodecs → {channels: [Float32Array mono], rate, sourceChannels, decoder}, or null
 *  when this browser or this stream is not for WebCodecs (the caller then falls back). Throws
 *  with a reason when the stream is recognised but does not decode. */
export async function decodeWithWebCodecs(bytes) {
  if (typeof AudioDecoder !== 'function' || typeof EncodedAudioChunk !== 'function') return null;
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const stream = demux(b);
  if (!stream) return null;
  let support;
  try {
    support = await AudioDecoder.isConfigSupported(stream.config);
  } catch {
    return null;
  }
  if (!support?.supported) return null;
  const parts = [];
  let total = 0,
    rate = stream.config.sampleRate,
    failure = null;
  const decoder = new AudioDecoder({
    output: (ad) => {
      try {
        // Down-mixed to mono as it arrives (the engine would do the same), so a long file
        // needs half the memory of its planar channels.
        rate = ad.sampleRate;
        const n = ad.numberOfFrames,
          ch = ad.numberOfChannels;
        const mono = new Float32Array(n);
        const plane = new Float32Array(n);
        for (let c = 0; c < ch; c++) {
          ad.copyTo(plane, { planeIndex: c, format: 'f32-planar' });
          for (let k = 0; k < n; k++) mono[k] += plane[k] / ch;
        }
        parts.push(mono);
        total += n;
      } finally {
        ad.close();
      }
    },
    error: (e) => {
      failure = e;
    },
  });
  decoder.configure(stream.config);
  let t = 0;
  for (const p of stream.packets) {
    if (failure) break;
    decoder.decode(
      new EncodedAudioChunk({
        type: 'key',
        timestamp: Math.round(t * 1e6),
        duration: Math.round(p.duration * 1e6),
        data: p.data,
      }),
    );
    t += p.duration;
  }
  try {
    await decoder.flush();
  } catch (e) {
    failure ??= e;
  }
  if (decoder.state !== 'closed') decoder.close();
  if (failure && total === 0)
    throw new Error(
      `${stream.config.codec}: the browser's decoder failed (${failure.message || failure})`,
    );
  const skip = Math.min(total, stream.skip ?? 0);
  const keep = Math.max(0, total - skip - (stream.trim ?? 0));
  const out = new Float32Array(keep);
  let o = -skip;
  for (const p of parts) {
    const from = Math.max(0, -o),
      to = Math.min(p.length, keep - o);
    if (to > from) out.set(p.subarray(from, to), o + from);
    o += p.length;
  }
  if (!out.length) throw new Error(`${stream.config.codec}: no audio decoded`);
  return {
    channels: [out],
    rate,
    sourceChannels: stream.config.numberOfChannels,
    decoder: `webcodecs ${stream.config.codec}`,
  };
}
