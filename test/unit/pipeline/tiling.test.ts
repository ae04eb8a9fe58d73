import { describe, expect, it } from 'vitest';
import { ExitCode, UsageError } from '../../../src/errors.js';
import {
  axisOrigins,
  checkTile,
  describePlan,
  parseImageSize,
  planTiles,
  type TilePlan,
} from '../../../src/pipeline/tiling.js';

/** How many tiles cover each pixel (by brute force over the plan). */
function coverage(p: TilePlan): Uint16Array {
  const c = new Uint16Array(p.image.width * p.image.height);
  for (const t of p.tiles) {
    for (let y = t.y; y < Math.min(p.image.height, t.y + p.tile); y++) {
      for (let x = t.x; x < Math.min(p.image.width, t.x + p.tile); x++) c[y * p.image.width + x]!++;
    }
  }
  return c;
}

describe('tiling plan', () => {
  it('a 4000x3000 photo at 512 px with 128 px overlap is 11x8 = 88 tiles', () => {
    const p = planTiles({ width: 4000, height: 3000 }, { tile: 512, overlap: 128 });
    expect([p.cols, p.rows, p.count, p.stride, p.latent]).toEqual([11, 8, 88, 384, 64]);
    expect(describePlan(p)).toBe('11x8 = 88 tiles of 512 px (128 px overlap)');
    // Regular steps, the last column and row shifted inward to end at the border.
    expect(axisOrigins(4000, 512, 384)).toEqual([0, 384, 768, 1152, 1536, 1920, 2304, 2688, 3072, 3456, 3488]);
    expect(axisOrigins(3000, 512, 384)).toEqual([0, 384, 768, 1152, 1536, 1920, 2304, 2488]);
    expect(p.tiles[87]).toEqual({ index: 87, col: 10, row: 7, x: 3488, y: 2488 });
    expect(p.pad).toEqual({ right: 0, bottom: 0 });
  });

  it('covers every pixel, every tile inside the image, no two tiles at the same place', () => {
    const cases = [
      [4000, 3000, 512, 128],
      [1000, 777, 256, 64],
      [513, 512, 512, 0],
      [640, 480, 128, 96],
    ] as const;
    for (const [w, h, tile, overlap] of cases) {
      const p = planTiles({ width: w, height: h }, { tile, overlap });
      expect(coverage(p).every((c) => c >= 1)).toBe(true);
      for (const t of p.tiles) {
        expect(t.x + tile).toBeLessThanOrEqual(w);
        expect(t.y + tile).toBeLessThanOrEqual(h);
      }
      expect(new Set(p.tiles.map((t) => `${t.x},${t.y}`)).size).toBe(p.count);
      // Neighbours overlap by at least the asked overlap (the shifted last one by more).
      const xs = [...new Set(p.tiles.map((t) => t.x))];
      for (let i = 1; i < xs.length; i++) expect(xs[i - 1]! + tile - xs[i]!).toBeGreaterThanOrEqual(overlap);
    }
  });

  it('an exact fit needs no shifted tile', () => {
    // 512 + 2 * 384 = 1280: three tiles land exactly on the border.
    expect(axisOrigins(1280, 512, 384)).toEqual([0, 384, 768]);
    expect(planTiles({ width: 512, height: 512 }, { tile: 512, overlap: 128 }).count).toBe(1);
  });

  it('an image smaller than a tile is one tile, padded to the tile size', () => {
    const p = planTiles({ width: 300, height: 200 }, { tile: 512, overlap: 128 });
    expect([p.cols, p.rows, p.count]).toEqual([1, 1, 1]);
    expect(p.pad).toEqual({ right: 212, bottom: 312 });
    expect(describePlan(p)).toContain('padded 212 px right and 312 px below');
    // Only one side short: a row of tiles, padded below.
    const q = planTiles({ width: 1200, height: 100 }, { tile: 512, overlap: 128 });
    expect([q.cols, q.rows, q.pad.bottom, q.pad.right]).toEqual([3, 1, 412, 0]);
  });

  const usage = (f: () => unknown, text: RegExp) => {
    let error: unknown;
    try {
      f();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.usage);
    expect((error as Error).message).toMatch(text);
  };

  it('refuses an overlap as large as the tile, a tile not a multiple of 32, and empty or absurd images', () => {
    const photo = { width: 100, height: 100 };
    usage(() => planTiles(photo, { tile: 512, overlap: 512 }), /--overlap 512: must be smaller than the tile \(512\)/);
    usage(() => planTiles({ width: 100, height: 100 }, { tile: 512, overlap: 600 }), /--overlap 600/);
    usage(() => checkTile(500, 0), /--tile 500: must be a positive multiple of 32/);
    usage(() => checkTile(0, 0), /--tile 0/);
    usage(() => checkTile(512, -1), /--overlap -1/);
    const tiles = { tile: 512, overlap: 128 };
    usage(() => planTiles({ width: 0, height: 3000 }, tiles), /image 0x3000: width and height must be at least 1/);
    usage(() => planTiles({ width: 20000, height: 10000 }, tiles), /200 megapixels, more than 100/);
    expect(planTiles({ width: 20000, height: 10000 }, { tile: 512, overlap: 128, force: true }).count).toBe(52 * 26);
  });

  it('parses image sizes and names the flag when it cannot', () => {
    expect(parseImageSize('4000x3000')).toEqual({ width: 4000, height: 3000 });
    expect(parseImageSize(' 640 X 480 ')).toEqual({ width: 640, height: 480 });
    expect(parseImageSize('640×480')).toEqual({ width: 640, height: 480 });
    usage(() => parseImageSize('4000by3000'), /--image 4000by3000: expected WIDTHxHEIGHT/);
    usage(() => parseImageSize('-1x5'), /expected WIDTHxHEIGHT/);
  });
});
