import Foundation
import Kube

/// The defaults a real API server fills in for the built-in kinds Capstan manages, so that what the embedded
/// server returns looks like what a cluster returns (and so diffs must learn to ignore defaulted fields).
enum Defaults {
    static func apply(to object: inout KubeObject, resource: String) {
        switch resource {
        case "deployments.apps":
            setIfMissing(&object.json, ["spec", "replicas"], 1)
            setIfMissing(&object.json, ["spec", "revisionHistoryLimit"], 10)
            setIfMissing(&object.json, ["spec", "progressDeadlineSeconds"], 600)
            if object.json[path: ["spec", "strategy", "type"]] == nil {
                object.json[path: ["spec", "strategy"]] = [
                    "type": "RollingUpdate",
                    "rollingUpdate": ["maxSurge": "25%", "maxUnavailable": "25%"],
                ]
            }
            podTemplate(&object.json, ["spec", "template", "spec"])
        case "replicasets.apps", "statefulsets.apps", "daemonsets.apps":
            if resource != "daemonsets.apps" { setIfMissing(&object.json, ["spec", "replicas"], 1) }
            podTemplate(&object.json, ["spec", "template", "spec"])
        case "jobs.batch":
            setIfMissing(&object.json, ["spec", "completions"], 1)
            setIfMissing(&object.json, ["spec", "parallelism"], 1)
            setIfMissing(&object.json, ["spec", "backoffLimit"], 6)
            podTemplate(&object.json, ["spec", "template", "spec"])
        case "pods":
            podTemplate(&object.json, ["spec"])
        case "services":
            setIfMissing(&object.json, ["spec", "type"], "ClusterIP")
            setIfMissing(&object.json, ["spec", "sessionAffinity"], "None")
            setIfMissing(&object.json, ["status", "loadBalancer"], .object([:]))
            if var ports = object.json[path: ["spec", "ports"]]?.arrayValue {
                for i in ports.indices {
                    if ports[i]["protocol"] == nil { ports[i]["protocol"] = "TCP" }
                    if ports[i]["targetPort"] == nil { ports[i]["targetPort"] = ports[i]["port"] }
                }
                object.json[path: ["spec", "ports"]] = .array(ports)
            }
        case "secrets":
            mergeStringData(&object.json)
            setIfMissing(&object.json, ["type"], "Opaque")
        case "namespaces":
            // kube-apiserver labels every namespace with its own name, and puts the label back if removed.
            object.json[path: ["metadata", "labels", "kubernetes.io/metadata.name"]] = .string(object.name)
            setIfMissing(&object.json, ["status", "phase"], "Active")
            setIfMissing(&object.json, ["spec", "finalizers"], ["kubernetes"])
        default:
            break
        }
    }

    /// kube-apiserver writes a Secret's write-only `stringData` into `data` (base64; `stringData` wins on a
    /// key in both) and never stores `stringData` itself.
    static func mergeStringData(_ json: inout JSON) {
        guard let stringData = json["stringData"]?.objectValue else {
            json["stringData"] = nil
            return
        }
        var data = json["data"]?.objectValue ?? [:]
        for (key, value) in stringData {
            guard let text = value.stringValue else { continue }
            data[key] = .string(Data(text.utf8).base64EncodedString())
        }
        json["data"] = .object(data)
        json["stringData"] = nil
    }

    /// A pod spec's defaults, containers' included, as kube-apiserver stores them (recording 31): the
    /// container's `resources: {}` (a struct the real server always writes), termination message path and
    /// policy, and the image pull policy (`Always` for `:latest` or no tag, else `IfNotPresent`).
    static func podTemplate(_ json: inout JSON, _ path: [String]) {
        guard json[path: path] != nil else { return }
        if path.count > 1 {
            // A template's metadata is an ObjectMeta whose zero creationTimestamp kube-apiserver writes as null.
            setIfMissing(&json, Array(path.dropLast()) + ["metadata", "creationTimestamp"], .null)
        }
        setIfMissing(&json, path + ["restartPolicy"], "Always")
        setIfMissing(&json, path + ["dnsPolicy"], "ClusterFirst")
        setIfMissing(&json, path + ["terminationGracePeriodSeconds"], 30)
        setIfMissing(&json, path + ["securityContext"], .object([:]))
        setIfMissing(&json, path + ["schedulerName"], "default-scheduler")
        for list in ["initContainers", "containers"] {
            guard var containers = json[path: path + [list]]?.arrayValue else { continue }
            for i in containers.indices {
                setIfMissing(&containers[i], ["resources"], .object([:]))
                setIfMissing(&containers[i], ["terminationMessagePath"], "/dev/termination-log")
                setIfMissing(&containers[i], ["terminationMessagePolicy"], "File")
                let image = containers[i]["image"]?.stringValue ?? ""
                let tag = image.split(separator: "/").last.flatMap { $0.split(separator: ":").dropFirst().first }
                let latest = !image.contains("@") && (tag == nil || tag == "latest")
                setIfMissing(&containers[i], ["imagePullPolicy"], latest ? "Always" : "IfNotPresent")
            }
            json[path: path + [list]] = .array(containers)
        }
    }

    static func setIfMissing(_ json: inout JSON, _ path: [String], _ value: JSON) {
        if json[path: path] == nil { json[path: path] = value }
    }
}
