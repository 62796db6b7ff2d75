import Foundation
import Kube

/// How a simulated pod answers the simulated requests: the share that fail with 500 (`errors=0.3`) and how
/// long each takes (`latency=250ms`); by default none fail and each takes 20 ms. Written after the lifecycle
/// behaviour, comma-separated: `healthy,errors=0.3` (see `PodBehaviour`).
struct TrafficProfile: Equatable, Sendable {
    var errorRate: Double = 0
    var latency: Double = 0.02

    static func isTrafficPart(_ part: String) -> Bool { part.hasPrefix("errors=") || part.hasPrefix("latency=") }

    /// The profile in a behaviour text; nil when a traffic part cannot be read.
    init?(_ text: String) {
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
        where Self.isTrafficPart(part) {
            let value = String(part.drop { $0 != "=" }.dropFirst())
            if part.hasPrefix("errors=") {
                guard let rate = Double(value), (0...1).contains(rate) else { return nil }
                errorRate = rate
            } else {
                guard let duration = GoDuration.parse(value) else { return nil }
                latency = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            }
        }
    }

    init(errorRate: Double = 0, latency: Double = 0.02) {
        self.errorRate = errorRate
        self.latency = latency
    }

    /// The pod's profile, from the same annotation or image map as its `PodBehaviour`.
    static func of(_ pod: KubeObject, imageMap: [String: String]) -> TrafficProfile {
        if let annotated = pod.annotations[PodBehaviour.annotation] {
            return TrafficProfile(annotated) ?? TrafficProfile()
        }
        let images = (pod.spec?["containers"]?.arrayValue ?? []).compactMap { $0["image"]?.stringValue }
        guard let mapped = images.lazy.compactMap({ imageMap[$0] }).first else { return TrafficProfile() }
        return TrafficProfile(mapped) ?? TrafficProfile()
    }
}
