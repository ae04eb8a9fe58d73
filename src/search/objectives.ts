// The objectives a search can use. Latency, params and MACs are minimised; quality is maximised unless
// the quality file says lower is better (FID, distillation loss). `pipeline` is the predicted seconds
// per image of the whole tiled pipeline (VAE included), minimised.
import { UsageError } from '../errors.js';

export const objectiveNames = ['latency', 'params', 'macs', 'quality', 'pipeline'] as const;
export type Objective = (typeof objectiveNames)[number];

export function parseObjectives(list: readonly string[], hasQuality: boolean): Objective[] {
  const chosen = list.length > 0 ? list : hasQuality ? ['latency', 'params', 'quality'] : ['latency', 'params'];
  const out: Objective[] = [];
  for (const raw of chosen) {
    const name = raw.trim().toLowerCase();
    if (!(objectiveNames as readonly string[]).includes(name)) {
      throw new UsageError(`--objectives: unknown objective '${raw}'; known: ${objectiveNames.join(', ')}`);
    }
    if (out.includes(name as Objective)) throw new UsageError(`--objectives: '${name}' is given twice`);
    out.push(name as Objective);
  }
  if (out.includes('quality') && !hasQuality) throw new UsageError('--objectives: quality needs --quality FILE');
  return out;
}

export const objectiveUnits: Record<Objective, string> = {
  latency: 'ms',
  params: 'parameters',
  macs: 'MACs',
  quality: '',
  pipeline: 's/image',
};
