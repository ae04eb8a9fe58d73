// swift-tools-version: 5.9
// The pure half of the NSBench app: argument parsing, the NSBENCH/1 lines, the warm-up and sample
// loop and the provider counts of an ONNX Runtime profile. It needs Foundation only, so `swift test`
// runs it on a Mac (or any Swift toolchain) without a phone, a simulator or ONNX Runtime. The app
// target in project.yml compiles these same sources next to App/.
import PackageDescription

let package = Package(
    name: "NSBench",
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [
        .library(name: "NSBenchCore", targets: ["NSBenchCore"]),
    ],
    targets: [
        .target(name: "NSBenchCore", path: "Sources/NSBenchCore"),
        .testTarget(name: "NSBenchCoreTests", dependencies: ["NSBenchCore"], path: "Tests/NSBenchCoreTests"),
    ]
)
