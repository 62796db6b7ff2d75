import Foundation
import Git
import Kube
import Logging
import Registry
import Sync

extension ImageUpdateController {
    /// One check of one Application: its images against their registries, then the write-back of what moved.
    func reconcile(_ key: String) async -> ReconcileResult {
        guard let object = await informer?.get(key),
            object.annotations[ImageUpdateAnnotations.prefix + "image-list"] != nil
        else { return .done }
        var problems: [String] = []
        let (configuration, configurationProblem) = await config.current()
        if let configurationProblem {
            await warn(object, reason: "InvalidImageUpdaterConfig", configurationProblem.description)
            problems.append(configurationProblem.description)
        }
        let settings: WriteBackSettings
        do { settings = try WriteBackSettings(object.annotations) } catch {
            await warn(object, reason: "InvalidImageAnnotation", error.description)
            await setCondition(key, [error.description])
            return .requeue(after: options.interval)
        }
        let (results, annotationProblems) = await checker.check(object, registries: configuration.registries)
        for problem in annotationProblems {
            await warn(object, reason: "InvalidImageAnnotation", problem.description)
            problems.append(problem.description)
        }
        var retryAfter: Int?
        for result in results {
            let name = result.spec.alias ?? result.spec.image.name
            switch result.outcome {
            case .failed(let message, let after):
                await warn(object, reason: "ImageCheckFailed", "\(name): \(message)")
                problems.append("\(name): \(message)")
                if let after { retryAfter = max(retryAfter ?? 0, after) }
            case .notRunning:
                logger.debug(
                    "image not running, not updated (force-update is off)",
                    metadata: ["application": "\(key)", "image": "\(name)"])
            case .noCandidate, .upToDate, .update:
                break
            }
        }
        if results.contains(where: { $0.update != nil }) {
            do {
                let outcome = try await writer.write(
                    results, for: object, settings: settings, configuration: configuration)
                await updated(object, results: results, outcome: outcome)
            } catch {
                await warn(object, reason: "ImageWriteBackFailed", error.message)
                problems.append("write-back: \(error.message)")
            }
        }
        await setCondition(key, problems)
        let next = retryAfter.map { Duration.seconds(max($0, 1)) } ?? options.interval
        return .requeue(after: min(next, options.interval))
    }

    func updated(_ object: KubeObject, results: [ImageCheckResult], outcome: WriteBackOutcome) async {
        let changes = results.compactMap(\.update).map {
            "\($0.image) \($0.oldTag ?? "(none)") → \($0.digest ?? $0.newTag)"
        }.joined(separator: ", ")
        let place: String
        switch outcome {
        case .unchanged: return
        case .patchedApplication: place = "in the Application"
        case .committed(let commit, let branch): place = "in commit \(commit.hex.prefix(7)) on \(branch)"
        }
        writeBacks += 1
        logger.info(
            "images updated", metadata: ["application": "\(object.key)", "changes": "\(changes)", "where": "\(place)"])
        await events.record(object, type: .normal, reason: "ImagesUpdated", message: "\(changes) \(place)")
        await onWriteBack(object)
    }

    func warn(_ object: KubeObject, reason: String, _ message: String) async {
        logger.warning(
            "image update problem",
            metadata: ["application": "\(object.key)", "reason": "\(reason)", "cause": "\(message)"])
        await events.record(object, type: .warning, reason: reason, message: message)
    }

    /// Sets (or clears, with no problems) the `ImageUpdaterError` condition, keeping every other condition;
    /// written against the resourceVersion read, retried on a conflict with the sync reconciler's writes.
    func setCondition(_ key: String, _ problems: [String]) async {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return }
        let message = problems.joined(separator: "; ")
        let cached = await informer?.get(key)?.status?["conditions"]?.arrayValue?.first {
            $0["type"]?.stringValue == Self.conditionType
        }
        if cached?["message"]?.stringValue == (message.isEmpty ? nil : message) { return }
        for _ in 0..<3 {
            do throws(KubeError) {
                var object = try await client.get(Application.gvr, namespace: parts[0], name: parts[1])
                let conditions = object.status?["conditions"]?.arrayValue ?? []
                let ours = conditions.first { $0["type"]?.stringValue == Self.conditionType }
                if ours?["message"]?.stringValue == (message.isEmpty ? nil : message) { return }
                var kept = conditions.filter { $0["type"]?.stringValue != Self.conditionType }
                if !message.isEmpty {
                    kept.append([
                        "type": .string(Self.conditionType), "message": .string(message),
                        "lastTransitionTime": .string(KubeTime.now()),
                    ])
                }
                var status = object.status ?? [:]
                status["conditions"] = .array(kept)
                object.json["status"] = status
                _ = try await client.updateStatus(object)
                return
            } catch  where error.isConflict {
                continue
            } catch  where error.isNotFound {
                return
            } catch {
                logger.warning(
                    "cannot write the ImageUpdaterError condition",
                    metadata: ["application": "\(key)", "error": "\(error.message)"])
                return
            }
        }
    }
}
