// Pixels in and out of the models: a tile cut from an 8-bit RGB picture becomes the VAE encoder's
// input (NCHW float32, values in [-1, 1], as diffusers' image processor normalises), with border
// pixels repeated where a small image does not fill the tile.
//
// Shipped to devices with the device runner: it imports nothing.

/** Interleaved 8-bit RGB, row-major. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** The `size` x `size` tile at (x, y) as NCHW float32 [1, 3, size, size] in [-1, 1]. */
export function cutTile(image: RgbImage, x: number, y: number, size: number): Float32Array {
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let ty = 0; ty < size; ty++) {
    // Replicate the last row / column when the tile reaches past the image (a small image's padding).
    const sy = Math.min(image.height - 1, y + ty);
    for (let tx = 0; tx < size; tx++) {
      const sx = Math.min(image.width - 1, x + tx);
      const src = (sy * image.width + sx) * 3;
      const dst = ty * size + tx;
      out[dst] = image.data[src]! / 127.5 - 1;
      out[plane + dst] = image.data[src + 1]! / 127.5 - 1;
      out[2 * plane + dst] = image.data[src + 2]! / 127.5 - 1;
    }
  }
  return out;
}

/** Drops the alpha channel of interleaved RGBA. */
export function rgbaToRgb(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let p = 0, q = 0; p < width * height; p++, q += 4) {
    out[p * 3] = rgba[q]!;
    out[p * 3 + 1] = rgba[q + 1]!;
    out[p * 3 + 2] = rgba[q + 2]!;
  }
  return out;
}
