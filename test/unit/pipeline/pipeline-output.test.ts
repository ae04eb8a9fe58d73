// The end-to-end pipeline runner's output (saved from a real run on this machine: 6 tiles of 64 px,
// the smallest U-Net with the w0.5-r1 VAE) and what the parser refuses.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import { parsePipelineLine, parsePipelineRun } from '../../../src/runners/ort-node/pipeline-output.js';

const real = readFileSync('test/fixtures/outputs/pipeline-runner/local-6-tiles.txt', 'utf8');

describe('pipeline runner output', () => {
  it('reads a real run: start, load, image, one line per tile, done with stages and peak RSS', () => {
    const out = parsePipelineRun(`some onnxruntime warning\n${real}`);
    expect(out.start).toMatchObject({ version: '1.30.0', ep: 'cpu' });
    expect(Object.keys(out.load!)).toEqual(['encoder', 'unet', 'decoder']);
    // One run of each model before the clock: its cost is reported, not counted in the photo's time.
    expect(Object.keys(out.warmup!)).toEqual(['encoder', 'unet', 'decoder']);
    expect(out.image).toMatchObject({ width: 160, height: 112, format: 'png' });
    expect(out.tiles.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5]);
    const d = out.done!;
    expect(d.tiles).toBe(6);
    expect(d.peakRssBytes).toBeGreaterThan(100 * 2 ** 20);
    // The stages are the tiles' times summed (blending also normalises once at the end).
    const sum = (k: 'encodeMs' | 'denoiseMs' | 'decodeMs') => out.tiles.reduce((a, t) => a + t[k], 0);
    expect(d.stages.encode).toBeCloseTo(sum('encodeMs'), 6);
    expect(d.stages.denoise).toBeCloseTo(sum('denoiseMs'), 6);
    expect(d.stages.decodeVae).toBeCloseTo(sum('decodeMs'), 6);
    const stages = Object.values(d.stages).reduce((a, b) => a + b, 0);
    expect(stages).toBeLessThanOrEqual(d.wallMs);
    expect(stages).toBeGreaterThan(0.97 * d.wallMs);
  });

  it('reports an error line as it is', () => {
    const line = 'NSB-PIPELINE/1 error {"stage":"decode","message":"/x/in.png: cannot decode PNG: bad signature"}\n';
    const out = parsePipelineRun(line);
    expect(out.error).toEqual({ stage: 'decode', message: '/x/in.png: cannot decode PNG: bad signature' });
  });

  it('refuses a cut-off run, a missing tile line, an unknown tag and bad numbers', () => {
    const lines = real.trim().split('\n');
    expect(() => parsePipelineRun(lines.slice(0, -1).join('\n'))).toThrow(/ends after 6 tiles without a done line/);
    const missingTile = [...lines.slice(0, 5), ...lines.slice(6)].join('\n');
    expect(() => parsePipelineRun(missingTile)).toThrow(/expected tile 1, got 2/);
    expect(() => parsePipelineRun(lines.slice(1).join('\n'))).toThrow(/no start line/);
    expect(() => parsePipelineRun(`${real}NSB-PIPELINE/1 shrug {}\n`)).toThrow(/unknown tag 'shrug'/);
    expect(() => parsePipelineRun(real.replace('"wallMs":', '"wallMs":-'))).toThrow(ParseError);
    expect(() => parsePipelineLine('NSB-PIPELINE/1 tile {oops')).toThrow(/payload is not JSON/);
    expect(parsePipelineLine('unrelated')).toBeUndefined();
  });
});
