// Blending decoded tiles back into one picture. Overlapping tiles are mixed with a feathered window:
// along each side that meets a neighbouring tile the weight rises linearly from near 0 to 1 over the
// overlap, and every pixel of the result is the weighted mean of the tiles covering it, so seams fade
// instead of showing a hard edge. Sides on the image border keep weight 1 (nothing to fade into).
//
// Shipped to devices with the device runner (src/device-runner/pipeline-runner.ts): it imports nothing.

/** A tile's window along one axis: `size` weights, ramped on the sides that have a neighbour. */
export function rampWeights(size: number, overlap: number, before: boolean, after: boolean): Float32Array {
  const w = new Float32Array(size).fill(1);
  const ramp = Math.min(overlap, size);
  if (ramp <= 0) return w;
  for (let i = 0; i < ramp; i++) {
    // (i + 0.5) / ramp: symmetric, never 0, so every pixel keeps some weight from every tile on it.
    const v = (i + 0.5) / ramp;
    if (before) w[i] = Math.min(w[i]!, v);
    if (after) w[size - 1 - i] = Math.min(w[size - 1 - i]!, v);
  }
  return w;
}

export interface TilePlacement {
  x: number;
  y: number;
  /** Tile side in pixels. */
  size: number;
}

/**
 * Accumulates weighted tiles (NCHW float, 3 channels, values in [-1, 1] as the VAE decoder gives
 * them) into a canvas, then turns the weighted mean into 8-bit RGB.
 */
export class TileBlender {
  readonly width: number;
  readonly height: number;
  private readonly sum: Float32Array;
  private readonly weight: Float32Array;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.sum = new Float32Array(width * height * 3);
    this.weight = new Float32Array(width * height);
  }

  /** Adds one decoded tile; pixels outside the image (padding of a small image) are dropped. */
  add(tile: Float32Array, at: TilePlacement, wx: Float32Array, wy: Float32Array): void {
    const { width, height } = this;
    const n = at.size;
    const plane = n * n;
    const xEnd = Math.min(n, width - at.x);
    const yEnd = Math.min(n, height - at.y);
    for (let ty = 0; ty < yEnd; ty++) {
      const row = (at.y + ty) * width + at.x;
      const wyv = wy[ty]!;
      for (let tx = 0; tx < xEnd; tx++) {
        const w = wx[tx]! * wyv;
        const p = row + tx;
        const src = ty * n + tx;
        this.weight[p]! += w;
        this.sum[p * 3]! += w * tile[src]!;
        this.sum[p * 3 + 1]! += w * tile[plane + src]!;
        this.sum[p * 3 + 2]! += w * tile[2 * plane + src]!;
      }
    }
  }

  /** Weighted mean per pixel, mapped from [-1, 1] to 0..255 (clamped), interleaved RGB. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.width * this.height * 3);
    for (let p = 0; p < this.weight.length; p++) {
      const w = this.weight[p]!;
      for (let c = 0; c < 3; c++) {
        const v = w > 0 ? this.sum[p * 3 + c]! / w : 0;
        out[p * 3 + c] = Math.round(Math.min(1, Math.max(-1, v)) * 127.5 + 127.5);
      }
    }
    return out;
  }

  /** Pixels no tile has reached (0 once every tile of a covering plan is in). */
  uncovered(): number {
    let n = 0;
    for (let p = 0; p < this.weight.length; p++) if (this.weight[p] === 0) n++;
    return n;
  }
}

/** The window of tile (x, y) in an image of `width` x `height`: ramps only toward neighbours. */
export function tileWindow(
  width: number,
  height: number,
  at: TilePlacement,
  overlap: number,
): { wx: Float32Array; wy: Float32Array } {
  return {
    wx: rampWeights(at.size, overlap, at.x > 0, at.x + at.size < width),
    wy: rampWeights(at.size, overlap, at.y > 0, at.y + at.size < height),
  };
}
