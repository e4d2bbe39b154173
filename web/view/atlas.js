// atlas.js — the sprite atlas: every point's RGBA tile in one square grid on a canvas, which the
// map uploads as one texture and the export writes as sprite.png. Tiles shrink when there are
// so many that the grid would pass maxSide.
import { PLACEHOLDER_TILE } from '../core/policy.js';

/** The largest sprite sheet side the map uploads as one texture: the GPU's limit, at most
 *  8192 px (256 MB of RGBA). Past it the map draws plain points (MapView.tilesDropped). */
export function atlasBudget(maxTexture = 8192) {
  return Math.min(8192, maxTexture || 4096);
}

/** Grid size for n tiles of `tile` px: {cols, tile} with cols * tile <= maxSide. */
export function atlasGrid(n, tile, maxSide = 4096) {
  const cols = Math.max(1, Math.ceil(Math.sqrt(Math.max(1, n))));
  let t = tile;
  while (t > 4 && cols * t > maxSide) t = Math.floor(t / 2);
  return { cols, tile: t };
}

/** tiles: list of Uint8ClampedArray (srcTile² × 4 each). Returns {canvas, tile, cols, count}. */
export function buildAtlas(tiles, srcTile, maxSide = 4096) {
  const n = tiles.length;
  const { cols, tile } = atlasGrid(n, srcTile, maxSide);
  const rows = Math.max(1, Math.ceil(n / cols));
  const canvas = document.createElement('canvas');
  canvas.width = cols * tile;
  canvas.height = rows * tile;
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingQuality = 'high';
  let scratch = null,
    sctx = null;
  if (tile !== srcTile) {
    scratch = document.createElement('canvas');
    scratch.width = scratch.height = srcTile;
    sctx = scratch.getContext('2d');
  }
  for (let i = 0; i < n; i++) {
    const img = new ImageData(tiles[i], srcTile, srcTile);
    const x = (i % cols) * tile,
      y = Math.floor(i / cols) * tile;
    if (!scratch) ctx.putImageData(img, x, y);
    else {
      sctx.putImageData(img, 0, 0);
      ctx.drawImage(scratch, x, y, tile, tile);
    }
  }
  return { canvas, tile, cols, count: n };
}

/** The sprite of a map without tiles: every point shows one plain square (PLACEHOLDER_TILE).
 *  → {canvas, cols, tile, count, tileIndex} as a map's sprite. */
export function placeholderSprite(n) {
  const { size, color } = PLACEHOLDER_TILE;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  const g = canvas.getContext('2d');
  g.fillStyle = color;
  g.fillRect(0, 0, size, size);
  return { canvas, cols: 1, tile: size, count: n, tileIndex: new Float32Array(n) };
}

/** A sprite of n made-up tiles (a colour and a band each, seeded by the index) in the grid the
 *  page would use for n analysed sounds: what benchmarks of large maps draw. */
export function patternSprite(n, srcTile = 64, maxSide = 4096) {
  const { cols, tile } = atlasGrid(n, srcTile, maxSide);
  const rows = Math.max(1, Math.ceil(n / cols));
  const canvas = document.createElement('canvas');
  canvas.width = cols * tile;
  canvas.height = rows * tile;
  const g = canvas.getContext('2d');
  for (let i = 0; i < n; i++) {
    const x = (i % cols) * tile,
      y = Math.floor(i / cols) * tile;
    const h = (i * 137.5) % 360;
    g.fillStyle = `hsl(${h} 60% 22%)`;
    g.fillRect(x, y, tile, tile);
    g.fillStyle = `hsl(${(h + 40) % 360} 90% 65%)`;
    g.fillRect(x, y + ((i * 7) % tile), tile, Math.max(1, tile >> 3));
  }
  return { canvas, cols, tile, count: n, tileIndex: null };
}
