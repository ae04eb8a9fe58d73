#!/usr/bin/env node
// Builds the two device-side programs as one file each in dist/device-runner/: ort-runner.js (the
// block runner, src/device-runner/ort-runner.ts with stats, simple-statistics, onnx/half and
// parsing/ort-profile-nodes inlined) and pipeline-runner.js (the end-to-end pipeline runner with the
// pixel, blending and codec glue of src/pipeline and the optimized-graph cache inlined), so the harness
// pushes one file to a device instead of copies of src/stats and src/pipeline. onnxruntime-node and the
// image codecs stay outside: the runners load them from the folders their command lines name. A
// package.json beside them says the files are ESM wherever the harness puts them.
// tsc leaves src/device-runner out of dist (tsconfig.build.json); type checking still covers it.
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'device-runner');

rmSync(outDir, { recursive: true, force: true });
await build({
  entryPoints: ['ort-runner', 'pipeline-runner'].map((name) => ({
    in: join(root, 'src', 'device-runner', `${name}.ts`),
    out: name,
  })),
  outdir: outDir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  // The oldest Node the harness supports on a device (package.json engines).
  target: 'node20',
  external: ['onnxruntime-node'],
  logLevel: 'warning',
});
writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
