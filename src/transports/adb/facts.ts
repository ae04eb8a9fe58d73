// Device facts (info) and temperatures (thermal) from the phone's own tools, parsed by the pure
// parsers in devices/facts/.
import { DeviceError } from '../../errors.js';
import { parseDumpsysBattery, type BatteryState } from '../../devices/facts/android-battery.js';
import { firstProp, parseGetprop } from '../../devices/facts/android-getprop.js';
import {
  parseThermalService,
  temperaturesOnly,
  thermalStatusText,
} from '../../devices/facts/android-thermalservice.js';
import { parseSysThermal } from '../../devices/facts/sys-thermal.js';
import { sysThermalArgv } from '../sys-thermal-script.js';
import type { DeviceInfo, ExecOptions, ExecResult, ThermalReading } from '../types.js';

export interface FactsTarget {
  device: string;
  serial: string;
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}

const TOOL_TIMEOUT_MS = 30_000;

/**
 * Android thermal status at or above which a reading counts as throttling: 2 (moderate). Status 1
 * (light) is common on a warm phone with barely any clock capping; it is kept in `status` so reports
 * can show it, but does not flag the entry.
 */
export const THROTTLING_STATUS = 2;

async function run(target: FactsTarget, argv: string[]): Promise<ExecResult> {
  return target.exec(argv, { timeoutMs: TOOL_TIMEOUT_MS });
}

export async function readBattery(target: FactsTarget): Promise<BatteryState | undefined> {
  const result = await run(target, ['dumpsys', 'battery']);
  if (result.exitCode !== 0) return undefined;
  try {
    return parseDumpsysBattery(result.stdout);
  } catch {
    return undefined;
  }
}

export async function readInfo(target: FactsTarget): Promise<DeviceInfo> {
  const result = await run(target, ['getprop']);
  if (result.exitCode !== 0) {
    throw new DeviceError(
      target.device,
      `\`getprop\` failed on ${target.serial} ` +
        `(exit ${result.exitCode}): ${(result.stderr || result.stdout).trim().split('\n')[0] ?? ''}`,
    );
  }
  const props = parseGetprop(result.stdout);
  const battery = await readBattery(target);
  const release = firstProp(props, 'ro.build.version.release');
  return {
    model: firstProp(props, 'ro.product.model') ?? 'unknown',
    soc: firstProp(props, 'ro.soc.model', 'ro.board.platform', 'ro.hardware') ?? 'unknown',
    os: release ? `Android ${release}` : 'Android',
    build: firstProp(props, 'ro.build.fingerprint') ?? 'unknown',
    abi: firstProp(props, 'ro.product.cpu.abi') ?? 'unknown',
    serial: target.serial,
    manufacturer: firstProp(props, 'ro.product.manufacturer'),
    socManufacturer: firstProp(props, 'ro.soc.manufacturer'),
    sdk: firstProp(props, 'ro.build.version.sdk'),
    batteryPercent: battery?.levelPercent,
    batteryTemperatureC: battery?.temperatureC,
    batteryPlugged: battery?.plugged ?? (battery ? 'none' : undefined),
  };
}

/**
 * Temperatures from `dumpsys thermalservice` (current HAL values), falling back to /sys/class/thermal
 * when the service has no HAL block (old Android, no thermal HAL). Throttling: status >= 2.
 */
export async function readThermal(target: FactsTarget): Promise<ThermalReading> {
  const dump = await run(target, ['dumpsys', 'thermalservice']);
  const service = dump.exitCode === 0 ? parseThermalService(dump.stdout) : undefined;
  const status = service?.status;
  const statusFields = status === undefined ? {} : { status: thermalStatusText(status) };
  const throttling = status !== undefined && status >= THROTTLING_STATUS;
  // Only temperatures reach the reading (and so the thermal gate): BCL voltage, current and
  // percentage entries and unknown-unit ones share the dump's Temperature{} form but are not °C.
  const temperatures = service ? temperaturesOnly(service) : [];
  if (temperatures.length > 0) {
    const named = Object.fromEntries(temperatures.map((t) => [t.name, t.celsius]));
    return { temperatures: named, throttling, ...statusFields };
  }
  const zones = await run(target, [...sysThermalArgv]);
  if (zones.exitCode !== 0) {
    const why = zones.stderr.trim().split('\n')[0] || (zones.timedOut ? 'timed out' : `exit ${zones.exitCode}`);
    throw new DeviceError(target.device, `cannot read temperatures on ${target.serial}: ${why}`);
  }
  return {
    temperatures: Object.fromEntries(parseSysThermal(zones.stdout).map((z) => [z.name, z.celsius])),
    throttling,
    ...statusFields,
  };
}
