import Foundation
import Kube
import Logging

/// A tiny kubelet and controller-manager for the embedded cluster: Deployments roll out ReplicaSets,
/// ReplicaSets create pods, pods go Pending → Running → Ready after a delay, Services get Endpoints,
/// Jobs complete. Reacts to changes and re-checks on a short tick for timed transitions.
///
/// Pods can be told to misbehave, by annotation or by image (`PodBehaviour`).
///
/// Like the controllers it stands in for, the simulation is level-triggered: its reads and writes use `try?`
/// on purpose, since a write that loses a race (a user's write in between, an object deleted meanwhile) is
/// simply redone from fresh state on the next pass, a moment later.
actor WorkloadSimulator {
    let store: ClusterStore
    let podStartDelay: Duration
    let logger: Logger
    var firstSeen: [String: ContinuousClock.Instant] = [:]
    var progressSeen: [String: (state: String, since: ContinuousClock.Instant)] = [:]
    let writer = WriteOptions(fieldManager: "kube-controller-manager")
    /// Pods the node runs at most (from its `status.capacity.pods`); the rest stay Pending, Unschedulable.
    var nodeCapacity = WorkloadSimulator.defaultPodCapacity
    /// Non-terminal pods bound to the node, and pods not bound yet: counted each round, kept as it changes.
    var scheduledPods = 0
    var unschedulablePods = 0
    /// `PodBehaviour`'s image map, read from its ConfigMap once per pass.
    var imageBehaviours: [String: String] = [:]
    /// Behaviour texts already reported as unknown (each is reported once).
    var reportedBehaviours: Set<String> = []
    /// Events beyond the first few of a kind, combined (see `SimilarEvents`).
    var similarEvents = SimilarEvents()
    /// Decoded copies of what the passes read, so a pass decodes only what changed.
    var decoded = DecodedObjects()
    /// kubelet's default `maxPods`.
    static let defaultPodCapacity = 110

    init(store: ClusterStore, podStartDelay: Duration, logger: Logger) {
        self.store = store
        self.podStartDelay = podStartDelay
        self.logger = logger
    }

    func run() async {
        await ensureNode()
        var lastVersion: Int64 = -1
        var idleTicks = 0
        while !Task.isCancelled {
            let version = await store.currentResourceVersion
            if version != lastVersion || idleTicks >= 5 {
                lastVersion = version
                idleTicks = 0
                await reconcileAll()
                await flushCombinedEvents()
            } else {
                idleTicks += 1
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    func reconcileAll() async {
        // One decoded list of the pods serves the count and the pod pass; pods created by this pass's
        // ReplicaSets and Jobs are taken up by the next pass, a moment later.
        let pods: [KubeObject]
        do { pods = try await list(.pods) } catch {
            // Not "no pods": the node's count and every pod would be judged on nothing. The next pass retries.
            logger.warning("simulation pass skipped: the pods cannot be read", metadata: ["error": "\(error)"])
            return
        }
        await countPods(pods)
        let map = try? await store.get(
            .configMaps, namespace: PodBehaviour.configMapNamespace, name: PodBehaviour.configMapName)
        let parsed = PodBehaviour.imageMap(map?.json["data"]?[PodBehaviour.configMapKey]?.stringValue ?? "")
        imageBehaviours = parsed.map
        if let map, !parsed.invalid.isEmpty { await report(invalidLines: parsed.invalid, in: map) }
        for deployment in await readable(.deployments) ?? [] { await reconcileDeployment(deployment) }
        for rs in await readable(.replicaSets) ?? [] { await reconcileReplicaSet(rs) }
        for job in await readable(.jobs) ?? [] { await reconcileJob(job) }
        for pod in pods { await reconcilePod(pod) }
        for set in (await readable(.statefulSets) ?? []) + (await readable(.daemonSets) ?? []) {
            await reconcileInstantWorkload(set)
        }
        await reconcileEndpoints()
        decoded.endPass()
    }

    /// `list(gvr)`, or nil with a log line when the objects cannot be read: the caller leaves that part of the
    /// pass alone (acting on an empty list would, for instance, empty every Service's Endpoints).
    func readable(_ gvr: GroupVersionResource) async -> [KubeObject]? {
        do { return try await list(gvr) } catch {
            logger.warning(
                "simulation: objects cannot be read; left for the next pass",
                metadata: ["resource": "\(gvr)", "error": "\(error)"])
            return nil
        }
    }

    /// The stored objects of a resource (or those `ownerUID` owns), in key order, decoding only what changed
    /// since the last pass.
    func list(_ gvr: GroupVersionResource, ownedBy ownerUID: String? = nil) async throws(KubeError) -> [KubeObject] {
        try decoded.objects(try await store.versioned(gvr, ownedBy: ownerUID))
    }

    func countPods(_ pods: [KubeObject]) async {
        let active = pods.filter { $0.deletionTimestamp == nil && !Self.isFinished($0) }
        scheduledPods = active.filter { $0.spec?["nodeName"] != nil }.count
        unschedulablePods = active.count - scheduledPods
        if let node = try? await store.get(.nodes, namespace: nil, name: "capstan-node-1"),
            let pods = node.status?["capacity"]?["pods"]?.stringValue.flatMap(Int.init)
        {
            nodeCapacity = pods
        }
    }

    static func isFinished(_ pod: KubeObject) -> Bool {
        ["Succeeded", "Failed"].contains(pod.status?["phase"]?.stringValue ?? "")
    }

    /// The one simulated node, created with its status (written through the status subresource, as a
    /// kubelet writes it; a create drops status) unless it exists already.
    func ensureNode() async {
        guard (try? await store.get(.nodes, namespace: nil, name: "capstan-node-1")) == nil else { return }
        let capacity: JSON = ["cpu": "2", "memory": "24Gi", "pods": .string(String(Self.defaultPodCapacity))]
        var node = KubeObject(apiVersion: "v1", kind: "Node", name: "capstan-node-1")
        node.labels = [
            "kubernetes.io/hostname": "capstan-node-1", "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
        ]
        guard var created = try? await store.create(.nodes, namespace: nil, object: node, options: writer) else {
            return
        }
        let now = JSON.string(KubeTime.now())
        created.status = [
            "conditions": [
                [
                    "type": "Ready", "status": "True", "reason": "KubeletReady",
                    "message": "the simulated kubelet is posting ready status", "lastHeartbeatTime": now,
                    "lastTransitionTime": now,
                ]
            ],
            "capacity": capacity, "allocatable": capacity,
            "addresses": [
                ["type": "InternalIP", "address": "10.0.0.1"], ["type": "Hostname", "address": "capstan-node-1"],
            ],
            "nodeInfo": [
                "kubeletVersion": "v1.32.0-capstan", "kubeProxyVersion": "v1.32.0-capstan",
                "osImage": "Capstan simulated node", "kernelVersion": "simulated", "operatingSystem": "linux",
                "architecture": "amd64", "containerRuntimeVersion": "simulated://1.0", "machineID": "",
                "systemUUID": "",
                "bootID": "",
            ],
        ]
        _ = try? await store.update(
            .nodes, namespace: nil, name: created.name, object: created, subresource: "status", options: writer)
    }

    // MARK: pods

    /// A pod condition as the kubelet writes it (`lastProbeTime` is always null).
    static func condition(_ type: String, _ status: JSON, _ now: String) -> JSON {
        ["type": .string(type), "status": status, "lastProbeTime": .null, "lastTransitionTime": .string(now)]
    }

    func reconcilePod(_ pod: KubeObject) async {
        guard pod.deletionTimestamp == nil, let uid = pod.uid else { return }
        let phase = pod.status?["phase"]?.stringValue
        if phase == "Succeeded" || phase == "Failed" { return }
        if pod.spec?["nodeName"] == nil {
            guard scheduledPods < nodeCapacity else { return await markUnschedulable(pod) }
            scheduledPods += 1
            unschedulablePods -= 1
        }
        let seen = firstSeen[uid] ?? ContinuousClock.now
        firstSeen[uid] = seen
        let behaviour: PodBehaviour
        switch PodBehaviour.of(pod, imageMap: imageBehaviours) {
        case .success(let known): behaviour = known
        case .failure(let unknown):
            behaviour = .healthy
            await report(unknown, pod: pod)
        }
        let started = ContinuousClock.now - seen >= podStartDelay
        var status: JSON = pod.status ?? [:]
        let now = KubeTime.now()
        if !started {
            guard phase == nil else { return }
            status = [
                "phase": "Pending", "qosClass": pod.status?["qosClass"] ?? "BestEffort",
                "conditions": [Self.condition("PodScheduled", "True", now)],
            ]
        } else if behaviour == .fail {
            status["phase"] = "Failed"
            status["reason"] = "Error"
        } else if Self.isJobPod(pod) {
            status["phase"] = "Succeeded"
        } else {
            let crashing = behaviour == .crashLoop
            // Readiness counts from the pod's recorded startTime, which is what `kubectl describe` shows.
            let startedAt = status["startTime"]?.stringValue.flatMap(KubeTime.parse) ?? Date()
            let ready = behaviour.isReady(runningFor: .seconds(max(0, Date().timeIntervalSince(startedAt))))
            let containers = pod.spec?["containers"]?.arrayValue ?? []
            let restarts = (pod.status?["containerStatuses"]?[0]?["restartCount"]?.intValue ?? 0) + (crashing ? 1 : 0)
            let containerStatuses: [JSON] = containers.map { c in
                let image = c["image"]?.stringValue ?? ""
                let name = c["name"]?.stringValue ?? ""
                var s: JSON = [
                    "name": .string(name), "image": .string(image), "ready": .bool(ready),
                    "imageID": .string(SimulatedImages.imageID(image)),
                    "containerID": .string(SimulatedImages.containerID(pod: uid, container: name, restart: restarts)),
                    "restartCount": .int(restarts), "started": .bool(!crashing), "lastState": [:],
                ]
                s["state"] =
                    crashing
                    ? ["waiting": ["reason": "CrashLoopBackOff", "message": "back-off restarting failed container"]]
                    : ["running": ["startedAt": .string(now)]]
                return s
            }
            let readyText: JSON = ready ? "True" : "False"
            if phase == "Running" && status["conditions"]?[0]?["status"] == readyText && !crashing { return }
            status["phase"] = "Running"
            status["podIP"] = .string(Self.podIP(uid))
            status["podIPs"] = [["ip": .string(Self.podIP(uid))]]
            status["hostIP"] = "10.0.0.1"
            status["startTime"] = status["startTime"] ?? .string(now)
            status["containerStatuses"] = .array(containerStatuses)
            status["conditions"] = [
                Self.condition("Ready", readyText, now), Self.condition("ContainersReady", readyText, now),
                Self.condition("PodScheduled", "True", now),
            ]
            if crashing && restarts > 50 { return }
        }
        var updated = pod
        updated.status = status
        if pod.spec?["nodeName"] == nil {
            updated.json[path: ["spec", "nodeName"]] = "capstan-node-1"
            if (try? await store.update(
                .pods, namespace: pod.namespace, name: pod.name, object: updated, options: writer)) != nil
            {
                await recordEvent(
                    about: pod, reason: "Scheduled",
                    message: "Successfully assigned \(pod.namespace ?? "")/\(pod.name) to capstan-node-1",
                    component: "default-scheduler")
            }
        }
        guard
            (try? await store.update(
                .pods, namespace: pod.namespace, name: pod.name, object: updated,
                subresource: "status", options: writer)) != nil
        else { return }
        if phase != "Running" && status["phase"]?.stringValue == "Running" { await recordContainerStarts(pod) }
    }

    /// The kubelet's Events for each container it starts: Pulled, Created, Started.
    func recordContainerStarts(_ pod: KubeObject) async {
        for container in pod.spec?["containers"]?.arrayValue ?? [] {
            let name = container["name"]?.stringValue ?? ""
            let image = container["image"]?.stringValue ?? ""
            await recordEvent(
                about: pod, reason: "Pulled", message: "Container image \"\(image)\" already present on machine",
                component: "kubelet")
            await recordEvent(about: pod, reason: "Created", message: "Created container \(name)", component: "kubelet")
            await recordEvent(about: pod, reason: "Started", message: "Started container \(name)", component: "kubelet")
        }
    }

    /// A pod the full node cannot take stays Pending with PodScheduled False (Unschedulable), once, with the
    /// scheduler's FailedScheduling Event; it is scheduled when a place frees up.
    func markUnschedulable(_ pod: KubeObject) async {
        let message = "0/1 nodes are available: 1 Too many pods."
        if pod.status?["conditions"]?[0]?["reason"] == "Unschedulable" { return }
        var updated = pod
        updated.status = [
            "phase": "Pending",
            "conditions": [
                [
                    "type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": .string(message),
                    "lastTransitionTime": .string(KubeTime.now()),
                ]
            ],
        ]
        do {
            _ = try await store.update(
                .pods, namespace: pod.namespace, name: pod.name, object: updated,
                subresource: "status", options: writer)
            await recordEvent(
                about: pod, reason: "FailedScheduling", message: message, type: "Warning",
                component: "default-scheduler")
        } catch {
            logger.debug("pod changed before it was marked unschedulable", metadata: ["pod": "\(pod.name)"])
        }
    }

    static func isJobPod(_ pod: KubeObject) -> Bool {
        pod.ownerReferences.contains { $0.kind == "Job" }
    }

    static func isReady(_ pod: KubeObject) -> Bool {
        pod.deletionTimestamp == nil && pod.status?["phase"]?.stringValue == "Running"
            && (pod.status?["conditions"]?.arrayValue ?? []).contains {
                $0["type"] == "Ready" && $0["status"] == "True"
            }
    }

    /// A stable fake IP in 10.244.0.0/16 from the pod's uid.
    static func podIP(_ uid: String) -> String {
        let h = Hashing.fnv1a(uid)
        return "10.244.\((h >> 8) & 0xFF).\(max(h & 0xFF, 2))"
    }

    // MARK: endpoints

    func reconcileEndpoints() async {
        guard let pods = await readable(.pods), let services = await readable(.services) else { return }
        for service in services {
            guard let selector = service.spec?["selector"]?.objectValue, !selector.isEmpty else { continue }
            let wanted = LabelSelector(matchLabels: KubeObject.stringMap(.object(selector)))
            let ready = pods.filter {
                $0.namespace == service.namespace && wanted.matches($0.labels) && Self.isReady($0)
            }
            .sorted { $0.name < $1.name }
            let addresses: [JSON] = ready.map {
                [
                    "ip": .string($0.status?["podIP"]?.stringValue ?? ""),
                    "targetRef": [
                        "kind": "Pod", "name": .string($0.name), "namespace": .string($0.namespace ?? ""),
                        "uid": .string($0.uid ?? ""),
                    ],
                ]
            }
            let ports: [JSON] = (service.spec?["ports"]?.arrayValue ?? []).map { p in
                var port: JSON = [
                    "port": p["targetPort"]?.intValue.map(JSON.int) ?? p["port"] ?? 0,
                    "protocol": p["protocol"] ?? "TCP",
                ]
                if let name = p["name"] { port["name"] = name }
                return port
            }
            let subsets: JSON = addresses.isEmpty ? [] : [["addresses": .array(addresses), "ports": .array(ports)]]
            var endpoints = KubeObject(
                apiVersion: "v1", kind: "Endpoints", name: service.name,
                namespace: service.namespace, body: ["subsets": subsets])
            endpoints.labels = service.labels
            if let existing = try? await store.get(.endpoints, namespace: service.namespace, name: service.name) {
                guard existing.json["subsets"] ?? [] != subsets else { continue }
                var updated = existing
                updated.json["subsets"] = subsets
                _ = try? await store.update(
                    .endpoints, namespace: service.namespace, name: service.name,
                    object: updated, options: writer)
            } else {
                _ = try? await store.create(
                    .endpoints, namespace: service.namespace, object: endpoints, options: writer)
            }
        }
    }

    // MARK: StatefulSets and DaemonSets

    /// StatefulSets and DaemonSets are reported ready at once (no pods are simulated for them).
    func reconcileInstantWorkload(_ set: KubeObject) async {
        let replicas = set.kind == "DaemonSet" ? 1 : (set.spec?["replicas"]?.intValue ?? 1)
        var status: [String: JSON] = [
            "observedGeneration": .int(set.generation), "replicas": .int(replicas),
            "readyReplicas": .int(replicas), "currentReplicas": .int(replicas),
            "updatedReplicas": .int(replicas), "availableReplicas": .int(replicas),
        ]
        if set.kind == "DaemonSet" {
            status = [
                "observedGeneration": .int(set.generation), "desiredNumberScheduled": 1, "currentNumberScheduled": 1,
                "numberReady": 1, "updatedNumberScheduled": 1, "numberAvailable": 1,
            ]
        }
        guard set.status != .object(status) else { return }
        var updated = set
        updated.status = .object(status)
        _ = try? await store.update(
            set.kind == "DaemonSet" ? .daemonSets : .statefulSets, namespace: set.namespace,
            name: set.name, object: updated, subresource: "status", options: writer)
    }
}

/// Small stable hashes for names and fake addresses.
enum Hashing {
    static func fnv1a(_ text: String) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return hash
    }

    /// A short alphanumeric hash like the `pod-template-hash` label.
    static func templateHash(_ json: JSON) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var h = fnv1a(json.serialized())
        var out = ""
        for _ in 0..<10 {
            out.append(alphabet[Int(h % UInt32(alphabet.count))])
            h /= UInt32(alphabet.count)
            if h == 0 { h = fnv1a(out) }
        }
        return out
    }
}
