// Reads chart.js's UMD bundle for inlining into HTML reports. The package's exports map hides
// dist/chart.umd.min.js, so resolve the package entry (dist/chart.cjs) and take its sibling. The
// source-map comment is dropped (the map is not shipped with the report); the license header stays.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BenchError, ExitCode } from '../errors.js';

let cached: string | undefined;

export function chartJsBundlePath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
}

export function loadChartJsBundle(): string {
  if (cached !== undefined) return cached;
  const file = chartJsBundlePath();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new BenchError('NSB_MISSING_ASSET', ExitCode.failure, `cannot read chart.js bundle ${file} (${code})`, {
      hint: 'reinstall dependencies with npm ci',
    });
  }
  cached = text.replace(/^\/\/# sourceMappingURL=.*$/gm, '').trimEnd() + '\n';
  return cached;
}
