// The `phones` part of a `bench devices` entry: what a Mac's devicectl sees, to fill in a devicectl-app
// profile (`runner.options.udid`) and to check that the bench app (`bundleId`) is on the phone.
import type { ProfileReport } from '../app/devices.js';
import type { ListedPhone } from '../app/mac-phones.js';

const INDENT = '             ';

function describePhone(p: ListedPhone, bundleId: string | undefined): string[] {
  const d = p.device;
  const join = (parts: (string | undefined)[], separator: string) => parts.filter(Boolean).join(separator);
  const model = join([d.marketingName, d.model && d.model !== d.marketingName ? `(${d.model})` : undefined], ' ');
  const os = join([d.platform, d.osVersion, d.osBuild ? `(${d.osBuild})` : undefined], ' ');
  const link = join([d.transport, d.tunnelState === 'unavailable' ? 'tunnel unavailable' : d.tunnelState], ', ');
  const developer = d.developerMode === 'disabled' ? 'Developer Mode off' : undefined;
  const facts = [model || d.deviceType, os, link, developer].filter(Boolean);
  const lines = [`${d.name ?? d.identifier}: ${facts.join(', ')}${p.inProfile ? "   <- this profile's udid" : ''}`];
  lines.push(`  identifier ${d.identifier}${d.udid ? `, udid ${d.udid}` : ''}`);
  const b = p.bench;
  const app = bundleId ?? 'bench app';
  if (b.installed === true) {
    const version = join(
      [b.app?.version && `version ${b.app.version}`, b.app?.bundleVersion && `build ${b.app.bundleVersion}`],
      ', ',
    );
    lines.push(`  ${app}: installed${version ? ` (${version})` : ''}`);
  } else if (b.installed === false) {
    lines.push(`  ${app}: NOT INSTALLED (build and install it: docs/ios-bench-app.md)`);
  } else {
    lines.push(`  ${app}: not checked: ${b.note ?? 'unknown'}`);
  }
  return lines.map((l) => `${INDENT}${l}`);
}

/** Lines for the report's `phones`, or none for a profile that has no phone behind a Mac. */
export function renderPhones(r: ProfileReport): string[] {
  const phones = r.phones;
  if (!phones) return [];
  if (phones.error) {
    const out = [`  phones     cannot list the Mac's devices: ${phones.error.message}`];
    if (phones.error.hint) out.push(`${INDENT}${phones.error.hint}`);
    return out;
  }
  const devices = phones.devices ?? [];
  if (devices.length === 0) {
    return ["  phones     none: the Mac's devicectl sees no device (plug the phone in, unlock it, trust the Mac)"];
  }
  const lead =
    `  phones     ${devices.length} seen by the Mac (xcrun devicectl list devices); ` +
    'set runner.options.udid to an identifier';
  return [lead, ...devices.flatMap((p) => describePhone(p, phones.bundleId))];
}
