// `devicectl-app`: an iPhone behind a Mac. The transport is SSH to the Mac; on it the runner copies
// each model (ONNX graph + weights/) into the bench app's data container with
// `xcrun devicectl device copy to`, launches the app with `xcrun devicectl device process launch
// --console`, and reads the NSBENCH/1 lines the app prints (docs/ios-bench-app.md). The app embeds
// ONNX Runtime with its CoreML EP, so the harness's ONNX files run as they are, with no conversion.
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { joinDataPath } from '../../data-path.js';
import { ModelError, ParseError, RunnerError } from '../../errors.js';
import { commandFailure } from '../../transports/command-error.js';
import type { ExecResult, Transport } from '../../transports/types.js';
import { checkExit, type ExitCheck } from '../check-exit.js';
import { copyToDeviceArgv, launchAppArgv, sequenceArgv, sequenceCompleted } from './commands.js';
import { deviceDetails } from './device.js';
import { devicectlAppOptionsSchema, phoneName, RUNNER_NAME, targetOf, type DevicectlAppOptions } from './options.js';
import { cpuNodes, isModelLoadError, lastLine, ORT_COREML_COMPUTE_UNITS, readBenchAppExtras } from './output.js';
import { BenchAppReportedError, parseDevicectlAppOutput, type BenchAppRun } from './parser.js';
import { requireFloatInputs } from '../float-inputs.js';
import { saveRawOutput } from '../raw-output.js';
import { pushModel, remoteModelDir } from '../remote-files.js';
import type { RunnerContext, RunOutput, Runner, RunnerSetup, StagedModel } from '../types.js';

/** Copying a batch of weight files to a phone over USB (~30 MB/s) or Wi-Fi. */
const COPY_TIMEOUT_MS = 30 * 60_000;

/**
 * Files already copied into an app container during this run, per connection: shared weight files
 * go to the phone once, not once per graph that uses them. Keyed by phone, app and destination; the
 * value is the local file's size and mtime when it was copied.
 */
const copied = new WeakMap<Transport, Map<string, string>>();

