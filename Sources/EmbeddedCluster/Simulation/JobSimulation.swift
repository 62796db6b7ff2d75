import Kube

extension WorkloadSimulator {
    /// Runs `completions` pods (up to `parallelism` at a time) and marks the Job Complete, or Failed once
    /// more pods failed than `backoffLimit` allows.
    func reconcileJob(_ job: KubeObject) async {
        guard job.deletionTimestamp == nil, job.uid != nil else { return }
        if (job.status?["conditions"]?.arrayValue ?? []).contains(where: { $0["status"] == "True" }) { return }
        let completions = Int(job.spec?["completions"]?.intValue ?? 1)
        let parallelism = Int(job.spec?["parallelism"]?.intValue ?? 1)
        let backoffLimit = Int(job.spec?["backoffLimit"]?.intValue ?? 6)
        guard let pods = await owned(.pods, by: job) else { return }
        let succeeded = pods.filter { $0.status?["phase"]?.stringValue == "Succeeded" }.count
        let failed = pods.filter { $0.status?["phase"]?.stringValue == "Failed" }.count
        let active = pods.count - succeeded - failed
        var status: [String: JSON] = job.status?.objectValue ?? [:]
        status["startTime"] = status["startTime"] ?? .string(KubeTime.now())
        status["succeeded"] = .int(Int64(succeeded))
        status["failed"] = .int(Int64(failed))
        status["active"] = .int(Int64(active))
        if succeeded >= completions {
            status["completionTime"] = .string(KubeTime.now())
            status["conditions"] = [
                ["type": "Complete", "status": "True", "lastTransitionTime": .string(KubeTime.now())]
            ]
            status["active"] = 0
        } else if failed > backoffLimit {
            status["conditions"] = [
                [
                    "type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
                    "lastTransitionTime": .string(KubeTime.now()),
                ]
            ]
        } else {
            let missing = min(parallelism - active, completions - succeeded - active)
            if missing > 0 {
                var owner = job
                owner.json[path: ["spec", "template", "metadata", "labels", "job-name"]] = .string(job.name)
                for _ in 0..<missing { await createPod(for: owner) }
            }
        }
        guard job.status != .object(status) else { return }
        var updated = job
        updated.status = .object(status)
        guard
            (try? await store.update(
                .jobs, namespace: job.namespace, name: job.name, object: updated,
                subresource: "status", options: writer)) != nil
        else { return }
        if status["completionTime"] != nil && job.status?["completionTime"] == nil {
            await recordEvent(about: job, reason: "Completed", message: "Job completed", component: "job-controller")
        }
    }
}
