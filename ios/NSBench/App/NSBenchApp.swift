// The app's entry point. Launched by the harness (`xcrun devicectl device process launch --console
// ... --nsbench-...`) it runs one benchmark and exits; opened by hand it shows what it is for.
import SwiftUI
import UIKit

@MainActor
final class AppDelegate: NSObject, UIApplicationDelegate {
    func application(
        _ application: UIApplication,
        didFinishLaunchingWithOptions launchOptions: [UIApplication.LaunchOptionsKey: Any]? = nil
    ) -> Bool {
        BenchLauncher.startIfRequested()
        return true
    }
}

@main
struct NSBenchApp: App {
    @UIApplicationDelegateAdaptor(AppDelegate.self) private var appDelegate

    var body: some Scene {
        WindowGroup {
            StatusView()
        }
    }
}

struct StatusView: View {
    var body: some View {
        VStack(alignment: .leading, spacing: 12) {
            Text("NSBench").font(.largeTitle)
            Text("nanosd-bench launches this app from the Mac with xcrun devicectl, once per model, and reads "
                 + "the latencies it prints. Keep the phone unlocked and the app in the foreground while it runs.")
            Text(BenchLauncher.running ? "Measuring…" : "Nothing to measure: started by hand.")
                .foregroundStyle(.secondary)
        }
        .padding()
    }
}
