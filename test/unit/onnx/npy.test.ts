// The .npy reader on files NumPy wrote (test/fixtures/npy/README.md), and on the files the tests'
// writer makes, good and broken: each broken one is refused with a message saying what is wrong.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NpyError, parseNpy } from '../../../src/onnx/npy.js';
import { npyBytes, npyData } from '../../support/npy.js';

const fixture = (name: string) => new Uint8Array(readFileSync(join('test/fixtures/npy', name)));
const A = [0.5, -1.25, 3.0, 1e-3, 2.5, -7.75];

describe('parseNpy on NumPy files', () => {
  it('reads float32 in formats 1.0 and 2.0', () => {
    for (const name of ['f32-2x3.npy', 'f32-2x3-v2.npy']) {
      const a = parseNpy(fixture(name));
      expect(a.dtype).toBe('float32');
      expect(a.shape).toEqual([2, 3]);
      expect(Array.from(a.values)).toEqual(Array.from(Float32Array.from(A)));
    }
  });

  it('reads float16, widened to float32', () => {
    const a = parseNpy(fixture('f16-2x3.npy'));
    expect(a.dtype).toBe('float16');
    expect(a.shape).toEqual([2, 3]);
    // float16's nearest to 0.001 is 1049 * 2^-20.
    expect(Array.from(a.values)).toEqual([0.5, -1.25, 3.0, 1049 / 2 ** 20, 2.5, -7.75]);
  });

  it('reads a one-dimensional shape written as (77,)', () => {
    const a = parseNpy(fixture('f32-77.npy'));
    expect(a.shape).toEqual([77]);
    expect(a.values[76]).toBe(76 / 8);
  });

  const refused: [string, RegExp][] = [
    ['f32-2x3-v3.npy', /^\.npy format version 3\.0; readable are 1\.0 and 2\.0$/],
    ['f32-2x3-fortran.npy', /^fortran_order is True; the embedding must be in C order/],
    ['f32-2x3-big-endian.npy', /^dtype '>f4' \(big-endian\); the embedding must be little-endian float32/],
    ['f64-2x3.npy', /^dtype '<f8'; the embedding must be little-endian float32 '<f4' or float16 '<f2'$/],
  ];
  for (const [name, message] of refused) {
    it(`refuses ${name}`, () => {
      expect(() => parseNpy(fixture(name))).toThrow(NpyError);
      expect(() => parseNpy(fixture(name))).toThrow(message);
    });
  }
});

describe('parseNpy on written files', () => {
  it('reads what the tests write, in both versions and dtypes', () => {
    for (const version of [1, 2] as const) {
      for (const descr of ['<f4', '<f2']) {
        const a = parseNpy(npyBytes({ descr, shape: [1, 2, 3], values: A, version }));
        expect(a.shape).toEqual([1, 2, 3]);
        expect(a.values[5]).toBe(-7.75);
      }
    }
  });

  const broken: [string, Uint8Array, RegExp][] = [
    ['a PNG', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0, 0, 0]), /^not a NumPy \.npy file/],
    ['an empty file', new Uint8Array(0), /^not a NumPy \.npy file/],
    ['a header cut short', npyBytes({ shape: [2, 3], values: A }).subarray(0, 40), /^the \.npy header is cut short/],
    [
      'data cut short',
      npyBytes({ shape: [2, 3], data: npyData(A).subarray(0, 20) }),
      /^the data is cut short: 20 bytes after the header, \[2,3\] float32 is 24 bytes$/,
    ],
    [
      'data longer than the header says',
      npyBytes({ shape: [2, 2], values: A }),
      /^the data is longer than its header says: 24 bytes after the header, \[2,2\] float32 is 16 bytes$/,
    ],
    ['no dict', npyBytes({ shape: [1], header: "['descr', '<f4']" }), /^the \.npy header is not a dict/],
    [
      'an extra key',
      npyBytes({ shape: [1], header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': True}" }),
      /^the \.npy header has keys descr, fortran_order, shape, x; expected descr, fortran_order, shape$/,
    ],
    [
      'a missing key',
      npyBytes({ shape: [1], header: "{'descr': '<f4', 'shape': (1,)}" }),
      /^the \.npy header has keys descr, shape; expected/,
    ],
    [
      'an unreadable value',
      npyBytes({ shape: [1], header: "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}" }),
      /^cannot read the \.npy header at "'fortran_order': 0/,
    ],
    [
      'a structured dtype',
      npyBytes({ shape: [1], header: "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}" }),
      /^cannot read the \.npy header at "'descr': \[/,
    ],
    [
      'a shape that is not a tuple',
      npyBytes({ shape: [1], header: "{'descr': '<f4', 'fortran_order': False, 'shape': '1'}" }),
      /^the \.npy shape '1' is not a tuple$/,
    ],
  ];
  for (const [what, bytes, message] of broken) {
    it(`refuses ${what}`, () => {
      expect(() => parseNpy(bytes)).toThrow(NpyError);
      expect(() => parseNpy(bytes)).toThrow(message);
    });
  }
});
