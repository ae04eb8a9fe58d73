// Reads the frames the long-lived shell prints (shell-program.ts) from its channel's stdout, in
// whatever pieces the channel delivers them. Pure: bytes in, frames out.
//
// Before the `ready` frame anything may come (a login shell's start-up files can print): it is
// skipped. After it, the channel carries frames only; bytes that are not a frame mean the shell is
// no longer the one we started, and the reader says so instead of guessing.

export type ShellFrame =
  | { kind: 'ready'; method: string; folder: string }
  | { kind: 'fail'; reason: string }
  | { kind: 'pid'; id: number; pid: number }
  | { kind: 'exit'; id: number; status: number; stdout: Buffer; stderr: Buffer }
  | { kind: 'garbage'; text: string };

/** A header line longer than this after `ready` is not one of ours. */
const maxHeaderBytes = 4096;

/** The header of an exit frame, before its output has arrived. */
interface BodyHeader {
  kind: 'body';
  id: number;
  status: number;
  outBytes: number;
  errBytes: number;
}

type HeaderFrame = Extract<ShellFrame, { kind: 'ready' | 'fail' | 'pid' }> | BodyHeader;

interface Body extends BodyHeader {
  chunks: Buffer[];
  have: number;
}

export class ShellFrameReader {
  private pending: Buffer = Buffer.alloc(0);
  private body: Body | undefined;
  private ready = false;
  private readonly prefix: string;

  constructor(sentinel: string) {
    this.prefix = `${sentinel} `;
  }

  /** Feeds a chunk; returns the frames it completed, in order. */
  push(chunk: Buffer): ShellFrame[] {
    const frames: ShellFrame[] = [];
    let rest: Buffer | undefined = chunk;
    while (rest && rest.length > 0) {
      if (this.body) rest = this.fillBody(rest, frames);
      else rest = this.readLine(rest, frames);
    }
    return frames;
  }

  /** Takes payload bytes for the exit frame being read; returns what is left of `chunk`. */
  private fillBody(chunk: Buffer, frames: ShellFrame[]): Buffer | undefined {
    const body = this.body!;
    const need = body.outBytes + body.errBytes - body.have;
    const take = chunk.subarray(0, need);
    body.chunks.push(take);
    body.have += take.length;
    if (body.have === body.outBytes + body.errBytes) {
      this.body = undefined;
      const all = Buffer.concat(body.chunks);
      const stdout = all.subarray(0, body.outBytes);
      const stderr = all.subarray(body.outBytes);
      frames.push({ kind: 'exit', id: body.id, status: body.status, stdout, stderr });
    }
    return chunk.subarray(take.length);
  }

  /** Reads up to one header line; returns what is left of `chunk` after it. */
  private readLine(chunk: Buffer, frames: ShellFrame[]): Buffer | undefined {
    const newline = chunk.indexOf(0x0a);
    if (newline < 0) {
      this.pending = Buffer.concat([this.pending, chunk]);
      if (this.ready && this.pending.length > maxHeaderBytes) {
        frames.push({ kind: 'garbage', text: this.pending.subarray(0, 200).toString('latin1') });
        this.pending = Buffer.alloc(0);
      } else if (!this.ready && this.pending.length > maxHeaderBytes) {
        // Start-up noise: keep only what may still become the start of the ready line.
        this.pending = this.pending.subarray(this.pending.length - maxHeaderBytes);
      }
      return undefined;
    }
    const line = Buffer.concat([this.pending, chunk.subarray(0, newline)]).toString('latin1');
    this.pending = Buffer.alloc(0);
    this.onLine(line, frames);
    return chunk.subarray(newline + 1);
  }

  private onLine(line: string, frames: ShellFrame[]): void {
    // Before `ready`, the sentinel may follow start-up noise on the same line (no final newline).
    const at = this.ready ? (line.startsWith(this.prefix) ? 0 : -1) : line.lastIndexOf(this.prefix);
    const frame = at < 0 ? undefined : this.parseHeader(line.slice(at + this.prefix.length).split(' '));
    if (frame === undefined) {
      if (this.ready) frames.push({ kind: 'garbage', text: line.slice(0, 200) });
      return;
    }
    if (frame.kind === 'ready') this.ready = true;
    if (frame.kind !== 'body') frames.push(frame);
    else if (frame.outBytes + frame.errBytes === 0) {
      const empty = Buffer.alloc(0);
      frames.push({ kind: 'exit', id: frame.id, status: frame.status, stdout: empty, stderr: empty });
    } else {
      this.body = { ...frame, chunks: [], have: 0 };
    }
  }

  private parseHeader(fields: string[]): HeaderFrame | undefined {
    const [kind, ...args] = fields;
    if (!this.ready) {
      // The folder may hold spaces: it is the rest of the line.
      if (kind === 'ready' && args.length >= 2) {
        return { kind: 'ready', method: args[0]!, folder: args.slice(1).join(' ') };
      }
      if (kind === 'fail') return { kind: 'fail', reason: args.join(' ') };
      return undefined;
    }
    if (!args.every((a) => /^\d{1,15}$/.test(a))) return undefined;
    const numbers = args.map(Number);
    if (kind === 'P' && numbers.length === 2) return { kind: 'pid', id: numbers[0]!, pid: numbers[1]! };
    if (kind === 'X' && numbers.length === 4) {
      const [id, status, outBytes, errBytes] = numbers as [number, number, number, number];
      return { kind: 'body', id, status, outBytes, errBytes };
    }
    return undefined;
  }
}
