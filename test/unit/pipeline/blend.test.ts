import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { rampWeights, TileBlender, tileWindow } from '../../../src/pipeline/blend.js';
import {
  decodeImage,
  encodeImage,
  encodePng,
  formatOfName,
  headerSize,
  ImageDecodeError,
  sniffFormat,
} from '../../../src/pipeline/image-codec.js';
import { cutTile, type RgbImage } from '../../../src/pipeline/pixels.js';
import { planTiles } from '../../../src/pipeline/tiling.js';

const codecs = { PNG, jpeg };

/** A smooth test picture: gradients plus a pattern, different per channel. */
function picture(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      data[p] = (x * 255) / (width - 1);
      data[p + 1] = (y * 255) / (height - 1);
      data[p + 2] = 128 + 100 * Math.sin(x / 7) * Math.cos(y / 5);
    }
  }
  return { width, height, data };
}

/** Cuts every tile, "decodes" it unchanged, blends: the identity pipeline. */
type Change = (t: Float32Array, index: number) => void;
function roundTrip(img: RgbImage, tile: number, overlap: number, change?: Change): Uint8Array {
  const plan = planTiles(img, { tile, overlap });
  const blender = new TileBlender(img.width, img.height);
  for (const t of plan.tiles) {
    const data = cutTile(img, t.x, t.y, tile);
    change?.(data, t.index);
    const at = { x: t.x, y: t.y, size: tile };
    const { wx, wy } = tileWindow(img.width, img.height, at, overlap);
    blender.add(data, at, wx, wy);
  }
  expect(blender.uncovered()).toBe(0);
  return blender.finish();
}

describe('feathered blending', () => {
  it('ramps linearly over the overlap toward neighbours only, never to zero', () => {
    expect([...rampWeights(8, 4, true, false)]).toEqual([0.125, 0.375, 0.625, 0.875, 1, 1, 1, 1]);
    expect([...rampWeights(8, 4, false, true)]).toEqual([1, 1, 1, 1, 0.875, 0.625, 0.375, 0.125]);
    expect([...rampWeights(4, 0, true, true)]).toEqual([1, 1, 1, 1]);
    // Ramps longer than half the tile meet: the smaller weight wins on each pixel.
    expect([...rampWeights(4, 4, true, true)]).toEqual([0.125, 0.375, 0.375, 0.125]);
  });

  it('identical tiles blend back to the original picture exactly (shifted edge tiles, padding)', () => {
    const cases = [
      [300, 200, 64, 16],
      [257, 129, 128, 96],
      [50, 40, 64, 32],
      [200, 100, 96, 0],
    ] as const;
    for (const [w, h, tile, overlap] of cases) {
      const img = picture(w, h);
      const out = roundTrip(img, tile, overlap);
      let worst = 0;
      for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i]! - img.data[i]!));
      expect(worst, `${w}x${h} tile ${tile} overlap ${overlap}`).toBe(0);
    }
  });

  it('fades from one tile to the next across the overlap instead of a hard seam', () => {
    // Two tiles side by side, one black and one white: the overlap becomes a monotonic ramp.
    const img = { width: 96, height: 64, data: new Uint8Array(96 * 64 * 3) };
    const out = roundTrip(img, 64, 32, (t, index) => t.fill(index === 0 ? -1 : 1));
    const row = Array.from({ length: 96 }, (_, x) => out[(10 * 96 + x) * 3]!);
    expect(row.slice(0, 32).every((v) => v === 0)).toBe(true);
    expect(row.slice(64).every((v) => v === 255)).toBe(true);
    const seam = row.slice(32, 64);
    for (let i = 1; i < seam.length; i++) expect(seam[i]!).toBeGreaterThan(seam[i - 1]!);
    expect(Math.abs(seam[15]! + seam[16]! - 255)).toBeLessThanOrEqual(1);
  });

  it('cuts tiles as NCHW in [-1, 1] and repeats border pixels past a small image', () => {
    const img = { width: 2, height: 1, data: Uint8Array.from([0, 255, 51, 255, 0, 102]) };
    const t = cutTile(img, 0, 0, 4);
    expect(t.length).toBe(3 * 16);
    expect([...t.slice(0, 4)]).toEqual([-1, 1, 1, 1]);
    expect([t[16 + 12], t[16 + 15]]).toEqual([1, -1]); // G of (0, 3) and (3, 3): row 0 and column 1 repeated
    expect(t[32 + 3]).toBeCloseTo(102 / 127.5 - 1, 6);
  });
});

