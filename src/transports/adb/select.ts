// Picking the device on an adb server: by serial, or the only one attached. States other than
// `device` become DeviceErrors with the next step; transitional states (`connecting`, `authorizing`,
// and `offline`, which a phone shows for a moment after it is plugged in) are waited out briefly first.
import { DeviceError } from '../../errors.js';
import type { AdbDeviceEntry } from './device-list.js';
import { hints } from './errors.js';
import { formatServer, queryDevices, type AdbServerAddress } from './server.js';

const TRANSITIONAL = new Set(['connecting', 'authorizing', 'offline']);

function describe(entries: AdbDeviceEntry[]): string {
  return entries.map((e) => `${e.serial} (${e.state})`).join(', ');
}

function stateError(device: string, entry: AdbDeviceEntry): DeviceError {
  const serial = entry.serial;
  switch (entry.state) {
    case 'unauthorized':
    case 'authorizing':
      return new DeviceError(device, `${serial} is unauthorized: the phone has not accepted this computer's adb key`, {
        hint: hints.unauthorized,
      });
    case 'offline':
    case 'connecting':
      return new DeviceError(device, `${serial} is ${entry.state}`, { hint: hints.offline });
    default:
      if (entry.state.startsWith('no permissions')) {
        return new DeviceError(device, `${serial}: no permission to open the USB device`, {
          hint:
            'add a udev rule for the phone (Debian: `sudo apt-get install ' +
            'android-sdk-platform-tools-common`) and replug it, then run `bench devices`',
        });
      }
      return new DeviceError(device, `${serial} is in ${entry.state} mode, not running Android`, {
        hint: 'boot the phone into Android with USB debugging enabled, then run `bench devices`',
      });
  }
}

export interface SelectOptions {
  serial?: string;
  /** How long to wait for a device in a transitional state. */
  waitMs?: number;
  signal?: AbortSignal;
}

export async function selectDevice(
  address: AdbServerAddress,
  device: string,
  options: SelectOptions,
): Promise<AdbDeviceEntry> {
  const where = formatServer(address);
  const deadline = Date.now() + (options.waitMs ?? 3_000);
  for (;;) {
    options.signal?.throwIfAborted();
    let entries: AdbDeviceEntry[];
    try {
      entries = await queryDevices(address);
    } catch (error) {
      throw new DeviceError(device, `cannot list devices on the adb server at ${where}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    let entry: AdbDeviceEntry | undefined;
    if (options.serial !== undefined) {
      entry = entries.find((e) => e.serial === options.serial);
      if (!entry) {
        const others = entries.length > 0 ? `; attached: ${describe(entries)}` : '';
        throw new DeviceError(device, `${options.serial} is not attached to the adb server at ${where}${others}`, {
          hint: hints.missing,
        });
      }
    } else {
      if (entries.length === 0)
        throw new DeviceError(device, `no phone is attached to the adb server at ${where}`, { hint: hints.missing });
      if (entries.length > 1) {
        throw new DeviceError(
          device,
          `${entries.length} devices are attached to the adb server at ${where}: ${describe(entries)}`,
          {
            hint: 'set transport.serial in the profile to the one to use',
          },
        );
      }
      entry = entries[0]!;
    }
    if (entry.state === 'device') return entry;
    if (!TRANSITIONAL.has(entry.state) || Date.now() >= deadline) throw stateError(device, entry);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}
