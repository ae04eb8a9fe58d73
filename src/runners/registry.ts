// Runners by name. A profile's `runner.name` picks one; its `runner.options` are checked against the
// runner's schema when the profile is used.
import { InvalidFileError } from '../errors.js';
import { formatPath } from '../json-file.js';
import type { DeviceProfile } from '../devices/schema.js';
import { devicectlAppRunner } from './devicectl-app/runner.js';
import { ortNodeRunner } from './ort-node/runner.js';
import { ortPerfTestRunner } from './ort-perf-test/runner.js';
import { qnnNetRunRunner } from './qnn-net-run/runner.js';
import { snpeNetRunRunner } from './snpe-net-run/runner.js';
import { tfliteBenchmarkRunner } from './tflite-benchmark/runner.js';
import type { Runner } from './types.js';

// Each runner has its own options type; the registry hands them out together with their options.
export const runners: Runner<never>[] = [
  ortNodeRunner as unknown as Runner<never>,
  devicectlAppRunner as unknown as Runner<never>,
  ortPerfTestRunner as unknown as Runner<never>,
  qnnNetRunRunner as unknown as Runner<never>,
  snpeNetRunRunner as unknown as Runner<never>,
  tfliteBenchmarkRunner as unknown as Runner<never>,
];

export interface BoundRunner {
  runner: Runner<unknown>;
  options: unknown;
}

export function bindRunner(profile: DeviceProfile): BoundRunner {
  const runner = runners.find((r) => r.name === profile.runner.name) as Runner<unknown> | undefined;
  if (!runner) {
    throw new InvalidFileError(
      profile.file,
      'runner.name',
      `unknown runner '${profile.runner.name}'; known: ${runners.map((r) => r.name).join(', ')}`,
    );
  }
  const parsed = runner.optionsSchema.safeParse(profile.runner.options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidFileError(
      profile.file,
      `runner.options${formatPath(profile.runner.options, issue.path)
        .replace(/^\(top level\)$/, '')
        .replace(/^(?=[^.[])/, '.')}`,
      issue.message,
    );
  }
  return { runner, options: parsed.data };
}
