// NumPy's .npy format, the part a prompt embedding needs: format version 1.0 or 2.0, a little-endian
// float32 or float16 array in C order. The header is a Python dict literal ({'descr': '<f4',
// 'fortran_order': False, 'shape': (1, 77, 768), }) read here by a small parser rather than
// evaluated. Pure and dependency-free: the host checks a pipeline's embedding with it and the pipeline
// runner on the device reads the same file with it.
import { fromHalf } from './half.js';

/** A file that is not the .npy this harness reads; `message` says why, the caller names the file. */
export class NpyError extends Error {}

export type NpyDtype = 'float32' | 'float16';

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** The values in C order, float16 ones widened. */
  values: Float32Array;
}

const MAGIC = [0x93, ...new TextEncoder().encode('NUMPY')];
const DTYPES: Record<string, { dtype: NpyDtype; size: number }> = {
  '<f4': { dtype: 'float32', size: 4 },
  '<f2': { dtype: 'float16', size: 2 },
};

interface Header {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/** The header's start, length and text, after the magic string and the version bytes. */
function headerText(bytes: Uint8Array): { text: string; dataStart: number } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyError('not a NumPy .npy file (no \\x93NUMPY magic string at its start)');
  }
  const [major, minor] = [bytes[6]!, bytes[7]!];
  if ((major !== 1 && major !== 2) || minor !== 0) {
    throw new NpyError(`.npy format version ${major}.${minor}; readable are 1.0 and 2.0`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  const start = 8 + lengthBytes;
  if (bytes.length < start) throw new NpyError('the .npy header is cut short');
  const length = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (bytes.length < start + length) throw new NpyError(`the .npy header is cut short (${length} bytes declared)`);
  const text = new TextDecoder('latin1').decode(bytes.subarray(start, start + length));
  return { text, dataStart: start + length };
}

/** The dict literal's three keys; anything else in it is refused, as NumPy itself writes exactly these. */
function parseHeader(text: string): Header {
  const body = /^\s*\{(.*)\}\s*$/s.exec(text)?.[1];
  if (body === undefined) throw new NpyError(`the .npy header is not a dict: ${JSON.stringify(text.trim())}`);
  const entry = /\s*(['"])(\w+)\1\s*:\s*('[^']*'|"[^"]*"|True|False|\([\d\s,]*\))\s*(,|$)/y;
  const fields = new Map<string, string>();
  let at = 0;
  while (body.slice(at).trim() !== '') {
    entry.lastIndex = at;
    const m = entry.exec(body);
    if (!m) throw new NpyError(`cannot read the .npy header at ${JSON.stringify(body.slice(at).trim())}`);
    fields.set(m[2]!, m[3]!);
    at = entry.lastIndex;
  }
  const keys = [...fields.keys()].sort().join(', ');
  if (keys !== 'descr, fortran_order, shape') {
    throw new NpyError(`the .npy header has keys ${keys || 'none'}; expected descr, fortran_order, shape`);
  }
  const shapeText = fields.get('shape')!;
  if (!shapeText.startsWith('(')) throw new NpyError(`the .npy shape ${shapeText} is not a tuple`);
  const shape = shapeText
    .slice(1, -1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d))) {
    throw new NpyError(`the .npy shape ${shapeText} is not whole numbers`);
  }
  const descr = fields.get('descr')!;
  if (!descr.startsWith("'") && !descr.startsWith('"')) throw new NpyError(`the .npy descr ${descr} is not a string`);
  const order = fields.get('fortran_order')!;
  if (order !== 'True' && order !== 'False') throw new NpyError(`the .npy fortran_order ${order} is not a boolean`);
  return { descr: descr.slice(1, -1), fortranOrder: order === 'True', shape };
}

/** Parses a whole .npy file; throws NpyError saying what does not fit. */
export function parseNpy(bytes: Uint8Array): NpyArray {
  const { text, dataStart } = headerText(bytes);
  const h = parseHeader(text);
  const type = DTYPES[h.descr];
  if (!type) {
    const big = h.descr.startsWith('>') ? ' (big-endian)' : '';
    throw new NpyError(`dtype '${h.descr}'${big}; the embedding must be little-endian float32 '<f4' or float16 '<f2'`);
  }
  if (h.fortranOrder) {
    throw new NpyError('fortran_order is True; the embedding must be in C order (save np.ascontiguousarray(x))');
  }
  const count = h.shape.reduce((a, b) => a * b, 1);
  const want = count * type.size;
  const have = bytes.length - dataStart;
  if (have !== want) {
    const what = have < want ? 'cut short' : 'longer than its header says';
    const shape = `[${h.shape.join(',')}] ${type.dtype}`;
    throw new NpyError(`the data is ${what}: ${have} bytes after the header, ${shape} is ${want} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart, want);
  const values = new Float32Array(count);
  if (type.dtype === 'float32') for (let i = 0; i < count; i++) values[i] = view.getFloat32(i * 4, true);
  else for (let i = 0; i < count; i++) values[i] = fromHalf(view.getUint16(i * 2, true));
  return { dtype: type.dtype, shape: h.shape, values };
}
