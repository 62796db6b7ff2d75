import Kube
import Registry

/// What checking one image found: whether it should move, and why (the words `capstan image check` prints).
public struct ImageCheckResult: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// Move to `choice`.
        case update(ImageChoice)
        /// The live version is the one chosen.
        case upToDate(ImageChoice)
        /// No live workload runs the image and `force-update` is off: left alone, as Argo does.
        case notRunning
        /// No tag passes the filters and the constraint.
        case noCandidate
        /// The registry or the credentials failed; try again later (after `retryAfter` seconds when the
        /// registry said).
        case failed(message: String, retryAfter: Int?)
    }

    public var spec: ImageUpdateSpec
    /// The versions running now (from `status.summary.images`).
    public var live: [LiveImage]
    /// The tags the strategy chose among (after `allow-tags`/`ignore-tags`); nil when not listed.
    public var candidates: [String]?
    public var outcome: Outcome

    /// The update this result asks for, in write-back terms; nil unless the outcome is `update`.
    public var update: ImageUpdate? {
        guard case .update(let choice) = outcome else { return nil }
        return ImageUpdate(
            image: spec.image.name, kustomizeName: spec.kustomizeImageName, oldTag: live.first?.description,
            newTag: choice.tag, digest: choice.digest, alias: spec.alias)
    }
}

/// Checks the images an Application's annotations name against their registries: resolves each image's
/// registry through `registries.conf`, its credentials through the pull secret, lists and chooses the tag,
/// and compares the choice with what runs live. A failure concerns only its own image.
public struct ImageChecker: Sendable {
    public let chooser: TagChooser
    public let secrets: PullSecretResolver

    public init(chooser: TagChooser, secrets: PullSecretResolver) {
        self.chooser = chooser
        self.secrets = secrets
    }

    /// The result for each image of `application`, and the annotation problems found.
    public func check(
        _ application: KubeObject, registries: RegistriesConf
    ) async -> (results: [ImageCheckResult], problems: [ImageSettingProblem]) {
        let (specs, problems) = ImageUpdateAnnotations.images(application.annotations)
        var results: [ImageCheckResult] = []
        for spec in specs { results.append(await check(spec, in: application, registries: registries)) }
        return (results, problems)
    }

    func check(
        _ spec: ImageUpdateSpec, in application: KubeObject, registries: RegistriesConf
    ) async -> ImageCheckResult {
        var result = ImageCheckResult(
            spec: spec, live: LiveImage.all(spec.image, in: application), candidates: nil, outcome: .noCandidate)
        if result.live.isEmpty && !spec.forceUpdate {
            result.outcome = .notRunning
            return result
        }
        let reference = spec.image.name
        do {
            let configuration = registries.configuration(for: reference)
            var credentials: RegistryCredentials?
            if let secret = spec.pullSecret ?? configuration?.credentials {
                credentials = try await secrets.credentials(secret, registry: spec.image.registry)
            }
            guard let (image, endpoint) = registries.resolve(reference, credentials: credentials) else {
                result.outcome = .failed(message: "\(reference) is not an image reference", retryAfter: nil)
                return result
            }
            if let configuration { await chooser.client.setRateLimit(configuration.limit, for: configuration.apiURL) }
            var resolved = spec
            resolved.image = image
            let evaluation = try await chooser.evaluate(resolved, at: endpoint)
            result.candidates = evaluation.candidates
            guard let choice = evaluation.choice else { return result }
            result.outcome = result.live.contains { $0.satisfies(choice) } ? .upToDate(choice) : .update(choice)
        } catch let problem as ImageSettingProblem {
            result.outcome = .failed(message: problem.description, retryAfter: nil)
        } catch let error as RegistryError {
            var retryAfter: Int?
            if case .rateLimited(let seconds) = error.kind { retryAfter = seconds }
            result.outcome = .failed(message: error.message, retryAfter: retryAfter)
        } catch {
            result.outcome = .failed(message: "\(error)", retryAfter: nil)
        }
        return result
    }
}

extension ImageCheckResult {
    /// What the check decided, in words (`capstan image check`).
    public var reason: String {
        switch outcome {
        case .update(let choice): return "update to \(choice.digest.map { "\(choice.tag)@\($0)" } ?? choice.tag)"
        case .upToDate: return "up to date"
        case .notRunning: return "not running in the Application's live state; left alone (force-update is off)"
        case .noCandidate:
            let wanted = spec.strategy.rawValue + (spec.constraint.map { " \($0)" } ?? "")
            return "none of the \(candidates?.count ?? 0) tags the filters admit satisfies \(wanted)"
        case .failed(let message, _): return "check failed: \(message)"
        }
    }
}
