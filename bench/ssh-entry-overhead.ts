// What measuring over SSH costs per LUT entry, and what pushing the default block set costs, against
// a local OpenSSH sshd (the test bed of test/integration/apple-ssh-*.test.ts) and the ort-node runner.
//
//   1. Per-entry overhead: the same entries are measured on `local` and on this machine reached over
//      SSH. For every entry, overhead = hostMs (harness wall time for the entry) - sum of its samples
//      (the runner's own measured time), split into what the device spends outside the samples
//      (session load + warm-up) and the rest (commands over the connection, process start, push
//      checks, thermal reads).
//   2. Push: every model of the default block set (all stages and parts) pushed as the runner does
//      (one pushModel per entry), then again; the second time only the sha256 checks should cost.
//
//   npx tsx bench/ssh-entry-overhead.ts [--width 0.5] [--latent 16] [--stages E1,E2,conv_in,time_mlp,conv_out]
//       [--iterations 10] [--push-width 1] [--push-latent 16] [--no-push]
//
// Models come from the model store (NANOSD_BENCH_STORE or .cache/models; generated when missing).
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { runBlocks } from '../src/app/blocks.js';
import { planBlocks } from '../src/app/plan.js';
import { loadCatalog } from '../src/catalog/load.js';
import type { LutEntry } from '../src/lut/schema.js';
import { ModelStore } from '../src/onnx/store.js';
import { defaultCatalogFile, defaultStoreDir } from '../src/paths.js';
import { localOrtPath } from '../src/runners/ort-node.js';
import { pushFiles, pushModel, remoteModelDir, type PushStats } from '../src/runners/remote-files.js';
import type { RunnerContext } from '../src/runners/types.js';
import { createSshTransport } from '../src/transports/ssh/index.js';
import { startSshd } from '../test/support/sshd.js';
import { tempDir } from '../test/support/cli.js';

const { values } = parseArgs({
  options: {
    width: { type: 'string', default: '0.5' },
    latent: { type: 'string', default: '16' },
    stages: { type: 'string', default: 'E1,E2,conv_in,time_mlp,conv_out' },
    iterations: { type: 'string', default: '10' },
    'push-width': { type: 'string', default: '1' },
    'push-latent': { type: 'string', default: '16' },
    'no-push': { type: 'boolean', default: false },
  },
});

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;

interface Split {
  overhead: number;
  device: number;
  rest: number;
}

function split(e: LutEntry): Split {
  const sampled = e.samples.reduce((a, b) => a + b, 0);
  const load = ((e.extra?.['loadMs'] as number[] | undefined) ?? []).reduce((a, b) => a + b, 0);
  const warm = ((e.extra?.['firstWarmupMs'] as number[] | undefined) ?? []).reduce((a, b) => a + b, 0);
  const overhead = e.hostMs! - sampled;
  return { overhead, device: load + warm, rest: overhead - load - warm };
}

