import Foundation
import Kube
import Logging

/// Request traffic for the embedded cluster's Services, and the per-pod metrics it leaves, so analysis has
/// something real to measure on one machine. Every tick each Service with a selector receives its rate of
/// requests (annotation `capstan.io/simulated-rps`, 10 by default), split evenly between its Ready pods (so
/// by replica counts), or as traffic objects route it (`TrafficFlow`); each pod answers as its `TrafficProfile`
/// says. `metricsText()` is the Prometheus text a
/// scrape of `/metrics` returns: `http_requests_total{code}` and the `http_request_duration_seconds`
/// histogram, labelled with `namespace`, `pod`, `service` and `rollouts_pod_template_hash`.
actor TrafficSimulator {
    static let rateAnnotation = "capstan.io/simulated-rps"
    static let defaultRate = 10.0
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// Counters of one pod behind one Service.
    struct Series {
        var labels: String
        var ok: Int64 = 0
        var errors: Int64 = 0
        var bucketCounts = [Int64](repeating: 0, count: TrafficSimulator.buckets.count)
        var sum: Double = 0
        /// Requests and errors not yet whole, carried to the next tick so counts stay exact over time.
        var requestCarry: Double = 0
        var errorCarry: Double = 0
    }

    let store: ClusterStore
    let tick: Duration
    let logger: Logger
    var series: [String: Series] = [:]

    init(store: ClusterStore, tick: Duration = .seconds(1), logger: Logger) {
        self.store = store
        self.tick = tick
        self.logger = logger
    }

    func run() async {
        while !Task.isCancelled {
            await step(seconds: Double(tick.components.seconds) + Double(tick.components.attoseconds) / 1e18)
            try? await Task.sleep(for: tick)  // cancellation ends the loop
        }
    }

    /// One tick's traffic: `seconds` worth of requests for every Service.
    func step(seconds: Double) async {
        let ready = ((try? await store.list(.pods)) ?? []).filter(WorkloadSimulator.isReady)
        let services = (try? await store.list(.services)) ?? []
        let mapText = try? await store.get(
            .configMaps, namespace: PodBehaviour.configMapNamespace, name: PodBehaviour.configMapName)
        let imageMap = PodBehaviour.imageMap(mapText?.json["data"]?[PodBehaviour.configMapKey]?.stringValue ?? "").map
        var live: Set<String> = []
        let flows = TrafficFlow.flows(
            services: services, splits: await listIfServed(TrafficFlow.trafficSplits),
            virtualServices: await listIfServed(TrafficFlow.virtualServices),
            httpRoutes: await listIfServed(TrafficFlow.httpRoutes), ingresses: await listIfServed(TrafficFlow.ingresses)
        )
        let byKey = Dictionary(
            services.map { ("\($0.namespace ?? "")/\($0.name)", $0) }, uniquingKeysWith: { first, _ in first })
        for flow in flows {
            let total = flow.backends.reduce(0) { $0 + max($1.weight, 0) }
            guard total > 0 else { continue }
            for backend in flow.backends where backend.weight > 0 {
                guard let service = byKey["\(flow.namespace)/\(backend.service)"],
                    let selector = service.spec?["selector"]?.objectValue, !selector.isEmpty
                else { continue }
                let wanted = LabelSelector(matchLabels: KubeObject.stringMap(.object(selector)))
                let pods = ready.filter { $0.namespace == service.namespace && wanted.matches($0.labels) }
                guard !pods.isEmpty else { continue }
                let share = flow.rate * seconds * backend.weight / total / Double(pods.count)
                for pod in pods {
                    let key = "\(service.namespace ?? "")/\(service.name)/\(pod.name)"
                    live.insert(key)
                    var entry = series[key] ?? Series(labels: Self.labels(service: service, pod: pod))
                    Self.serve(share, profile: TrafficProfile.of(pod, imageMap: imageMap), into: &entry)
                    series[key] = entry
                }
            }
        }
        series = series.filter { live.contains($0.key) }
    }

    /// The objects of a traffic kind; none when its CRD is not installed (the usual case), and none, with a
    /// log line, when the store fails otherwise.
    func listIfServed(_ gvr: GroupVersionResource) async -> [KubeObject] {
        do {
            return try await store.list(gvr)
        } catch {
            if !error.isNotFound {
                logger.warning("simulated traffic cannot read \(gvr.resource)", metadata: ["error": "\(error)"])
            }
            return []
        }
    }

    static func serve(_ requests: Double, profile: TrafficProfile, into entry: inout Series) {
        entry.requestCarry += requests
        // The small epsilon keeps 3.4 × 30 from flooring to 101 through rounding error.
        let count = (entry.requestCarry + 1e-9).rounded(.down)
        entry.requestCarry -= count
        entry.errorCarry += count * profile.errorRate
        let failed = min(count, (entry.errorCarry + 1e-9).rounded(.down))
        entry.errorCarry -= failed
        entry.errors += Int64(failed)
        entry.ok += Int64(count - failed)
        for (index, bound) in buckets.enumerated() where profile.latency <= bound {
            entry.bucketCounts[index] += Int64(count)
        }
        entry.sum += count * profile.latency
    }

    static func labels(service: KubeObject, pod: KubeObject) -> String {
        [
            ("namespace", pod.namespace ?? ""), ("pod", pod.name), ("service", service.name),
            ("rollouts_pod_template_hash", pod.labels["rollouts-pod-template-hash"] ?? ""),
        ].map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",")
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// The Prometheus text exposition of every series.
    func metricsText() -> String {
        let all = series.values.sorted { $0.labels < $1.labels }
        var lines = [
            "# HELP http_requests_total Simulated requests served, by status code.",
            "# TYPE http_requests_total counter",
        ]
        for s in all {
            lines.append("http_requests_total{\(s.labels),code=\"200\"} \(s.ok)")
            lines.append("http_requests_total{\(s.labels),code=\"500\"} \(s.errors)")
        }
        lines += [
            "# HELP http_request_duration_seconds Simulated request latency.",
            "# TYPE http_request_duration_seconds histogram",
        ]
        for s in all {
            for (index, bound) in Self.buckets.enumerated() {
                lines.append(
                    "http_request_duration_seconds_bucket{\(s.labels),le=\"\(bound)\"} \(s.bucketCounts[index])")
            }
            lines.append("http_request_duration_seconds_bucket{\(s.labels),le=\"+Inf\"} \(s.ok + s.errors)")
            lines.append("http_request_duration_seconds_sum{\(s.labels)} \(s.sum)")
            lines.append("http_request_duration_seconds_count{\(s.labels)} \(s.ok + s.errors)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