describe('image codecs', () => {
  it('PNG round trip is lossless and keeps the size', () => {
    const img = picture(33, 17);
    const bytes = encodePng(img, codecs);
    expect(sniffFormat(bytes)).toBe('png');
    const back = decodeImage(bytes, codecs);
    expect([back.format, back.width, back.height]).toEqual(['png', 33, 17]);
    expect(Buffer.from(back.data).equals(Buffer.from(img.data))).toBe(true);
  });

  it('decodes a JPEG photo to RGB close to what was encoded', () => {
    const img = picture(64, 48);
    const rgba = new Uint8Array(64 * 48 * 4);
    for (let p = 0; p < 64 * 48; p++) rgba.set([...img.data.subarray(p * 3, p * 3 + 3), 255], p * 4);
    const bytes = jpeg.encode({ width: 64, height: 48, data: rgba }, 95).data;
    const back = decodeImage(new Uint8Array(bytes), codecs);
    expect([back.format, back.width, back.height, back.data.length]).toEqual(['jpeg', 64, 48, 64 * 48 * 3]);
    let err = 0;
    for (let i = 0; i < back.data.length; i++) err += Math.abs(back.data[i]! - img.data[i]!);
    expect(err / back.data.length).toBeLessThan(4);
  });

  it('writes the restored picture as JPEG that decodes back close to the pixels', () => {
    const img = picture(64, 48);
    const bytes = encodeImage(img, 'jpeg', codecs);
    expect(sniffFormat(bytes)).toBe('jpeg');
    const back = decodeImage(bytes, codecs);
    expect([back.width, back.height]).toEqual([64, 48]);
    let err = 0;
    for (let i = 0; i < back.data.length; i++) err += Math.abs(back.data[i]! - img.data[i]!);
    expect(err / back.data.length).toBeLessThan(4);
    expect(sniffFormat(encodeImage(img, 'png', codecs))).toBe('png');
  });

  it('reads the format a picture name promises, whatever its case', () => {
    const names = ['a.png', 'b.JPG', 'c.jpeg', 'd.gif', 'png', 'e.png.txt'];
    expect(names.map(formatOfName)).toEqual(['png', 'jpeg', 'jpeg', undefined, undefined, undefined]);
  });

  it('refuses what it cannot decode with a one-line reason', () => {
    const unknown = new ImageDecodeError('not a PNG or JPEG file (unknown signature)');
    expect(() => decodeImage(new TextEncoder().encode('hello, not an image'), codecs)).toThrow(unknown);
    const png = encodePng(picture(20, 20), codecs);
    expect(() => decodeImage(png.subarray(0, 60), codecs)).toThrow(/^cannot decode PNG: /);
    const jpg = new Uint8Array(jpeg.encode({ width: 8, height: 8, data: new Uint8Array(256) }, 90).data);
    expect(() => decodeImage(jpg.subarray(0, 40), codecs)).toThrow(/^cannot decode JPEG: /);
  });
});

describe('image headers', () => {
  it('give the size before decoding, for PNG and JPEG', () => {
    expect(headerSize(encodePng(picture(33, 17), codecs))).toEqual({ width: 33, height: 17 });
    const rgba = new Uint8Array(40 * 24 * 4);
    const small = new Uint8Array(jpeg.encode({ width: 40, height: 24, data: rgba }, 80).data);
    expect(headerSize(small)).toEqual({ width: 40, height: 24 });
    expect(headerSize(new TextEncoder().encode('GIF89a....'))).toBeUndefined();
  });
});
