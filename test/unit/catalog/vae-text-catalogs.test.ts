// The VAE and text-encoder catalogues against counts worked out here from the model descriptions
// (reference/nanosd-paper.md §5, §6.5), not read back from the catalogue files.
import { describe, expect, it } from 'vitest';
import { candidateCost, teacherCandidate } from '../../../src/catalog/candidates.js';
import { loadCatalog } from '../../../src/catalog/load.js';
import type { ResolvedCatalog, ResolvedStage, ResolvedVariant } from '../../../src/catalog/types.js';
import { allVaeVariants, namedVaeVariants, parseVaeVariant } from '../../../src/catalog/vae.js';

const vae = loadCatalog('block-variants/sd15-vae.json');
const text = loadCatalog('block-variants/sd15-text-encoder.json');

// The formulas of the brief: conv k x k = cin*cout*k^2 + cout; GroupNorm / LayerNorm 2c; linear with bias.
const conv = (k: number, cin: number, cout: number) => cin * cout * k * k + cout;
const gn = (c: number) => 2 * c;
const resnet = (cin: number, cout: number) =>
  gn(cin) + conv(3, cin, cout) + gn(cout) + conv(3, cout, cout) + (cin !== cout ? conv(1, cin, cout) : 0);
const vaeAttention = (c: number) => gn(c) + 4 * (c * c + c);
const mid = (c: number) => 2 * resnet(c, c) + vaeAttention(c);

function encoderParams(ch: number[], perLevel: number): number {
  let n = conv(3, 3, ch[0]!);
  let prev = ch[0]!;
  ch.forEach((c, level) => {
    for (let r = 0; r < perLevel; r++) n += resnet(r === 0 ? prev : c, c);
    if (level < ch.length - 1) n += conv(3, c, c); // stride-2 downsampler
    prev = c;
  });
  return n + mid(prev) + gn(prev) + conv(3, prev, 8);
}

function decoderParams(ch: number[], perLevel: number): number {
  const up = [...ch].reverse();
  let n = conv(3, 4, up[0]!) + mid(up[0]!);
  let prev = up[0]!;
  up.forEach((c, level) => {
    for (let r = 0; r < perLevel; r++) n += resnet(r === 0 ? prev : c, c);
    if (level < up.length - 1) n += conv(3, c, c); // nearest x2 + conv
    prev = c;
  });
  return n + gn(prev) + conv(3, prev, 3);
}

const stage = (cat: ResolvedCatalog, name: string): ResolvedStage => cat.stages.find((s) => s.name === name)!;
const variant = (s: ResolvedStage, name: string): ResolvedVariant => s.variants.find((v) => v.name === name)!;
const unitParams = (v: ResolvedVariant, unit: string) => v.units.find((u) => u.name === unit)!.params;
const resnetsPerLevel = (v: ResolvedVariant, prefix: 'down' | 'up') =>
  [0, 1, 2, 3].map((l) => v.units.filter((u) => u.name.startsWith(`${prefix}${l}.R`)).length);

