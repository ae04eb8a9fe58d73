// The arguments the harness passes after the bundle id (docs/ios-bench-app.md, "Arguments"): one
// `--nsbench-<key>=<value>` token each, in CommandLine.arguments among whatever else iOS puts there.
import Foundation

/// MLComputeUnits as the harness spells them (the Swift case names of MLComputeUnits).
public enum ComputeUnits: String, CaseIterable, Sendable {
    case all
    case cpuOnly
    case cpuAndGPU
    case cpuAndNeuralEngine

    /// The value ONNX Runtime's CoreML execution provider takes for its `MLComputeUnits` option.
    public var coreMLOption: String {
        switch self {
        case .all: return "ALL"
        case .cpuOnly: return "CPUOnly"
        case .cpuAndGPU: return "CPUAndGPU"
        case .cpuAndNeuralEngine: return "CPUAndNeuralEngine"
        }
    }
}

/// Element types the app can fill an input with.
public enum ElementType: String, CaseIterable, Sendable {
    case float32
    case float16

    public var byteSize: Int { self == .float32 ? 4 : 2 }
}

/// One model input: `--nsbench-input=<name>:<type>:<d0,d1,...>`.
public struct InputSpec: Equatable, Sendable {
    public let name: String
    public let type: ElementType
    public let shape: [Int64]

    public init(name: String, type: ElementType, shape: [Int64]) {
        self.name = name
        self.type = type
        self.shape = shape
    }

    public var elementCount: Int { shape.reduce(1) { $0 * Int($1) } }
}

public struct BenchArguments: Equatable, Sendable {
    /// The ONNX graph, relative to the app's home folder (NSHomeDirectory()).
    public var model: String
    public var iterations: Int
    public var warmup: Int
    public var computeUnits: ComputeUnits
    public var runId: String?
    public var inputs: [InputSpec]

    public static let prefix = "--nsbench-"

    public init(model: String, iterations: Int, warmup: Int, computeUnits: ComputeUnits, runId: String?,
                inputs: [InputSpec]) {
        self.model = model
        self.iterations = iterations
        self.warmup = warmup
        self.computeUnits = computeUnits
        self.runId = runId
        self.inputs = inputs
    }

    /// The file name the header reports as `model`: the last part of `--nsbench-model`.
    public var modelFileName: String {
        model.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? model
    }

    /// True when any argument is meant for the benchmark (the app was launched by the harness).
    public static func requested(_ argv: [String]) -> Bool {
        argv.contains { $0.hasPrefix(prefix) }
    }

    /// The benchmark the arguments ask for; nil when none is addressed to it (started by hand).
    /// Throws BenchFailure.arguments for a missing or malformed argument and BenchFailure.load for an
    /// input type the app cannot build (the model cannot run here, so a retry would not help).
    public static func parse(_ argv: [String]) throws -> BenchArguments? {
        var values: [String: String] = [:]
        var inputs: [InputSpec] = []
        for token in argv where token.hasPrefix(prefix) {
            let body = token.dropFirst(prefix.count)
            guard let equals = body.firstIndex(of: "=") else {
                throw BenchFailure.arguments("\(token) has no value (expected \(prefix)<key>=<value>)")
            }
            let key = String(body[..<equals])
            let value = String(body[body.index(after: equals)...])
            if key == "input" {
                inputs.append(try parseInput(value))
            } else if values.updateValue(value, forKey: key) != nil {
                throw BenchFailure.arguments("\(prefix)\(key) is given twice")
            }
        }
        if values.isEmpty && inputs.isEmpty { return nil }
        return try BenchArguments(values: values, inputs: inputs)
    }

    private init(values: [String: String], inputs: [InputSpec]) throws {
        guard let model = values["model"], !model.isEmpty else {
            throw BenchFailure.arguments("missing \(Self.prefix)model")
        }
        guard let iterationsText = values["iterations"] else {
            throw BenchFailure.arguments("missing \(Self.prefix)iterations")
        }
        let units = values["compute-units"] ?? ComputeUnits.all.rawValue
        guard let computeUnits = ComputeUnits(rawValue: units) else {
            let known = ComputeUnits.allCases.map(\.rawValue).joined(separator: ", ")
            throw BenchFailure.arguments("unknown compute units \(units) (expected one of \(known))")
        }
        self.model = model
        self.iterations = try Self.count(iterationsText, key: "iterations", minimum: 1)
        self.warmup = try Self.count(values["warmup"] ?? "0", key: "warmup", minimum: 0)
        self.computeUnits = computeUnits
        self.runId = values["run-id"]
        self.inputs = inputs
    }

    private static func count(_ text: String, key: String, minimum: Int) throws -> Int {
        guard let n = Int(text), n >= minimum else {
            throw BenchFailure.arguments("\(prefix)\(key)=\(text) is not an integer >= \(minimum)")
        }
        return n
    }

    /// `<name>:<type>:<dims>`; the name is everything before the last two colons (it may hold colons).
    static func parseInput(_ value: String) throws -> InputSpec {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3 else {
            throw BenchFailure.arguments("\(prefix)input=\(value) is not <name>:<type>:<dims>")
        }
        let name = parts.dropLast(2).joined(separator: ":")
        let typeText = parts[parts.count - 2]
        let dimsText = parts[parts.count - 1]
        let dims = dimsText.split(separator: ",", omittingEmptySubsequences: false).map { Int64($0) }
        guard !name.isEmpty, !dims.isEmpty, dims.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw BenchFailure.arguments("\(prefix)input=\(value) is not <name>:<type>:<positive dims>")
        }
        guard let type = ElementType(rawValue: typeText) else {
            throw BenchFailure.load("input \(name) is \(typeText); this app builds float32 and float16 inputs")
        }
        return InputSpec(name: name, type: type, shape: dims.compactMap { $0 })
    }
}
