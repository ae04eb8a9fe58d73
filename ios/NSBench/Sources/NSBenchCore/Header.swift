// The `header` line's JSON object (docs/ios-bench-app.md, "Header keys"). `compileMs` is left out:
// it belongs to the Core ML (.mlpackage) path, and this app runs the ONNX files through ONNX Runtime.
import Foundation

public struct BenchHeader: Codable, Equatable, Sendable {
    /// Hardware model identifier (utsname.machine), e.g. "iPhone16,1".
    public var device: String
    /// UIDevice.current.systemVersion, e.g. "18.2".
    public var os: String
    /// The compute units actually set on the CoreML EP, spelled as in the arguments.
    public var computeUnits: String
    /// File name of the model loaded.
    public var model: String
    /// Wall time of creating the session (graph load, CoreML EP partitioning, Core ML compilation).
    public var loadMs: Double
    /// `--nsbench-run-id`, echoed.
    public var runId: String?
    /// The counts the app was asked for, echoed.
    public var iterations: Int
    public var warmup: Int
    /// CFBundleShortVersionString.
    public var app: String?
    /// The inference runtime and its version, e.g. "onnxruntime 1.24.2".
    public var runtime: String?

    public init(device: String, os: String, computeUnits: String, model: String, loadMs: Double, runId: String?,
                iterations: Int, warmup: Int, app: String?, runtime: String?) {
        self.device = device
        self.os = os
        self.computeUnits = computeUnits
        self.model = model
        self.loadMs = loadMs
        self.runId = runId
        self.iterations = iterations
        self.warmup = warmup
        self.app = app
        self.runtime = runtime
    }

    /// One JSON object on one line, keys sorted; absent optional keys are left out.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding strings and finite numbers cannot fail; loadMs comes from a monotonic clock.
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
