// `host:devices-l` (what `adb devices -l` prints): `<serial> <state> key:value ...` per line. adbkit's
// listDevicesWithPaths() shifts these fields for network devices (it expects a usb path), so the list
// is read here. The line is read from the end: trailing `key:value` pairs, then the state; what is
// left is the serial, which may contain spaces.

export interface AdbDeviceEntry {
  serial: string;
  /** device, offline, unauthorized, authorizing, connecting, recovery, sideload, bootloader, ... */
  state: string;
  product?: string;
  model?: string;
  device?: string;
  transportId?: number;
  usb?: string;
}

const STATE_NAMES = [
  'device',
  'offline',
  'unauthorized',
  'authorizing',
  'connecting',
  'recovery',
  'rescue',
  'sideload',
  'bootloader',
  'host',
  'detached',
  'unknown',
  'no permissions.*',
];
const STATES = new RegExp(`^(.*?)\\s+(${STATE_NAMES.join('|')})$`);

const INFO_PAIR = /\s+((usb|product|model|device|transport_id|features):(\S*))$/;

export function parseDeviceList(text: string): AdbDeviceEntry[] {
  const entries: AdbDeviceEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line.trim() === '' || line.startsWith('List of devices') || line.startsWith('*')) continue;
    // Cut the trailing pairs off the line itself (never split and re-join it): a serial keeps its
    // spaces exactly, and the device is reached by that serial.
    const info: Record<string, string> = {};
    let head = line;
    for (;;) {
      const pair = INFO_PAIR.exec(head);
      if (!pair || head.slice(0, pair.index).trim().split(/\s+/).length < 2) break;
      info[pair[2]!] = pair[3]!;
      head = head.slice(0, pair.index);
    }
    const match = STATES.exec(head);
    const tokens = head.trim().split(/\s+/);
    const entry: AdbDeviceEntry = match
      ? { serial: match[1]!, state: match[2]! }
      : { serial: tokens[0] ?? head, state: tokens.slice(1).join(' ') || 'unknown' };
    if (info.product !== undefined) entry.product = info.product;
    if (info.model !== undefined) entry.model = info.model;
    if (info.device !== undefined) entry.device = info.device;
    if (info.usb !== undefined) entry.usb = info.usb;
    if (info.transport_id !== undefined && /^\d+$/.test(info.transport_id))
      entry.transportId = Number(info.transport_id);
    entries.push(entry);
  }
  return entries;
}
