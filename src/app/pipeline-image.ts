// The photo a pipeline run restores: the user's PNG or JPEG (decoded here first, so a file that cannot
// be decoded or is absurdly large is refused before any device work), or a generated test picture of
// the size asked for (smooth gradients and seeded texture, written as PNG).
import { readFileSync } from 'node:fs';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { writeFileAtomic } from '../atomic-write.js';
import { InvalidFileError } from '../errors.js';
import { decodeImage, encodePng, headerSize, ImageDecodeError, type ImageFormat } from '../pipeline/image-codec.js';
import type { RgbImage } from '../pipeline/pixels.js';
import { checkImageSize, MAX_MEGAPIXELS, type ImageSize } from '../pipeline/tiling.js';
import { mulberry32 } from '../stats/index.js';

export const codecs = { PNG, jpeg };

export interface PipelineImage {
  size: ImageSize;
  /** The file the device decodes. */
  file: string;
  /** `photo.jpg (JPEG)` or `generated 4000x3000 test picture`. */
  description: string;
  generated: boolean;
  /** The file's format (a generated picture is written as PNG). */
  format: ImageFormat;
}

/** Reads and decodes the user's photo; refuses what cannot be decoded (exit 4) or is too large (exit 3). */
export function userImage(file: string, force: boolean): PipelineImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InvalidFileError(file, undefined, `cannot read the image: ${why}`);
  }
  // The size policy first, from the header: a 400-megapixel file is refused before it is decoded.
  const declared = headerSize(bytes);
  if (declared) checkImageSize(declared, force, file);
  let image;
  try {
    image = decodeImage(bytes, codecs, force ? Number.POSITIVE_INFINITY : MAX_MEGAPIXELS);
  } catch (error) {
    if (error instanceof ImageDecodeError) throw new InvalidFileError(file, undefined, error.message);
    throw error;
  }
  const size = { width: image.width, height: image.height };
  checkImageSize(size, force, file);
  const description = `${file} (${image.format.toUpperCase()}, ${size.width}x${size.height})`;
  return { size, file, description, generated: false, format: image.format };
}

/** A test picture: colour gradients with seeded fine texture, so tiles differ as in a photo. */
export function generatedPicture(size: ImageSize, seed: number): RgbImage {
  const { width, height } = size;
  const data = new Uint8Array(width * height * 3);
  const rand = mulberry32(seed);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      const n = (rand() - 0.5) * 24;
      data[p] = clamp((255 * x) / Math.max(1, width - 1) + n);
      data[p + 1] = clamp((255 * y) / Math.max(1, height - 1) + n);
      data[p + 2] = clamp(128 + 90 * Math.sin((x + y) / 37) + n);
    }
  }
  return { width, height, data };
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

/** A generated test picture that will be written to `file` when a run needs it (writeGeneratedImage). */
export function generatedImage(size: ImageSize, force: boolean, file: string): PipelineImage {
  checkImageSize(size, force);
  const description = `generated ${size.width}x${size.height} test picture`;
  return { size, file, description, generated: true, format: 'png' };
}

/** Writes a generated picture as PNG (atomically); a user's photo is left as it is. */
export function writeGeneratedImage(image: PipelineImage, seed: number): void {
  if (image.generated) writeFileAtomic(image.file, encodePng(generatedPicture(image.size, seed), codecs));
}
