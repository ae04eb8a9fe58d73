// For `bench devices`: the phones behind a Mac that a `devicectl-app` profile reaches, so a user can
// fill in the profile's `udid` (and see whether its `bundleId` is installed) without guessing.
import type { DeviceProfile } from '../devices/schema.js';
import { listMacPhones, type MacPhone } from '../runners/devicectl-app/mac-phones.js';
import type { Transport } from '../transports/types.js';

/** The raw option when it is a non-empty string: the listing must work on a half-filled profile too. */
function stringOption(options: unknown, key: string): string | undefined {
  const value = options !== null && typeof options === 'object' ? (options as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export interface ListedPhone extends MacPhone {
  /** The profile's `udid` names this device (its CoreDevice identifier or its hardware UDID). */
  inProfile: boolean;
}

export interface MacPhonesReport {
  /** The bundle id the profile names, looked up on each phone. */
  bundleId?: string;
  devices: ListedPhone[];
}

/** The devices the Mac sees; undefined for a profile that does not drive a phone through a Mac. */
export async function phonesBehindMac(
  profile: DeviceProfile,
  transport: Transport,
  workDir: string,
  signal?: AbortSignal,
): Promise<MacPhonesReport | undefined> {
  if (profile.runner.name !== 'devicectl-app' || profile.transport.kind !== 'ssh') return undefined;
  const options = profile.runner.options;
  const bundleId = stringOption(options, 'bundleId');
  const udid = stringOption(options, 'udid');
  const phones = await listMacPhones(transport, {
    xcrun: stringOption(options, 'xcrun') ?? 'xcrun',
    ...(bundleId !== undefined ? { bundleId } : {}),
    workDir,
    ...(signal ? { signal } : {}),
  });
  const named = (p: MacPhone) => udid !== undefined && (p.device.identifier === udid || p.device.udid === udid);
  const devices = phones.map((p) => ({ ...p, inProfile: named(p) }));
  return { ...(bundleId !== undefined ? { bundleId } : {}), devices };
}
