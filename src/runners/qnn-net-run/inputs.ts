// Raw input files for qnn-net-run: float32, little-endian, one file per input tensor, values from a
// seeded generator so every run (and every phone) feeds the same data. Latency does not depend on the
// values for dense graphs; fixed data only keeps runs comparable. Cached on the host by shape and seed.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../atomic-write.js';
import { sha256Hex } from '../../hashing.js';
import { mulberry32 } from '../../stats/index.js';

export interface RawInput {
  name: string;
  /** Host file. */
  file: string;
  /** File name used on the device (index-based: tensor names may hold characters paths should not). */
  remoteName: string;
}

export function rawInputFiles(cacheDir: string, inputs: { name: string; shape: number[] }[], seed: number): RawInput[] {
  const key = sha256Hex(JSON.stringify({ inputs, seed, format: 'f32le' })).slice(0, 16);
  const dir = join(cacheDir, 'inputs', key);
  mkdirSync(dir, { recursive: true });
  return inputs.map((input, i) => {
    const file = join(dir, `${i}.raw`);
    if (!existsSync(file)) {
      const count = input.shape.reduce((a, b) => a * b, 1);
      const rng = mulberry32(seed * 1_000_003 + i);
      const data = new Float32Array(count);
      for (let k = 0; k < count; k++) data[k] = rng() * 2 - 1;
      writeFileAtomic(file, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    }
    return { name: input.name, file, remoteName: `${i}.raw` };
  });
}
