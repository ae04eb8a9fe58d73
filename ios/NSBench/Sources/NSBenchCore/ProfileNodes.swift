// Which execution provider ran how many nodes, from an ONNX Runtime profile (the JSON array of trace
// events that SessionOptions EnableProfiling writes). The rule is the harness's own
// (src/runners/parsers/ort-profile-json.ts): a kernel is a `"cat":"Node"` event named
// `<node>_kernel_time` whose `args.provider` names the provider; every run repeats every node, so
// nodes are counted once each.
import Foundation

public enum ProfileNodes {
    public struct NotAProfile: Error, CustomStringConvertible {
        public let description: String
    }

    /// Distinct nodes per execution provider; empty when no event names a provider.
    public static func providerCounts(profileJSON data: Data) throws -> [String: Int] {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw NotAProfile(description: "the ONNX Runtime profile is not JSON: \(error)")
        }
        guard let events = parsed as? [[String: Any]] else {
            throw NotAProfile(description: "the ONNX Runtime profile is not an array of events")
        }
        var providerOf: [String: String] = [:]
        for event in events {
            guard event["cat"] as? String == "Node",
                  let name = event["name"] as? String, name.hasSuffix("_kernel_time"),
                  let args = event["args"] as? [String: Any],
                  let provider = args["provider"] as? String, !provider.isEmpty
            else { continue }
            providerOf[String(name.dropLast("_kernel_time".count))] = provider
        }
        var counts: [String: Int] = [:]
        for provider in providerOf.values { counts[provider, default: 0] += 1 }
        return counts
    }
}
