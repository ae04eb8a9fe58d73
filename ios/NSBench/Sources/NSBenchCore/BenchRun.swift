// One launch's benchmark, in the order the contract fixes: load (timed), header, thermal before,
// warm-ups, providers (from the profile of the warm-ups), samples, thermal after, done; or an `error`
// line instead of whatever could not be done. The prediction runtime, the clock and the device facts
// come in from outside, so this loop is tested without ONNX Runtime or a phone.

/// A loaded model with its inputs built, as the loop drives it.
public protocol PredictionSession: AnyObject {
    /// One prediction on the inputs built when the session was opened.
    func predict() throws
    /// Frees what the last prediction returned; called outside the timed part.
    func releaseOutputs()
    /// Stops ONNX Runtime's profile (it covered the warm-ups, so the samples run unprofiled) and
    /// returns the nodes each execution provider ran; nil when the profile does not tell.
    func endProfiling() throws -> [String: Int]?
}

/// What the header reports about the phone and the app, and how the loop reads time and heat.
public struct BenchEnvironment {
    public var device: String
    public var os: String
    public var appVersion: String?
    public var runtime: String?
    public var thermalState: () -> ThermalState
    /// A monotonic clock in nanoseconds (DispatchTime.now().uptimeNanoseconds on the phone).
    public var now: () -> UInt64

    public init(device: String, os: String, appVersion: String?, runtime: String?,
                thermalState: @escaping () -> ThermalState, now: @escaping () -> UInt64) {
        self.device = device
        self.os = os
        self.appVersion = appVersion
        self.runtime = runtime
        self.thermalState = thermalState
        self.now = now
    }
}

public enum BenchRun {
    /// Runs the benchmark and hands every line to `emit`; the last one is `done` or `error`. Errors
    /// thrown by `open` that are not a BenchFailure count as load failures.
    public static func execute(_ arguments: BenchArguments, environment env: BenchEnvironment,
                               open: (BenchArguments) throws -> PredictionSession,
                               emit: (NSBenchLine) -> Void) {
        do {
            let started = env.now()
            let session: PredictionSession
            do {
                session = try open(arguments)
            } catch let failure as BenchFailure {
                throw failure
            } catch {
                throw BenchFailure.load("\(error)")
            }
            let loadMs = elapsedMs(since: started, now: env.now)
            emit(.header(BenchHeader(device: env.device, os: env.os, computeUnits: arguments.computeUnits.rawValue,
                                     model: arguments.modelFileName, loadMs: loadMs, runId: arguments.runId,
                                     iterations: arguments.iterations, warmup: arguments.warmup,
                                     app: env.appVersion, runtime: env.runtime)))
            emit(.thermal(.before, env.thermalState()))
            for index in 0..<arguments.warmup {
                emit(.warmup(index: index, ms: try timedPrediction(session, now: env.now)))
            }
            let counts: [String: Int]?
            do {
                counts = try session.endProfiling()
            } catch {
                // A profile still running would slow the samples down: stop rather than measure that.
                throw BenchFailure.run("cannot end the ONNX Runtime profile of the warm-ups: \(error)")
            }
            if arguments.warmup > 0, let counts, !counts.isEmpty { emit(.providers(counts)) }
            for index in 0..<arguments.iterations {
                emit(.sample(index: index, ms: try timedPrediction(session, now: env.now)))
            }
            emit(.thermal(.after, env.thermalState()))
            emit(.done(samples: arguments.iterations))
        } catch let failure as BenchFailure {
            emit(.error(failure.message))
        } catch {
            emit(.error("\(error)"))
        }
    }

    /// Wall time of one prediction alone, in ms; what it returned is freed after the clock stops.
    static func timedPrediction(_ session: PredictionSession, now: () -> UInt64) throws -> Double {
        let started = now()
        do {
            try session.predict()
        } catch {
            throw BenchFailure.run("prediction failed: \(error)")
        }
        let ms = elapsedMs(since: started, now: now)
        session.releaseOutputs()
        return ms
    }

    static func elapsedMs(since start: UInt64, now: () -> UInt64) -> Double {
        let end = now()
        return end >= start ? Double(end - start) / 1_000_000 : 0
    }
}
