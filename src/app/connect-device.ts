// The one place that turns a profile's transport spec into a live Transport. Transports for adb and
// SSH are loaded only when a profile needs them.
import { isAbsolute, join } from 'node:path';
import { packageRoot } from '../paths.js';
import { LocalTransport } from '../transports/local.js';
import type { Transport } from '../transports/types.js';
import type { DeviceProfile } from '../devices/schema.js';

export async function connectDevice(profile: DeviceProfile, signal?: AbortSignal): Promise<Transport> {
  const t = profile.transport;
  switch (t.kind) {
    case 'local':
      return new LocalTransport();
    case 'adb': {
      const { createAdbTransport } = await import('../transports/adb/index.js');
      return createAdbTransport(t, { profile: profile.name, ...(signal ? { signal } : {}) });
    }
    case 'ssh': {
      const { createSshTransport } = await import('../transports/ssh/index.js');
      return createSshTransport(t, { profile: profile.name, ...(signal ? { signal } : {}) });
    }
  }
}

/** The work folder on the device; for `local`, a relative path is inside the package's cache folder. */
export function deviceWorkDir(profile: DeviceProfile): string {
  if (profile.transport.kind === 'local' && !isAbsolute(profile.workDir)) return join(packageRoot(), profile.workDir);
  return profile.workDir;
}
