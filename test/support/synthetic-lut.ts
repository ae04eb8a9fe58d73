// A synthetic but realistic LUT for tests and the speed benchmark: block latencies come from a cost
// model in which attention at high resolution costs far more than its parameters suggest (softmax over
// N^2 scores, memory bound) and large 1280-channel ResNets cost little per parameter, so latency is NOT
// proportional to params, as on real hardware. Seeded jitter makes same-cost variants differ slightly.
import type { Catalog } from '../../src/catalog/load.js';
import type { ResolvedUnit } from '../../src/catalog/types.js';
import { entryId } from '../../src/lut/key.js';
import { summarize } from '../../src/stats/summary.js';
import { createLut } from '../../src/lut/create.js';
import type { EntryFlag, EntryKey, Lut, LutEntry, Precision } from '../../src/lut/schema.js';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticDevice {
  profile: string;
  fingerprint?: string;
  ep?: string;
  runner?: string;
  precision?: Precision;
  latent?: number;
  width?: number;
  /** ms per GMAC of convolution / linear work. */
  convMsPerGmac?: number;
  /** ms per (tokens/1024)^2 of one attention unit (the N^2 softmax part). */
  attnQuadMs?: number;
  /** ms per million parameters (weight traffic). */
  paramMsPerM?: number;
  /** Relative jitter of block latencies (0 = exact model, equal-cost variants tie exactly). */
  jitter?: number;
  seed?: number;
  /** Entry ids (see lut/key.ts) to leave out, mark failed, or give flags. */
  omit?: string[];
  failed?: string[];
  flags?: Record<string, EntryFlag[]>;
  /** Whether to include the fixed parts (conv_in, time_mlp, conv_out). Default true. */
  parts?: boolean;
  /** Spread of every entry's samples, as a margin: 0.04 spreads them twice as wide as the default 0.02. */
  rme?: number;
  info?: Record<string, unknown>;
  /** Extra entries appended as they are (e.g. `candidate` entries for calibration). */
  extra?: LutEntry[];
}

function unitMs(
  u: ResolvedUnit,
  d: Required<Pick<SyntheticDevice, 'convMsPerGmac' | 'attnQuadMs' | 'paramMsPerM'>>,
): number {
  const base = (u.macs / 1e9) * d.convMsPerGmac + (u.params / 1e6) * d.paramMsPerM;
  if (u.kind !== 'attention') return base;
  const tokens = u.sideIn * u.sideIn;
  return base + d.attnQuadMs * (tokens / 1024) ** 2;
}

export function syntheticEntry(
  key: EntryKey,
  median: number,
  opts: { rme?: number; flags?: EntryFlag[]; state?: LutEntry['state']; params?: number; macs?: number } = {},
): LutEntry {
  // Eight samples around the median whose spread grows with the wanted margin; the stored statistics
  // are computed from them, as a real run does (a LUT whose stats disagree with its samples is refused).
  const spread = (opts.rme ?? 0.02) / 0.02;
  const samples = [-0.03, -0.015, -0.01, 0, 0, 0.01, 0.02, 0.04].map((f) => median * (1 + f * spread));
  const state = opts.state ?? 'ok';
  const identity = {
    id: entryId(key),
    key,
    model: { sha256: 'f'.repeat(64), params: opts.params ?? 0, macs: opts.macs ?? 0, source: 'generated' as const },
  };
  const recorded = { sampleKind: 'iteration' as const, rounds: 1, flags: opts.flags ?? [] };
  if (state === 'ok') return { ...identity, state, samples, ...recorded, stats: summarize(samples) };
  const error = { code: 'NSB_RUNNER', message: 'runner exited with code 1' };
  return { ...identity, state, samples: [], ...recorded, error };
}

export function syntheticLut(catalog: Catalog, dev: SyntheticDevice): Lut {
  const latent = dev.latent ?? 16;
  const width = dev.width ?? 1;
  const precision = dev.precision ?? 'fp32';
  const cat = catalog.resolve(latent, width);
  const model = {
    convMsPerGmac: dev.convMsPerGmac ?? 2,
    attnQuadMs: dev.attnQuadMs ?? 1.5,
    paramMsPerM: dev.paramMsPerM ?? 0.004,
  };
  const rand = mulberry32(dev.seed ?? 1);
  const jitter = dev.jitter ?? 0.03;
  const entries: LutEntry[] = [];
  const add = (key: EntryKey, units: ResolvedUnit[], params: number, macs: number) => {
    const id = entryId(key);
    const r = rand();
    if (dev.omit?.includes(id)) return;
    const median = (0.05 + units.reduce((s, u) => s + unitMs(u, model), 0)) * (1 + jitter * (r - 0.5));
    const opts: Parameters<typeof syntheticEntry>[2] = { params, macs, flags: dev.flags?.[id] ?? [] };
    if (dev.rme !== undefined) opts.rme = dev.rme;
    if (dev.failed?.includes(id)) opts.state = 'failed';
    entries.push(syntheticEntry(key, median, opts));
  };
  for (const s of cat.stages) {
    for (const v of s.variants)
      add({ kind: 'block', stage: s.name, variant: v.name, latent, width, precision }, v.units, v.params, v.macs);
  }
  if (dev.parts !== false)
    for (const p of cat.parts)
      add({ kind: 'part', stage: p.name, latent, width, precision }, p.units, p.params, p.macs);
  entries.push(...(dev.extra ?? []));
  const now = '2026-01-01T00:00:00.000Z';
  return createLut({
    harnessVersion: '0.1.0',
    createdAt: now,
    updatedAt: now,
    device: {
      profile: dev.profile,
      fingerprint: dev.fingerprint ?? `fp-${dev.profile}`,
      info: dev.info ?? { model: dev.profile },
    },
    runtime: {
      runner: dev.runner ?? 'ort-node',
      version: '1.30.0',
      ep: dev.ep ?? 'cpu',
      precision,
      threads: 2,
      options: {},
    },
    catalog: { name: catalog.spec.name, hash: catalog.hash },
    entries,
  });
}

/** A CPU-like device and an NPU-like device whose latency rankings differ (attention much dearer on the NPU). */
export const cpuDevice: SyntheticDevice = {
  profile: 'local',
  ep: 'cpu',
  convMsPerGmac: 2,
  attnQuadMs: 1.5,
  paramMsPerM: 0.004,
  seed: 11,
};
export const npuDevice: SyntheticDevice = {
  profile: 's25',
  ep: 'qnn-htp',
  precision: 'fp16',
  convMsPerGmac: 0.15,
  attnQuadMs: 2.5,
  paramMsPerM: 0.01,
  seed: 23,
};
