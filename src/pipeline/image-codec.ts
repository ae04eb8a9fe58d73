// Decoding photos (PNG, JPEG) into 8-bit RGB and writing the result as PNG or JPEG. The codec libraries
// (pngjs, jpeg-js) are handed in rather than imported, because this file also runs inside the device
// runner, which loads them from a folder on the device the way it loads onnxruntime.
//
// Shipped to devices with the device runner: it imports nothing at run time.
import type { PNG } from 'pngjs';
import type * as JpegJs from 'jpeg-js';
import { rgbaToRgb, type RgbImage } from './pixels.js';

export interface Codecs {
  PNG: typeof PNG;
  jpeg: Pick<typeof JpegJs, 'decode' | 'encode'>;
}

export type ImageFormat = 'png' | 'jpeg';

/** The format a picture's name promises (.png, .jpg, .jpeg), or undefined for any other name. */
export function formatOfName(file: string): ImageFormat | undefined {
  const name = file.toLowerCase();
  if (name.endsWith('.png')) return 'png';
  if (name.endsWith('.jpg') || name.endsWith('.jpeg')) return 'jpeg';
  return undefined;
}

/** The format from the file's first bytes (never from its name). */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  const png = bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  if (png) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/**
 * Width and height from the file's header alone (PNG IHDR, JPEG start-of-frame), so an absurd size
 * is refused before the decoder allocates it; undefined when the header cannot be read.
 */
export function headerSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const format = sniffFormat(bytes);
  const u16 = (i: number) => (bytes[i]! << 8) | bytes[i + 1]!;
  if (format === 'png') {
    if (bytes.length < 24) return undefined;
    return { width: u16(16) * 65536 + u16(18), height: u16(20) * 65536 + u16(22) };
  }
  if (format !== 'jpeg') return undefined;
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1]!;
    // Start-of-frame markers C0-CF, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { width: u16(i + 7), height: u16(i + 5) };
    }
    i += 2 + u16(i + 2);
  }
  return undefined;
}

/** A decoding failure, with the reason in one line (the caller adds the file name). */
export class ImageDecodeError extends Error {}

/**
 * Decodes a PNG or JPEG. `maxMegapixels` bounds what the JPEG decoder will allocate (its own guard
 * against hostile files); the caller checks the size policy.
 */
export function decodeImage(
  bytes: Uint8Array,
  codecs: Codecs,
  maxMegapixels = 100,
): RgbImage & { format: ImageFormat } {
  const format = sniffFormat(bytes);
  if (!format) throw new ImageDecodeError('not a PNG or JPEG file (unknown signature)');
  try {
    if (format === 'png') {
      const png = codecs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { format, width: png.width, height: png.height, data: rgbaToRgb(png.data, png.width, png.height) };
    }
    const mp = Math.max(100, Math.ceil(maxMegapixels));
    const limits = { maxResolutionInMP: mp, maxMemoryUsageInMB: Math.max(512, mp * 12) };
    const img = codecs.jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, ...limits });
    return { format, width: img.width, height: img.height, data: img.data };
  } catch (error) {
    const why = String((error as Error)?.message ?? error).split('\n')[0];
    throw new ImageDecodeError(`cannot decode ${format.toUpperCase()}: ${why}`);
  }
}

/** 8-bit RGB PNG bytes. */
export function encodePng(image: RgbImage, codecs: Pick<Codecs, 'PNG'>): Uint8Array {
  const data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const png = { width: image.width, height: image.height, data };
  return codecs.PNG.sync.write(png as unknown as PNG, { colorType: 2, inputColorType: 2 });
}

/** JPEG quality of a restored picture: high, so the codec's own loss stays below what a model changes. */
export const JPEG_QUALITY = 95;

/** 8-bit RGB JPEG bytes (the encoder takes RGBA: alpha is opaque). */
export function encodeJpeg(image: RgbImage, codecs: Pick<Codecs, 'jpeg'>): Uint8Array {
  const { width, height, data } = image;
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0, q = 0; p < data.length; p += 3, q += 4) {
    rgba[q] = data[p]!;
    rgba[q + 1] = data[p + 1]!;
    rgba[q + 2] = data[p + 2]!;
    rgba[q + 3] = 255;
  }
  return codecs.jpeg.encode({ width, height, data: rgba }, JPEG_QUALITY).data;
}

/** A picture in the format asked for. */
export function encodeImage(image: RgbImage, format: ImageFormat, codecs: Pick<Codecs, 'PNG' | 'jpeg'>): Uint8Array {
  return format === 'jpeg' ? encodeJpeg(image, codecs) : encodePng(image, codecs);
}