const sshd = await startSshd();
const dir = tempDir('nsb-ssh-overhead-');
try {
  const profiles = join(dir, 'profiles');
  mkdirSync(profiles);
  const ortNode = { name: 'ort-node', options: { node: process.execPath, ort: localOrtPath(), ep: 'cpu' } };
  writeFileSync(join(profiles, 'ssh-self.json'), JSON.stringify({ name: 'ssh-self', transport: sshd.transportSpec, workDir: join(dir, 'remote-work'), runner: ortNode }));
  const n = Number(values.iterations);
  // One warm-up, so the first warm-up time recorded in the LUT is all of it; a fixed sample count.
  const settings = { warmup: 1, minSamples: n, maxSamples: n, targetRme: 0, maxTimeMs: Number.MAX_SAFE_INTEGER, rounds: 1, maxRounds: 1 };
  const common = { profileDirs: [profiles], latent: Number(values.latent), width: Number(values.width), select: values.stages.split(','), settings };

  console.log(`per-entry overhead: ort-node, width ${values.width}, latent ${values.latent}, stages ${values.stages}, ${n} samples + 1 warm-up per entry`);
  const results: Record<string, Split[]> = {};
  for (const device of ['local', 'ssh-self']) {
    const sessions = (sshd.log().match(/Starting session: command/g) ?? []).length;
    const t0 = performance.now();
    const [r] = await runBlocks({ ...common, devices: [device], out: join(dir, `${device}.lut.json`) });
    const wall = performance.now() - t0;
    const entries = r!.lut.entries.filter((e) => e.state === 'ok');
    results[device] = entries.map(split);
    const s = results[device]!;
    const commands = (sshd.log().match(/Starting session: command/g) ?? []).length - sessions;
    console.log(`  ${device.padEnd(8)} ${entries.length} entries in ${(wall / 1000).toFixed(1)} s`);
    console.log(`    hostMs - samples:         ${fmt(s.map((x) => x.overhead))}`);
    console.log(`      load + warm-up:         ${fmt(s.map((x) => x.device))}`);
    console.log(`      the rest:               ${fmt(s.map((x) => x.rest))}`);
    if (device !== 'local') console.log(`    remote commands: ${commands} for the run (${(commands / entries.length).toFixed(1)} per entry, setup included)`);
  }
  const extra = median(results['ssh-self']!.map((x) => x.rest)) - median(results['local']!.map((x) => x.rest));
  console.log(`  SSH adds about ${extra.toFixed(0)} ms per entry over local (medians of "the rest")`);

  if (!values['no-push']) {
    const catalog = loadCatalog(defaultCatalogFile());
    const store = new ModelStore(defaultStoreDir());
    const t0 = performance.now();
    const plan = await planBlocks({ catalog, latent: Number(values['push-latent']), width: Number(values['push-width']), precision: 'fp32', seed: 1, select: [], store });
    const transport = await createSshTransport(sshd.transportSpec, { profile: 'ssh-self' });
    const ctx: RunnerContext = { transport, profile: { name: 'ssh-self' } as RunnerContext['profile'], workDir: join(dir, 'push-work'), hostDir: join(dir, 'host'), log: () => {} };
    // Every distinct file once, with where pushModel puts it.
    const files = new Map<string, { size: number; remote: string }>();
    for (const e of plan.entries) {
      for (const f of e.model.files) files.set(join(e.model.root, f), { size: statSync(join(e.model.root, f)).size, remote: posix.join(remoteModelDir(ctx, e.model), f) });
    }
    const total = [...files.values()].reduce((a, b) => a + b.size, 0);
    console.log(`\npush: default block set at width ${values['push-width']}, latent ${values['push-latent']}: ${plan.entries.length} models, ${files.size} files, ${mib(total)} (store ready in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

    for (const pass of ['first push', 'second push']) {
      const stats: PushStats = { files: 0, skipped: 0, bytes: 0, ms: 0 };
      const channels = transport.stats().channels;
      const t = performance.now();
      for (const e of plan.entries) await pushModel(ctx, e.model, stats);
      const ms = performance.now() - t;
      console.log(
        `  ${pass.padEnd(12)} ${(ms / 1000).toFixed(1)} s: ${stats.files - stats.skipped} copied, ${stats.skipped} skipped (sha256 equal), ${transport.stats().channels - channels} remote commands` +
          (pass === 'first push' ? `, ${(total / 1048576 / (ms / 1000)).toFixed(0)} MiB/s` : ''),
      );
    }
    // Shared weight files are checked again for every graph that uses them; checked once each, in one
    // batch, the same files cost this much:
    const channels = transport.stats().channels;
    const t2 = performance.now();
    const unique = [...files].map(([local, f]) => ({ local, remote: f.remote }));
    const once = await pushFiles(ctx, unique);
    console.log(`  each file checked once, one batch: ${((performance.now() - t2) / 1000).toFixed(1)} s: ${once.filter((r) => r.skipped).length} of ${unique.length} skipped, ${transport.stats().channels - channels} remote command(s)`);
    // A new run also hashes the local files once (the transport remembers digests within a process).
    const t1 = performance.now();
    for (const file of files.keys()) {
      const hash = createHash('sha256');
      await new Promise<void>((resolve, reject) => createReadStream(file).on('data', (c) => hash.update(c)).on('end', resolve).on('error', reject));
    }
    console.log(`  local sha256 of all files (once per process): ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    await transport.close();
  }
} finally {
  await sshd.stop();
  rmSync(dir, { recursive: true, force: true });
}
