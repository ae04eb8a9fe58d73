// `bench catalog`: stages, variants, I/O shapes, parameters and MACs of a catalogue.
import { describeCatalog } from '../../app/catalog.js';
import { catalogJson, renderCatalog } from '../../report/text/catalog-table.js';
import type { Command } from '../command.js';
import { boolFlag, numberFlag, stringFlag } from '../flags.js';
import { printJson } from '../print.js';

export const catalogCommand: Command = {
  name: 'catalog',
  summary: 'print the catalogue: stages, variants, I/O shapes, params and MACs',
  usage: 'bench catalog [--catalog F] [--latent N] [--width W] [--json]',
  help: `
  --catalog F   catalogue file (default: block-variants/sd15-nanosd.json)
  --latent N    latent side (default 16; a multiple of the catalogue's divisor)
  --width W     channel width multiplier (default 1)
  --json        machine-readable output`,
  options: {
    catalog: { type: 'string' },
    latent: { type: 'string' },
    width: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const catalogFile = stringFlag(args, 'catalog');
    // Ranges are the catalogue's to check: it knows its divisor and names both numbers.
    const latent = numberFlag(args, 'latent', { integer: true });
    const width = numberFlag(args, 'width');
    const resolved = describeCatalog({
      ...(catalogFile !== undefined ? { catalogFile } : {}),
      ...(latent !== undefined ? { latent } : {}),
      ...(width !== undefined ? { width } : {}),
    });
    if (boolFlag(args, 'json')) printJson(io, catalogJson(resolved));
    else io.stdout.write(renderCatalog(resolved));
    return 0;
  },
};
