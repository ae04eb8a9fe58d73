// What measuring through adb costs, on a fake phone attached to Debian's adb server on this machine:
//   1. push speed for the models of a `bench blocks` run (every stage variant and part at one width
//      and latent): the first push, and the second one (same files: the sha256 probe only);
//   2. the per-entry overhead of `bench blocks` (the real command, as a child process): the host time
//      the harness spent on an entry minus the time the runner itself measured (LUT hostMs minus the
//      sum of the entry's samples), for the ort-node device runner and for the ort-perf-test stand-in
//      (which takes as long as the output it replays says).
// Run: npm run build && npx tsx bench/android-overhead.ts [--width 0.25] [--latent 16]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { planBlocks } from '../src/app/plan.js';
import { loadCatalog } from '../src/catalog/load.js';
import type { DeviceProfile } from '../src/devices/schema.js';
import type { Lut } from '../src/lut/schema.js';
import { ModelStore } from '../src/onnx/store.js';
import { defaultCatalogFile } from '../src/paths.js';
import { localOrtPath } from '../src/runners/ort-node/runner.js';
import { pushModel } from '../src/runners/remote-files.js';
import type { RunnerContext } from '../src/runners/types.js';
import type { Transport } from '../src/transports/types.js';
import { createAdbTransport } from '../src/transports/adb/index.js';
import { startAdbServer, withFakePhone } from '../test/support/adb-server.js';
import { bench } from '../test/support/cli.js';
import { makePerfTestRuntime, setControl, writeProfile } from '../test/integration/android-stand-ins.js';

const { values } = parseArgs({
  options: { width: { type: 'string', default: '0.25' }, latent: { type: 'string', default: '16' } },
});
const width = Number(values.width);
const latent = Number(values.latent);

const mib = (bytes: number) => bytes / (1024 * 1024);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

