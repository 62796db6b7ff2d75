import Foundation
import Kube
import Logging

/// How a simulated pod behaves: the one knob tests and demos use to make a new version misbehave.
///
/// A pod takes its behaviour from its annotation `capstan.io/simulate` (set in a pod template), or else
/// from the ConfigMap `capstan-simulation` in `kube-system`, whose key `images` maps images to behaviours,
/// one `image: behaviour` per line (a ConfigMap key cannot hold an image reference's `/` and `:`):
///
/// ```yaml
/// data:
///   images: |
///     argoproj/rollouts-demo:bad-red: crash-loop
///     example/api:2.0.0: ready-after=45s
/// ```
///
/// so a manifest written for a real cluster needs no change: pushing the image a map names is enough.
/// Behaviours: `healthy` (the default: Ready once started), `never-ready` (running, never Ready),
/// `ready-after=<duration>` (running, Ready that long after it started; `30s`, `5m`, `1h30m`), `crash-loop`
/// (restarting, `CrashLoopBackOff`, never Ready), `fail` (phase Failed). A behaviour may add how the pod
/// serves the simulated traffic (`TrafficProfile`), comma-separated: `healthy,errors=0.3,latency=250ms`.
enum PodBehaviour: Equatable, Sendable {
    case healthy
    case neverReady
    case readyAfter(Duration)
    case crashLoop
    case fail

    static let annotation = "capstan.io/simulate"
    static let configMapName = "capstan-simulation"
    static let configMapNamespace = "kube-system"
    static let configMapKey = "images"

    /// The `images` text as a map: each line `image: behaviour`, split at its last `": "`; lines of
    /// another shape are returned as `invalid` for the caller to report.
    static func imageMap(_ text: String) -> (map: [String: String], invalid: [String]) {
        var map: [String: String] = [:]
        var invalid: [String] = []
        for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let split = line.range(of: ": ", options: .backwards),
                case let image = line[..<split.lowerBound].trimmingCharacters(in: .whitespaces), !image.isEmpty
            else {
                invalid.append(line.trimmingCharacters(in: .whitespaces))
                continue
            }
            map[image] = line[split.upperBound...].trimmingCharacters(in: .whitespaces)
        }
        return (map, invalid)
    }

    /// Parses a behaviour; nil for text it does not know (the pod then stays healthy, and the simulator logs it).
    init?(_ text: String) {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let lifecycle = parts.filter { !TrafficProfile.isTrafficPart($0) }
        guard TrafficProfile(text) != nil, lifecycle.count <= 1 else { return nil }
        switch lifecycle.first ?? "" {
        case "", "healthy": self = .healthy
        case "never-ready": self = .neverReady
        case "crash-loop": self = .crashLoop
        case "fail": self = .fail
        case let other where other.hasPrefix("ready-after="):
            guard let delay = GoDuration.parse(String(other.dropFirst("ready-after=".count))) else { return nil }
            self = .readyAfter(delay)
        default: return nil
        }
    }

    /// The pod's behaviour: its annotation first, then the first of its containers' images the map names.
    /// Text that cannot be parsed is returned as the error for the caller to report.
    static func of(_ pod: KubeObject, imageMap: [String: String]) -> Result<PodBehaviour, UnknownBehaviour> {
        let text: String
        if let annotated = pod.annotations[annotation] {
            text = annotated
        } else {
            let images = (pod.spec?["containers"]?.arrayValue ?? []).compactMap { $0["image"]?.stringValue }
            guard let mapped = images.lazy.compactMap({ imageMap[$0] }).first else { return .success(.healthy) }
            text = mapped
        }
        guard let behaviour = PodBehaviour(text) else { return .failure(UnknownBehaviour(text: text)) }
        return .success(behaviour)
    }

    /// Whether a pod that started `running` ago is Ready.
    func isReady(runningFor running: Duration) -> Bool {
        switch self {
        case .healthy: true
        case .readyAfter(let delay): running >= delay
        case .neverReady, .crashLoop, .fail: false
        }
    }
}

/// A behaviour text the simulation does not know.
struct UnknownBehaviour: Error, Equatable {
    let text: String
}

extension WorkloadSimulator {
    /// An unknown behaviour (a typo in the annotation or the image map) is logged and recorded as a Warning
    /// Event on the pod once per text; the pod behaves as a healthy one meanwhile.
    /// Lines of the image map that are not `image: behaviour`: logged and recorded as a Warning Event on the
    /// ConfigMap once each; the other lines still apply.
    func report(invalidLines: [String], in configMap: KubeObject) async {
        for line in invalidLines where reportedBehaviours.insert("line: " + line).inserted {
            let message =
                "line \"\(line)\" of \(PodBehaviour.configMapKey) is not \"image: behaviour\" and is ignored"
            logger.warning("\(message)", metadata: ["configmap": "\(configMap.namespace ?? "")/\(configMap.name)"])
            await recordEvent(
                about: configMap, reason: "InvalidSimulatedBehaviour", message: message, type: "Warning",
                component: "kubelet")
        }
    }

    func report(_ unknown: UnknownBehaviour, pod: KubeObject) async {
        guard reportedBehaviours.insert(unknown.text).inserted else { return }
        let message =
            "unknown simulated behaviour \"\(unknown.text)\" (from the \(PodBehaviour.annotation) annotation or the "
            + "\(PodBehaviour.configMapNamespace)/\(PodBehaviour.configMapName) ConfigMap); expected healthy, "
            + "never-ready, ready-after=<duration>, crash-loop or fail, optionally with ,errors=<0..1>,latency=<duration>"
        logger.warning("\(message)", metadata: ["pod": "\(pod.namespace ?? "")/\(pod.name)"])
        await recordEvent(
            about: pod, reason: "UnknownSimulatedBehaviour", message: message, type: "Warning", component: "kubelet")
    }
}
