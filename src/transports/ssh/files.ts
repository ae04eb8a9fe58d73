// Copying files to and from the device over the connection's SFTP session. A push first asks the
// device, in one command for the whole batch, to create the folders and hash whatever is already
// there; files whose sha256 already matches are skipped. A copy goes to a temporary name and is
// renamed into place, so an interrupted push never leaves a truncated file under the real name.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname as localDirname, posix } from 'node:path';
import { performance } from 'node:perf_hooks';
import ssh2 from 'ssh2';
import { asDiskFull, isDiskFull } from '../../atomic-write.js';
import { DeviceError, InterruptedError } from '../../errors.js';
import type { ExecOptions, ExecResult, PushResult } from '../types.js';
import type { SshConnection } from './connection.js';
import { describeLocalFile, type LocalFile } from './local-hash.js';
import { checkInsideWorkDir, linkedOutError } from '../confine.js';
import { confinedPreparePushScript, diskFreeScript, hashFilesScript, preparePushScript } from './scripts.js';
import { scriptArgv } from './scripts.js';
import type { Ssh2Sftp } from './ssh2.js';

/** SFTP status codes (draft-ietf-secsh-filexfer-02); a missing file and a refusal change what we tell the user. */
const { STATUS_CODE } = ssh2.utils.sftp;

export type HashTool = 'sha256sum' | 'shasum' | 'none';

export interface FileContext {
  conn: SshConnection;
  /** The work folder: pushes and pulls outside it (also through a symbolic link) are refused. */
  workDir?: string;
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  hashTool(): Promise<HashTool>;
}

export interface PushItem {
  local: string;
  remote: string;
}

/**
 * Linux limits one argument (the whole command line sshd hands to the shell) to 128 KiB; batches
 * of paths stay well below.
 */
const maxBatchChars = 60_000;

function digestOf(text: string): string | undefined {
  return /[0-9a-f]{64}/i.exec(text)?.[0]?.toLowerCase();
}

