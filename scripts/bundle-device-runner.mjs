#!/usr/bin/env node
// Builds the device runner as one file, dist/device-runner/ort-runner.js: the entry
// src/device-runner/ort-runner.ts with every module it imports (stats, simple-statistics, onnx/half,
// parsing/ort-profile-nodes) inlined, so the harness pushes one file to a device instead of a copy of
// src/stats. onnxruntime-node stays outside: the runner loads it from the folder --ort names. A
// package.json beside it says the file is ESM wherever the harness puts the two.
// tsc leaves src/device-runner out of dist (tsconfig.build.json); type checking still covers it.
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'device-runner');

rmSync(outDir, { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'src', 'device-runner', 'ort-runner.ts')],
  outfile: join(outDir, 'ort-runner.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  // The oldest Node the harness supports on a device (package.json engines).
  target: 'node20',
  external: ['onnxruntime-node'],
  logLevel: 'warning',
});
writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
