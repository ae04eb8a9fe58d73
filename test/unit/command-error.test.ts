// The one error a failed command becomes, read from real results: a message of one line naming what,
// where and how it ended, and the command's argv, exit code, signal and stderr tail kept as the cause.
import { describe, expect, it } from 'vitest';
import { RunnerError } from '../../src/errors.js';
import { checkExit, exitError, HOST } from '../../src/runners/check-exit.js';
import { CommandError, commandFailure } from '../../src/transports/command-error.js';
import { runProcess } from '../../src/transports/process.js';

function thrown(fn: () => void): RunnerError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RunnerError);
    return error as RunnerError;
  }
  throw new Error('nothing was thrown');
}

describe('checkExit', () => {
  it('passes a command that exited 0, whatever it printed on stderr', async () => {
    const r = await runProcess(['sh', '-c', 'echo warning >&2']);
    expect(() => checkExit(r, { runner: 'fake', what: 'E1.R-R', where: 'local' })).not.toThrow();
    expect(commandFailure(r, 'local')).toBeUndefined();
  });

  it('names what failed, where, the exit code and the first line of stderr, with the command as cause', async () => {
    const r = await runProcess(['sh', '-c', 'echo out; printf "\\n  first problem  \\nsecond\\n" >&2; exit 3']);
    let saves = 0;
    const saved = () => `raw output saved to /tmp/x.${++saves}.txt`;
    const error = thrown(() => checkExit(r, { runner: 'fake', what: 'E1.R-R', where: 'local', saved, hint: 'look' }));
    expect(error.message).toBe(
      'runner fake: E1.R-R failed on local (exit 3): first problem (raw output saved to /tmp/x.1.txt)',
    );
    expect(error.hint).toBe('look');
    expect(error.exitCode).toBe(7);
    const cause = error.cause as CommandError;
    expect(cause).toBeInstanceOf(CommandError);
    expect(cause).toMatchObject({ exitCode: 3, signal: undefined, timedOut: false, where: 'local', status: 'exit 3' });
    expect(cause.argv).toEqual(r.argv);
    expect(cause.stderrTail).toBe('\n  first problem  \nsecond');
    expect(cause.outcome).toBe('exited 3');
    expect(cause.message).toMatch(/^sh -c 'echo out; .*' failed on local \(exit 3\): first problem$/);
  });

  it('a tool whose own output says why better gives its reason; stdout stands in for an empty stderr', async () => {
    const r = await runProcess(['sh', '-c', 'echo "ERROR: no such model"; exit 1']);
    const plain = exitError(r, { runner: 'fake', what: 'converting E1', where: HOST });
    expect(plain.message).toBe('runner fake: converting E1 failed on the host (exit 1): ERROR: no such model');
    const custom = exitError(r, { runner: 'fake', what: 'converting E1', where: HOST, reason: (e) => `${e.reason}!` });
    expect(custom.message).toBe('runner fake: converting E1 failed on the host (exit 1): ERROR: no such model!');
  });

  it('a crash by a signal names the signal, not an exit code', async () => {
    const r = await runProcess(['sh', '-c', 'kill -SEGV $$']);
    const error = thrown(() => checkExit(r, { runner: 'fake', what: 'E1.R-R', where: 'local' }));
    expect(error.message).toBe('runner fake: E1.R-R failed on local (SIGSEGV): SIGSEGV');
    expect(error.cause).toMatchObject({ exitCode: null, signal: 'SIGSEGV', outcome: 'was killed by SIGSEGV' });
  });

  it('a timeout reads as one', async () => {
    const r = await runProcess(['sleep', '5'], { timeoutMs: 100 });
    const error = thrown(() => checkExit(r, { runner: 'fake', what: 'E1.R-R', where: 'local' }));
    expect(error.message).toBe('runner fake: E1.R-R failed on local (timed out): timed out');
    expect(error.cause).toMatchObject({ timedOut: true, outcome: 'timed out' });
  });

  it('keeps only the tail of a long stderr, and cuts a long command in messages', async () => {
    const script = 'i=0; while [ $i -lt 100 ]; do echo "line $i" >&2; i=$((i+1)); done; exit 2';
    const r = await runProcess(['sh', '-c', script, 'x'.repeat(300)]);
    const cause = new CommandError(r, 'local');
    expect(cause.stderrTail.split('\n')).toEqual(Array.from({ length: 20 }, (_, i) => `line ${80 + i}`));
    expect(cause.reason).toBe('line 0');
    expect(cause.message).toMatch(/^sh -c .{100,}\.\.\. failed on local \(exit 2\): line 0$/);
    expect(cause.message.length).toBeLessThan(160);
  });
});
