// mutate.mjs — a small seeded mutator for the JS fuzz loop (tests/fuzz/js-fuzz.mjs): bit flips,
// random bytes, byte inserts and deletes, interesting integers (1, 2 and 4 bytes, both byte
// orders), chunk copies, splices with another seed, truncation; and, for JSON, edits of the
// parsed tree (a value replaced by one of another type, an array emptied or lengthened, a key
// dropped). Deterministic for a given seed.

/** xorshift32 → a function returning uint32s. */
export function rng(seed) {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

const INTERESTING = [
  0, 1, 2, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 512, 1000, 1024, 4096, 32767, 32768,
  65535, 65536, 0x7fffffff, 0x80000000, 0xffffffff, 1e9,
];

function putInt(b, at, v, bytes, be) {
  for (let k = 0; k < bytes && at + k < b.length; k++) {
    const byte = Math.floor(v / 2 ** (8 * k)) & 0xff;
    b[be ? at + bytes - 1 - k : at + k] = byte;
  }
}

/** One to eight byte-level mutations of `input` (Uint8Array); `pool`: other seeds to splice. */
export function mutateBytes(input, r, pool = [], maxLen = 1 << 20) {
  let b = Uint8Array.from(input);
  const steps = 1 + (r() % 8);
  for (let s = 0; s < steps; s++) {
    const n = b.length;
    // headers matter most: half the positions fall in the first 64 bytes
    const at = n ? (r() & 1 ? r() % Math.min(n, 64) : r() % n) : 0;
    switch (r() % 9) {
      case 0:
        if (n) b[at] ^= 1 << (r() % 8);
        break;
      case 1:
        if (n) b[at] = r() & 0xff;
        break;
      case 2: {
        const k = 1 + (r() % 16);
        const ins = new Uint8Array(k).map(() => r() & 0xff);
        b = concat(b.subarray(0, at), ins, b.subarray(at));
        break;
      }
      case 3: {
        const k = 1 + (r() % 32);
        b = concat(b.subarray(0, at), b.subarray(Math.min(n, at + k)));
        break;
      }
      case 4:
      case 5: {
        const v = INTERESTING[r() % INTERESTING.length];
        const bytes = [1, 2, 4][r() % 3];
        putInt(b, at, r() & 1 ? v : (2 ** (8 * bytes) - v) % 2 ** (8 * bytes), bytes, r() & 1);
        break;
      }
      case 6: {
        // copy a chunk of itself elsewhere
        if (n < 2) break;
        const from = r() % n,
          k = 1 + (r() % Math.min(256, n - from));
        b = concat(b.subarray(0, at), b.subarray(from, from + k), b.subarray(at));
        break;
      }
      case 7: {
        // splice: our head, another seed's tail
        if (!pool.length) break;
        const o = pool[r() % pool.length];
        const cut = o.length ? r() % o.length : 0;
        b = concat(b.subarray(0, at), o.subarray(cut));
        break;
      }
      case 8:
        if (n) b = b.subarray(0, r() % n);
        break;
    }
  }
  return b.length > maxLen ? b.subarray(0, maxLen) : b;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const ODD_VALUES = [
  null,
  true,
  0,
  -1,
  1e308,
  -1e308,
  0.5,
  2 ** 31,
  '',
  'x',
  '../../etc/passwd',
  '\u0000',
  [],
  {},
  [null],
  [[]],
  { length: 3 },
  'NaN',
  '1e999',
];

/** Edits of a parsed JSON value (a deep copy is changed and returned). */
export function mutateJson(value, r) {
  const v = structuredClone(value);
  const steps = 1 + (r() % 4);
  let root = v;
  for (let s = 0; s < steps; s++) {
    // walk down to a random container
    const path = [];
    let node = root;
    while (node && typeof node === 'object' && r() % 3) {
      const keys = Object.keys(node);
      if (!keys.length) break;
      const k = keys[r() % keys.length];
      if (!node[k] || typeof node[k] !== 'object') break;
      path.push([node, k]);
      node = node[k];
    }
    if (!node || typeof node !== 'object') {
      root = ODD_VALUES[r() % ODD_VALUES.length];
      continue;
    }
    const keys = Object.keys(node);
    const k = keys.length ? keys[r() % keys.length] : '0';
    switch (r() % 6) {
      case 0:
        node[k] = structuredClone(ODD_VALUES[r() % ODD_VALUES.length]);
        break;
      case 1:
        if (Array.isArray(node)) node.length = r() % 4 ? node.length >> 1 : node.length + 3;
        else delete node[k];
        break;
      case 2:
        if (Array.isArray(node) && node.length) node.push(structuredClone(node[r() % node.length]));
        else node[`k${r() % 10}`] = structuredClone(ODD_VALUES[r() % ODD_VALUES.length]);
        break;
      case 3:
        if (typeof node[k] === 'number') node[k] = INTERESTING[r() % INTERESTING.length] * -1;
        else if (typeof node[k] === 'string') node[k] = node[k].repeat(r() % 3);
        break;
      case 4:
        // a sibling's value under this key (types that fit elsewhere)
        if (path.length) {
          const [parent] = path[path.length - 1];
          const pk = Object.keys(parent);
          node[k] = structuredClone(parent[pk[r() % pk.length]]);
        }
        break;
      case 5:
        if (Array.isArray(node)) node.reverse();
        break;
    }
  }
  return root;
}
