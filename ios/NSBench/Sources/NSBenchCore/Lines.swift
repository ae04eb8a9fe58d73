// The lines the app prints (NSBENCH/1, docs/ios-bench-app.md "The lines"). Every line kind is one
// string literal below, written out in full: test/unit/ios-app-contract.test.ts in the harness reads
// these literals, renders them and feeds them to the harness's own parser, so keep each line kind a
// single literal starting with "NSBENCH/1 <kind>".
import Foundation

/// `before` the first warm-up, `after` the last sample.
public enum ThermalPhase: String, Sendable {
    case before
    case after
}

/// ProcessInfo.ThermalState case names.
public enum ThermalState: String, CaseIterable, Sendable {
    case nominal
    case fair
    case serious
    case critical
}

public enum NSBenchLine: Equatable, Sendable {
    case header(BenchHeader)
    case thermal(ThermalPhase, ThermalState)
    case warmup(index: Int, ms: Double)
    case providers([String: Int])
    case sample(index: Int, ms: Double)
    case done(samples: Int)
    case error(String)

    /// The line as printed, without its newline.
    public var text: String {
        switch self {
        case let .header(header):
            return "NSBENCH/1 header \(header.json)"
        case let .thermal(phase, state):
            return "NSBENCH/1 thermal \(phase.rawValue) \(state.rawValue)"
        case let .warmup(index, ms):
            return "NSBENCH/1 warmup \(index) \(milliseconds(ms))"
        case let .providers(counts):
            return "NSBENCH/1 providers \(compactJSON(counts))"
        case let .sample(index, ms):
            return "NSBENCH/1 sample \(index) \(milliseconds(ms))"
        case let .done(samples):
            return "NSBENCH/1 done \(samples)"
        case let .error(message):
            return "NSBENCH/1 error \(oneLine(message))"
        }
    }
}

/// A time in ms with a `.` decimal point and no grouping, whatever the phone's locale
/// (String(format:) without a locale is not localized).
public func milliseconds(_ ms: Double) -> String {
    String(format: "%.4f", ms)
}

/// `{"CoreMLExecutionProvider":12,"CPUExecutionProvider":3}` on one line, keys sorted.
public func compactJSON(_ counts: [String: Int]) -> String {
    guard let data = try? JSONSerialization.data(withJSONObject: counts, options: [.sortedKeys]) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
}

/// The message on a single line: a line break would end the `error` line early.
public func oneLine(_ message: String) -> String {
    let flat = message.split(whereSeparator: { $0.isNewline }).joined(separator: " ")
    let trimmed = flat.trimmingCharacters(in: .whitespaces)
    return trimmed.isEmpty ? "(no message)" : trimmed
}
