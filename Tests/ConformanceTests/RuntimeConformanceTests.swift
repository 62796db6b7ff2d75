import Foundation
import Kube
import KubeTestSupport
import Logging
import Testing

/// Leader election and the Events recorder, against the cluster.
@Suite struct RuntimeConformanceTests {
    func elector(_ cluster: TestCluster, _ identity: String, leaseDuration: Duration = .seconds(1)) -> LeaderElector {
        var logger = Logger(label: "elector")
        logger.logLevel = .critical
        return LeaderElector(
            client: cluster.client, leaseName: "capstan-test", namespace: cluster.namespace, identity: identity,
            leaseDuration: leaseDuration, renewDeadline: .milliseconds(600), retryPeriod: .milliseconds(100),
            logger: logger)
    }

    /// Not timed: the lease lasts a minute, and its expiry is made by moving its renewTime into the past, as a
    /// holder that stopped renewing long ago would leave it.
    @Test func oneLeaderAtATimeAndTakeOverAfterExpiry() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let a = elector(cluster, "a", leaseDuration: .seconds(60))
            let b = elector(cluster, "b", leaseDuration: .seconds(60))
            #expect(try await a.tryAcquireOrRenew())
            #expect(try await !b.tryAcquireOrRenew())
            #expect(try await a.tryAcquireOrRenew(), "the holder renews")
            var lease = try await cluster.client.get(.leases, namespace: cluster.namespace, name: "capstan-test")
            #expect(lease.spec?["holderIdentity"] == "a")

            // a stops renewing; b takes over once the lease has expired, not before.
            #expect(try await !b.tryAcquireOrRenew())
            lease.json[path: ["spec", "renewTime"]] = .string(KubeTime.format(Date().addingTimeInterval(-120)))
            _ = try await cluster.client.update(lease)
            #expect(try await b.tryAcquireOrRenew())
            let taken = try await cluster.client.get(.leases, namespace: cluster.namespace, name: "capstan-test")
            #expect(taken.spec?["holderIdentity"] == "b")
            #expect(taken.spec?["leaseTransitions"] == 1)
            #expect(try await !a.tryAcquireOrRenew())
        }
    }

    @Test func runDoesTheWorkOnlyAsLeader() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            let a = elector(cluster, "a"), b = elector(cluster, "b")
            let started = AsyncStream<String>.makeStream()
            let first = Task {
                try await a.run {
                    started.continuation.yield("a"); try await Task.sleep(for: .seconds(60))
                }
            }
            var iterator = started.stream.makeAsyncIterator()
            #expect(await iterator.next() == "a")
            let second = Task {
                try await b.run {
                    started.continuation.yield("b"); try await Task.sleep(for: .seconds(60))
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            first.cancel()  // a stops renewing
            #expect(await iterator.next() == "b")
            second.cancel()
        }
    }

    @Test func eventsAreRecordedAndRepeatsCounted() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            var logger = Logger(label: "events")
            logger.logLevel = .critical
            let recorder = EventRecorder(client: cluster.client, component: "capstan-test", logger: logger)
            let cm = try await cluster.client.create(Fixtures.configMap("subject", namespace: cluster.namespace))
            await recorder.record(cm, type: .warning, reason: "ComparisonError", message: "bad yaml")
            await recorder.record(cm, type: .warning, reason: "ComparisonError", message: "bad yaml")
            await recorder.record(cm, type: .normal, reason: "Synced", message: "ok")
            await recorder.flush()
            let events = try await cluster.client.list(.events, namespace: cluster.namespace).items
            let warning = try #require(events.first { $0.json["reason"] == "ComparisonError" })
            #expect(warning.json["count"] == 2 && warning.json["type"] == "Warning")
            #expect(warning.json[path: ["involvedObject", "name"]] == "subject")
            #expect(warning.json[path: ["involvedObject", "uid"]]?.stringValue == cm.uid)
            #expect(events.filter { $0.json["reason"] == "Synced" }.count == 1)
        }
    }

    /// A burst over several objects is written by parallel senders; each event's repeats still count up in order.
    @Test func aBurstOfEventsIsWrittenWithItsRepeatsCounted() async throws {
        try await TestCluster.with(simulate: false) { cluster in
            var logger = Logger(label: "events")
            logger.logLevel = .critical
            let recorder = EventRecorder(client: cluster.client, component: "capstan-test", logger: logger)
            var subjects: [KubeObject] = []
            for index in 0..<8 {
                subjects.append(
                    try await cluster.client.create(
                        Fixtures.configMap("subject-\(index)", namespace: cluster.namespace))
                )
            }
            for _ in 0..<5 {
                for subject in subjects {
                    await recorder.record(subject, type: .normal, reason: "Burst", message: "again")
                }
            }
            await recorder.flush()
            let events = try await cluster.client.list(.events, namespace: cluster.namespace).items
                .filter { $0.json["reason"] == "Burst" }
            #expect(events.count == 8)
            #expect(events.allSatisfy { $0.json["count"] == 5 })
            #expect(Set(events.compactMap { $0.json[path: ["involvedObject", "name"]]?.stringValue }).count == 8)
        }
    }
}
