// Broken VAE and text-encoder catalogues are refused when read, naming the file and the key; a new
// VAE variant is a few lines of data.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/load.js';
import { catalogFailure as failure, editedCatalog, type Json } from '../../support/catalog-edits.js';

const vae = (edit: (c: Json) => void) => editedCatalog('block-variants/sd15-vae.json', edit);
const text = (edit: (c: Json) => void) => editedCatalog('block-variants/sd15-text-encoder.json', edit);
const unit = (c: Json, stage: string, name: string): Json =>
  c.stages.find((s: Json) => s.name === stage).units.find((u: Json) => u.name === name);

describe('VAE catalogue validation', () => {
  it('a variant setting a width the stage does not have', () => {
    const e = failure(vae((c) => (c.stages[0].variants[1].widths = { c9: 64 })));
    expect(e.key).toBe('stages.encoder.variants.r1.widths.c9');
    expect(e.message).toMatch(/'c9' is not one of the stage's widths \(c0, c1, c2, c3\)/);
  });
  it('a unit using an undefined width name', () => {
    const e = failure(vae((c) => (unit(c, 'decoder', 'up3.R2').out = 'c7')));
    expect(e.key).toBe('stages.decoder.units.up3.R2.out');
  });
  it('a variant whose widths break the channel flow names the unit', () => {
    // down3.R1 wrongly reads c2; harmless while c2 = c3, caught by the variant that makes them differ.
    const e = failure(
      vae((c) => {
        unit(c, 'encoder', 'down3.R1').in = 'c2';
        c.stages[0].variants[2].widths.c3 = 384;
      }),
    );
    expect(e.key).toBe('stages.encoder.variants.w0.5.units.down3.R1');
    expect(e.message).toMatch(/expects 256 input channels but the tensor before it has 384/);
  });
  it('padding that does not halve the side, and fields on the wrong kind', () => {
    expect(failure(vae((c) => (unit(c, 'encoder', 'down0.Down').pads = [0, 0, 3, 3]))).message).toMatch(
      /do not halve a side/,
    );
    expect(failure(vae((c) => (unit(c, 'encoder', 'conv_in').pads = [0, 0, 1, 1]))).message).toMatch(
      /'pads' applies to downsample units, not conv/,
    );
    expect(failure(vae((c) => delete unit(c, 'encoder', 'scale').factor)).message).toMatch(
      /a scale unit needs its 'factor'/,
    );
  });
  it('a vae without a decoder stage', () => {
    const e = failure(vae((c) => (c.stages[1].name = 'dec')));
    expect(e.message).toMatch(/a vae catalogue needs a stage named 'decoder'/);
  });
  it('an image tensor at a scale that is neither n nor 1/n', () => {
    const e = failure(vae((c) => (c.tensors.image.scale = 0.3)));
    expect(e.key).toMatch(/^tensors\.image/);
  });
});

describe('text-encoder catalogue validation', () => {
  it('a sequence tensor needs either a vocab or channels', () => {
    const e = failure(text((c) => (c.tensors.input_ids.channels = 768)));
    expect(e.key).toBe('tensors.input_ids');
  });
  it('a text layer fed pixels, and heads that do not divide the width', () => {
    expect(failure(text((c) => c.parts[0].units.splice(0, 1))).message).toMatch(
      /a text-layer unit reads a sequence of token vectors/,
    );
    expect(failure(text((c) => (c.constants.heads = 7))).message).toMatch(/768 channels do not split into 7 heads/);
  });
  it('an attention unit in a catalogue without a context', () => {
    const e = failure(
      vae((c) => {
        c.stages[0].units.splice(14, 0, { name: 'mid.X', kind: 'attention', in: 'c3', out: 'c3' });
        c.stages[0].variants[0].units.splice(14, 0, 'mid.X');
      }),
    );
    expect(e.message).toMatch(/cross-attends to the context: set constants.contextLength and contextDim/);
  });
});

describe('a new VAE variant is data', () => {
  it('per-level widths and ResNets chosen per level resolve with exact counts', () => {
    const file = vae((c) => {
      const enc = c.stages[0];
      const units = enc.variants[0].units.filter((u: string) => u !== 'down1.R1' && u !== 'down3.R1');
      enc.variants.push({ name: 'mixed', units, widths: { c0: 96, c1: 192, c2: 384, c3: 384 } });
    });
    const r = loadCatalog(file).resolve(8, 1);
    const v = r.stages[0]!.variants.find((x) => x.name === 'mixed')!;
    expect(v.units.filter((u) => u.kind === 'resnet').map((u) => `${u.name}:${u.cin}->${u.out}`)).toEqual([
      'down0.R0:96->96',
      'down0.R1:96->96',
      'down1.R0:96->192',
      'down2.R0:192->384',
      'down2.R1:384->384',
      'down3.R0:384->384',
      'mid.R0:384->384',
      'mid.R1:384->384',
    ]);
    expect(v.params).toBe(v.units.reduce((a, u) => a + u.params, 0));
  });
});
