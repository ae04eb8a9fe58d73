// The stages of a photo outside the models, estimated by timing the runner's own code on this
// computer (plain JavaScript on the device as well): blending the tiles, and decoding the photo and
// encoding the restored picture. On the 2-core development machine decoding and writing a 160x112
// picture costs about 25 ms of a 0.7-2.4 s photo; left out, every prediction came out short by it.
import { decodeImage, encodeImage, type ImageFormat } from '../pipeline/image-codec.js';
import { TileBlender, tileWindow } from '../pipeline/blend.js';
import type { TilePlan } from '../pipeline/tiling.js';
import { codecs, generatedPicture } from './pipeline-image.js';

/** Blending one image as the runner does it: every tile added once, then normalised. */
export function estimateBlendMs(plan: TilePlan): number {
  const blender = new TileBlender(plan.image.width, plan.image.height);
  const tile = new Float32Array(3 * plan.tile * plan.tile);
  // A few tiles are enough to time one: the rest cost the same.
  const sample = plan.tiles.slice(0, Math.min(plan.count, 4));
  const started = performance.now();
  for (const t of sample) {
    const at = { x: t.x, y: t.y, size: plan.tile };
    const { wx, wy } = tileWindow(plan.image.width, plan.image.height, at, plan.overlap);
    blender.add(tile, at, wx, wy);
  }
  const perTile = (performance.now() - started) / sample.length;
  const finishStarted = performance.now();
  blender.finish();
  return perTile * plan.count + (performance.now() - finishStarted);
}

/** The side of the sample picture timed: codecs cost per pixel, so a large photo is timed on a part. */
const SAMPLE_SIDE = 512;

/**
 * Decoding the photo (`input` format) and encoding the restored picture (`output` format), as the
 * runner does, timed on a generated picture of the photo's size (at most 512x512, scaled by pixels).
 */
export function estimatePictureMs(plan: TilePlan, input: ImageFormat, output: ImageFormat): number {
  const size = { width: Math.min(plan.image.width, SAMPLE_SIDE), height: Math.min(plan.image.height, SAMPLE_SIDE) };
  const picture = generatedPicture(size, 1);
  const source = encodeImage(picture, input, codecs);
  const started = performance.now();
  decodeImage(source, codecs);
  encodeImage(picture, output, codecs);
  const ms = performance.now() - started;
  return (ms * plan.image.width * plan.image.height) / (size.width * size.height);
}
