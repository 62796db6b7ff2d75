import Foundation
import Logging

/// Leader election on a `coordination.k8s.io/v1` Lease, as client-go does it: the holder renews the lease
/// every `retryPeriod`; another candidate takes it over once it has not been renewed for `leaseDuration`.
public struct LeaderElector: Sendable {
    public let client: KubeClient
    public let leaseName: String
    public let namespace: String
    public let identity: String
    public let leaseDuration: Duration
    public let renewDeadline: Duration
    public let retryPeriod: Duration
    let logger: Logger

    public init(
        client: KubeClient, leaseName: String, namespace: String, identity: String,
        leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10),
        retryPeriod: Duration = .seconds(2), logger: Logger
    ) {
        self.client = client
        self.leaseName = leaseName
        self.namespace = namespace
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.logger = logger
    }

    /// Waits to become leader, then runs `work` while the lease is held. Returns when `work` returns or
    /// throws, or when leadership is lost (then `work` is cancelled).
    public func run(_ work: @escaping @Sendable () async throws -> Void) async throws {
        while !(try await tryAcquireOrRenew()) {
            try await Task.sleep(for: retryPeriod)
        }
        logger.info("became leader", metadata: ["lease": "\(namespace)/\(leaseName)", "identity": "\(identity)"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await work() }
            group.addTask {
                var lastRenew = ContinuousClock.now
                while true {
                    try await Task.sleep(for: retryPeriod)
                    var renewed = false
                    do { renewed = try await tryAcquireOrRenew() } catch {
                        logger.warning(
                            "could not renew the lease", metadata: ["lease": "\(leaseName)", "error": "\(error)"])
                    }
                    if renewed {
                        lastRenew = .now
                    } else if ContinuousClock.now - lastRenew > renewDeadline {
                        throw LeadershipLost(lease: leaseName)
                    }
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// One attempt: create the lease, renew it if we hold it, or take it over if it expired.
    /// Returns false when another holder has it or a concurrent writer won the race.
    public func tryAcquireOrRenew() async throws -> Bool {
        let now = KubeTime.microNow()
        let seconds = Int64(leaseDuration.components.seconds)
        guard var lease = try await currentLease() else {
            let lease = KubeObject(
                apiVersion: "coordination.k8s.io/v1", kind: "Lease", name: leaseName,
                namespace: namespace,
                body: [
                    "spec": [
                        "holderIdentity": .string(identity), "acquireTime": .string(now),
                        "renewTime": .string(now), "leaseDurationSeconds": .int(seconds),
                        "leaseTransitions": 0,
                    ]
                ])
            return try await writeIgnoringRace { () async throws(KubeError) in _ = try await client.create(lease) }
        }
        let holder = lease.spec?["holderIdentity"]?.stringValue ?? ""
        let renewed = lease.spec?["renewTime"]?.stringValue.flatMap(KubeTime.parse) ?? .distantPast
        let duration = Double(lease.spec?["leaseDurationSeconds"]?.intValue ?? seconds)
        let expired = Date().timeIntervalSince(renewed) > duration
        guard holder == identity || holder.isEmpty || expired else { return false }
        var spec = lease.spec ?? [:]
        if holder != identity {
            spec["acquireTime"] = .string(now)
            spec["leaseTransitions"] = .int((spec["leaseTransitions"]?.intValue ?? 0) + 1)
        }
        spec["holderIdentity"] = .string(identity)
        spec["renewTime"] = .string(now)
        spec["leaseDurationSeconds"] = .int(seconds)
        lease.spec = spec
        let updated = lease
        return try await writeIgnoringRace { () async throws(KubeError) in _ = try await client.update(updated) }
    }

    func currentLease() async throws(KubeError) -> KubeObject? {
        do {
            return try await client.get(.leases, namespace: namespace, name: leaseName)
        } catch {
            if error.isNotFound { return nil }
            throw error
        }
    }

    func writeIgnoringRace(_ write: () async throws(KubeError) -> Void) async throws(KubeError) -> Bool {
        do {
            try await write()
            return true
        } catch {
            if error.isConflict || error.isAlreadyExists { return false }
            throw error
        }
    }
}

/// The lease could not be renewed in time; the work it guarded was stopped.
public struct LeadershipLost: Error, Sendable {
    public let lease: String
}