function batches<T>(items: readonly T[], size: (item: T) => number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let chars = 0;
  for (const item of items) {
    const n = size(item);
    if (current.length > 0 && chars + n > maxBatchChars) {
      out.push(current);
      current = [];
      chars = 0;
    }
    current.push(item);
    chars += n;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Runs a fixed script and returns its stdout lines; a failing script is a DeviceError. */
async function scriptLines(
  ctx: FileContext,
  script: string,
  args: string[],
  what: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const result = await ctx.exec(scriptArgv(script, args), signal ? { signal } : {});
  if (signal?.aborted) throw new InterruptedError(`device ${ctx.conn.profile}: stopped while ${what}`);
  if (result.exitCode !== 0) {
    throw new DeviceError(
      ctx.conn.profile,
      `${what} failed on ${ctx.conn.target} (exit ${result.exitCode}): ${result.stderr.trim().split('\n')[0] ?? ''}`,
    );
  }
  return result.stdout.split('\n').filter((l) => l.length > 0);
}

type RemoteState = { kind: 'hash'; sha256: string | undefined } | { kind: 'absent' };

/** Creates the parent folders and hashes what is already on the device, for every item, in one command per batch. */
async function prepare(ctx: FileContext, items: readonly PushItem[], signal?: AbortSignal): Promise<RemoteState[]> {
  const tool = await ctx.hashTool();
  const states: RemoteState[] = [];
  for (const batch of batches(items, (i) => i.remote.length * 2 + 16)) {
    const pairs = batch.flatMap((i) => [posix.dirname(i.remote), i.remote]);
    const lines =
      ctx.workDir === undefined
        ? await scriptLines(ctx, preparePushScript, [tool, ...pairs], 'preparing the copy', signal)
        : await scriptLines(
            ctx,
            confinedPreparePushScript,
            [tool, ctx.workDir, ...pairs],
            'preparing the copy',
            signal,
          );
    if (lines.length !== batch.length) {
      throw new DeviceError(
        ctx.conn.profile,
        `preparing the copy on ${ctx.conn.target} answered ${lines.length} lines for ${batch.length} files`,
      );
    }
    batch.forEach((item, index) => {
      const line = lines[index] ?? '';
      const [tag, detail = ''] = line.split('\t', 2);
      const folder = posix.dirname(item.remote);
      if (tag === 'O') throw linkedOutError(ctx.conn.profile, ctx.workDir!, item.remote, detail.trim());
      if (tag === 'M') {
        throw new DeviceError(
          ctx.conn.profile,
          `cannot create folder ${folder} on ${ctx.conn.target}: ${detail.trim()}`,
          {
            hint: `check "workDir" in profile ${ctx.conn.profile}: it must be a folder the SSH user can write`,
          },
        );
      }
      if (tag === 'W') {
        throw new DeviceError(
          ctx.conn.profile,
          `folder ${folder} on ${ctx.conn.target} is not writable by ${ctx.conn.target.split('@')[0]}`,
          {
            hint: `check "workDir" in profile ${ctx.conn.profile}, or fix the folder's permissions on the device`,
          },
        );
      }
      if (tag === 'H') states.push({ kind: 'hash', sha256: digestOf(detail) });
      else if (tag === 'R') states.push({ kind: 'hash', sha256: undefined });
      else states.push({ kind: 'absent' });
    });
  }
  return states;
}

function sftpCall(
  run: (cb: (err: (Error & { code?: number | string }) | null | undefined) => void) => void,
): Promise<void> {
  return new Promise((resolve, reject) => run((err) => (err ? reject(err) : resolve())));
}

/** Free space in bytes on the device's file system holding `folder`, or undefined when df cannot tell. */
async function freeBytes(ctx: FileContext, folder: string): Promise<number | undefined> {
  try {
    const [line] = await scriptLines(ctx, diskFreeScript, [folder], 'df');
    const free = Number(line?.trim().split(/\s+/)[3]);
    return Number.isFinite(free) ? free * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

async function writeError(ctx: FileContext, error: unknown, file: LocalFile, remote: string): Promise<DeviceError> {
  const { profile, target } = ctx.conn;
  if (!ctx.conn.connected) {
    return new DeviceError(profile, `connection to ${target} dropped while copying ${remote}`, {
      cause: error,
      hint: 'the next command reconnects',
    });
  }
  const code = (error as { code?: number }).code;
  const folder = posix.dirname(remote);
  if (code === STATUS_CODE.PERMISSION_DENIED) {
    return new DeviceError(profile, `cannot write ${remote} on ${target}: permission denied`, {
      cause: error,
      hint: `check "workDir" in profile ${profile}, or the permissions of ${folder} on the device`,
    });
  }
  const free = await freeBytes(ctx, folder);
  if (free !== undefined && free < file.size) {
    return new DeviceError(
      profile,
      `remote disk full: ${folder} on ${target} has ${mib(free)} ` +
        `free, ${posix.basename(remote)} needs ${mib(file.size)}`,
      {
        cause: error,
        hint: `free space on the device or point "workDir" in profile ${profile} at a larger file system`,
      },
    );
  }
  return new DeviceError(
    profile,
    `copying ${file.path} to ${remote} on ${target} failed: ${(error as Error).message}`,
    { cause: error },
  );
}

async function renameRemote(sftp: Ssh2Sftp, from: string, to: string): Promise<void> {
  try {
    // OpenSSH's posix-rename replaces the target atomically; plain SFTP rename refuses to.
    await sftpCall((cb) => sftp.ext_openssh_rename(from, to, cb));
  } catch (error) {
    if (!/not support/i.test((error as Error).message)) throw error;
    await sftpCall((cb) => sftp.unlink(to, cb)).catch(() => {});
    await sftpCall((cb) => sftp.rename(from, to, cb));
  }
}

function remoteSize(sftp: Ssh2Sftp, path: string): Promise<number> {
  return new Promise((resolve, reject) => sftp.stat(path, (err, stats) => (err ? reject(err) : resolve(stats.size))));
}

/**
 * Runs `work` on the SFTP session; an abort ends the session, which fails the transfer at once. A
 * dropped connection fails it too: ssh2's fastPut/fastGet never call back when the connection dies
 * mid-transfer, and with nothing else pending the process would simply end (exit 13, no message).
 */
async function withAbort<T>(
  ctx: FileContext,
  signal: AbortSignal | undefined,
  what: string,
  work: () => Promise<T>,
): Promise<T> {
  if (signal?.aborted) throw new InterruptedError(`device ${ctx.conn.profile}: stopped before ${what}`);
  const onAbort = () => ctx.conn.resetSftp();
  signal?.addEventListener('abort', onAbort, { once: true });
  let unsubscribe = () => {};
  const dropped = new Promise<never>((_, reject) => {
    unsubscribe = ctx.conn.onDrop((error) => {
      const { profile, target } = ctx.conn;
      const hint = error.hint ?? 'the next command reconnects';
      reject(new DeviceError(profile, `connection to ${target} dropped while ${what}`, { cause: error, hint }));
    });
  });
  try {
    return await Promise.race([work(), dropped]);
  } catch (error) {
    if (signal?.aborted) throw new InterruptedError(`device ${ctx.conn.profile}: stopped while ${what}`);
    throw error;
  } finally {
    unsubscribe();
    signal?.removeEventListener('abort', onAbort);
  }
}

async function upload(ctx: FileContext, file: LocalFile, remote: string, signal?: AbortSignal): Promise<void> {
  const sftp = await ctx.conn.sftp();
  const temp = `${remote}.nsb-${randomBytes(4).toString('hex')}.part`;
  await withAbort(ctx, signal, `copying ${remote}`, async () => {
    try {
      await sftpCall((cb) => sftp.fastPut(file.path, temp, { mode: file.mode }, cb));
      await renameRemote(sftp, temp, remote);
      const size = await remoteSize(sftp, remote);
      if (size !== file.size) {
        throw new DeviceError(
          ctx.conn.profile,
          `copy of ${file.path} to ${remote} on ${ctx.conn.target} is incomplete (${size} of ${file.size} bytes)`,
        );
      }
    } catch (error) {
      if (ctx.conn.connected && !signal?.aborted) await sftpCall((cb) => sftp.unlink(temp, cb)).catch(() => {});
      if (error instanceof DeviceError || signal?.aborted) throw error;
      throw await writeError(ctx, error, file, remote);
    }
  });
}

export async function pushFiles(
  ctx: FileContext,
  items: readonly PushItem[],
  signal?: AbortSignal,
): Promise<PushResult[]> {
  if (items.length === 0) return [];
  for (const item of items) checkInsideWorkDir(ctx.conn.profile, ctx.workDir, item.remote, 'write');
  const started = performance.now();
  const [locals, states] = await Promise.all([
    Promise.all(items.map((i) => describeLocalFile(i.local))),
    prepare(ctx, items, signal),
  ]);
  const checkedMs = performance.now() - started;
  const results: PushResult[] = [];
  for (const [index, item] of items.entries()) {
    const local = locals[index]!;
    const state = states[index]!;
    if (state.kind === 'hash' && state.sha256 === local.sha256) {
      // The check was one command for the whole batch; each skipped file carries its share.
      results.push({ skipped: true, bytes: local.size, durationMs: checkedMs / items.length });
      continue;
    }
    const t0 = performance.now();
    await upload(ctx, local, item.remote, signal);
    results.push({ skipped: false, bytes: local.size, durationMs: performance.now() - t0 + checkedMs / items.length });
  }
  return results;
}

/** sha256 of each remote file (undefined when missing or unreadable), in one command per batch. */
export async function hashRemoteFiles(
  ctx: FileContext,
  paths: readonly string[],
  signal?: AbortSignal,
): Promise<(string | undefined)[]> {
  const tool = await ctx.hashTool();
  if (tool === 'none') {
    throw new DeviceError(ctx.conn.profile, `${ctx.conn.target} has neither sha256sum nor shasum`, {
      hint: 'install coreutils (Linux) on the device',
    });
  }
  const out: (string | undefined)[] = [];
  for (const batch of batches(paths, (p) => p.length + 8)) {
    const lines = await scriptLines(ctx, hashFilesScript, [tool, ...batch], 'hashing files', signal);
    for (const [index] of batch.entries()) {
      const [tag, detail = ''] = (lines[index] ?? '').split('\t', 2);
      out.push(tag === 'H' ? digestOf(detail) : undefined);
    }
  }
  return out;
}

export async function pullFile(ctx: FileContext, remote: string, local: string, signal?: AbortSignal): Promise<void> {
  checkInsideWorkDir(ctx.conn.profile, ctx.workDir, remote, 'read');
  await mkdir(localDirname(local), { recursive: true });
  const temp = `${local}.${process.pid}.${randomBytes(4).toString('hex')}.part`;
  const sftp = await ctx.conn.sftp();
  try {
    await withAbort(ctx, signal, `copying ${remote} from the device`, () =>
      sftpCall((cb) => sftp.fastGet(remote, temp, {}, cb)),
    );
    await rename(temp, local);
  } catch (error) {
    await rm(temp, { force: true });
    if (error instanceof InterruptedError || error instanceof DeviceError) throw error;
    // The host's disk, not the device: exit 8 naming the local file.
    if (isDiskFull(error)) throw asDiskFull(error, local);
    const { profile, target } = ctx.conn;
    const code = (error as { code?: number | string }).code;
    if (!ctx.conn.connected) {
      throw new DeviceError(profile, `connection to ${target} dropped while copying ${remote}`, {
        cause: error,
        hint: 'the next command reconnects',
      });
    }
    if (code === STATUS_CODE.NO_SUCH_FILE)
      throw new DeviceError(profile, `no such file on ${target}: ${remote}`, { cause: error });
    if (code === STATUS_CODE.PERMISSION_DENIED)
      throw new DeviceError(profile, `cannot read ${remote} on ${target}: permission denied`, { cause: error });
    throw new DeviceError(profile, `copying ${remote} from ${target} to ${local} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
