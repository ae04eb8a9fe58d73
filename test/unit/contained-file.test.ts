// The host side of the data-path rule on a real file system: symbolic links that stay inside the
// folder are followed, links that lead out are refused (in the file or in a folder on the way),
// hard links are read like any file, missing files and folders are told apart.
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { containedFile } from '../../src/contained-file.js';
import { InvalidFileError, UnsafePathError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'nsb-contained-'));
const bundle = join(dir, 'bundle');
const outside = join(dir, 'outside');
mkdirSync(join(bundle, 'weights'), { recursive: true });
mkdirSync(outside, { recursive: true });
writeFileSync(join(bundle, 'model.onnx'), 'model');
writeFileSync(join(bundle, 'weights', 'w.bin'), 'weights');
writeFileSync(join(outside, 'secret.bin'), 'secret');
symlinkSync('weights/w.bin', join(bundle, 'inside-link.bin'));
symlinkSync(join(outside, 'secret.bin'), join(bundle, 'weights', 'out-link.bin'));
symlinkSync('../outside', join(bundle, 'out-dir'));
symlinkSync('weights', join(bundle, 'in-dir'));
symlinkSync('..', join(bundle, 'up'));
linkSync(join(outside, 'secret.bin'), join(bundle, 'hard.bin'));

const source = {
  file: join(bundle, 'model.onnx'),
  field: "external data location of initializer 'w'",
  folder: `the model's folder ${bundle}`,
};

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('containedFile', () => {
  it('finds plain files and links that stay inside, keeping the path as the data wrote it', () => {
    const plain = { relative: 'weights/w.bin', path: join(bundle, 'weights/w.bin') };
    expect(containedFile(bundle, './weights/w.bin', source)).toEqual(plain);
    expect(containedFile(bundle, 'inside-link.bin', source)?.relative).toBe('inside-link.bin');
    expect(containedFile(bundle, 'in-dir/w.bin', source)?.relative).toBe('in-dir/w.bin');
  });

  it('reads a hard link to a file elsewhere: the same file under another name', () => {
    expect(containedFile(bundle, 'hard.bin', source)?.path).toBe(join(bundle, 'hard.bin'));
  });

  const leading = ['weights/out-link.bin', 'out-dir/secret.bin', 'up/outside/secret.bin'];
  it.each(leading)('refuses %s: a link leads out of the folder', (path) => {
    expect(() => containedFile(bundle, path, source)).toThrow(UnsafePathError);
    const why = new RegExp(`leads through a symbolic link to ${join(dir, 'outside')}`);
    expect(() => containedFile(bundle, path, source)).toThrow(why);
  });

  it('refuses a link to the folder itself or above it', () => {
    expect(() => containedFile(bundle, 'up', source)).toThrow(UnsafePathError);
  });

  it('refuses the text before touching the file system', () => {
    expect(() => containedFile(bundle, '../outside/secret.bin', source)).toThrow(/resolves outside the model's folder/);
    expect(() => containedFile(bundle, join(outside, 'secret.bin'), source)).toThrow(/is absolute/);
  });

  it('answers undefined for a missing file and refuses a folder', () => {
    expect(containedFile(bundle, 'weights/none.bin', source)).toBeUndefined();
    expect(() => containedFile(bundle, 'in-dir', source)).toThrow(InvalidFileError);
    expect(() => containedFile(bundle, 'in-dir', source)).toThrow(/in-dir is not a regular file/);
  });
});
