// Flags shared by the measuring commands (`bench blocks`, `bench candidates`) and how they become
// library options.
import type { BlocksOptions } from '../app/blocks.js';
import { UsageError } from '../errors.js';
import { MIN_CHUNK } from '../measure/protocol.js';
import type { CliIO, OptionsConfig, ParsedArgs } from './command.js';
import { boolFlag, listFlag, numberFlag, percentFlag, precisionFlag, stringFlag } from './flags.js';
import { checkLutOutput } from './output-path.js';
import { forceHelp, shapeFlags, shapeOptions } from './shape-flags.js';

export const measureOptions: OptionsConfig = {
  device: { type: 'string', multiple: true },
  profiles: { type: 'string', multiple: true },
  catalog: { type: 'string' },
  ...shapeOptions,
  precision: { type: 'string' },
  iterations: { type: 'string' },
  warmup: { type: 'string' },
  'target-rme': { type: 'string' },
  'max-time-ms': { type: 'string' },
  rounds: { type: 'string' },
  threads: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  store: { type: 'string' },
  resume: { type: 'boolean' },
  restart: { type: 'boolean' },
  'break-lock': { type: 'boolean' },
  json: { type: 'boolean' },
};

export const measureHelp = `
  --device D[,D2]    device profile(s) (default: local); several devices are measured concurrently
  --profiles DIR     extra folder of device profiles (also NANOSD_BENCH_PROFILES)
  --catalog F        block-variant catalogue (default: block-variants/sd15-nanosd.json)
  --latent N         latent side, a multiple of 4 (default: the profile's, else 16)
  --width W          channel width multiplier > 0 (default 1)
${forceHelp}
  --precision P      fp32 or fp16 (default: the profile's, else fp32)
  --iterations N     exactly N samples per entry (turns adaptive sampling off)
  --warmup N         inferences discarded before sampling, per process (default 3)
  --target-rme P     stop sampling an entry at this relative margin of its median: 1% or 0.01 (default 1%)
  --max-time-ms MS   measured time cap per entry (default: the profile's)
  --rounds N         rounds over all entries in seeded random order (default: the profile's, e.g. 4 on
                     local, else 2); with --iterations N each round takes at least ${MIN_CHUNK} of the N samples
  --threads N        intra-op threads (default: the profile's, else the runtime's)
  --seed N           seed for inputs, weights and entry order (default 1)
  --out F            the LUT file (F.json) with one device, a folder with several
                     (default: reports/<device>-<runner>-l<latent>-w<width>-<precision>.lut.json)
  --store DIR        model store (default: .cache/models, or NANOSD_BENCH_STORE)
  --resume           complete an interrupted run from its journal; keep entries already measured
  --restart          discard the journal of an interrupted run and start over
  --break-lock       take over the lock of a run on another host that is gone (see README: one writer per LUT)
  --json             print the LUT(s) as JSON on stdout (progress goes to stderr)`;

export function measureOptionsFrom(args: ParsedArgs, io: CliIO): Omit<BlocksOptions, 'onProgress'> {
  const precision = precisionFlag(args);
  const iterations = numberFlag(args, 'iterations', { integer: true, min: 1 });
  const warmup = numberFlag(args, 'warmup', { integer: true, min: 0 });
  const targetRme = percentFlag(args, 'target-rme', { min: 0.0001, max: 0.5 });
  const maxTimeMs = numberFlag(args, 'max-time-ms', { integer: true, min: 1 });
  const rounds = numberFlag(args, 'rounds', { integer: true, min: 1, max: 100 });
  // Each round takes at least MIN_CHUNK of the samples (the last one what is left): the protocol would
  // quietly take fewer rounds than asked, so say so instead.
  if (iterations !== undefined && rounds !== undefined && Math.ceil(iterations / MIN_CHUNK) < rounds) {
    throw new UsageError(
      `--rounds ${rounds} with --iterations ${iterations}: every round takes at least ${MIN_CHUNK} samples, so ` +
        `${iterations} samples make at most ${Math.ceil(iterations / MIN_CHUNK)} rounds`,
      { hint: `give --iterations ${(rounds - 1) * MIN_CHUNK + 1} or more, or fewer --rounds` },
    );
  }
  const threads = numberFlag(args, 'threads', { integer: true, min: 0, max: 1024 });
  const seed = numberFlag(args, 'seed', { integer: true, min: 0 });
  if (boolFlag(args, 'resume') && boolFlag(args, 'restart'))
    throw new UsageError('--resume and --restart exclude each other');
  const devices = listFlag(args, 'device');
  const { latent, width } = shapeFlags(args);
  const catalogFile = stringFlag(args, 'catalog');
  const out = stringFlag(args, 'out');
  if (out !== undefined) checkLutOutput(out, devices.length);
  const store = stringFlag(args, 'store');
  return {
    devices: devices.length > 0 ? devices : ['local'],
    profileDirs: listFlag(args, 'profiles'),
    ...(catalogFile ? { catalogFile } : {}),
    ...(latent !== undefined ? { latent } : {}),
    ...(width !== undefined ? { width } : {}),
    ...(precision ? { precision } : {}),
    settings: {
      // A fixed count: no early stop, no time cap.
      ...(iterations !== undefined
        ? { minSamples: iterations, maxSamples: iterations, targetRme: 0, maxTimeMs: Number.MAX_SAFE_INTEGER }
        : {}),
      ...(warmup !== undefined ? { warmup } : {}),
      ...(targetRme !== undefined && iterations === undefined ? { targetRme } : {}),
      ...(maxTimeMs !== undefined && iterations === undefined ? { maxTimeMs } : {}),
      ...(rounds !== undefined ? { rounds, maxRounds: iterations !== undefined ? rounds : rounds + 1 } : {}),
      ...(threads !== undefined ? { threads } : {}),
      ...(seed !== undefined ? { seed } : {}),
    },
    ...(out ? { out } : {}),
    ...(store ? { storeDir: store } : {}),
    resume: boolFlag(args, 'resume'),
    restart: boolFlag(args, 'restart'),
    breakLock: boolFlag(args, 'break-lock'),
    signal: io.signal,
    env: io.env,
  };
}
