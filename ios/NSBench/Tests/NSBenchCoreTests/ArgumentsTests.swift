import XCTest
@testable import NSBenchCore

final class ArgumentsTests: XCTestCase {
    // What `xcrun devicectl device process launch` hands the app for the documented launch, after the
    // arguments iOS adds itself.
    let documented = [
        "/private/var/containers/Bundle/Application/X/NSBench.app/NSBench",
        "--nsbench-model=Documents/nsbench/l16 w1/E1.R-A-R-A.l16.3f2a9c.onnx",
        "--nsbench-iterations=20",
        "--nsbench-warmup=5",
        "--nsbench-compute-units=cpuAndNeuralEngine",
        "--nsbench-run-id=nsb-m1x2y3z4-9f8e7d6c",
        "--nsbench-input=s0:float32:1,320,16,16",
        "--nsbench-input=temb:float32:1,1280",
        "--nsbench-input=context:float32:1,77,768",
        "-AppleLanguages", "(en)",
    ]

    func testReadsTheDocumentedLaunch() throws {
        let a = try XCTUnwrap(try BenchArguments.parse(documented))
        XCTAssertEqual(a.model, "Documents/nsbench/l16 w1/E1.R-A-R-A.l16.3f2a9c.onnx")
        XCTAssertEqual(a.modelFileName, "E1.R-A-R-A.l16.3f2a9c.onnx")
        XCTAssertEqual(a.iterations, 20)
        XCTAssertEqual(a.warmup, 5)
        XCTAssertEqual(a.computeUnits, .cpuAndNeuralEngine)
        XCTAssertEqual(a.computeUnits.coreMLOption, "CPUAndNeuralEngine")
        XCTAssertEqual(a.runId, "nsb-m1x2y3z4-9f8e7d6c")
        XCTAssertEqual(a.inputs, [
            InputSpec(name: "s0", type: .float32, shape: [1, 320, 16, 16]),
            InputSpec(name: "temb", type: .float32, shape: [1, 1280]),
            InputSpec(name: "context", type: .float32, shape: [1, 77, 768]),
        ])
        XCTAssertEqual(a.inputs[0].elementCount, 81920)
    }

    func testNoBenchArgumentsMeansStartedByHand() throws {
        XCTAssertNil(try BenchArguments.parse(["/path/NSBench", "-AppleLanguages", "(en)"]))
        XCTAssertFalse(BenchArguments.requested(["/path/NSBench"]))
        XCTAssertTrue(BenchArguments.requested(documented))
    }

    func testAnInputNameIsEverythingBeforeTheLastTwoColons() throws {
        let spec = try BenchArguments.parseInput("down:blocks:0:float16:1,4,8,8")
        XCTAssertEqual(spec, InputSpec(name: "down:blocks:0", type: .float16, shape: [1, 4, 8, 8]))
        XCTAssertEqual(spec.type.byteSize, 2)
    }

    func testEveryComputeUnitsNameMapsToTheCoreMLOption() {
        let options = ComputeUnits.allCases.map { "\($0.rawValue)=\($0.coreMLOption)" }
        XCTAssertEqual(options, ["all=ALL", "cpuOnly=CPUOnly", "cpuAndGPU=CPUAndGPU",
                                 "cpuAndNeuralEngine=CPUAndNeuralEngine"])
    }

    func testDefaults() throws {
        let a = try XCTUnwrap(try BenchArguments.parse(["--nsbench-model=m.onnx", "--nsbench-iterations=3"]))
        XCTAssertEqual(a.warmup, 0)
        XCTAssertEqual(a.computeUnits, .all)
        XCTAssertNil(a.runId)
    }

    func testBadArgumentsSayWhich() {
        let cases: [([String], BenchFailure)] = [
            (["--nsbench-iterations=3"], .arguments("missing --nsbench-model")),
            (["--nsbench-model=m.onnx"], .arguments("missing --nsbench-iterations")),
            (["--nsbench-model=m.onnx", "--nsbench-iterations=0"],
             .arguments("--nsbench-iterations=0 is not an integer >= 1")),
            (["--nsbench-model=m.onnx", "--nsbench-iterations=3", "--nsbench-warmup=-1"],
             .arguments("--nsbench-warmup=-1 is not an integer >= 0")),
            (["--nsbench-model=m.onnx", "--nsbench-iterations=3", "--nsbench-compute-units=ane"],
             .arguments("unknown compute units ane (expected one of all, cpuOnly, cpuAndGPU, cpuAndNeuralEngine)")),
            (["--nsbench-model=a.onnx", "--nsbench-model=b.onnx"], .arguments("--nsbench-model is given twice")),
            (["--nsbench-model"], .arguments("--nsbench-model has no value (expected --nsbench-<key>=<value>)")),
            (["--nsbench-model=m.onnx", "--nsbench-iterations=3", "--nsbench-input=s0:float32"],
             .arguments("--nsbench-input=s0:float32 is not <name>:<type>:<dims>")),
            (["--nsbench-model=m.onnx", "--nsbench-iterations=3", "--nsbench-input=s0:float32:1,0,4"],
             .arguments("--nsbench-input=s0:float32:1,0,4 is not <name>:<type>:<positive dims>")),
            (["--nsbench-model=m.onnx", "--nsbench-iterations=3", "--nsbench-input=ids:int64:1,77"],
             .load("input ids is int64; this app builds float32 and float16 inputs")),
        ]
        for (argv, expected) in cases {
            XCTAssertThrowsError(try BenchArguments.parse(argv), argv.joined(separator: " ")) { error in
                XCTAssertEqual(error as? BenchFailure, expected)
            }
        }
    }

    func testOnlyLoadFailuresCarryTheLoadPrefix() {
        XCTAssertEqual(BenchFailure.load("no model at x.onnx").message, "load: no model at x.onnx")
        XCTAssertEqual(BenchFailure.run("prediction failed: x").message, "prediction failed: x")
        XCTAssertEqual(BenchFailure.arguments("missing --nsbench-model").message, "missing --nsbench-model")
    }
}
