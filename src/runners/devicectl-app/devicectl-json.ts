// Parser for the JSON that `xcrun devicectl` writes with `--json-output <file>`, for the commands
// the harness uses to learn about an iPhone behind a Mac:
//   - `devicectl list devices --json-output f`         → result.devices[]
//   - `devicectl device info details --device X --json-output f` → result is the device itself
//   - `devicectl device info apps --device X --bundle-id B --json-output f` → result.apps[]
// Both wrap the payload as {"info": {"commandType", "outcome", "jsonVersion", ...}, "result": ...};
// a failed command writes {"info": {"outcome": "failed"}, "error": {"code", "domain",
// "userInfo": {"NSLocalizedDescription": {"string": ...}}}}. Per device, the facts live in
// `deviceProperties` (name, osVersionNumber, osBuildUpdate), `hardwareProperties` (productType,
// marketingName, udid, platform, deviceType) and `connectionProperties` (transportType, tunnelState,
// pairingState). Unknown keys are ignored; every fact is optional except the CoreDevice identifier.
// Pure: text in, typed data out.
import { z } from 'zod';
import { ParseError } from '../../errors.js';
import { decodeCapture, type CaptureInput } from '../../parsing/capture-text.js';

const WHAT = 'devicectl JSON output';

export interface DevicectlDevice {
  /** CoreDevice identifier (a UUID): what `--device` accepts. */
  identifier: string;
  /** Hardware UDID, e.g. "00008110-00015D4E1439801E". */
  udid?: string;
  /** The name the owner gave the device. */
  name?: string;
  /** Model identifier (productType), e.g. "iPhone16,1". */
  model?: string;
  /** e.g. "iPhone 15 Pro". */
  marketingName?: string;
  /** Board id, e.g. "D83AP". */
  hardwareModel?: string;
  /** "iPhone", "iPad", "appleWatch", "realityDevice", ... */
  deviceType?: string;
  /** "iOS", "watchOS", "xrOS", ... */
  platform?: string;
  /** osVersionNumber, e.g. "18.1.1". */
  osVersion?: string;
  /** osBuildUpdate, e.g. "22B91". */
  osBuild?: string;
  /** "physical" or "virtual". */
  reality?: string;
  /** "wired", "localNetwork", ... */
  transport?: string;
  /** "connected", "disconnected", "unavailable", ... */
  tunnelState?: string;
  pairingState?: string;
  /** "enabled" / "disabled". */
  developerMode?: string;
  bootState?: string;
}

const str = z.string().optional();
const DeviceSchema = z.object({
  identifier: z.string().min(1),
  deviceProperties: z
    .object({ name: str, osVersionNumber: str, osBuildUpdate: str, developerModeStatus: str, bootState: str })
    .optional(),
  hardwareProperties: z
    .object({
      udid: str,
      productType: str,
      marketingName: str,
      hardwareModel: str,
      deviceType: str,
      platform: str,
      reality: str,
    })
    .optional(),
  connectionProperties: z.object({ transportType: str, tunnelState: str, pairingState: str }).optional(),
});

const EnvelopeSchema = z.object({
  info: z.object({ outcome: z.string().optional(), commandType: z.string().optional() }).optional(),
  result: z.unknown().optional(),
  error: z.unknown().optional(),
});

/** Parses `devicectl list devices --json-output` into its devices. */
export function parseDevicectlDeviceList(capture: CaptureInput): DevicectlDevice[] {
  const text = decodeCapture(capture, 'devicectl JSON');
  const result = resultOf(text, 'devicectl.list.devices');
  const devices = z.object({ devices: z.array(z.unknown()) }).safeParse(result);
  if (!devices.success) throw new ParseError(WHAT, 'result.devices is not an array', text.slice(0, 400));
  return devices.data.devices.map((d, i) => deviceOf(d, `result.devices[${i}]`));
}

/** Parses `devicectl device info details --json-output` into the one device it describes. */
export function parseDevicectlDeviceDetails(capture: CaptureInput): DevicectlDevice {
  const text = decodeCapture(capture, 'devicectl JSON');
  const result = resultOf(text, 'devicectl.device.info.details');
  // Some versions nest the device under result.device; the versions seen put it at result itself.
  const nested = z.object({ device: z.object({ identifier: z.string() }) }).safeParse(result);
  return deviceOf(nested.success ? (result as { device: unknown }).device : result, 'result');
}

