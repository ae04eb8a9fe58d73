// adb's own failures (adbkit surfaces the server's FAIL text as "Failure: '<text>'") turned into
// DeviceErrors that say what is wrong and what to do next.
import { DeviceError, isBenchError } from '../../errors.js';

const NEXT = 'then run `bench devices`';

export const hints = {
  unauthorized: `accept the "Allow USB debugging?" (RSA key) prompt on the phone, ${NEXT}`,
  offline:
    `reconnect the phone (replug the cable, or \`adb reconnect offline\`; ` +
    `for a network phone \`adb disconnect\` and connect again), ${NEXT}`,
  missing: `plug the phone in with USB debugging enabled (or \`adb connect <host:port>\` for a network phone), ${NEXT}`,
  lost: `check the cable or the network, ${NEXT}; \`bench blocks --resume\` completes the run`,
} as const;

/** The text adb sent, without adbkit's "Failure: '...'" wrapping, on one line. */
export function adbMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const match = /^Failure: '([\s\S]*)'$/.exec(text);
  return (match ? match[1]! : text).split('\n')[0]!.trim();
}

/** Maps any failure of an adb call to a DeviceError; `what` says what was being done. */
export function toDeviceError(device: string, serial: string, what: string, error: unknown): DeviceError {
  if (isBenchError(error) && error instanceof DeviceError) return error;
  const message = adbMessage(error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (/unauthorized/i.test(message)) {
    return new DeviceError(device, `${serial} is unauthorized: the phone has not accepted this computer's adb key`, {
      cause: error,
      hint: hints.unauthorized,
    });
  }
  if (/offline/i.test(message)) {
    return new DeviceError(device, `${serial} is offline`, { cause: error, hint: hints.offline });
  }
  if (/not found|no devices/i.test(message)) {
    return new DeviceError(device, `${serial} is not attached to the adb server`, {
      cause: error,
      hint: hints.missing,
    });
  }
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || /closed|premature|EOF/i.test(message)) {
    return new DeviceError(device, `lost the adb connection to ${serial} while trying to ${what}: ${message}`, {
      cause: error,
      hint: hints.lost,
    });
  }
  return new DeviceError(device, `${serial}: ${what} failed: ${message}`, { cause: error });
}
