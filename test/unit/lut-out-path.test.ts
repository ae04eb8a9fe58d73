// `out` of a measuring use case follows the rule of the command line's --out: with one device it is
// the LUT file (a name ending in .json), a folder only where several devices each write one.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lutPath, runBlocks } from '../../src/app/blocks.js';
import type { DeviceProfile } from '../../src/devices/schema.js';
import { UsageError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'nsb-lut-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const profile = { name: 'pixel' } as DeviceProfile;
const path = (out: string | undefined, devices: number) => lutPath(out, devices, profile, 'ort-node', 16, 1, 'fp32');

describe('lutPath', () => {
  it('with one device is the file given, with several the default name inside the folder given', () => {
    expect(path(join(dir, 'a.lut.json'), 1)).toBe(resolve(dir, 'a.lut.json'));
    expect(path(join(dir, 'luts'), 2)).toBe(resolve(dir, 'luts', 'pixel-ort-node-l16-w1-fp32.lut.json'));
    expect(path(undefined, 1)).toMatch(/reports\/pixel-ort-node-l16-w1-fp32\.lut\.json$/);
  });

  it('refuses a folder with one device, named or existing, with one line saying what to give', () => {
    const named = join(dir, 'reports-x');
    expect(() => path(named, 1)).toThrow(UsageError);
    expect(() => path(named, 1)).toThrow(
      `out ${named}: with one device out is the LUT file; give a name ending in .json`,
    );
    expect(() => path(`${named}/`, 1)).toThrow(UsageError);
    const folder = join(dir, 'looks-like.json');
    mkdirSync(folder);
    expect(() => path(folder, 1)).toThrow(`out ${folder}: with one device out is the LUT file`);
  });

  it('runBlocks refuses it before any model is generated or device touched', async () => {
    const store = join(dir, 'store');
    await expect(runBlocks({ devices: ['local'], out: join(dir, 'x'), storeDir: store })).rejects.toThrow(
      /^out .*x: with one device out is the LUT file; give a name ending in \.json$/,
    );
    await expect(runBlocks({ devices: ['local'], out: join(dir, 'x'), storeDir: store })).rejects.toMatchObject({
      hint: 'a folder is for several devices',
    });
    expect(existsSync(store)).toBe(false);
  });
});
