// The stages of a photo outside the models, timed on this computer with the runner's own code.
import { describe, expect, it } from 'vitest';
import { estimateBlendMs, estimatePictureMs } from '../../../src/app/pipeline-host-stages.js';
import { planTiles } from '../../../src/pipeline/tiling.js';

describe('stages outside the models', () => {
  const small = planTiles({ width: 160, height: 112 }, { tile: 64, overlap: 16 });
  const photo = planTiles({ width: 4000, height: 3000 }, { tile: 512, overlap: 128 });

  it('decoding the photo and writing the picture cost time, scaled by pixels for a large photo', () => {
    const ms = estimatePictureMs(small, 'png', 'png');
    expect(ms).toBeGreaterThan(0);
    expect(Number.isFinite(ms)).toBe(true);
    // A 512x512 sample stands for 4000x3000: 46 times its pixels, far above a 160x112 picture's cost.
    expect(estimatePictureMs(photo, 'jpeg', 'png')).toBeGreaterThan(ms);
    expect(estimatePictureMs(small, 'jpeg', 'jpeg')).toBeGreaterThan(0);
  });

  it('blending costs time for every tile', () => {
    expect(estimateBlendMs(small)).toBeGreaterThan(0);
  });
});
