// Why a run stopped, as the `error` line says it. The harness reads the `load:` prefix: a model that
// cannot be loaded is marked as failing for good, any other error is retried once.

public enum BenchFailure: Error, Equatable {
    /// A missing or malformed `--nsbench-` argument.
    case arguments(String)
    /// The model cannot be loaded here: no file, the session cannot be created, an input cannot be built.
    case load(String)
    /// A prediction (or the profile around the warm-ups) failed.
    case run(String)

    /// The text of the `error` line.
    public var message: String {
        switch self {
        case let .arguments(text): return text
        case let .load(text): return "load: \(text)"
        case let .run(text): return text
        }
    }
}