describe('SD1.5 VAE: exact parameter counts', () => {
  const r = vae.resolve(64, 1);
  const enc = stage(r, 'encoder');
  const dec = stage(r, 'decoder');

  it('the formulas give the published counts: encoder 34,163,592, decoder 49,490,179, 83,653,863 in all', () => {
    expect(encoderParams([128, 256, 512, 512], 2)).toBe(34_163_592);
    expect(decoderParams([128, 256, 512, 512], 3)).toBe(49_490_179);
    expect(conv(1, 8, 8)).toBe(72);
    expect(conv(1, 4, 4)).toBe(20);
    expect(34_163_592 + 72 + 49_490_179 + 20).toBe(83_653_863);
  });

  it('the teacher (variant 0 of both stages) has exactly those parameters, quant convs apart', () => {
    expect(enc.teacher).toBe(0);
    expect(dec.teacher).toBe(0);
    const e = enc.variants[0]!;
    const d = dec.variants[0]!;
    expect(unitParams(e, 'quant_conv')).toBe(72);
    expect(unitParams(d, 'post_quant_conv')).toBe(20);
    expect(e.params - 72).toBe(34_163_592);
    expect(d.params - 20).toBe(49_490_179);
    expect(candidateCost(r, teacherCandidate(r)).params).toBe(83_653_863);
    expect(vae.spec.reference?.['AutoencoderKL']).toBe(83_653_863);
  });

  it('per unit: ResNets without time projection, the mid attention, the asymmetric downsampler', () => {
    const e = enc.variants[0]!;
    expect(unitParams(e, 'down1.R0')).toBe(resnet(128, 256));
    expect(unitParams(e, 'down3.R1')).toBe(4_721_664);
    expect(unitParams(e, 'mid.A')).toBe(1_051_648);
    expect(unitParams(e, 'down2.Down')).toBe(2_359_808);
    expect(e.units.find((u) => u.name === 'down0.Down')!.pads).toEqual([0, 0, 1, 1]);
    expect(e.units.find((u) => u.name === 'down0.Down')!.sideOut).toBe(256);
  });

  it('MACs: encoder 558 G and decoder 1,257 G at 512x512 tiles, 34 G and 78 G at 128x128 (§5.1)', () => {
    const G = (x: number) => Math.round(x / 1e9);
    expect(G(enc.variants[0]!.macs)).toBe(558);
    expect(G(dec.variants[0]!.macs)).toBe(1257);
    const small = vae.resolve(16, 1);
    expect(G(stage(small, 'encoder').variants[0]!.macs)).toBe(34);
    expect(G(stage(small, 'decoder').variants[0]!.macs)).toBe(78);
    // Exact at 512: the mid attention's QK^T and AV over 4096 tokens of 512 channels.
    expect(enc.variants[0]!.units.find((u) => u.name === 'mid.A')!.macs).toBe(
      4 * 512 * 512 * 4096 + 2 * 4096 * 4096 * 512,
    );
  });

  it('the latent scaling factor sits where diffusers applies it', () => {
    const e = enc.variants[0]!.units;
    const d = dec.variants[0]!.units;
    expect(e.slice(-3).map((u) => u.kind)).toEqual(['conv', 'latent-mean', 'scale']);
    expect(e.at(-1)!.factor).toBe(0.18215);
    expect(d[0]!.kind).toBe('scale');
    expect(d[0]!.factor).toBeCloseTo(1 / 0.18215, 12);
    expect(r.tensors.get('image')!.shape).toEqual([1, 3, 512, 512]);
    expect(r.tensors.get('latent')!.shape).toEqual([1, 4, 64, 64]);
  });
});