const host = mkdtempSync(join(tmpdir(), 'nsb-android-overhead-'));
const server = await startAdbServer();
const phone = await withFakePhone(server, { model: 'Overhead Phone' });
try {
  // 1. Push speed.
  const store = new ModelStore(join(host, 'store'));
  const catalog = loadCatalog(defaultCatalogFile());
  const plan = await planBlocks({ catalog, latent, width, precision: 'fp32', seed: 1, select: [], store });
  const adb = await createAdbTransport(phone.transportSpec, { profile: 'overhead' });
  // Every push of the run is recorded: sent or skipped (the device already held the same sha256).
  const pushes: { bytes: number; ms: number; skipped: boolean }[] = [];
  // A new wrapper per push round is a new run: files verified earlier in a run are not probed again
  // (remote-files.ts), so the second round measures what the next `bench blocks` pays, the probes.
  const runContext = (): RunnerContext => {
    const transport: Transport = Object.assign(Object.create(adb) as Transport, {
      push: async (local: string, remote: string, options?: { signal?: AbortSignal }) => {
        const r = await adb.push(local, remote, options);
        pushes.push({ bytes: r.bytes, ms: r.durationMs, skipped: r.skipped });
        return r;
      },
    });
    return {
      transport,
      profile: { name: 'overhead', file: 'overhead.json' } as DeviceProfile,
      workDir: join(phone.sandbox, 'data/local/tmp/push'),
      hostDir: join(host, 'raw'),
      log: () => {},
    };
  };
  const pushAll = async () => {
    const ctx = runContext();
    pushes.length = 0;
    const started = performance.now();
    for (const e of plan.entries) await pushModel(ctx, e.model);
    const sent = pushes.filter((p) => !p.skipped);
    const skipped = pushes.filter((p) => p.skipped);
    return {
      wall: performance.now() - started,
      sent: { files: sent.length, bytes: sum(sent.map((p) => p.bytes)), ms: sum(sent.map((p) => p.ms)) },
      skipped: { files: skipped.length, bytes: sum(skipped.map((p) => p.bytes)), ms: sum(skipped.map((p) => p.ms)) },
    };
  };
  const first = await pushAll();
  const second = await pushAll();

  // 2. Per-entry overhead of bench blocks.
  const profiles = join(host, 'profiles');
  const workDir = join(phone.sandbox, 'data/local/tmp/nanosd-bench');
  writeProfile(profiles, {
    name: 'node',
    transport: phone.transportSpec,
    workDir,
    runner: { name: 'ort-node', options: { ort: localOrtPath() } },
  });
  writeProfile(profiles, {
    name: 'perftest',
    transport: phone.transportSpec,
    workDir,
    runner: { name: 'ort-perf-test', options: { runtimeDir: makePerfTestRuntime(join(host, 'runtime')), ep: 'cpu' } },
  });
  setControl(phone.sandbox, { realTime: true });
  // What the runner itself spends beyond its samples: ort-node really loads the model and warms up;
  // the perf_test stand-in sleeps for the first inference it replays (its session time is not spent).
  const overhead = async (device: string, countLoad: boolean) => {
    const lutFile = join(host, `${device}.lut.json`);
    const args = [
      'blocks',
      '--device',
      device,
      '--profiles',
      profiles,
      '--width',
      '0.125',
      '--latent',
      '8',
      '--stages',
      'E1,E2,D1',
      '--iterations',
      '10',
      '--rounds',
      '1',
      '--warmup',
      '1',
      '--out',
      lutFile,
    ];
    const r = await bench(args, { NANOSD_BENCH_STORE: join(host, 'store') });
    if (r.code !== 0) throw new Error(`bench blocks --device ${device} exited ${r.code}: ${r.stderr}`);
    const lut = JSON.parse(readFileSync(lutFile, 'utf8')) as Lut;
    const rows = lut.entries.map((e) => {
      const warm = ((e.extra?.['firstWarmupMs'] as number[] | undefined) ?? []).reduce((a, b) => a + b, 0);
      const load = ((e.extra?.['loadMs'] as number[] | undefined) ?? []).reduce((a, b) => a + b, 0);
      return { host: e.hostMs ?? 0, measured: sum(e.samples), warm, load };
    });
    return {
      entries: rows.length,
      host: median(rows.map((r) => r.host)),
      measured: median(rows.map((r) => r.measured)),
      overhead: median(rows.map((r) => r.host - r.measured)),
      beyondRunner: median(rows.map((r) => r.host - r.measured - r.warm - (countLoad ? r.load : 0))),
    };
  };
  const node = await overhead('node', true);
  const perf = await overhead('perftest', false);

  const fmt = (n: number) => n.toFixed(1).padStart(8);
  const rate = (bytes: number, ms: number) => `${(mib(bytes) / (ms / 1000)).toFixed(1)} MiB/s`;
  console.log(
    `models of bench blocks --width ${width} --latent ${latent}: ${plan.entries.length} ` +
      `entries, ${first.sent.files + first.skipped.files} pushes`,
  );
  console.log(
    `first push:  ${first.sent.files} files sent, ${mib(first.sent.bytes).toFixed(1)} MiB ` +
      `in ${fmt(first.sent.ms)} ms = ${rate(first.sent.bytes, first.sent.ms)} (sha256 probe + sync);`,
  );
  console.log(
    `             ${first.skipped.files} shared weight files already ` +
      `there (${fmt(first.skipped.ms)} ms); whole step ${fmt(first.wall)} ms`,
  );
  console.log(
    `second push: all ${second.skipped.files} skipped by sha256 in ${fmt(second.wall)} ` +
      `ms (${(second.wall / second.skipped.files).toFixed(1)} ms per file; the phone ` +
      `hashes ${mib(second.skipped.bytes).toFixed(1)} MiB = ${rate(second.skipped.bytes, second.wall)})`,
  );
  console.log('');
  console.log('per entry (median over E1, E2, D1 at width 0.125, latent 8; 10 samples, 1 warm-up)');
  console.log("runner            host ms  measured ms  overhead ms  overhead beyond the runner's warm-up and load, ms");
  for (const [name, o] of [
    ['ort-node', node],
    ['ort-perf-test', perf],
  ] as const) {
    console.log(
      `${name.padEnd(14)} ${fmt(o.host)}     ${fmt(o.measured)}     ${fmt(o.overhead)}     ${fmt(o.beyondRunner)}`,
    );
  }
} finally {
  await phone.close();
  await server.stop();
  rmSync(host, { recursive: true, force: true });
}