export interface DevicectlApp {
  bundleIdentifier: string;
  name?: string;
  /** CFBundleShortVersionString, e.g. "1.0". */
  version?: string;
  /** CFBundleVersion, e.g. "1". */
  bundleVersion?: string;
}

const AppSchema = z.object({ bundleIdentifier: z.string().min(1), name: str, version: str, bundleVersion: str });

/** Parses `devicectl device info apps --json-output` into the apps it lists (only the matching
 * bundle id when the command was given `--bundle-id`). */
export function parseDevicectlAppList(text: string): DevicectlApp[] {
  const result = resultOf(text, 'devicectl.device.info.apps');
  const apps = z.object({ apps: z.array(AppSchema) }).safeParse(result);
  if (!apps.success) {
    const issue = apps.error.issues[0];
    const where = `result.${issue?.path.join('.') ?? 'apps'}`;
    throw new ParseError(WHAT, `${where}: ${issue?.message ?? 'invalid'}`, text.slice(0, 400));
  }
  return apps.data.apps.map(({ bundleIdentifier, name, version, bundleVersion }) => ({
    bundleIdentifier,
    ...(name !== undefined ? { name } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(bundleVersion !== undefined ? { bundleVersion } : {}),
  }));
}

function resultOf(text: string, commandType: string): unknown {
  const doc = EnvelopeSchema.safeParse(parseJson(text));
  if (!doc.success) throw new ParseError(WHAT, 'not a devicectl JSON document', text.slice(0, 400));
  const { info, result, error } = doc.data;
  if (info?.outcome !== undefined && info.outcome !== 'success') {
    throw new ParseError(WHAT, `devicectl reported outcome "${info.outcome}": ${errorText(error)}`, text.slice(0, 400));
  }
  if (info?.commandType !== undefined && info.commandType !== commandType) {
    throw new ParseError(WHAT, `expected the output of ${commandType}, got ${info.commandType}`, text.slice(0, 400));
  }
  if (result === undefined) {
    throw new ParseError(WHAT, `no "result"${error === undefined ? '' : `: ${errorText(error)}`}`, text.slice(0, 400));
  }
  return result;
}

function deviceOf(value: unknown, where: string): DevicectlDevice {
  const parsed = DeviceSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = `${where}.${issue?.path.join('.') ?? ''}`;
    throw new ParseError(WHAT, `${path}: ${issue?.message ?? 'invalid'}`, JSON.stringify(value)?.slice(0, 400) ?? '');
  }
  const {
    identifier,
    deviceProperties: d = {},
    hardwareProperties: h = {},
    connectionProperties: c = {},
  } = parsed.data;
  const facts: Omit<DevicectlDevice, 'identifier'> = {
    udid: h.udid,
    name: d.name,
    model: h.productType,
    marketingName: h.marketingName,
    hardwareModel: h.hardwareModel,
    deviceType: h.deviceType,
    platform: h.platform,
    osVersion: d.osVersionNumber,
    osBuild: d.osBuildUpdate,
    reality: h.reality,
    transport: c.transportType,
    tunnelState: c.tunnelState,
    pairingState: c.pairingState,
    developerMode: d.developerModeStatus,
    bootState: d.bootState,
  };
  const device: DevicectlDevice = { identifier };
  for (const [key, v] of Object.entries(facts) as [keyof typeof facts, string | undefined][]) {
    if (v !== undefined) device[key] = v;
  }
  return device;
}

// `--json-output /dev/stdout` mixes devicectl's human-readable lines with the document; read from the
// first line that opens an object.
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const start = text.search(/^\{/m);
    const end = text.lastIndexOf('}');
    if (start >= 0 && end > start) {
      try {
        return JSON.parse(text.slice(start, end + 1));
      } catch {
        // fall through to the error below
      }
    }
    throw new ParseError(WHAT, 'not JSON', text.slice(0, 400));
  }
}

function errorText(error: unknown): string {
  const e = z
    .object({
      code: z.number().optional(),
      domain: z.string().optional(),
      userInfo: z.object({ NSLocalizedDescription: z.object({ string: z.string() }).optional() }).optional(),
    })
    .safeParse(error);
  if (!e.success) return 'no error details';
  const description = e.data.userInfo?.NSLocalizedDescription?.string;
  const code = e.data.domain !== undefined ? ` (${e.data.domain} ${e.data.code ?? ''})`.replace(' )', ')') : '';
  return `${description ?? 'no description'}${code}`;
}
