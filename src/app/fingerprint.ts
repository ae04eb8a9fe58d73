import { sha256Hex } from '../hashing.js';
import type { DeviceInfo } from '../transports/types.js';

/**
 * A stable id of the hardware and system software: model, SoC, OS, build and ABI. Tables with
 * different fingerprints come from different machines (or a changed OS) and are not compared.
 */
export function deviceFingerprint(info: DeviceInfo): string {
  const basis = [info.model, info.soc, info.os, info.build, info.abi].join('\n');
  return sha256Hex(basis).slice(0, 16);
}
