import Foundation
import XCTest
@testable import NSBenchCore

final class ProfileNodesTests: XCTestCase {
    // The event layout of test/fixtures/outputs/ort-profile-json/ (two runs of the same graph): a
    // CoreML partition plus two nodes left on the CPU EP, fences and session events around them.
    let profile = """
    [
    {"cat" : "Session","pid" :812,"tid" :812,"dur" :412233,"ts" :30797,"ph" : "X","name" :"session_initialization","args" : {}},
    {"cat" : "Session","pid" :812,"tid" :812,"dur" :5819,"ts" :443070,"ph" : "X","name" :"model_run","args" : {}},
    {"cat" : "Node","pid" :812,"tid" :812,"dur" :0,"ts" :443079,"ph" : "X","name" :"/E1/R0/norm1/Reshape_fence_before","args" : {"op_name" : "Reshape"}},
    {"cat" : "Node","pid" :812,"tid" :812,"dur" :21,"ts" :443080,"ph" : "X","name" :"/E1/R0/norm1/Reshape_kernel_time","args" : {"parameter_size" : "24","provider" : "CPUExecutionProvider","op_name" : "Reshape"}},
    {"cat" : "Node","pid" :812,"tid" :812,"dur" :530,"ts" :443102,"ph" : "X","name" :"CoreMLExecutionProvider_CoreML_8467032166377950513_0_0_kernel_time","args" : {"parameter_size" : "5332480","provider" : "CoreMLExecutionProvider","op_name" : "CoreML_8467032166377950513_0"}},
    {"cat" : "Node","pid" :812,"tid" :812,"dur" :40,"ts" :443640,"ph" : "X","name" :"/E1/R0/norm1/InstanceNormalization_kernel_time","args" : {"parameter_size" : "256","provider" : "CPUExecutionProvider","op_name" : "InstanceNormalization"}},
    {"cat" : "Session","pid" :812,"tid" :812,"dur" :5101,"ts" :449000,"ph" : "X","name" :"model_run","args" : {}},
    {"cat" : "Node","pid" :812,"tid" :812,"dur" :20,"ts" :449010,"ph" : "X","name" :"/E1/R0/norm1/Reshape_kernel_time","args" : {"parameter_size" : "24","provider" : "CPUExecutionProvider","op_name" : "Reshape"}},
    {"cat" : "Node","pid" :812,"tid" :812,"dur" :512,"ts" :449031,"ph" : "X","name" :"CoreMLExecutionProvider_CoreML_8467032166377950513_0_0_kernel_time","args" : {"parameter_size" : "5332480","provider" : "CoreMLExecutionProvider","op_name" : "CoreML_8467032166377950513_0"}},
    {"cat" : "Node","pid" :812,"tid" :812,"dur" :39,"ts" :449550,"ph" : "X","name" :"/E1/R0/norm1/InstanceNormalization_kernel_time","args" : {"parameter_size" : "256","provider" : "CPUExecutionProvider","op_name" : "InstanceNormalization"}}
    ]
    """

    func testCountsEachNodeOncePerProvider() throws {
        let counts = try ProfileNodes.providerCounts(profileJSON: Data(profile.utf8))
        XCTAssertEqual(counts, ["CoreMLExecutionProvider": 1, "CPUExecutionProvider": 2])
    }

    func testAProfileWithoutRunsNamesNoProvider() throws {
        let empty = "[{\"cat\" : \"Session\",\"name\" :\"session_initialization\",\"args\" : {}}]"
        XCTAssertEqual(try ProfileNodes.providerCounts(profileJSON: Data(empty.utf8)), [:])
    }

    func testSomethingElseIsRefused() {
        XCTAssertThrowsError(try ProfileNodes.providerCounts(profileJSON: Data("{\"cat\":\"Node\"}".utf8)))
        XCTAssertThrowsError(try ProfileNodes.providerCounts(profileJSON: Data("[{\"cat\":".utf8)))
    }
}
