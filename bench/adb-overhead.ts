// What the adb transport costs, measured through Debian's adb server and a fake phone on this machine:
// push throughput for a 64 MiB file (first push, the cached re-push, and adbkit's bare sync push),
// and the per-exec overhead (median of 20 `true` runs, with and without the exit-code wrapper).
// Run: npx tsx bench/adb-overhead.ts
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdbTransport } from '../src/transports/adb/index.js';
import { shellRaw } from '../src/transports/adb/exec.js';
import { startAdbServer, withFakePhone } from '../test/support/adb-server.js';

const SIZE = 64 * 1024 * 1024;
const EXECS = 20;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const mbps = (bytes: number, ms: number) => (bytes / (1024 * 1024) / (ms / 1000)).toFixed(1);

const host = mkdtempSync(join(tmpdir(), 'nsb-adb-bench-'));
const server = await startAdbServer();
const phone = await withFakePhone(server);
try {
  const adb = await createAdbTransport(phone.transportSpec, { profile: 'bench' });
  const local = join(host, 'model.bin');
  writeFileSync(local, randomBytes(SIZE));
  const remote = join(phone.sandbox, 'data/local/tmp/nsb/model.bin');

  const first = await adb.push(local, remote);
  const cached = await adb.push(local, remote);
  const bareStart = performance.now();
  const transfer = await adb.client.getDevice(adb.serial).push(local, `${remote}.bare`);
  await new Promise<void>((resolve, reject) => {
    transfer.once('end', () => resolve());
    transfer.once('error', reject);
  });
  const bareMs = performance.now() - bareStart;

  const target = { client: adb.client.getDevice(adb.serial), device: 'bench', serial: adb.serial };
  await adb.exec(['true']);
  const wrapped: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < EXECS; i++) {
    let t = performance.now();
    const r = await adb.exec(['true']);
    wrapped.push(performance.now() - t);
    if (r.exitCode !== 0) throw new Error(`true exited ${r.exitCode}`);
    t = performance.now();
    await shellRaw(target, ['true'], 10_000);
    raw.push(performance.now() - t);
  }

  console.log(
    `push 64 MiB, first (sha256 probe + sync):  ${first.durationMs.toFixed(0)} ` +
      `ms  ${mbps(SIZE, first.durationMs)} MB/s`,
  );
  console.log(
    `push 64 MiB, unchanged (skipped):          ${cached.durationMs.toFixed(0)} ms  skipped=${cached.skipped}`,
  );
  console.log(`adbkit sync push alone:                    ${bareMs.toFixed(0)} ms  ${mbps(SIZE, bareMs)} MB/s`);
  console.log(
    `exec(['true']) median of ${EXECS}:               ${median(wrapped).toFixed(1)} ` +
      `ms (wrapper, exit code, stderr file)`,
  );
  console.log(`legacy shell:true median of ${EXECS}:            ${median(raw).toFixed(1)} ms (no wrapper)`);
} finally {
  await phone.close();
  await server.stop();
  rmSync(host, { recursive: true, force: true });
}
