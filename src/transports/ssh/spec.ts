// The `ssh` transport block of a device profile, and the small helpers every part of the transport
// needs to talk about it (its `user@host:port` name, `~` in file paths).
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { TransportSpec } from '../../devices/schema.js';

export type SshTransportSpec = Extract<TransportSpec, { kind: 'ssh' }>;

export interface SshTransportOptions {
  /** Profile name, used in every error message and in the "how to fix it" hints. */
  profile: string;
  /** Stops a connection attempt in progress; later reconnects are refused once it has fired. */
  signal?: AbortSignal;
  /** The profile's work folder: pushes and pulls outside it are refused. */
  workDir?: string;
}

/** `user@host:port`, the transport id and the way messages name the remote end. */
export function sshTarget(spec: Pick<SshTransportSpec, 'user' | 'host' | 'port'>): string {
  const host = spec.host.includes(':') ? `[${spec.host}]` : spec.host;
  return `${spec.user}@${host}:${spec.port}`;
}

/** Profiles are shared between people, so key and known_hosts paths may start with `~/`. */
export function expandHome(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return path;
}
