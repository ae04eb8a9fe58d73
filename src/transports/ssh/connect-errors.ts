// What went wrong while connecting, in one line, and whether trying again can help. A refused login
// or a refused host key is final: retrying would only repeat the refusal (and trip fail2ban or
// sshd's penalties), so the connection remembers it and never dials again.
import { DeviceError } from '../../errors.js';
import type { SshAuth } from './auth.js';

export interface ConnectFailure {
  error: DeviceError;
  /** True when another attempt cannot succeed without the user changing something. */
  final: boolean;
}

interface Context {
  profile: string;
  target: string;
  host: string;
  port: number;
  user: string;
  auth: SshAuth;
  timeoutMs: number;
}

export function describeConnectError(error: unknown, ctx: Context): ConnectFailure {
  const err = error as Error & { level?: string; code?: string };
  const message = err?.message ?? String(error);
  const code = err?.code;
  const { profile, target } = ctx;
  if (err?.level === 'client-authentication' || /authentication methods failed/i.test(message)) {
    return {
      final: true,
      error: new DeviceError(profile, `${target} refused the login as ${ctx.user} with ${ctx.auth.description}`, {
        cause: error,
        hint:
          ctx.auth.agent !== undefined
            ? `check "user" in profile ${profile} and that one of the agent's keys ` +
              `(ssh-add -l) is in ~${ctx.user}/.ssh/authorized_keys on the device`
            : `check "user" and "key" in profile ${profile}; the matching public key must be ` +
              `in ~${ctx.user}/.ssh/authorized_keys on the device (ssh-copy-id ` +
              `-i <key>.pub -p ${ctx.port} ${ctx.user}@${ctx.host})`,
      }),
    };
  }
  if (err?.level === 'client-timeout' || /timed out while waiting for handshake/i.test(message)) {
    return {
      final: false,
      error: new DeviceError(profile, `no SSH answer from ${ctx.host}:${ctx.port} within ${ctx.timeoutMs} ms`, {
        cause: error,
        hint:
          `check that the device is on and reachable, and "host"/"port" ` +
          `in profile ${profile} (or raise "connectTimeoutMs")`,
      }),
    };
  }
  if (code === 'ECONNREFUSED') {
    return {
      final: false,
      error: new DeviceError(profile, `connection to ${ctx.host}:${ctx.port} refused`, {
        cause: error,
        hint: `is sshd running on the device and listening on port ${ctx.port}?`,
      }),
    };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return {
      final: false,
      error: new DeviceError(profile, `cannot resolve host name ${ctx.host}`, {
        cause: error,
        hint: `check "host" in profile ${profile}`,
      }),
    };
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ETIMEDOUT') {
    return {
      final: false,
      error: new DeviceError(profile, `${ctx.host}:${ctx.port} is unreachable (${code})`, {
        cause: error,
        hint: 'check the network path to the device',
      }),
    };
  }
  if (err?.level === 'handshake' || /handshake failed/i.test(message)) {
    return {
      final: true,
      error: new DeviceError(profile, `SSH handshake with ${ctx.host}:${ctx.port} failed: ${message}`, {
        cause: error,
        hint: 'the server offers no key exchange, cipher or host key algorithm this client supports',
      }),
    };
  }
  return {
    final: false,
    error: new DeviceError(profile, `cannot connect to ${target}: ${message}`, {
      cause: error,
      hint: `check "host" and "port" in profile ${profile}; is it an SSH server?`,
    }),
  };
}
