// Starts a benchmark when the harness launched the app (docs/ios-bench-app.md, "Writing the app"):
// stdout line-buffered, the screen kept on, the work on a background queue so the launch watchdog
// never fires, exit(0) after `done` or `error` so devicectl returns.
import Foundation
import UIKit

enum BenchLauncher {
    private(set) static var running = false

    @MainActor
    static func startIfRequested() {
        guard BenchArguments.requested(CommandLine.arguments) else { return }
        // A pipe makes stdout block-buffered: lines would arrive late or be lost when the app is killed.
        setvbuf(stdout, nil, _IOLBF, 0)
        let arguments: BenchArguments
        do {
            guard let parsed = try BenchArguments.parse(CommandLine.arguments) else { return }
            arguments = parsed
        } catch let failure as BenchFailure {
            finish(with: .error(failure.message))
        } catch {
            finish(with: .error("\(error)"))
        }
        running = true
        UIApplication.shared.isIdleTimerDisabled = true
        // UIKit is read here, on the main thread; the run itself goes to a background queue.
        let environment = BenchEnvironment(
            device: DeviceFacts.machine(),
            os: UIDevice.current.systemVersion,
            appVersion: Bundle.main.infoDictionary?["CFBundleShortVersionString"] as? String,
            runtime: "onnxruntime \(OrtPredictionSession.version)",
            thermalState: DeviceFacts.thermalState,
            now: { DispatchTime.now().uptimeNanoseconds })
        DispatchQueue.global(qos: .userInitiated).async {
            BenchRun.execute(arguments, environment: environment, open: OrtPredictionSession.open,
                             emit: { print($0.text) })
            exit(0)
        }
    }

    private static func finish(with line: NSBenchLine) -> Never {
        print(line.text)
        exit(0)
    }
}
