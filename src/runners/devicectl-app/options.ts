// Options of the `devicectl-app` runner (an iPhone behind a Mac, see docs/ios-bench-app.md), as a
// device profile's `runner.options` holds them.
import { posix } from 'node:path';
import { z } from 'zod';
import type { DevicectlTarget } from './commands.js';
import { COMPUTE_UNITS } from './parser.js';

export const RUNNER_NAME = 'devicectl-app';

export const devicectlAppOptionsSchema = z.strictObject({
  /** The iPhone as `devicectl --device` accepts it: UDID or CoreDevice identifier (`xcrun devicectl list devices`). */
  udid: z.string().min(1),
  /** Bundle identifier of the installed bench app. */
  bundleId: z.string().min(1),
  /** MLComputeUnits the app hands to Core ML (through ONNX Runtime's CoreML EP), as the Swift case names. */
  computeUnits: z.enum(COMPUTE_UNITS).default('cpuAndNeuralEngine'),
  /**
   * Predictions per app launch. A launch costs seconds (devicectl, app start, Core ML compile), so
   * each one samples this many; the protocol's per-round minimum and maximum bound it.
   */
  iterations: z.number().int().positive().default(20),
  /** `xcrun` on the Mac (a full path when the SSH session's PATH lacks it). */
  xcrun: z.string().min(1).default('xcrun'),
  /** Folder for the models inside the app's data container, relative to its home folder. */
  containerDir: z
    .string()
    .min(1)
    .default('Documents/nsbench')
    .refine(
      (p) => !posix.isAbsolute(p) && !p.split('/').includes('..'),
      'must be a relative path inside the app container (no leading / or ..)',
    ),
});
export type DevicectlAppOptions = z.infer<typeof devicectlAppOptionsSchema>;

/** What the devicectl command lines need from the options. */
export function targetOf(o: DevicectlAppOptions): DevicectlTarget {
  return { xcrun: o.xcrun, udid: o.udid, bundleId: o.bundleId };
}

/** The phone as messages name it. */
export function phoneName(o: Pick<DevicectlAppOptions, 'udid'>): string {
  return `iPhone ${o.udid}`;
}
