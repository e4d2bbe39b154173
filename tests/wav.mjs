// wav.mjs — 16-bit PCM WAV bytes for tests and benchmarks that make their own audio.

/** The 44-byte header of a 16-bit PCM WAV of `frames` frames. */
export function wavHeader(frames, rate, channels = 1) {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + 2 * frames * channels, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2 * channels, 28);
  h.writeUInt16LE(2 * channels, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(2 * frames * channels, 40);
  return h;
}

/** Mono samples in [-1, 1] → WAV bytes (clipped, rounded to 16 bits). */
export function wavBytes(x, rate) {
  const b = Buffer.alloc(44 + 2 * x.length);
  wavHeader(x.length, rate).copy(b, 0);
  for (let i = 0; i < x.length; i++)
    b.writeInt16LE(Math.max(-32767, Math.min(32767, Math.round(x[i] * 32767))), 44 + 2 * i);
  return b;
}
