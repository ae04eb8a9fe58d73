// The exact commands that measure what a pipeline prediction lacks: the VAE halves, the text encoder
// and the per-tile graph come from `bench pipeline` itself (without --predict-only), the U-Net from
// `bench candidates` (or its blocks from `bench blocks`).
import type { MissingPipelineEntry } from '../predict/pipeline.js';
import { quoteArg } from '../transports/quote.js';

export interface PipelineCommandContext {
  device: string;
  indices: string;
  vae: string;
  tile: number;
  overlap: number;
  steps: number;
  text: boolean;
  latent: number;
  width: number;
  /** The LUT file, when the user named one. */
  lut?: string;
  /** The pipeline manifest of the user's models. */
  models?: string;
}

export function measureCommands(c: PipelineCommandContext, missing: readonly MissingPipelineEntry[]): string[] {
  const out: string[] = [];
  const width = c.width !== 1 ? ['--width', String(c.width)] : [];
  if (missing.some((m) => m.unit !== 'unet')) {
    out.push(
      command([
        'bench',
        'pipeline',
        '--device',
        c.device,
        '--arch',
        c.indices,
        '--vae',
        c.vae,
        '--tile',
        String(c.tile),
        '--overlap',
        String(c.overlap),
        '--steps',
        String(c.steps),
        ...(c.text ? ['--text-encoder'] : []),
        ...width,
        ...(c.lut ? ['--lut', c.lut] : []),
        ...(c.models ? ['--models', c.models] : []),
      ]),
    );
  }
  if (missing.some((m) => m.unit === 'unet')) {
    const lut = c.lut ? ['--out', c.lut] : [];
    const where = ['--device', c.device, '--arch', c.indices, '--latent', String(c.latent), ...width, ...lut];
    out.push(command(['bench', 'candidates', ...where]));
  }
  return out;
}

function command(argv: string[]): string {
  return argv.map(quoteArg).join(' ');
}
