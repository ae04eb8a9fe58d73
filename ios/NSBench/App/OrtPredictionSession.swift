// The benchmark's session on ONNX Runtime (through OrtBench/ort_bench.c): the CoreML execution
// provider with the compute units the harness asked for, the inputs it described, and a profile of
// the warm-ups that says which provider ran each node.
import Foundation

struct OrtError: Error, CustomStringConvertible {
    let description: String
}

final class OrtPredictionSession: PredictionSession {
    private let handle: OpaquePointer

    static var version: String { String(cString: nsb_ort_version()) }

    private init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        nsb_ort_close(handle)
    }

    /// Loads the model under the app's home folder and builds its inputs; every failure here is a
    /// load failure (the harness does not launch the app again for this model).
    static func open(_ arguments: BenchArguments) throws -> PredictionSession {
        let home = URL(fileURLWithPath: NSHomeDirectory())
        let path = home.appendingPathComponent(arguments.model).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw BenchFailure.load("no model at \(arguments.model)")
        }
        let session = try create(modelPath: path, computeUnits: arguments.computeUnits)
        for input in arguments.inputs {
            try session.addInput(input)
        }
        return session
    }

    private static func create(modelPath: String, computeUnits: ComputeUnits) throws -> OrtPredictionSession {
        let caches = FileManager.default.urls(for: .cachesDirectory, in: .userDomainMask)[0]
        // Compiled Core ML models kept between launches: each launch is a new process, and the
        // harness's file names carry a content hash, so a cache keyed by the model never goes stale.
        let cache = caches.appendingPathComponent("nsbench-coreml", isDirectory: true)
        let cacheDir: String?
        do {
            try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
            cacheDir = cache.path
        } catch {
            cacheDir = nil // compiled again at each launch: slower loads, the same samples
        }
        let profilePrefix = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("nsbench-profile").path
        var handle: OpaquePointer?
        let failure = withErrorBuffer { error, size in
            handle = withOptionalCString(cacheDir) { cachePointer in
                nsb_ort_open(modelPath, computeUnits.coreMLOption, cachePointer, profilePrefix, error, size)
            }
            return handle == nil ? -1 : 0
        }
        guard let opened = handle else { throw BenchFailure.load(failure ?? "the session could not be created") }
        return OrtPredictionSession(handle: opened)
    }

    private func addInput(_ input: InputSpec) throws {
        let failure = withErrorBuffer { error, size in
            input.shape.withUnsafeBufferPointer { shape in
                nsb_ort_add_input(handle, input.name, input.type == .float16 ? 1 : 0, shape.baseAddress, shape.count,
                                  error, size)
            }
        }
        if let failure { throw BenchFailure.load("input \(input.name): \(failure)") }
    }

    func predict() throws {
        if let failure = withErrorBuffer({ nsb_ort_run(handle, $0, $1) }) { throw OrtError(description: failure) }
    }

    func releaseOutputs() {
        nsb_ort_release_outputs(handle)
    }

    func endProfiling() throws -> [String: Int]? {
        var path = [CChar](repeating: 0, count: 4096)
        let failure = withErrorBuffer { error, size in
            path.withUnsafeMutableBufferPointer { nsb_ort_end_profiling(handle, $0.baseAddress, $0.count, error, size) }
        }
        if let failure { throw OrtError(description: failure) }
        let file = String(cString: path)
        guard !file.isEmpty else { return nil }
        defer { try? FileManager.default.removeItem(atPath: file) }
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        // A profile that cannot be read tells nothing: no providers line rather than a guess.
        return try? ProfileNodes.providerCounts(profileJSON: data)
    }
}

/// Calls `body` with a buffer for a C error message; the message when `body` returned non-zero.
private func withErrorBuffer(_ body: (UnsafeMutablePointer<CChar>?, Int) -> Int32) -> String? {
    var buffer = [CChar](repeating: 0, count: 2048)
    let status = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress, $0.count) }
    return status == 0 ? nil : String(cString: buffer)
}

private func withOptionalCString<T>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> T) -> T {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
}
