// The slice of the ssh2 API (underneath node-ssh) this transport uses where node-ssh has no
// equivalent: raw exec channels with exit signals, SFTP renames and key parsing. ssh2 ships no
// types of its own, so the shapes are declared here, narrowly, and the module is loaded once.
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';

export interface Ssh2Channel extends EventEmitter {
  stderr: EventEmitter;
  write(data: string): boolean;
  end(): void;
  close(): void;
  destroy(): void;
  signal(name: string): void;
}

export interface Ssh2Stats {
  size: number;
  mode: number;
  isDirectory(): boolean;
  isFile(): boolean;
}

export interface Ssh2TransferOptions {
  concurrency?: number;
  chunkSize?: number;
  mode?: number;
}

type Callback = (err: (Error & { code?: number | string }) | null | undefined) => void;

export interface Ssh2Sftp extends EventEmitter {
  fastPut(local: string, remote: string, options: Ssh2TransferOptions, cb: Callback): void;
  fastGet(remote: string, local: string, options: Ssh2TransferOptions, cb: Callback): void;
  stat(path: string, cb: (err: (Error & { code?: number }) | null | undefined, stats: Ssh2Stats) => void): void;
  unlink(path: string, cb: Callback): void;
  rename(from: string, to: string, cb: Callback): void;
  ext_openssh_rename(from: string, to: string, cb: Callback): void;
  end(): void;
}

export interface Ssh2Client extends EventEmitter {
  exec(command: string, options: Record<string, unknown>, cb: (err: Error | undefined, channel: Ssh2Channel) => void): boolean;
  end(): void;
  destroy(): void;
  setNoDelay(noDelay: boolean): void;
}

export interface Ssh2ParsedKey {
  type: string;
  comment: string;
  isPrivateKey(): boolean;
  getPublicSSH(): Buffer;
}

interface Ssh2Module {
  utils: { parseKey(data: string | Buffer, passphrase?: string): Ssh2ParsedKey | Ssh2ParsedKey[] | Error };
}

let loaded: Ssh2Module | undefined;

export function ssh2(): Ssh2Module {
  loaded ??= createRequire(import.meta.url)('ssh2') as Ssh2Module;
  return loaded;
}

/** SFTP status codes (draft-ietf-secsh-filexfer-02) that change what we tell the user. */
export const SftpStatus = {
  noSuchFile: 2,
  permissionDenied: 3,
  failure: 4,
} as const;
