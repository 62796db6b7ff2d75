import Kube

extension SyncExecutor {
    /// Waits for a step: hooks until they complete (and applies their delete policy); applied objects until
    /// they stop Progressing when `untilHealthy`; pruned objects until gone when `untilHealthy`.
    /// Returns a failure message, or nil when the step finished well.
    func wait(
        for written: [(SyncTask, KubeObject)], untilHealthy: Bool, results: inout [SyncTaskResult]
    ) async -> String? {
        let deadline = ContinuousClock.now + stepTimeout
        var pending = written.filter { task, _ in task.action == .hook || untilHealthy }
        while !pending.isEmpty {
            var still: [(SyncTask, KubeObject)] = []
            for (task, object) in pending {
                let gvr: GroupVersionResource
                do { gvr = try await client.resource(for: object.gvk).gvr } catch { return "\(task.key): \(error)" }
                let live: KubeObject?
                do { live = try await client.getIfExists(gvr, namespace: object.namespace, name: object.name) } catch {
                    still.append((task, object))  // not known: an unreachable server is not a pruned object
                    continue
                }
                switch task.action {
                case .prune:
                    if live != nil { still.append((task, object)) }
                case .apply:
                    let health = HealthAssessor.assess(live)
                    if health.status == .degraded { return "\(task.key) is Degraded: \(health.message)" }
                    if health.status == .progressing || health.status == .missing { still.append((task, object)) }
                case .hook:
                    switch HookCompletion.state(of: live) {
                    case .running: still.append((task, object))
                    case .succeeded, .failed:
                        let outcome = HookCompletion.state(of: live)
                        mark(
                            task, object: live ?? object, phase: outcome == .succeeded ? "Succeeded" : "Failed",
                            in: &results)
                        let policy = outcome == .succeeded ? "HookSucceeded" : "HookFailed"
                        if task.annotations.deletePolicies.contains(policy) {
                            do {
                                try await client.deleteIfExists(
                                    gvr, namespace: object.namespace, name: object.name, propagation: .background)
                            } catch {
                                return "\(task.key): the hook finished but could not be deleted: \(error.message)"
                            }
                        }
                        if outcome == .failed {
                            return "\(task.phase.rawValue) hook \(task.key.kind)/\(object.name) failed"
                        }
                    }
                }
            }
            pending = still
            if pending.isEmpty { break }
            guard ContinuousClock.now < deadline else {
                return "timed out waiting for \(pending.map { "\($0.0.key)" }.joined(separator: ", "))"
            }
            try? await Task.sleep(for: pollInterval)
        }
        return nil
    }

    private func mark(_ task: SyncTask, object: KubeObject, phase: String, in results: inout [SyncTaskResult]) {
        guard let index = results.lastIndex(where: { $0.key == task.key && $0.hookType == task.phase }) else { return }
        results[index].hookPhase = phase
        results[index].key.name = object.name
        if phase == "Failed" {
            results[index].status = .syncFailed
            results[index].message = "hook failed"
        } else {
            results[index].message = "hook completed"
        }
    }
}

/// Whether a hook object has finished: Jobs by their conditions, Pods by phase, anything else once created.
enum HookCompletion: Equatable {
    case running, succeeded, failed

    static func state(of object: KubeObject?) -> HookCompletion {
        guard let object else { return .running }
        switch object.kind {
        case "Job":
            let health = HealthAssessor.assess(object).status
            return health == .healthy ? .succeeded : health == .degraded ? .failed : .running
        case "Pod":
            switch object.status?["phase"]?.stringValue {
            case "Succeeded": return .succeeded
            case "Failed": return .failed
            default: return .running
            }
        default:
            return .succeeded
        }
    }
}
