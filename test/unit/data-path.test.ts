// The data-path rule on text alone: what stays inside its folder, what is refused and how the refusal
// reads (file, field, the path with control characters escaped, why).
import { describe, expect, it } from 'vitest';
import { containedDataPath, dataPathProblem, isInsideFolder, joinDataPath, shown } from '../../src/data-path.js';
import { ExitCode, UnsafePathError } from '../../src/errors.js';

const folder = "the manifest's folder /m";
const source = { file: '/m/manifest.json', field: 'models[3].file', folder };

describe('dataPathProblem', () => {
  it.each([
    ['model.onnx', 'model.onnx'],
    ['weights/a.bin', 'weights/a.bin'],
    ['./weights/./a.bin', 'weights/a.bin'],
    ['weights/../a.bin', 'a.bin'],
    ['a//b.bin', 'a/b.bin'],
    ['..a.onnx', '..a.onnx'],
    ['a..', 'a..'],
    ['dir/..hidden/x.bin', 'dir/..hidden/x.bin'],
    ['名前 with spaces.onnx', '名前 with spaces.onnx'],
  ])('accepts %j as %j', (path, normal) => {
    expect(dataPathProblem(path, folder)).toBeUndefined();
    expect(containedDataPath(path, source)).toBe(normal);
  });

  it.each([
    ['', 'is empty'],
    ['..', `resolves outside ${folder}`],
    ['../x.onnx', `resolves outside ${folder}`],
    ['../../../../etc/passwd', `resolves outside ${folder}`],
    ['a/../../x.onnx', `resolves outside ${folder}`],
    ['a/b/../../../x', `resolves outside ${folder}`],
    ['/etc/passwd', `is absolute; it must be relative to ${folder}`],
    ['//server/share/x', `is absolute; it must be relative to ${folder}`],
    ['C:/Windows/x.dll', `is absolute; it must be relative to ${folder}`],
    ['c:x', `is absolute; it must be relative to ${folder}`],
    ['..\\..\\x.onnx', 'contains a backslash (write paths with forward slashes)'],
    ['weights\\a.bin', 'contains a backslash (write paths with forward slashes)'],
    ['a\0.onnx', 'contains a control character'],
    ['a\n.onnx', 'contains a control character'],
    ['a\x1b[2J.onnx', 'contains a control character'],
    ['a\x7f.onnx', 'contains a control character'],
    ['.', 'names a folder, not a file'],
    ['./', 'names a folder, not a file'],
    ['a/..', 'names a folder, not a file'],
    ['weights/', 'names a folder, not a file'],
  ])('refuses %j: %s', (path, problem) => {
    expect(dataPathProblem(path, folder)).toBe(problem);
  });
});

describe('containedDataPath', () => {
  it('refuses with exit 4, naming the file, the field and the path', () => {
    const error = (() => {
      try {
        containedDataPath('../../../../etc/passwd', source);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UnsafePathError);
    expect((error as UnsafePathError).exitCode).toBe(ExitCode.invalidFile);
    expect((error as UnsafePathError).message).toBe(
      `/m/manifest.json: models[3].file: path '../../../../etc/passwd' resolves outside ${folder}; refused`,
    );
  });

  it('prints control characters escaped, so a name cannot clear the screen or forge a line', () => {
    const hostile = 'x\x1b[2J\nbench: ok';
    const escaped = String.raw`path 'x\u001b[2J\nbench: ok' contains a control character`;
    expect(() => containedDataPath(hostile, source)).toThrow(escaped);
  });
});

describe('joinDataPath', () => {
  it('joins a checked path to a root, POSIX style', () => {
    const dir = '/data/local/tmp/nsb/models/b';
    expect(joinDataPath(dir, './weights/../w.bin', source)).toBe(`${dir}/w.bin`);
    expect(() => joinDataPath(dir, '../../../victim.txt', source)).toThrow(UnsafePathError);
  });
});

describe('isInsideFolder', () => {
  it.each([
    ['/w', '/w', true],
    ['/w', '/w/models/a.onnx', true],
    ['/w/', '/w/models/', true],
    ['/w', '/w/models/../x', true],
    ['/w', '/w/../victim.txt', false],
    ['/w', '/wx/a', false],
    ['/w', '/', false],
    ['/w', 'w/a', false],
    ['nsb', 'nsb/models/a', true],
    ['nsb', 'nsb/../x', false],
    ['nsb', '/nsb/a', false],
    ['/w', '/w/a\0b', false],
  ])('%j holds %j: %s', (root, path, inside) => {
    expect(isInsideFolder(root, path)).toBe(inside);
  });
});

describe('shown', () => {
  it('leaves ordinary paths alone and escapes control characters', () => {
    expect(shown("odd 'name' $(x).onnx")).toBe("odd 'name' $(x).onnx");
    expect(shown('a\tb')).toBe(String.raw`a\tb`);
  });
});
