// Before each entry: read the device's temperatures; above the profile's limit, wait for it to cool
// down (polling) up to a cap. Temperatures before and after every entry go into the LUT.
import type { ThermalReading, Transport } from '../transports/types.js';

export interface ThermalPolicy {
  /** Sensor names or substrings to check (case-insensitive); empty: every sensor. */
  sensors: string[];
  limitC?: number;
  cooldownMaxMs: number;
  pollMs: number;
}

export interface GateResult {
  reading: ThermalReading;
  waitedMs: number;
  /** Still above the limit (or reporting throttling) when the wait ended. */
  throttled: boolean;
}

export async function readThermal(transport: Transport): Promise<ThermalReading> {
  try {
    return await transport.thermal();
  } catch {
    // A device that cannot report temperatures is measured anyway; the entry just has none.
    return { temperatures: {}, throttling: false };
  }
}

export function hottest(reading: ThermalReading, sensors: string[]): number | undefined {
  const patterns = sensors.map((s) => s.toLowerCase());
  const values = Object.entries(reading.temperatures)
    .filter(([name]) => patterns.length === 0 || patterns.some((p) => name.toLowerCase().includes(p)))
    .map(([, v]) => v);
  return values.length > 0 ? Math.max(...values) : undefined;
}

export async function thermalGate(
  transport: Transport,
  policy: ThermalPolicy | undefined,
  signal: AbortSignal | undefined,
  onWait?: (tempC: number, limitC: number) => void,
): Promise<GateResult> {
  const started = performance.now();
  let reading = await readThermal(transport);
  if (!policy || policy.limitC === undefined) return { reading, waitedMs: 0, throttled: reading.throttling };
  const limit = policy.limitC;
  for (;;) {
    const t = hottest(reading, policy.sensors);
    const hot = (t !== undefined && t > limit) || reading.throttling;
    const waited = performance.now() - started;
    if (!hot) return { reading, waitedMs: waited, throttled: false };
    if (waited >= policy.cooldownMaxMs) return { reading, waitedMs: waited, throttled: true };
    onWait?.(t ?? Number.NaN, limit);
    await sleep(Math.min(policy.pollMs, Math.max(1, policy.cooldownMaxMs - waited)), signal);
    reading = await readThermal(transport);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
