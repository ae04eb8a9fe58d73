// Android's fixed performance mode (`cmd power set-fixed-performance-mode-enabled`, Android 11+, no
// root): clocks held at a stable, sustainable level for benchmarking. Android has no command that
// reads the mode back, so "restore" means turning it off again, which is also the phone's default.
import { DeviceError } from '../../errors.js';
import type { Transport } from '../types.js';
import { deviceLabel } from './label.js';

export async function setFixedPerformanceMode(transport: Transport, enabled: boolean): Promise<void> {
  const result = await transport.exec(['cmd', 'power', 'set-fixed-performance-mode-enabled', String(enabled)], {
    timeoutMs: 15_000,
  });
  if (result.exitCode !== 0) {
    const why = `${result.stdout}\n${result.stderr}`.trim().split('\n')[0] || `exit ${result.exitCode}`;
    throw new DeviceError(
      deviceLabel(transport),
      `cannot ${enabled ? 'enable' : 'disable'} fixed performance mode: ${why}`,
      {
        hint:
          'it needs Android 11+ with a Power HAL that supports ' +
          'it; set "fixedPerformanceMode": false in the profile',
      },
    );
  }
}

/** Enables the mode and returns the function that turns it off again (call it in a finally). */
export async function enableFixedPerformanceMode(transport: Transport): Promise<() => Promise<void>> {
  await setFixedPerformanceMode(transport, true);
  let restored = false;
  return async () => {
    if (restored) return;
    restored = true;
    await setFixedPerformanceMode(transport, false);
  };
}

/** Runs `fn` with the mode on, and turns it off afterwards whatever happens. */
export async function withFixedPerformanceMode<T>(transport: Transport, fn: () => Promise<T>): Promise<T> {
  const restore = await enableFixedPerformanceMode(transport);
  try {
    return await fn();
  } finally {
    await restore();
  }
}
