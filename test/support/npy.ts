// .npy files written as NumPy's np.save writes them (magic, version, little-endian header length, a
// dict literal padded with spaces to a multiple of 64 bytes and ended by a newline, then the data), with
// every part settable so tests can also write the files a reader must refuse.
import { toHalf } from '../../src/onnx/half.js';

export interface NpyParts {
  descr?: string;
  fortranOrder?: boolean;
  shape: number[];
  /** The data bytes; default: `values` encoded as `descr` says (float32 or float16). */
  data?: Uint8Array;
  values?: ArrayLike<number>;
  version?: 1 | 2 | 3;
  /** Replaces the whole header text (before padding). */
  header?: string;
}

/** The data bytes of `values` as little-endian float32 ('<f4') or float16 ('<f2'). */
export function npyData(values: ArrayLike<number>, descr = '<f4'): Uint8Array {
  const half = descr === '<f2';
  const out = new Uint8Array(values.length * (half ? 2 : 4));
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    if (half) view.setUint16(i * 2, toHalf(values[i]!), true);
    else view.setFloat32(i * 4, values[i]!, true);
  }
  return out;
}

export function npyBytes(p: NpyParts): Uint8Array {
  const descr = p.descr ?? '<f4';
  const tuple = p.shape.length === 1 ? `(${p.shape[0]},)` : `(${p.shape.join(', ')})`;
  const order = p.fortranOrder ? 'True' : 'False';
  let header = p.header ?? `{'descr': '${descr}', 'fortran_order': ${order}, 'shape': ${tuple}, }`;
  const version = p.version ?? 1;
  const prefix = version === 1 ? 10 : 12;
  header += ' '.repeat(63 - ((prefix + header.length) % 64)) + '\n';
  const data = p.data ?? npyData(p.values ?? new Float32Array(p.shape.reduce((a, b) => a * b, 1)), descr);
  const out = new Uint8Array(prefix + header.length + data.length);
  const view = new DataView(out.buffer);
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), version, 0]);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(data, prefix + header.length);
  return out;
}
