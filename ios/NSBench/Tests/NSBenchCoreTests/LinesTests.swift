import Foundation
import XCTest
@testable import NSBenchCore

final class LinesTests: XCTestCase {
    let header = BenchHeader(device: "iPhone16,1", os: "18.2", computeUnits: "cpuAndNeuralEngine",
                             model: "E1.R-A-R-A.l16.3f2a9c.onnx", loadMs: 812.4, runId: "nsb-m1x2y3z4-9f8e7d6c",
                             iterations: 5, warmup: 2, app: "1.0", runtime: "onnxruntime 1.24.2")

    func testEveryLineKindAsTheContractSpellsIt() {
        XCTAssertEqual(NSBenchLine.thermal(.before, .nominal).text, "NSBENCH/1 thermal before nominal")
        XCTAssertEqual(NSBenchLine.thermal(.after, .fair).text, "NSBENCH/1 thermal after fair")
        XCTAssertEqual(NSBenchLine.warmup(index: 0, ms: 31.2008).text, "NSBENCH/1 warmup 0 31.2008")
        XCTAssertEqual(NSBenchLine.sample(index: 4, ms: 12.845).text, "NSBENCH/1 sample 4 12.8450")
        XCTAssertEqual(NSBenchLine.providers(["CoreMLExecutionProvider": 12, "CPUExecutionProvider": 3]).text,
                       "NSBENCH/1 providers {\"CPUExecutionProvider\":3,\"CoreMLExecutionProvider\":12}")
        XCTAssertEqual(NSBenchLine.done(samples: 5).text, "NSBENCH/1 done 5")
        XCTAssertEqual(NSBenchLine.error("load: no model at x.onnx").text, "NSBENCH/1 error load: no model at x.onnx")
    }

    func testTheHeaderIsOneJSONObjectOnOneLine() throws {
        let text = NSBenchLine.header(header).text
        XCTAssertTrue(text.hasPrefix("NSBENCH/1 header {"))
        XCTAssertFalse(text.contains("\n"))
        let json = String(text.dropFirst("NSBENCH/1 header ".count))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["device", "os", "computeUnits", "model", "loadMs", "runId", "iterations",
                                          "warmup", "app", "runtime"])
        XCTAssertEqual(object["loadMs"] as? Double, 812.4)
        XCTAssertEqual(object["iterations"] as? Int, 5)
        XCTAssertEqual(try JSONDecoder().decode(BenchHeader.self, from: Data(json.utf8)), header)
    }

    func testAbsentOptionalHeaderKeysAreLeftOut() throws {
        var bare = header
        bare.runId = nil
        bare.app = nil
        bare.runtime = nil
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(bare.json.utf8)) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["device", "os", "computeUnits", "model", "loadMs", "iterations", "warmup"])
    }

    func testTimesHaveFourDecimalsAndAPoint() {
        XCTAssertEqual(milliseconds(0), "0.0000")
        XCTAssertEqual(milliseconds(1234.56789), "1234.5679")
        XCTAssertEqual(milliseconds(0.00004), "0.0000")
    }

    func testAnErrorMessageStaysOnOneLine() {
        XCTAssertEqual(NSBenchLine.error("session failed:\nline two\r\nline three ").text,
                       "NSBENCH/1 error session failed: line two line three")
        XCTAssertEqual(NSBenchLine.error("\n").text, "NSBENCH/1 error (no message)")
    }
}
