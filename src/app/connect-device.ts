// The one place that turns a profile's transport spec into a live Transport. Transports for adb and
// SSH are loaded only when a profile needs them. A profile whose work folder is not one the harness
// may own (`/data/local/tmp`, `/`, a home folder) is refused here, before anything connects.
import { isAbsolute, join } from 'node:path';
import type { DeviceProfile } from '../devices/schema.js';
import { InvalidFileError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { WORK_DIR_HINT, workDirProblem } from '../transports/adb/work-dir.js';
import { LocalTransport } from '../transports/local.js';
import type { Transport } from '../transports/types.js';

export async function connectDevice(profile: DeviceProfile, signal?: AbortSignal): Promise<Transport> {
  // Checked first: a run or a clean must never reach a device with a dangerous work folder. The
  // transport then refuses to push or pull anywhere else.
  const workDir = deviceWorkDir(profile);
  const t = profile.transport;
  switch (t.kind) {
    case 'local':
      return new LocalTransport({ workDir });
    case 'adb': {
      const { createAdbTransport } = await import('../transports/adb/index.js');
      return createAdbTransport(t, { profile: profile.name, workDir, ...(signal ? { signal } : {}) });
    }
    case 'ssh': {
      const { createSshTransport } = await import('../transports/ssh/index.js');
      return createSshTransport(t, { profile: profile.name, workDir, ...(signal ? { signal } : {}) });
    }
  }
}

/**
 * The work folder on the device; for `local`, a relative path is inside the package's cache folder.
 * Throws InvalidFileError (exit 4, naming the profile file and `workDir`) for a folder the harness
 * must not own.
 */
export function deviceWorkDir(profile: DeviceProfile): string {
  const refused = workDirProblem(profile.workDir, profile.transport.kind);
  if (refused) throw new InvalidFileError(profile.file, 'workDir', refused.problem, { hint: WORK_DIR_HINT });
  if (profile.transport.kind === 'local' && !isAbsolute(profile.workDir)) return join(packageRoot(), profile.workDir);
  return profile.workDir;
}
