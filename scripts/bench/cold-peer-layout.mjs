// cold-peer-layout.mjs — one layout by a peer library, the same call in Node (cold-peer.mjs)
// and in Chromium (cold-peer-worker.mjs): umap-js with the bench's settings (15 neighbours,
// min_dist 0.1, spread 1, the given epochs) or @keckelt/tsne (perplexity 30, epsilon 10, the
// given iterations). Returns the n x 2 layout as a Float32Array.

/** mulberry32: the peers' random stream, seeded like sonomap's run. */
function seeded(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function peerLayout(lib, algo, X, n, d, iters, seed) {
  const rows = Array.from({ length: n }, (_, i) => Array.from(X.subarray(i * d, (i + 1) * d)));
  let Y;
  if (algo === 'umap') {
    const u = new lib.UMAP({
      nComponents: 2,
      nNeighbors: 15,
      minDist: 0.1,
      spread: 1,
      nEpochs: iters,
      random: seeded(seed),
    });
    const ne = u.initializeFit(rows);
    for (let i = 0; i < ne; i++) u.step();
    Y = u.getEmbedding();
  } else {
    const t = new lib.TSNE({ epsilon: 10, perplexity: 30, dim: 2 });
    t.initDataRaw(rows);
    for (let i = 0; i < iters; i++) t.step();
    Y = t.getSolution();
  }
  const out = new Float32Array(n * 2);
  Y.forEach((r, i) => {
    out[2 * i] = r[0];
    out[2 * i + 1] = r[1];
  });
  return out;
}
