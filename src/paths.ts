// Where the package's own data lives (catalogues, profiles), wherever the code runs from (src/ or dist/).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The nanosd-bench package folder (the one holding package.json). */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const name = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name;
      if (name === 'nanosd-bench') return (root = dir);
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the nanosd-bench package folder');
    dir = up;
  }
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export const defaultCatalogFile = () => join(packageRoot(), 'block-variants', 'sd15-nanosd.json');
export const profilesDir = () => join(packageRoot(), 'device-profiles');
/** The model store: generated graphs and weights, content-addressed. */
export const defaultStoreDir = () =>
  resolve(process.env['NANOSD_BENCH_STORE'] ?? join(packageRoot(), '.cache', 'models'));
export const defaultReportsDir = () => resolve('reports');
