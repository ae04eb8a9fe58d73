// Which measurement configuration (latent side, width multiplier, precision) of a LUT a prediction
// uses. A LUT may hold blocks measured at several configurations; a prediction never mixes them.
import { UsageError } from '../errors.js';
import type { Lut, Precision } from '../lut/schema.js';

export interface LutConfig {
  latent: number;
  width: number;
  precision: Precision;
}

export function configLabel(c: LutConfig): string {
  return `latent ${c.latent}, width ${c.width}, ${c.precision}`;
}

/** The distinct configurations of the LUT's block entries, most entries first. */
export function lutConfigs(lut: Lut): LutConfig[] {
  const counts = new Map<string, { config: LutConfig; n: number }>();
  for (const e of lut.entries) {
    if (e.key.kind !== 'block') continue;
    const config: LutConfig = { latent: e.key.latent, width: e.key.width, precision: e.key.precision };
    const id = configLabel(config);
    const seen = counts.get(id);
    if (seen) seen.n++;
    else counts.set(id, { config, n: 1 });
  }
  return [...counts.values()].sort((a, b) => b.n - a.n).map((c) => c.config);
}

/**
 * The one configuration to predict with: the only one present, or the one the user picked. Several
 * without a pick is a usage error that lists them, because silently choosing one would give numbers
 * for a tile size the user did not ask about.
 */
export function chooseConfig(lut: Lut, file: string, wanted: Partial<LutConfig> = {}): LutConfig {
  const all = lutConfigs(lut);
  if (all.length === 0) throw new UsageError(`${file} holds no block entries to predict from`);
  const matching = all.filter(
    (c) =>
      (wanted.latent === undefined || c.latent === wanted.latent) &&
      (wanted.width === undefined || c.width === wanted.width) &&
      (wanted.precision === undefined || c.precision === wanted.precision),
  );
  const list = all.map(configLabel).join('; ');
  if (matching.length === 0)
    throw new UsageError(`${file} has no block entries at the requested configuration; it has: ${list}`);
  if (matching.length > 1) {
    throw new UsageError(
      `${file} holds blocks at ${matching.length} configurations (${list}); ` +
        `choose one with --latent, --width or --precision`,
    );
  }
  return matching[0]!;
}
