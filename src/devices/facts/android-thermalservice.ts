// `dumpsys thermalservice`. Only the block between "Current temperatures from HAL:" and "Current
// cooling devices from HAL:" is read: the "Cached temperatures" above it can be stale. Each entry is
// `Temperature{mValue=.., mType=.., mName=.., mStatus=..}`, but some OEMs print the fields in another
// order, so fields are read by name. -99.9 means "sensor unavailable" and is dropped.
//
// Not every entry is a temperature. The HAL also reports battery current limiting (BCL) under the same
// Temperature{} form: TYPE_BCL_VOLTAGE (6, volts or mV: vbat 4.384, vdroop1 1050.0), TYPE_BCL_CURRENT
// (7, mA: ocp_cpu2 11900.0) and TYPE_BCL_PERCENTAGE (8: socd 11.0), and TYPE_UNKNOWN (-1) values "can
// be in any units" (Pixel's USB2-MINUS-USB is a difference, -0.117). So an entry's quantity and kind
// come from its type number first (Android's Temperature.TYPE_* list) and its name second; only
// `quantity: 'temperature'` entries may reach the thermal gate. An entry without mType is taken for a
// temperature and named by its name.
//
// Types are not quite portable: Samsung's sit one above AOSP's (TYPE_CPU has mType=1). When entries
// named TYPE_<KIND> all sit the same distance from the AOSP number, the whole dump is read with that
// offset. Sensors are keyed on mName.
import { ParseError } from '../../errors.js';
import { decodeCapture, type CaptureInput } from '../../parsing/capture-text.js';
import { insteadOf } from '../../parsing/looks-like.js';

/** android.os.Temperature TYPE_* constants (AOSP). */
const AOSP_TYPES: Record<number, string> = {
  0: 'cpu',
  1: 'gpu',
  2: 'battery',
  3: 'skin',
  4: 'usb_port',
  5: 'power_amplifier',
  6: 'bcl_voltage',
  7: 'bcl_current',
  8: 'bcl_percentage',
  9: 'npu',
  10: 'tpu',
  11: 'display',
  12: 'modem',
  13: 'soc',
  14: 'wifi',
  15: 'camera',
  16: 'flashlight',
  17: 'speaker',
  18: 'ambient',
  19: 'pogo',
};
const AOSP_NUMBER = new Map(Object.entries(AOSP_TYPES).map(([n, kind]) => [kind, Number(n)]));

/** Name patterns, checked in order; the first match gives the kind. */
const NAME_KINDS: [RegExp, string][] = [
  [/^TYPE_([A-Z_]+)$/, ''],
  [/skin|xo[-_]?therm|quiet[-_]?therm/i, 'skin'],
  [/batt|bat$|^bat[-_]/i, 'battery'],
  [/gpu/i, 'gpu'],
  [/cpu|cluster|little|big|silver|gold|prime/i, 'cpu'],
  [/npu|nsp|tpu|hexagon|cdsp|q6/i, 'npu'],
  [/usb/i, 'usb_port'],
  [/modem|mdm/i, 'modem'],
  [/^soc$|^ap$|soc[-_]/i, 'soc'],
];

/** Thermal Status values (PowerManager.THERMAL_STATUS_*). */
export const THERMAL_STATUS_NAMES = [
  'none',
  'light',
  'moderate',
  'severe',
  'critical',
  'emergency',
  'shutdown',
] as const;

/** What an entry's value measures: only `temperature` values are degrees Celsius. */
export type ThermalQuantity = 'temperature' | 'bcl-voltage' | 'bcl-current' | 'bcl-percentage' | 'unknown';

const NOT_TEMPERATURE: Record<string, ThermalQuantity> = {
  bcl_voltage: 'bcl-voltage',
  bcl_current: 'bcl-current',
  bcl_percentage: 'bcl-percentage',
};

export interface AndroidTemperature {
  /** mName, made unique with `#2`, `#3` when a name repeats. */
  name: string;
  /** mValue as printed: °C only when `quantity` is `temperature`. */
  celsius: number;
  quantity: ThermalQuantity;
  /** mType as printed (not corrected). */
  type: number | undefined;
  /** Per-sensor throttling severity (mStatus). */
  status: number | undefined;
  /** What the sensor measures, when the name or type tells (cpu, gpu, skin, battery, npu, soc, ...). */
  kind: string | undefined;
}

export interface ThermalServiceReading {
  /** `Thermal Status: N` (0 none, 1 light, 2 moderate, 3 severe, ...), when printed. */
  status: number | undefined;
  temperatures: AndroidTemperature[];
  /** False when the dump has no "Current temperatures from HAL" block (no HAL, or not a thermalservice dump). */
  halBlock: boolean;
  /** Offset detected between this device's mType values and AOSP's (1 on Samsung). */
  typeOffset: number;
}

