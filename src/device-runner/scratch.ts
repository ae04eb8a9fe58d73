// Scratch folders (onnxruntime's profile of the warm-up) live under the runner's own folder in the
// device's work folder, never in the device's /tmp: `bench devices --clean` removes that folder, so
// even a runner killed with SIGKILL leaves nothing outside it. Every other way this process ends (a
// model that fails to load, an error, SIGTERM or SIGINT from the harness) removes them at once.
// The runner is one bundled file at <work>/runner/device-runner/ort-runner.js, so this module's URL
// is that file's and the scratch root is <work>/runner/scratch.
import { mkdirSync, mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const scratchRoot = join(dirname(fileURLToPath(import.meta.url)), '..', 'scratch');
const scratch = new Set<string>();

function removeScratch(): void {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  scratch.clear();
  try {
    rmdirSync(scratchRoot);
  } catch {
    // Another runner's folder is still in it, or it is already gone.
  }
}

/** Removes the scratch folders however the process ends, short of SIGKILL. */
export function removeScratchOnExit(): void {
  process.on('exit', removeScratch);
  for (const [signal, number] of [
    ['SIGINT', 2],
    ['SIGTERM', 15],
    ['SIGHUP', 1],
  ] as const) {
    process.on(signal, () => {
      removeScratch();
      process.exit(128 + number);
    });
  }
}

export function scratchDir(prefix: string): string {
  mkdirSync(scratchRoot, { recursive: true });
  const dir = mkdtempSync(join(scratchRoot, prefix));
  scratch.add(dir);
  return dir;
}

/** Removes one scratch folder now (the process goes on). */
export function removeScratchDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  scratch.delete(dir);
}
