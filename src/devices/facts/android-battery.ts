// `dumpsys battery`: `  key: value` lines under "Current Battery Service state:". Read through a field
// table (unknown keys are ignored, so OEM additions do not break it). Temperature is in tenths of °C
// and voltage in mV.
import { ParseError } from '../../errors.js';
import { decodeCapture, type CaptureInput } from '../../parsing/capture-text.js';

export interface BatteryState {
  /** Charge in percent (level / scale * 100). */
  levelPercent: number | undefined;
  temperatureC: number | undefined;
  voltageMv: number | undefined;
  /** BatteryManager.BATTERY_STATUS_*: 2 charging, 3 discharging, 4 not charging, 5 full. */
  status: number | undefined;
  health: number | undefined;
  /** Which power source is connected, if any (charging heats the battery and can skew numbers). */
  plugged: 'ac' | 'usb' | 'wireless' | 'dock' | undefined;
  present: boolean | undefined;
  technology: string | undefined;
}

type Field = { key: string; type: 'number' | 'boolean' | 'string' };

const FIELDS: Record<string, Field> = {
  'AC powered': { key: 'ac', type: 'boolean' },
  'USB powered': { key: 'usb', type: 'boolean' },
  'Wireless powered': { key: 'wireless', type: 'boolean' },
  'Dock powered': { key: 'dock', type: 'boolean' },
  status: { key: 'status', type: 'number' },
  health: { key: 'health', type: 'number' },
  present: { key: 'present', type: 'boolean' },
  level: { key: 'level', type: 'number' },
  scale: { key: 'scale', type: 'number' },
  voltage: { key: 'voltage', type: 'number' },
  temperature: { key: 'temperature', type: 'number' },
  technology: { key: 'technology', type: 'string' },
};

export function parseDumpsysBattery(capture: CaptureInput): BatteryState {
  const text = decodeCapture(capture, 'dumpsys battery');
  const values = new Map<string, number | boolean | string>();
  for (const line of text.split('\n')) {
    const match = /^\s*([^:]+?):\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    const field = FIELDS[match[1]!];
    if (!field) continue;
    const raw = match[2]!;
    if (field.type === 'number') {
      const n = Number(raw);
      if (raw !== '' && Number.isFinite(n)) values.set(field.key, n);
    } else if (field.type === 'boolean') {
      if (raw === 'true' || raw === 'false') values.set(field.key, raw === 'true');
    } else {
      values.set(field.key, raw);
    }
  }
  const num = (key: string) => (typeof values.get(key) === 'number' ? (values.get(key) as number) : undefined);
  const bool = (key: string) => (typeof values.get(key) === 'boolean' ? (values.get(key) as boolean) : undefined);
  const level = num('level');
  const temperature = num('temperature');
  if (level === undefined && temperature === undefined) {
    throw new ParseError('dumpsys battery', 'no level or temperature line', text.slice(0, 200));
  }
  const scale = num('scale') || 100;
  const plugged = (['ac', 'usb', 'wireless', 'dock'] as const).find((source) => bool(source) === true);
  return {
    levelPercent: level === undefined ? undefined : Math.round((level / scale) * 1000) / 10,
    temperatureC: temperature === undefined ? undefined : temperature / 10,
    voltageMv: num('voltage'),
    status: num('status'),
    health: num('health'),
    plugged,
    present: bool('present'),
    technology: typeof values.get('technology') === 'string' ? (values.get('technology') as string) : undefined,
  };
}