export const devicectlAppRunner: Runner<DevicectlAppOptions> = {
  name: RUNNER_NAME,
  sampling: 'iteration',
  optionsSchema: devicectlAppOptionsSchema,

  async prepare(ctx, options): Promise<RunnerSetup> {
    const device = await deviceDetails(ctx, options);
    if (device.developerMode === 'disabled') {
      throw new RunnerError(
        RUNNER_NAME,
        `${phoneName(options)} has Developer Mode off, so devicectl cannot launch apps on it`,
        {
          hint: 'turn it on in Settings > Privacy & Security > Developer Mode on the phone',
        },
      );
    }
    const os = [device.platform ?? 'iOS', device.osVersion, device.osBuild ? `(${device.osBuild})` : undefined]
      .filter((x) => x !== undefined)
      .join(' ');
    return {
      // The phone and its system are what the numbers depend on; the Mac is only the way in.
      version: `bench app on ${device.model ?? device.marketingName ?? 'iPhone'}, ${os}`,
      ep: `coreml-${options.computeUnits}`,
      options: {
        udid: options.udid,
        bundleId: options.bundleId,
        computeUnits: options.computeUnits,
        ortMLComputeUnits: ORT_COREML_COMPUTE_UNITS[options.computeUnits],
        iterationsPerLaunch: options.iterations,
        containerDir: options.containerDir,
      },
      device: {
        ...device,
        model: device.model ?? device.marketingName ?? 'iPhone',
        soc: device.marketingName ?? device.model ?? 'unknown',
        os,
        build: device.osBuild ?? 'unknown',
        abi: 'arm64',
      },
    };
  },

  async stage(ctx, options, model): Promise<StagedModel> {
    requireFloatInputs(RUNNER_NAME, model);
    // First onto the Mac (sha256-checked, so a second run sends nothing), then into the app's container.
    await pushModel(ctx, model);
    const macDir = remoteModelDir(ctx, model);
    const deviceDir = posix.join(options.containerDir, posix.basename(model.root.replace(/\\/g, '/')));
    const record = copied.get(ctx.transport) ?? new Map<string, string>();
    copied.set(ctx.transport, record);
    const key = (destination: string) => `${options.udid}\0${options.bundleId}\0${destination}`;
    const todo = model.files
      .map((file) => {
        const s = statSync(join(model.root, file));
        // Checked again here (pushModel did): a name from data must not reach outside the app's folder.
        const from = { file: join(model.root, model.graph), field: 'files', folder: deviceDir };
        const destination = joinDataPath(deviceDir, file, from);
        return { source: posix.join(macDir, file), destination, stamp: `${s.size}:${s.mtimeMs}` };
      })
      .filter((c) => record.get(key(c.destination)) !== c.stamp);
    if (todo.length > 0) {
      const t = targetOf(options);
      const separator = `--nsb-${randomBytes(8).toString('hex')}--`;
      // All the copies in one remote command; each file's copy is its own devicectl call.
      const r = await ctx.transport.exec(
        sequenceArgv(
          todo.map((c) => copyToDeviceArgv(t, c.source, c.destination)),
          separator,
        ),
        {
          timeoutMs: COPY_TIMEOUT_MS,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        },
      );
      const done = sequenceCompleted(r.stdout);
      for (const c of todo.slice(0, done)) record.set(key(c.destination), c.stamp);
      const error = commandFailure(r, ctx.transport.id);
      if (error !== undefined || done < todo.length) {
        const failed = todo[Math.min(done, todo.length - 1)]!;
        const stderrLine = lastLine({ stdout: '', stderr: r.stderr });
        const why = r.timedOut
          ? `timed out after ${COPY_TIMEOUT_MS} ms`
          : `${error?.status ?? 'exit 0'}: ${stderrLine}`;
        throw new RunnerError(
          RUNNER_NAME,
          `copying ${failed.destination} into the container ` +
            `of ${options.bundleId} on ${phoneName(options)} failed (${why})`,
          {
            cause: error,
            hint:
              `is the bench app installed on the phone (xcrun devicectl device info apps ` +
              `--device ${options.udid}) and are "bundleId" and "udid" in profile ${ctx.profile.name} right?`,
          },
        );
      }
    }
    return {
      model,
      remotePath: posix.join(deviceDir, model.graph),
      extra: { macPath: posix.join(macDir, model.graph) },
    };
  },

  async run(ctx, options, staged, request): Promise<RunOutput> {
    const iterations = Math.min(request.maxIterations, Math.max(request.minIterations, options.iterations));
    const runId = `nsb-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const argv = launchAppArgv(
      targetOf(options),
      { modelPath: staged.remotePath, iterations, warmup: request.warmup, computeUnits: options.computeUnits, runId },
      staged.model,
    );
    const label = staged.model.label;
    const r = await ctx.transport.exec(argv, {
      timeoutMs: request.timeoutMs,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    const launch = checkLaunchFinished(ctx, options, r, label, request.timeoutMs);
    const run = parseAppRun(ctx, options, r, label, runId, launch);
    checkAppHeader(options, run.header, label, staged.remotePath);
    return appRunOutput(ctx, options, run, r.stdout, label);
  },
};

/** Fails on a launch that timed out, was stopped or was killed; returns what describes the launch. */
function checkLaunchFinished(
  ctx: RunnerContext,
  options: DevicectlAppOptions,
  r: ExecResult,
  label: string,
  timeoutMs: number,
): ExitCheck {
  if (r.timedOut) {
    throw new RunnerError(
      RUNNER_NAME,
      `the bench app on ${phoneName(options)} did not finish ${label} ` +
        `within ${timeoutMs} ms (devicectl on ${ctx.transport.id} was stopped)`,
      {
        hint:
          'the app must print "NSBENCH/1 done" and exit; see ' +
          'docs/ios-bench-app.md, or raise measure.timeoutMs in the profile',
      },
    );
  }
  const what = 'xcrun devicectl device process launch';
  const launch = { runner: RUNNER_NAME, what, where: ctx.transport.id, reason: () => lastLine(r) };
  if (r.exitCode === null) {
    // Stopped (Ctrl-C) is not a failure of the app; a devicectl killed by a signal is.
    const stopped = r.signal === undefined || ctx.signal?.aborted === true;
    if (stopped) throw new RunnerError(RUNNER_NAME, `launching the bench app for ${label} was stopped`);
    checkExit(r, launch);
  }
  return launch;
}

/** The app's NSBENCH/1 report, or the error the app reported, or a parse error with the raw output saved. */
function parseAppRun(
  ctx: RunnerContext,
  options: DevicectlAppOptions,
  r: ExecResult,
  label: string,
  runId: string,
  launch: ExitCheck,
): BenchAppRun {
  try {
    return parseDevicectlAppOutput(r.stdout, { runId });
  } catch (error) {
    if (error instanceof BenchAppReportedError) {
      if (isModelLoadError(error.appMessage))
        throw new ModelError(
          `the bench app on ${phoneName(options)} cannot load ${label}: ${error.appMessage.replace(/^load:\s*/i, '')}`,
        );
      throw new RunnerError(
        RUNNER_NAME,
        `the bench app on ${phoneName(options)} failed on ${label}: ${error.appMessage}`,
      );
    }
    if (!(error instanceof ParseError)) throw error;
    const file = saveRawOutput(ctx, label, r.stdout, r.stderr);
    if (!/NSBENCH\//.test(r.stdout)) {
      const hint = `check that the phone is unlocked and the app ${options.bundleId} is installed`;
      checkExit(r, { ...launch, hint: `${hint} (raw output: ${file})` });
    }
    throw new ParseError(
      `bench app output for ${label}`,
      `${error.message.replace(/^cannot parse [^:]*: /, '')} (exit ${r.exitCode}; raw output saved to ${file})`,
      error.excerpt,
    );
  }
}

/** The app must have run the staged graph with the compute units the profile asks for. */
function checkAppHeader(
  options: DevicectlAppOptions,
  header: BenchAppRun['header'],
  label: string,
  remotePath: string,
): void {
  if (header.computeUnits !== options.computeUnits) {
    throw new RunnerError(
      RUNNER_NAME,
      `the bench app ran ${label} with compute units ${header.computeUnits}, ` +
        `the profile asks for ${options.computeUnits}`,
      {
        hint: 'the app must set --nsbench-compute-units on the CoreML EP (see docs/ios-bench-app.md)',
      },
    );
  }
  if (header.model !== posix.basename(remotePath)) {
    throw new RunnerError(RUNNER_NAME, `the bench app loaded ${header.model}, not ${posix.basename(remotePath)}`);
  }
}

/** The samples and what the app said about the phone, providers and heat, as the harness records them. */
function appRunOutput(
  ctx: RunnerContext,
  options: DevicectlAppOptions,
  run: BenchAppRun,
  stdout: string,
  label: string,
): RunOutput {
  const header = run.header;
  const extras = readBenchAppExtras(stdout);
  const hot = [run.thermal.before, run.thermal.after].find((s) => s === 'serious' || s === 'critical');
  if (hot) ctx.log(`${phoneName(options)} reported thermal state ${hot} while measuring ${label}`);
  return {
    kind: 'iteration',
    samples: run.samplesMs,
    warmup: run.warmupMs,
    loadMs: header.loadMs,
    // Only a profile of the warm-ups tells which provider ran the nodes; without it, say nothing.
    ...(extras.providers
      ? {
          provider: Object.keys(extras.providers).join('+'),
          cpuFallback: options.computeUnits !== 'cpuOnly' && cpuNodes(extras.providers) > 0,
        }
      : {}),
    extra: {
      computeUnits: header.computeUnits,
      iphone: `${header.device} iOS ${header.os}`,
      ...(header.app !== undefined ? { app: header.app } : {}),
      ...(extras.runtime !== undefined ? { appRuntime: extras.runtime } : {}),
      ...(header.compileMs !== undefined ? { compileMs: header.compileMs } : {}),
      ...(extras.providers ? { providers: extras.providers } : {}),
      ...(run.thermal.before || run.thermal.after ? { iphoneThermal: run.thermal } : {}),
    },
    ...(hot ? { throttled: true } : {}),
  };
}
