// Device profiles: device-profiles/<name>.json. One file says how to reach a device, which runner to
// use with which options, the default shapes, and how to keep the device honest (thermals, clocks).
import { z } from 'zod';
import { precisions } from '../lut/schema.js';

const localTransport = z.strictObject({ kind: z.literal('local') });

const adbTransport = z.strictObject({
  kind: z.literal('adb'),
  /** Device serial (`adb devices`); for a network device the `host:port` it is connected as. */
  serial: z.string().min(1).optional(),
  /** adb server to use, `host:port` (a remote server of a device farm); default 127.0.0.1:5037. */
  server: z
    .string()
    .regex(/^[^:\s]+:\d+$/, 'must be host:port')
    .optional(),
  /** `adb connect` this `host:port` first (network devices). */
  connect: z
    .string()
    .regex(/^[^:\s]+:\d+$/, 'must be host:port')
    .optional(),
});

const sshTransport = z.strictObject({
  kind: z.literal('ssh'),
  host: z.string().min(1),
  port: z.number().int().positive().max(65535).default(22),
  user: z.string().min(1),
  /** Private key file; without it the SSH agent (SSH_AUTH_SOCK) is used. */
  key: z.string().min(1).optional(),
  /** Pinned host key fingerprint, `SHA256:<base64>` as `ssh-keygen -lf` prints it. */
  hostKey: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]+=*$/, 'must look like SHA256:<base64>')
    .optional(),
  /** known_hosts file to check the host key against when no fingerprint is pinned. */
  knownHosts: z.string().min(1).optional(),
  connectTimeoutMs: z.number().int().positive().optional(),
});

export const transportSchema = z.discriminatedUnion('kind', [localTransport, adbTransport, sshTransport]);
export type TransportSpec = z.infer<typeof transportSchema>;

export const thermalSchema = z.strictObject({
  /** Sensor names (or name patterns) whose temperature is checked against the limit. */
  sensors: z.array(z.string()).default([]),
  /** Above this, wait before starting an entry. */
  limitC: z.number().optional(),
  /** Give up waiting after this long (the entry is then measured and flagged `throttled`). */
  cooldownMaxMs: z.number().int().nonnegative().default(180_000),
  pollMs: z.number().int().positive().default(5_000),
});

export const measureSchema = z.strictObject({
  warmup: z.number().int().nonnegative().optional(),
  targetRme: z.number().nonnegative().optional(),
  minSamples: z.number().int().positive().optional(),
  maxSamples: z.number().int().positive().optional(),
  maxTimeMs: z.number().int().positive().optional(),
  rounds: z.number().int().positive().optional(),
  maxRounds: z.number().int().positive().optional(),
  timeoutMs: z.number().int().positive().optional(),
});

export const profileSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  description: z.string().optional(),
  transport: transportSchema,
  /** Folder on the device that the harness owns (models, runner, logs). */
  workDir: z.string().min(1),
  runner: z.strictObject({
    name: z.string(),
    options: z.record(z.string(), z.unknown()).default({}),
  }),
  defaults: z
    .strictObject({
      latent: z.number().int().positive().optional(),
      width: z.number().positive().optional(),
      precision: z.enum(precisions).optional(),
      /**
       * `bench pipeline` without flags: tile side in pixels (a multiple of 32), overlap, and the size
       * of the generated test image (`WIDTHxHEIGHT`). Default: 512, 128, 4000x3000.
       */
      pipeline: z
        .strictObject({
          tile: z.number().int().positive().multipleOf(32).optional(),
          overlap: z.number().int().nonnegative().optional(),
          image: z
            .string()
            .regex(/^\d+x\d+$/, 'WIDTHxHEIGHT in pixels')
            .optional(),
        })
        .optional(),
    })
    .default({}),
  /** Intra-op threads for the runner (0 or absent: the runtime's default); `--threads` overrides. */
  threads: z.number().int().nonnegative().optional(),
  /** CPU affinity mask in hex for `taskset` (e.g. "f0" for the big cores). */
  affinity: z
    .string()
    .regex(/^[0-9a-fA-F]+$/)
    .optional(),
  /** Android: `cmd power set-fixed-performance-mode-enabled true` for the run, restored afterwards. */
  fixedPerformanceMode: z.boolean().optional(),
  thermal: thermalSchema.optional(),
  measure: measureSchema.optional(),
  /** What the user must provide before this profile works (shown by `bench devices`). */
  requires: z.array(z.string()).optional(),
});
export type DeviceProfile = z.infer<typeof profileSchema> & { file: string };
