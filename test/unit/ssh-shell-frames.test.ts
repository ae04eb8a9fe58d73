// The reader of the long-lived shell's frames, fed the bytes such a shell prints, in every split the
// channel could deliver them in.
import { describe, expect, it } from 'vitest';
import { ShellFrameReader, type ShellFrame } from '../../src/transports/ssh/shell-frames.js';

const s = 'nsb-0123456789abcdef01234567';

/** An exit frame as shell-program.ts prints it: header, then the exact stdout and stderr bytes. */
function exitFrame(id: number, status: number, stdout: Buffer | string, stderr: Buffer | string): Buffer {
  const out = Buffer.from(stdout);
  const err = Buffer.from(stderr);
  return Buffer.concat([Buffer.from(`${s} X ${id} ${status} ${out.length} ${err.length}\n`), out, err]);
}

function readAll(stream: Buffer, splits: number[] = []): ShellFrame[] {
  const reader = new ShellFrameReader(s);
  const frames: ShellFrame[] = [];
  let from = 0;
  for (const at of [...splits, stream.length]) {
    frames.push(...reader.push(stream.subarray(from, at)));
    from = at;
  }
  return frames;
}

const ready = Buffer.from(`${s} ready setsid /tmp/.nsb-shell.42.beef\n`);

describe('shell frames', () => {
  it('skips start-up noise, even noise that ends without a newline right before the ready line', () => {
    const noise = Buffer.from(
      `Welcome!\n${'x'.repeat(10_000)}\nno newline here ${s}ready-but-not ${s} ready jobs /tmp/d\n`,
    );
    expect(readAll(noise)).toEqual([{ kind: 'ready', method: 'jobs', folder: '/tmp/d' }]);
    expect(readAll(Buffer.from(`motd\n${s} fail no writable folder for output in /tmp or /root\n`))).toEqual([
      { kind: 'fail', reason: 'no writable folder for output in /tmp or /root' },
    ]);
  });

  it('reads output holding the sentinel, fake headers and no final newline as plain bytes', () => {
    const forged = `${s} X 1 0 0 0\n${s} P 1 99\n${s} ready none /x\n`;
    const stream = Buffer.concat([
      ready,
      Buffer.from(`${s} P 1 4242\n`),
      exitFrame(1, 0, forged, `${s} X 2 0 0 0`),
      exitFrame(2, 3, '', ''),
    ]);
    const expected: ShellFrame[] = [
      { kind: 'ready', method: 'setsid', folder: '/tmp/.nsb-shell.42.beef' },
      { kind: 'pid', id: 1, pid: 4242 },
      { kind: 'exit', id: 1, status: 0, stdout: Buffer.from(forged), stderr: Buffer.from(`${s} X 2 0 0 0`) },
      { kind: 'exit', id: 2, status: 3, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) },
    ];
    expect(readAll(stream)).toEqual(expected);
    // Every way the channel could cut the stream in two gives the same frames.
    for (let at = 1; at < stream.length; at++) expect(readAll(stream, [at])).toEqual(expected);
    // And one byte at a time.
    expect(
      readAll(
        stream,
        Array.from({ length: stream.length - 1 }, (_, i) => i + 1),
      ),
    ).toEqual(expected);
  });

  it('keeps every byte value, and stdout apart from stderr', () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const [, frame] = readAll(Buffer.concat([ready, exitFrame(7, 137, bytes, Buffer.from([0, 10, 255]))]));
    expect(frame).toEqual({ kind: 'exit', id: 7, status: 137, stdout: bytes, stderr: Buffer.from([0, 10, 255]) });
  });

  it('reads a large output sent in many pieces', () => {
    const big = Buffer.alloc(3 << 20, 'a');
    const stream = Buffer.concat([ready, exitFrame(1, 0, big, 'e'), exitFrame(2, 0, 'next', '')]);
    const splits = Array.from({ length: Math.floor(stream.length / 32_768) }, (_, i) => (i + 1) * 32_768);
    const frames = readAll(stream, splits);
    expect(frames.map((f) => f.kind)).toEqual(['ready', 'exit', 'exit']);
    expect((frames[1] as { stdout: Buffer }).stdout.equals(big)).toBe(true);
    expect((frames[2] as { stdout: Buffer }).stdout.toString()).toBe('next');
  });

  it('says so when bytes that are not frames arrive after ready', () => {
    expect(readAll(Buffer.concat([ready, Buffer.from('stray output\n')]))).toEqual([
      { kind: 'ready', method: 'setsid', folder: '/tmp/.nsb-shell.42.beef' },
      { kind: 'garbage', text: 'stray output' },
    ]);
    const other = 'nsb-ffffffffffffffffffffffff';
    expect(readAll(Buffer.concat([ready, Buffer.from(`${other} X 1 0 0 0\n`)]))[1]).toMatchObject({ kind: 'garbage' });
    expect(readAll(Buffer.concat([ready, Buffer.from(`${s} X 1 0 -5 0\n`)]))[1]).toMatchObject({ kind: 'garbage' });
    expect(readAll(Buffer.concat([ready, Buffer.alloc(5_000, 'y')]))[1]).toMatchObject({ kind: 'garbage' });
  });
});