function kindFromName(name: string): string | undefined {
  for (const [pattern, kind] of NAME_KINDS) {
    const match = pattern.exec(name);
    if (!match) continue;
    if (kind !== '') return kind;
    const aosp = match[1]!.toLowerCase();
    return AOSP_NUMBER.has(aosp) ? aosp : undefined;
  }
  return undefined;
}

function fields(body: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of body.split(/,\s*(?=m[A-Z]\w*=)/)) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

function halBlock(text: string): string | undefined {
  const start = text.indexOf('Current temperatures from HAL:');
  if (start < 0) return undefined;
  const rest = text.slice(start + 'Current temperatures from HAL:'.length);
  const end = rest.indexOf('Current cooling devices from HAL:');
  if (end >= 0) return rest.slice(0, end);
  // Without the next header, the block ends at the first line that is not an entry.
  const lines = rest.split('\n');
  const kept: string[] = [];
  for (const line of lines.slice(1)) {
    if (line.trim() !== '' && !/^\s*Temperature\{/.test(line)) break;
    kept.push(line);
  }
  return kept.join('\n');
}

function detectOffset(entries: { name: string; type: number | undefined }[]): number {
  const diffs = new Set<number>();
  for (const e of entries) {
    const match = /^TYPE_([A-Z_]+)$/.exec(e.name);
    const aosp = match ? AOSP_NUMBER.get(match[1]!.toLowerCase()) : undefined;
    if (aosp !== undefined && e.type !== undefined) diffs.add(e.type - aosp);
  }
  return diffs.size === 1 ? [...diffs][0]! : 0;
}

/** Quantity and kind of an entry: its (offset-corrected) AOSP type first, its name second. */
type Classified = { quantity: ThermalQuantity; kind: string | undefined };

function classify(name: string, type: number | undefined, offset: number): Classified {
  if (type === undefined) return { quantity: 'temperature', kind: kindFromName(name) };
  const aosp = AOSP_TYPES[type - offset];
  if (aosp === undefined) return { quantity: 'unknown', kind: kindFromName(name) };
  return { quantity: NOT_TEMPERATURE[aosp] ?? 'temperature', kind: aosp };
}

/** Only the entries whose values are temperatures (what a thermal gate may compare with a limit). */
export function temperaturesOnly(reading: ThermalServiceReading): AndroidTemperature[] {
  return reading.temperatures.filter((t) => t.quantity === 'temperature');
}

export function parseThermalService(capture: CaptureInput): ThermalServiceReading {
  const text = decodeCapture(capture, 'dumpsys thermalservice');
  const statusMatch = /^\s*Thermal Status: (-?\d+)/m.exec(text);
  const status = statusMatch ? Number(statusMatch[1]) : undefined;
  const block = halBlock(text);
  if (block === undefined) return { status, temperatures: [], halBlock: false, typeOffset: 0 };

  const raw: { name: string; celsius: number; type: number | undefined; status: number | undefined }[] = [];
  for (const match of block.matchAll(/Temperature\{([^}]*)\}/g)) {
    const f = fields(match[1]!);
    const name = f.get('mName');
    const value = Number(f.get('mValue'));
    if (name === undefined || f.get('mValue') === undefined) {
      const problem = `a Temperature{} entry without mName or mValue: ${match[0].slice(0, 120)}`;
      const what = 'dumpsys thermalservice';
      throw new ParseError(what, `${problem}${insteadOf(text, what)}`, match[0]);
    }
    // -99.9: sensor unavailable. NaN: not reported.
    if (!Number.isFinite(value) || Math.abs(value + 99.9) < 1e-6) continue;
    const type = f.has('mType') ? Number(f.get('mType')) : undefined;
    const sensorStatus = f.has('mStatus') ? Number(f.get('mStatus')) : undefined;
    raw.push({
      name,
      celsius: value,
      type: Number.isFinite(type) ? type : undefined,
      status: Number.isFinite(sensorStatus) ? sensorStatus : undefined,
    });
  }

  const typeOffset = detectOffset(raw);
  const seen = new Map<string, number>();
  const temperatures = raw.map((e): AndroidTemperature => {
    const count = (seen.get(e.name) ?? 0) + 1;
    seen.set(e.name, count);
    const { quantity, kind } = classify(e.name, e.type, typeOffset);
    return { ...e, name: count === 1 ? e.name : `${e.name}#${count}`, quantity, kind };
  });
  return { status, temperatures, halBlock: true, typeOffset };
}

/** `light (1)`, `moderate (2)`, ... for the record. */
export function thermalStatusText(status: number): string {
  return `${THERMAL_STATUS_NAMES[status] ?? 'unknown'} (${status})`;
}
