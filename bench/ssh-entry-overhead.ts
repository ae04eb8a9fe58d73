// What measuring over SSH costs per LUT entry, and what pushing the default block set costs, against
// a local OpenSSH sshd (the test bed of test/integration/apple-ssh-*.test.ts) and the ort-node runner.
//
//   1. Per-entry overhead: the same entries are measured on `local` and on this machine reached over
//      SSH. For every entry, overhead = hostMs (harness wall time for the entry) - sum of its samples
//      (the runner's own measured time), split into what the device spends outside the samples
//      (session load + warm-up) and the rest (commands over the connection, process start, push
//      checks, thermal reads).
//   2. Push: every model of the default block set (all stages and parts) pushed as the runner does
//      (one pushModel per entry); again in the same run (verified files are remembered per
//      connection); and as the next run would, over a new connection, where only the sha256 checks
//      on the device should cost (plus the local hashing a new process does once, timed apart).
//
//   npx tsx bench/ssh-entry-overhead.ts [--width 0.5] [--latent 16] [--stages E1,E2,conv_in,time_mlp,conv_out]
//       [--iterations 10] [--push-width 1] [--push-latent 16] [--no-push]
//
// Models come from the model store (NANOSD_BENCH_STORE or .cache/models; generated when missing).
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { runBlocks } from '../src/app/blocks.js';
import { planBlocks } from '../src/app/plan.js';
import { loadCatalog } from '../src/catalog/load.js';
import type { LutEntry } from '../src/lut/schema.js';
import { ModelStore } from '../src/onnx/store.js';
import { defaultCatalogFile, defaultStoreDir } from '../src/paths.js';
import { localOrtPath } from '../src/runners/ort-node/runner.js';
import { pushModel, type PushStats } from '../src/runners/remote-files.js';
import type { RunnerContext } from '../src/runners/types.js';
import { createSshTransport, type SshTransport } from '../src/transports/ssh/index.js';
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
const fmt = (xs: number[]) =>
  `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
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
  writeFileSync(
    join(profiles, 'ssh-self.json'),
    JSON.stringify({
      name: 'ssh-self',
      transport: sshd.transportSpec,
      workDir: join(dir, 'remote-work'),
      runner: ortNode,
    }),
  );
  const n = Number(values.iterations);
  // One warm-up, so the first warm-up time recorded in the LUT is all of it; a fixed sample count.
  const settings = {
    warmup: 1,
    minSamples: n,
    maxSamples: n,
    targetRme: 0,
    maxTimeMs: Number.MAX_SAFE_INTEGER,
    rounds: 1,
    maxRounds: 1,
  };
  const common = {
    profileDirs: [profiles],
    latent: Number(values.latent),
    width: Number(values.width),
    select: values.stages.split(','),
    settings,
  };

  console.log(
    `per-entry overhead: ort-node, width ${values.width}, latent ${values.latent}, ` +
      `stages ${values.stages}, ${n} samples + 1 warm-up per entry`,
  );
  const results: Record<string, Split[]> = {};
  for (const device of ['local', 'ssh-self']) {
    // Session channels sshd started: one long-lived shell per concurrent command, plus kills.
    const sessions = (sshd.log().match(/Starting session: command/g) ?? []).length;
    const t0 = performance.now();
    const [r] = await runBlocks({ ...common, devices: [device], out: join(dir, `${device}.lut.json`) });
    const wall = performance.now() - t0;
    const entries = r!.lut.entries.filter((e) => e.state === 'ok');
    results[device] = entries.map(split);
    const s = results[device]!;
    const opened = (sshd.log().match(/Starting session: command/g) ?? []).length - sessions;
    console.log(`  ${device.padEnd(8)} ${entries.length} entries in ${(wall / 1000).toFixed(1)} s`);
    console.log(`    hostMs - samples:         ${fmt(s.map((x) => x.overhead))}`);
    console.log(`      load + warm-up:         ${fmt(s.map((x) => x.device))}`);
    console.log(`      the rest:               ${fmt(s.map((x) => x.rest))}`);
    if (device !== 'local') {
      console.log(`    SSH sessions started: ${opened} for the run (a login shell each; commands run in them)`);
    }
  }
  const extra = median(results['ssh-self']!.map((x) => x.rest)) - median(results['local']!.map((x) => x.rest));
  const overheads = (device: string) => median(results[device]!.map((x) => x.overhead));
  const whole = overheads('ssh-self') - overheads('local');
  console.log(`  medians of "hostMs - samples": SSH ${whole >= 0 ? '+' : ''}${whole.toFixed(0)} ms against local`);
  const verdict = extra <= 300 ? 'met' : 'missed';
  console.log(`  SSH adds about ${extra.toFixed(0)} ms per entry over local (medians of "the rest")`);
  console.log(`  target: within 300 ms of local: ${verdict}`);

  if (!values['no-push']) {
    const catalog = loadCatalog(defaultCatalogFile());
    const store = new ModelStore(defaultStoreDir());
    const t0 = performance.now();
    const plan = await planBlocks({
      catalog,
      latent: Number(values['push-latent']),
      width: Number(values['push-width']),
      precision: 'fp32',
      seed: 1,
      select: [],
      store,
    });
    const transport = await createSshTransport(sshd.transportSpec, { profile: 'ssh-self' });
    const ctx: RunnerContext = {
      transport,
      profile: { name: 'ssh-self' } as RunnerContext['profile'],
      workDir: join(dir, 'push-work'),
      hostDir: join(dir, 'host'),
      log: () => {},
    };
    // Every distinct file once (weight files are shared between graphs).
    const files = new Map<string, number>();
    for (const e of plan.entries)
      for (const f of e.model.files) files.set(join(e.model.root, f), statSync(join(e.model.root, f)).size);
    const total = [...files.values()].reduce((a, b) => a + b, 0);
    console.log(
      `\npush: default block set at width ${values['push-width']}, ` +
        `latent ${values['push-latent']}: ${plan.entries.length} models, ${files.size} ` +
        `files, ${mib(total)} (store ready in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );

    // Pushes remember, per connection, what they verified: a second run is a new connection.
    const second = await createSshTransport(sshd.transportSpec, { profile: 'ssh-self' });
    const passes: [string, SshTransport][] = [
      ['first push (new folder)', transport],
      ['same run, again', transport],
      ['next run (new connection)', second],
    ];
    for (const [pass, t2] of passes) {
      const stats: PushStats = { files: 0, skipped: 0, bytes: 0, ms: 0 };
      const before = t2.stats();
      const t = performance.now();
      for (const e of plan.entries) await pushModel({ ...ctx, transport: t2 }, e.model, stats);
      const ms = performance.now() - t;
      console.log(
        `  ${pass.padEnd(26)} ${(ms / 1000).toFixed(1)} s: ` +
          `${stats.files - stats.skipped} of ${stats.files} file pushes copied, ` +
          `${t2.stats().commands - before.commands} remote commands, ` +
          `${t2.stats().channels - before.channels} new sessions` +
          (pass.startsWith('first') ? `, ${(total / 1048576 / (ms / 1000)).toFixed(0)} MiB/s` : ''),
      );
    }
    await second.close();
    // A new run also hashes the local files once (the transport remembers digests within a process).
    const t1 = performance.now();
    for (const file of files.keys()) {
      const hash = createHash('sha256');
      await new Promise<void>((resolve, reject) =>
        createReadStream(file)
          .on('data', (c) => hash.update(c))
          .on('end', resolve)
          .on('error', reject),
      );
    }
    console.log(`  local sha256 of all files (once per process): ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    await transport.close();
  }
} finally {
  await sshd.stop();
  rmSync(dir, { recursive: true, force: true });
}
