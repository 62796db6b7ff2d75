import Foundation
import Kube
import Logging

/// The figures of `capstan bench cluster`, each measured over real HTTP against the server process.
struct ClusterMeasurements {
    let client: KubeClient
    let server: ServerProcess
    let objects: Int
    let creates: Int

    func configMap(_ name: String) -> KubeObject {
        var object = KubeObject(
            apiVersion: "v1", kind: "ConfigMap", name: name, namespace: "default",
            body: ["data": ["key": "value", "index": .string(name)]])
        object.labels = ["app": "bench", "shard": String(name.hashValue & 7)]
        return object
    }

    func run() async throws -> [String] {
        var lines: [String] = []
        let clock = ContinuousClock()
        let createTime = try await client.onClientThread {
            try await clock.measure {
                for i in 0..<creates { _ = try await client.create(configMap("cm-\(i)")) }
            }
        }
        lines.append(
            String(
                format: "sequential creates (durable, SQLite WAL): %.0f /s",
                Double(creates) / createTime.seconds))
        lines.append(
            try ParallelCreates(kubeconfig: server.dataDir + "/kubeconfig", processes: 8, createsPerProcess: 500)
                .measure())
        let gets = try await client.onClientThread {
            for i in creates..<max(objects, creates) { _ = try await client.create(configMap("cm-\(i)")) }
            var gets: [Double] = []
            for i in 0..<1000 {
                let t = try await clock.measure {
                    _ = try await client.get(.configMaps, namespace: "default", name: "cm-\(i % creates)")
                }
                gets.append(t.seconds * 1000)
            }
            return gets
        }
        lines.append(
            String(format: "get p50: %.3f ms (p99 %.3f ms)", Self.percentile(gets, 0.5), Self.percentile(gets, 0.99)))
        var listTimes: [Double] = []
        var listed = 0
        for _ in 0..<5 {
            let t = try await clock.measure {
                listed = try await client.list(.configMaps, namespace: "default").items.count
            }
            listTimes.append(t.seconds * 1000)
        }
        lines.append(String(format: "list of %d objects: %.1f ms (p50 of 5)", listed, Self.percentile(listTimes, 0.5)))
        let watch = try await client.onClientThread { try await watchLatency() }
        lines.append(String(format: "watch event latency p50: %.3f ms", watch))
        lines.append(String(format: "server resident memory with %d objects: %.1f MB", listed, server.residentMB))
        return lines
    }

    /// Time from the start of a create until its ADDED event arrives on an open watch.
    func watchLatency() async throws -> Double {
        let rv = try await client.list(.configMaps, namespace: "default", limit: 1).resourceVersion
        let stream = try await client.watch(
            .configMaps, namespace: "default", resourceVersion: rv,
            fieldSelector: nil, allowBookmarks: false)
        var iterator = stream.makeAsyncIterator()
        var samples: [Double] = []
        let clock = ContinuousClock()
        for i in 0..<300 {
            let start = clock.now
            _ = try await client.create(configMap("watch-\(i)"))
            while let event = try await iterator.next() {
                if event.object.name == "watch-\(i)" { break }
            }
            samples.append((clock.now - start).seconds * 1000)
        }
        return Self.percentile(samples, 0.5)
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
}

/// Memory of the `Kube` informer cache holding many small objects, measured as this process's RSS growth.
struct InformerMemory {
    let count: Int
    let logger: Logger

    func measure() async throws -> String {
        let client = try KubeClient(config: ClusterConfig(server: "http://127.0.0.1:1"), logger: logger)
        let informer = Informer(client: client, gvr: .configMaps, logger: logger)
        let before = Self.residentMB()
        for i in 0..<count {
            var object = KubeObject(
                apiVersion: "v1", kind: "ConfigMap", name: "cm-\(i)", namespace: "ns-\(i % 100)",
                body: ["data": ["key": .string("value-\(i)")]])
            object.labels = ["app": "bench"]
            object.resourceVersion = String(i + 1)
            object.uid = UUID().uuidString
            await informer.ingest(WatchEvent(type: .added, object: object))
        }
        let cached = await informer.count
        let after = Self.residentMB()
        try await client.shutdown()
        return String(format: "informer cache with %d small objects: %.1f MB", cached, after - before)
    }

    static func residentMB() -> Double {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
