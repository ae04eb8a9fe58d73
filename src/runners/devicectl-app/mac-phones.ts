// The phones a Mac sees, for `bench devices`: `xcrun devicectl list devices` over the Mac's transport,
// then, for each iPhone or iPad it can reach, whether the bench app is installed (`xcrun devicectl
// device info apps --device <id> --bundle-id <bundle id>`). What a user needs to fill in a profile:
// the identifier for `runner.options.udid`, and whether the `bundleId` they set is on that phone.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { DeviceError, RunnerError } from '../../errors.js';
import { CommandError } from '../../transports/command-error.js';
import type { Transport } from '../../transports/types.js';
import { sequenceArgv, sequenceCompleted } from './commands.js';
import { lastLine } from './output.js';
import {
  parseDevicectlAppList,
  parseDevicectlDeviceList,
  type DevicectlApp,
  type DevicectlDevice,
} from './devicectl-json.js';

/** Listing the devices answers in seconds; asking a phone for its apps opens a tunnel to it first. */
const LIST_TIMEOUT_MS = 60_000;
const APPS_TIMEOUT_MS = 60_000;

export interface MacPhonesQuery {
  /** `xcrun` on the Mac (runner.options.xcrun). */
  xcrun: string;
  /** The bench app's bundle id (runner.options.bundleId); without it, apps are not looked up. */
  bundleId?: string;
  /** A folder on the Mac for devicectl's JSON files (the profile's work folder). */
  workDir: string;
  signal?: AbortSignal;
}

export interface AppCheck {
  /** true / false when devicectl answered; undefined when the phone was not asked. */
  installed?: boolean;
  app?: DevicectlApp;
  /** Why the phone was not asked, or what devicectl said when asking failed. */
  note?: string;
}

export interface MacPhone {
  device: DevicectlDevice;
  bench: AppCheck;
}

/** `xcrun devicectl list devices --json-output <file>` */
export function listDevicesArgv(xcrun: string, jsonFile: string): string[] {
  return [xcrun, 'devicectl', 'list', 'devices', '--json-output', jsonFile];
}

/** `xcrun devicectl device info apps --device <id> --bundle-id <bundle id> --json-output <file>` */
export function appsArgv(xcrun: string, device: string, bundleId: string, jsonFile: string): string[] {
  return [
    xcrun,
    'devicectl',
    'device',
    'info',
    'apps',
    '--device',
    device,
    '--bundle-id',
    bundleId,
    '--json-output',
    jsonFile,
  ];
}

/** Runs one devicectl command that writes `jsonFile` on the Mac; the file's text, or why there is none. */
async function devicectlJson(
  transport: Transport,
  q: MacPhonesQuery,
  argv: string[],
  jsonFile: string,
  timeoutMs: number,
): Promise<{ json?: string; failure: string }> {
  const signal = q.signal ? { signal: q.signal } : {};
  const separator = `--nsb-${randomBytes(8).toString('hex')}--`;
  const dir = posix.dirname(jsonFile);
  const steps = [['mkdir', '-p', dir], ['rm', '-f', jsonFile], argv];
  const r = await transport.exec(sequenceArgv(steps, separator), { timeoutMs, ...signal });
  const stderrLine = lastLine({ stdout: '', stderr: r.stderr });
  if (r.timedOut) return { failure: `${argv.slice(1, 5).join(' ')} did not answer within ${timeoutMs / 1000} s` };
  if (sequenceCompleted(r.stdout) < 2) {
    throw new DeviceError(transport.id, `cannot create ${dir} on the Mac: ${stderrLine}`);
  }
  const missing = /(xcrun|devicectl).*(not found|No such file)|unable to find utility/i.test(r.stderr);
  if (r.exitCode === 127 || (r.exitCode !== 0 && missing)) {
    throw new RunnerError('devicectl-app', `cannot run ${q.xcrun} devicectl on ${transport.id}: ${stderrLine}`, {
      hint:
        'install Xcode 15 or later on the Mac (xcode-select -s /Applications/Xcode.app), ' +
        'or set runner.options.xcrun to its path',
    });
  }
  // devicectl writes its JSON document on failure too, with the reason in it: read the file either way.
  const file = await transport.exec(['cat', jsonFile], { timeoutMs: 30_000, ...signal });
  const failure = `${new CommandError(r, transport.id).status}: ${stderrLine}`;
  return file.exitCode === 0 ? { json: file.stdout, failure } : { failure };
}

/** Why the bench app is not looked up on this device, or undefined when it is. */
function notAsked(device: DevicectlDevice, bundleId: string | undefined): string | undefined {
  if (bundleId === undefined) return 'no bundleId in the profile';
  if (device.platform !== undefined && device.platform !== 'iOS') return `not an iPhone or iPad (${device.platform})`;
  if (device.tunnelState === 'unavailable') return 'not connected to the Mac (tunnel unavailable)';
  return undefined;
}

async function checkApp(
  transport: Transport,
  q: MacPhonesQuery,
  device: DevicectlDevice,
  file: string,
): Promise<AppCheck> {
  const why = notAsked(device, q.bundleId);
  if (why !== undefined || q.bundleId === undefined) return { note: why };
  const argv = appsArgv(q.xcrun, device.identifier, q.bundleId, file);
  const r = await devicectlJson(transport, q, argv, file, APPS_TIMEOUT_MS);
  if (r.json === undefined) return { note: r.failure };
  try {
    const app = parseDevicectlAppList(r.json).find((a) => a.bundleIdentifier === q.bundleId);
    return app ? { installed: true, app } : { installed: false };
  } catch (error) {
    return { note: (error as Error).message.replace(/^cannot parse [^:]*: /, '') };
  }
}

/**
 * The devices the Mac's devicectl knows, each with whether the bench app is installed. Throws a
 * RunnerError when the Mac has no devicectl, a ParseError when its listing cannot be read.
 */
export async function listMacPhones(transport: Transport, q: MacPhonesQuery): Promise<MacPhone[]> {
  const dir = posix.join(q.workDir, 'devicectl');
  const listFile = posix.join(dir, 'list-devices.json');
  const list = await devicectlJson(transport, q, listDevicesArgv(q.xcrun, listFile), listFile, LIST_TIMEOUT_MS);
  if (list.json === undefined) {
    throw new RunnerError('devicectl-app', `xcrun devicectl list devices failed on ${transport.id} (${list.failure})`);
  }
  const devices = parseDevicectlDeviceList(list.json);
  const phones: MacPhone[] = [];
  // One after the other: devicectl serialises its work on the Mac anyway, and the output stays in order.
  for (const [i, device] of devices.entries()) {
    phones.push({ device, bench: await checkApp(transport, q, device, posix.join(dir, `apps-${i}.json`)) });
  }
  return phones;
}