describe('SD1.5 VAE: structured scaling as variants in data', () => {
  const r = vae.resolve(64, 1);
  const enc = stage(r, 'encoder');
  const dec = stage(r, 'decoder');

  it('ResNets per level: encoder 2 -> 1, decoder 3 -> 2 -> 1', () => {
    expect(resnetsPerLevel(variant(enc, 'teacher'), 'down')).toEqual([2, 2, 2, 2]);
    expect(resnetsPerLevel(variant(enc, 'r1'), 'down')).toEqual([1, 1, 1, 1]);
    expect(resnetsPerLevel(variant(dec, 'teacher'), 'up')).toEqual([3, 3, 3, 3]);
    expect(resnetsPerLevel(variant(dec, 'r2'), 'up')).toEqual([2, 2, 2, 2]);
    expect(resnetsPerLevel(variant(dec, 'r1'), 'up')).toEqual([1, 1, 1, 1]);
    expect(variant(enc, 'r1').params - 72).toBe(encoderParams([128, 256, 512, 512], 1));
    expect(variant(dec, 'r2').params - 20).toBe(decoderParams([128, 256, 512, 512], 2));
    expect(variant(dec, 'r1').params - 20).toBe(decoderParams([128, 256, 512, 512], 1));
  });

  it('channel width per level, uniform or not', () => {
    expect(variant(enc, 'w0.5').widths).toEqual({ c0: 64, c1: 128, c2: 256, c3: 256 });
    expect(variant(enc, 'w0.5').params - 72).toBe(encoderParams([64, 128, 256, 256], 2));
    expect(variant(dec, 'w0.5-r1').params - 20).toBe(decoderParams([64, 128, 256, 256], 1));
    expect(variant(enc, 'hires0.5').params - 72).toBe(encoderParams([64, 128, 512, 512], 2));
    expect(variant(dec, 'hires0.5').params - 20).toBe(decoderParams([64, 128, 512, 512], 3));
    // Every variant keeps the stage's signature: pixels in, 4-channel latent out, and back.
    for (const v of enc.variants) expect(v.units.at(-1)!.out).toBe(4);
    for (const v of dec.variants) expect(v.units.at(-1)!.out).toBe(3);
  });

  it('VAE variants by shared name, per-stage pair, or indices', () => {
    expect(parseVaeVariant(r, 'teacher').indices).toEqual([0, 0]);
    expect(parseVaeVariant(r, '0').indices).toEqual([0, 0]);
    const v = parseVaeVariant(r, 'w0.5-r1');
    expect(v.indices).toEqual([3, 5]);
    expect(v.params).toBe(variant(enc, 'w0.5-r1').params + variant(dec, 'w0.5-r1').params);
    const pair = parseVaeVariant(r, 'encoder=w0.5,decoder=r2');
    expect(pair.indices).toEqual([2, 1]);
    expect(pair.name).toBe('encoder=w0.5,decoder=r2');
    expect(parseVaeVariant(r, '2.1').name).toBe('encoder=w0.5,decoder=r2');
    expect(() => parseVaeVariant(r, 'r2')).toThrow(
      /unknown VAE variant 'r2'.*known: teacher, r1, w0.5, w0.5-r1, hires0.5/,
    );
    expect(() => parseVaeVariant(r, '2')).toThrow(/variant 2 is not the same in every stage/);
    expect(namedVaeVariants(r).map((x) => x.name)).toEqual(['teacher', 'r1', 'w0.5', 'w0.5-r1', 'hires0.5']);
    expect(allVaeVariants(r)).toHaveLength(5 * 7);
    expect(() => parseVaeVariant(loadCatalog('block-variants/sd15-nanosd.json').resolve(16, 1), 'teacher')).toThrow(
      /not a VAE catalogue/,
    );
  });
});

describe('CLIP ViT-L/14 text encoder', () => {
  const r = text.resolve(16, 1);
  const part = r.parts[0]!;
  const d = 768;
  const layer = 2 * gn(d) + 4 * (d * d + d) + (d * 3072 + 3072) + (3072 * d + d);

  it('123,060,480 parameters: embeddings 49408x768 + 77x768, 12 layers, final LayerNorm', () => {
    expect(r.role).toBe('text-encoder');
    expect(r.stages).toHaveLength(0);
    expect(part.units.filter((u) => u.kind === 'text-layer')).toHaveLength(12);
    expect(part.units[0]!.params).toBe(49408 * 768 + 77 * 768);
    expect(part.units[1]!.params).toBe(layer);
    expect(layer).toBe(7_087_872);
    expect(part.params).toBe(49408 * 768 + 77 * 768 + 12 * layer + gn(768));
    expect(part.params).toBe(123_060_480);
  });

  it('reads 77 token ids, writes the U-Net context [1, 77, 768]; 6.65 G MACs', () => {
    expect(part.inputs[0]!.shape).toEqual([1, 77]);
    expect(part.outputs[0]).toEqual({ name: 'context', shape: [1, 77, 768] });
    expect(part.units[1]!.macs).toBe(12 * 77 * d * d + 2 * 77 * 77 * d);
    expect(part.macs).toBe(12 * (12 * 77 * d * d + 2 * 77 * 77 * d));
    // Its widths are fixed: the U-Net reads 768 channels at any width multiplier.
    expect(text.resolve(16, 0.5).parts[0]!.params).toBe(123_060_480);
  });
});
