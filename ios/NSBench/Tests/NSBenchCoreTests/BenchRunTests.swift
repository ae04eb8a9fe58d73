import XCTest
@testable import NSBenchCore

/// A session whose predictions take a scripted number of clock ticks and may fail at a given call.
final class ScriptedSession: PredictionSession {
    let clock: FakeClock
    var predictionMs: [Double]
    var failAt: Int?
    var counts: [String: Int]?
    var profileError: Error?
    private(set) var predictions = 0
    private(set) var released = 0
    private(set) var profilingEndedAfter: Int?

    init(clock: FakeClock, predictionMs: [Double], counts: [String: Int]? = nil) {
        self.clock = clock
        self.predictionMs = predictionMs
        self.counts = counts
    }

    func predict() throws {
        defer { predictions += 1 }
        if predictions == failAt { throw RuntimeError(description: "ORT Run failed: out of memory") }
        clock.advance(ms: predictionMs[predictions % predictionMs.count])
    }

    func releaseOutputs() {
        released += 1
        clock.advance(ms: 1000) // freeing is outside the timed part: a slow free must not show up
    }

    func endProfiling() throws -> [String: Int]? {
        profilingEndedAfter = predictions
        if let profileError { throw profileError }
        return counts
    }
}

struct RuntimeError: Error, CustomStringConvertible {
    let description: String
}

final class FakeClock {
    private(set) var ns: UInt64 = 5_000_000_000
    func advance(ms: Double) { ns += UInt64((ms * 1_000_000).rounded()) }
}

final class BenchRunTests: XCTestCase {
    let arguments = BenchArguments(model: "Documents/nsbench/c/E1.onnx", iterations: 3, warmup: 2,
                                   computeUnits: .cpuAndNeuralEngine, runId: "nsb-1", inputs: [])

    func run(_ args: BenchArguments, session: ScriptedSession?, clock: FakeClock, loadMs: Double = 812.4,
             openError: Error? = nil) -> [String] {
        var states: [ThermalState] = [.nominal, .serious]
        let env = BenchEnvironment(device: "iPhone16,1", os: "18.2", appVersion: "1.0", runtime: "onnxruntime 1.24.2",
                                   thermalState: { states.removeFirst() }, now: { clock.ns })
        var lines: [String] = []
        BenchRun.execute(args, environment: env, open: { _ in
            clock.advance(ms: loadMs)
            if let openError { throw openError }
            return session!
        }, emit: { lines.append($0.text) })
        return lines
    }

    func testAFullRunPrintsEveryLineInTheContractsOrder() {
        let clock = FakeClock()
        let session = ScriptedSession(clock: clock, predictionMs: [31.2008, 13.0412, 12.8812, 12.9034, 12.7761],
                                      counts: ["CoreMLExecutionProvider": 9])
        let lines = run(arguments, session: session, clock: clock)
        XCTAssertEqual(lines, [
            "NSBENCH/1 header " + BenchHeader(device: "iPhone16,1", os: "18.2", computeUnits: "cpuAndNeuralEngine",
                                              model: "E1.onnx", loadMs: 812.4, runId: "nsb-1", iterations: 3, warmup: 2,
                                              app: "1.0", runtime: "onnxruntime 1.24.2").json,
            "NSBENCH/1 thermal before nominal",
            "NSBENCH/1 warmup 0 31.2008",
            "NSBENCH/1 warmup 1 13.0412",
            "NSBENCH/1 providers {\"CoreMLExecutionProvider\":9}",
            "NSBENCH/1 sample 0 12.8812",
            "NSBENCH/1 sample 1 12.9034",
            "NSBENCH/1 sample 2 12.7761",
            "NSBENCH/1 thermal after serious",
            "NSBENCH/1 done 3",
        ])
        XCTAssertEqual(session.profilingEndedAfter, 2, "the profile covers the warm-ups only")
        XCTAssertEqual(session.released, 5)
    }

    func testWithoutWarmupsThereIsNoProviderLineButTheProfileStillEnds() {
        let clock = FakeClock()
        var args = arguments
        args.warmup = 0
        let session = ScriptedSession(clock: clock, predictionMs: [10], counts: ["CPUExecutionProvider": 4])
        let lines = run(args, session: session, clock: clock)
        XCTAssertFalse(lines.contains { $0.hasPrefix("NSBENCH/1 providers") })
        XCTAssertFalse(lines.contains { $0.hasPrefix("NSBENCH/1 warmup") })
        XCTAssertEqual(session.profilingEndedAfter, 0)
        XCTAssertEqual(lines.last, "NSBENCH/1 done 3")
    }

    func testUnknownProviderCountsPrintNoProviderLine() {
        let clock = FakeClock()
        let session = ScriptedSession(clock: clock, predictionMs: [10], counts: nil)
        let lines = run(arguments, session: session, clock: clock)
        XCTAssertFalse(lines.contains { $0.hasPrefix("NSBENCH/1 providers") })
        XCTAssertEqual(lines.count, 9)
    }

    func testASessionThatCannotBeCreatedIsALoadError() {
        struct OrtError: Error, CustomStringConvertible { var description: String { "Load model failed: bad graph" } }
        let clock = FakeClock()
        XCTAssertEqual(run(arguments, session: nil, clock: clock, openError: OrtError()),
                       ["NSBENCH/1 error load: Load model failed: bad graph"])
        XCTAssertEqual(run(arguments, session: nil, clock: clock, openError: BenchFailure.load("no model at x.onnx")),
                       ["NSBENCH/1 error load: no model at x.onnx"])
    }

    func testAFailedPredictionEndsTheRunWithAnErrorInsteadOfDone() {
        let clock = FakeClock()
        let session = ScriptedSession(clock: clock, predictionMs: [10])
        session.failAt = 3 // the second sample
        let lines = run(arguments, session: session, clock: clock)
        XCTAssertEqual(Array(lines.suffix(2)), ["NSBENCH/1 sample 0 10.0000",
                                                "NSBENCH/1 error prediction failed: ORT Run failed: out of memory"])
        XCTAssertFalse(lines.contains { $0.hasPrefix("NSBENCH/1 done") })
    }

    func testAProfileThatCannotBeEndedStopsTheRunBeforeTheSamples() {
        struct ProfileError: Error, CustomStringConvertible { var description: String { "disk full" } }
        let clock = FakeClock()
        let session = ScriptedSession(clock: clock, predictionMs: [10])
        session.profileError = ProfileError()
        let lines = run(arguments, session: session, clock: clock)
        XCTAssertEqual(lines.last, "NSBENCH/1 error cannot end the ONNX Runtime profile of the warm-ups: disk full")
        XCTAssertFalse(lines.contains { $0.hasPrefix("NSBENCH/1 sample") })
    }
}
