// The one sha256 service: digests of data and files, and a file's digest remembered only while the
// file is the same (same inode, size and times, to the nanosecond), never after a same-size rewrite
// whose modification time was set back, or a file renamed over it.
import { mkdtempSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256File, sha256FileSync, sha256Hex } from '../../src/hashing.js';

const dir = mkdtempSync(join(tmpdir(), 'nsb-hashing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// FIPS 180-2 test vector.
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('sha256Hex', () => {
  it('is sha256 of the parts as one stream', () => {
    expect(sha256Hex('abc')).toBe(ABC);
    expect(sha256Hex('a', new Uint8Array([0x62]), 'c')).toBe(ABC);
  });
});

describe('sha256File', () => {
  it('reads the file, in chunks for the synchronous form too', async () => {
    const file = join(dir, 'abc.bin');
    writeFileSync(file, 'abc');
    expect(await sha256File(file)).toBe(ABC);
    const big = join(dir, 'big.bin');
    const bytes = Buffer.alloc((1 << 20) * 2 + 17, 7);
    writeFileSync(big, bytes);
    expect(sha256FileSync(big)).toBe(sha256Hex(bytes));
    expect(await sha256File(big)).toBe(sha256Hex(bytes));
  });

  it('does not trust size and modification time: a same-size rewrite dated back is read again', async () => {
    const file = join(dir, 'model.onnx');
    const stamp = new Date('2026-01-01T00:00:00Z');
    writeFileSync(file, 'first version');
    utimesSync(file, stamp, stamp);
    expect(await sha256File(file)).toBe(sha256Hex('first version'));
    writeFileSync(file, 'other version');
    utimesSync(file, stamp, stamp);
    expect(statSync(file).mtimeMs).toBe(stamp.getTime());
    expect(await sha256File(file)).toBe(sha256Hex('other version'));
    expect(sha256FileSync(file)).toBe(sha256Hex('other version'));
  });

  it('notices a file renamed over the one it remembers', async () => {
    const file = join(dir, 'lib.so');
    writeFileSync(file, 'one');
    expect(sha256FileSync(file)).toBe(sha256Hex('one'));
    const next = join(dir, 'lib.so.new');
    writeFileSync(next, 'two');
    renameSync(next, file);
    expect(await sha256File(file)).toBe(sha256Hex('two'));
    expect(readFileSync(file, 'utf8')).toBe('two');
  });

  it('fails as the file system does for a missing file', async () => {
    await expect(sha256File(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => sha256FileSync(join(dir, 'missing'))).toThrow(/ENOENT/);
  });
});
