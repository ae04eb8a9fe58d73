// The phone behind the Mac as devicectl describes it (`xcrun devicectl device info details`), read
// once per run by the devicectl-app runner: it proves the Mac has devicectl and sees the phone before
// any model is copied, and its facts go into the LUT.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { DeviceError, ParseError, RunnerError } from '../../errors.js';
import { deviceDetailsArgv, sequenceArgv, sequenceCompleted } from './commands.js';
import { phoneName, RUNNER_NAME, targetOf, type DevicectlAppOptions } from './options.js';
import { lastLine } from './output.js';
import { exitError } from '../check-exit.js';
import { parseDevicectlDeviceDetails, type DevicectlDevice } from './devicectl-json.js';
import type { RunnerContext } from '../types.js';

/** devicectl answers in a few seconds; a first connection to a phone can take longer. */
const DETAILS_TIMEOUT_MS = 120_000;

/** `devicectl device info details` for the phone, read from the JSON file it writes on the Mac. */
export async function deviceDetails(ctx: RunnerContext, options: DevicectlAppOptions): Promise<DevicectlDevice> {
  const dir = posix.join(ctx.workDir, 'devicectl');
  const file = posix.join(dir, 'device-details.json');
  const signal = ctx.signal ? { signal: ctx.signal } : {};
  const separator = `--nsb-${randomBytes(8).toString('hex')}--`;
  const r = await ctx.transport.exec(
    sequenceArgv([['mkdir', '-p', dir], ['rm', '-f', file], deviceDetailsArgv(targetOf(options), file)], separator),
    {
      timeoutMs: DETAILS_TIMEOUT_MS,
      ...signal,
    },
  );
  const done = sequenceCompleted(r.stdout);
  if (r.timedOut)
    throw new RunnerError(
      RUNNER_NAME,
      `xcrun devicectl device info details did not answer within ${DETAILS_TIMEOUT_MS} ms on ${ctx.transport.id}`,
    );
  if (done < 2) {
    throw new DeviceError(
      ctx.profile.name,
      `cannot create ${dir} on ${ctx.transport.id}: ${lastLine({ stdout: '', stderr: r.stderr })}`,
      {
        hint: `check "workDir" in profile ${ctx.profile.name}`,
      },
    );
  }
  if (
    r.exitCode === 127 ||
    (r.exitCode !== 0 && /(xcrun|devicectl).*(not found|No such file)|unable to find utility/i.test(r.stderr))
  ) {
    throw new RunnerError(
      RUNNER_NAME,
      `cannot run ${options.xcrun} devicectl on ${ctx.transport.id}: ${lastLine({ stdout: '', stderr: r.stderr })}`,
      {
        hint:
          'install Xcode 15 or later on the Mac (xcode-select -s ' +
          '/Applications/Xcode.app), or set runner.options.xcrun to its path',
      },
    );
  }
  const json = await ctx.transport.exec(['cat', file], { timeoutMs: 30_000, ...signal });
  if (json.exitCode !== 0) {
    // No document came back: the devicectl call says why.
    throw exitError(r, {
      runner: RUNNER_NAME,
      what: `xcrun devicectl device info details --device ${options.udid}`,
      where: ctx.transport.id,
      reason: () => lastLine({ stdout: '', stderr: r.stderr }),
      hint:
        `list the phones the Mac sees with xcrun devicectl list ` +
        `devices and set "udid" in profile ${ctx.profile.name}`,
    });
  }
  try {
    return parseDevicectlDeviceDetails(json.stdout);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    throw new RunnerError(
      RUNNER_NAME,
      `devicectl cannot reach ${phoneName(options)}: ${error.message.replace(/^cannot parse [^:]*: /, '')}`,
      {
        hint:
          `list the phones the Mac sees with xcrun devicectl list devices and set "udid" ` +
          `in profile ${ctx.profile.name}; the phone must be paired, unlocked and trusted`,
      },
    );
  }
}
