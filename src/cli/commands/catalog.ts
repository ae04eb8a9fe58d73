// `bench catalog`: stages, variants, I/O shapes, parameters and MACs of a catalogue.
import { loadCatalog } from '../../catalog/load.js';
import { defaultCatalogFile } from '../../paths.js';
import { catalogJson, renderCatalog } from '../../report/text/catalog-table.js';
import type { Command } from '../command.js';
import { boolFlag, numberFlag, stringFlag } from '../flags.js';

export const catalogCommand: Command = {
  name: 'catalog',
  summary: 'print the catalogue: stages, variants, I/O shapes, params and MACs',
  usage: 'bench catalog [--catalog F] [--latent N] [--width W] [--json]',
  help: `
  --catalog F   catalogue file (default: block-variants/sd15-nanosd.json)
  --latent N    latent side (default 16; a multiple of the catalogue's divisor)
  --width W     channel width multiplier (default 1)
  --json        machine-readable output`,
  options: { catalog: { type: 'string' }, latent: { type: 'string' }, width: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, io) {
    const catalog = loadCatalog(stringFlag(args, 'catalog') ?? defaultCatalogFile());
    const latent = numberFlag(args, 'latent', { integer: true }) ?? 16;
    const width = numberFlag(args, 'width') ?? 1;
    const resolved = catalog.resolve(latent, width);
    io.stdout.write(boolFlag(args, 'json') ? `${JSON.stringify(catalogJson(resolved), null, 1)}\n` : renderCatalog(resolved));
    return 0;
  },
};
