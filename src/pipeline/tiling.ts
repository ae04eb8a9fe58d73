// Tiling plans: how a whole photo is cut into fixed-size tiles for a model that runs on one tile at a
// time. Tiles advance by `tile - overlap`; the last row and column are shifted inward so they end
// exactly at the image border (as common tiled-diffusion code does) instead of hanging over it, so
// every tile is a full tile of real pixels and the tiles cover the image exactly. A side shorter than
// one tile gets a single tile, padded by repeating the border pixels: the models have fixed shapes.
import { UsageError } from '../errors.js';

/** Tiles are a multiple of this many pixels, so the latent (pixels / 8) stays a multiple of 4. */
export const TILE_MULTIPLE = 32;
/** Pixels per latent cell of the SD1.5 VAE (three stride-2 downsamplers). */
export const VAE_FACTOR = 8;
/** Larger images are refused unless forced: a typo (40000x30000) would otherwise run for hours. */
export const MAX_MEGAPIXELS = 100;

export interface ImageSize {
  width: number;
  height: number;
}

export interface Tile {
  /** Position in the grid, row-major index `row * cols + col`. */
  index: number;
  col: number;
  row: number;
  /** Top-left pixel of the tile in the image. */
  x: number;
  y: number;
}

export interface TilePlan {
  image: ImageSize;
  tile: number;
  overlap: number;
  /** Nominal step between tile origins (`tile - overlap`). */
  stride: number;
  cols: number;
  rows: number;
  count: number;
  /** Latent side of one tile (`tile / 8`): the size the U-Net runs at. */
  latent: number;
  /** Pixels of border padding right and below when a side is shorter than a tile (else 0). */
  pad: { right: number; bottom: number };
  tiles: Tile[];
}

export interface TileOptions {
  tile: number;
  overlap: number;
  /** Accept images above MAX_MEGAPIXELS. */
  force?: boolean;
}

/** Parses `4000x3000` (also `4000X3000`, `4000×3000`). */
export function parseImageSize(text: string, where = '--image'): ImageSize {
  const m = /^\s*(\d+)\s*[xX×]\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UsageError(`${where} ${text}: expected WIDTHxHEIGHT in pixels, e.g. 4000x3000`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** Checks a tile size and overlap on their own (before any image is known). */
export function checkTile(tile: number, overlap: number): void {
  if (!Number.isInteger(tile) || tile <= 0 || tile % TILE_MULTIPLE !== 0) {
    const why = `must be a positive multiple of ${TILE_MULTIPLE} pixels (so the latent, tile/8, is a multiple of 4)`;
    throw new UsageError(`--tile ${tile}: ${why}`);
  }
  if (!Number.isInteger(overlap) || overlap < 0) {
    throw new UsageError(`--overlap ${overlap}: must be a whole number of pixels >= 0`);
  }
  if (overlap >= tile) {
    throw new UsageError(`--overlap ${overlap}: must be smaller than the tile (${tile}); tiles would not advance`);
  }
}

/** Checks an image size: not empty, not absurd unless forced. */
export function checkImageSize(image: ImageSize, force = false, where = 'image'): void {
  const { width, height } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new UsageError(`${where} ${width}x${height}: width and height must be at least 1 pixel`);
  }
  const mp = (width * height) / 1e6;
  if (mp > MAX_MEGAPIXELS && !force) {
    throw new UsageError(`${where} ${width}x${height} is ${mp.toFixed(0)} megapixels, more than ${MAX_MEGAPIXELS}`, {
      hint: 'add --force if this size is intended',
    });
  }
}

/** Origins along one side: step by `stride`, the last one shifted inward to end at the border. */
export function axisOrigins(length: number, tile: number, stride: number): number[] {
  if (length <= tile) return [0];
  const n = Math.ceil((length - tile) / stride) + 1;
  return Array.from({ length: n }, (_, i) => Math.min(i * stride, length - tile));
}

export function planTiles(image: ImageSize, o: TileOptions): TilePlan {
  checkTile(o.tile, o.overlap);
  checkImageSize(image, o.force);
  const stride = o.tile - o.overlap;
  const xs = axisOrigins(image.width, o.tile, stride);
  const ys = axisOrigins(image.height, o.tile, stride);
  const tiles: Tile[] = [];
  ys.forEach((y, row) => xs.forEach((x, col) => tiles.push({ index: tiles.length, col, row, x, y })));
  return {
    image: { ...image },
    tile: o.tile,
    overlap: o.overlap,
    stride,
    cols: xs.length,
    rows: ys.length,
    count: tiles.length,
    latent: o.tile / VAE_FACTOR,
    pad: { right: Math.max(0, o.tile - image.width), bottom: Math.max(0, o.tile - image.height) },
    tiles,
  };
}

/** `11x8 = 88 tiles of 512 px (128 px overlap)` */
export function describePlan(p: TilePlan): string {
  const sides = [p.pad.right > 0 ? `${p.pad.right} px right` : '', p.pad.bottom > 0 ? `${p.pad.bottom} px below` : ''];
  const padded = sides.filter((x) => x !== '');
  const pad = padded.length > 0 ? `, padded ${padded.join(' and ')}` : '';
  const tiles = `${p.count} tile${p.count === 1 ? '' : 's'}`;
  return `${p.cols}x${p.rows} = ${tiles} of ${p.tile} px (${p.overlap} px overlap${pad})`;
}
