import Crypto
import Foundation
import Git
import Kube
import Sync

/// Where an Application's image updates went.
public enum WriteBackOutcome: Sendable, Equatable {
    /// The Application's `spec.source` was patched (`write-back-method: argocd`).
    case patchedApplication
    /// A commit was pushed to `branch`.
    case committed(CommitID, branch: String)
    /// Everything already said the new versions: nothing written.
    case unchanged
}

/// Writes an Application's image updates where its annotations say: into the Application (`argocd`), or as a
/// commit to its repository (`git`): `.argocd-source-<app>.yaml`, a kustomization, a Helm values file, or
/// for a plain-YAML source the manifests themselves. Git credentials are the sync reconciler's (one repository
/// Secret serves both) unless `git:secret:<ns>/<name>` names others.
public struct ImageWriter: Sendable {
    public let client: KubeClient
    public let repositories: RepositoryCache
    public let repositoryCredentials: RepositoryCredentials
    public let author: GitAuthor

    public init(
        client: KubeClient, repositories: RepositoryCache, repositoryCredentials: RepositoryCredentials,
        author: GitAuthor
    ) {
        self.client = client
        self.repositories = repositories
        self.repositoryCredentials = repositoryCredentials
        self.author = author
    }

    /// Writes `results`' updates for `object`; the error names what could not be written (nothing was).
    public func write(
        _ results: [ImageCheckResult], for object: KubeObject, settings: WriteBackSettings,
        configuration: UpdaterSettings = UpdaterSettings()
    ) async throws(WriteBackError) -> WriteBackOutcome {
        let updates = results.compactMap(\.update)
        guard !updates.isEmpty else { return .unchanged }
        let app = Application(object)
        let sources = app.sources.filter { $0.ref == nil }
        guard sources.count == 1, let source = sources.first, source.chart == nil else {
            throw WriteBackError(
                "image updates need an Application with one Git source (spec.source with a path); "
                    + "multi-source and chart sources are not written back")
        }
        let type = object.status?["sourceType"]?.stringValue.flatMap(SourceType.init(rawValue:))
        guard let type else {
            throw WriteBackError("the Application has not been compared yet (no status.sourceType); retrying later")
        }
        let parameters = results.flatMap(\.helmParameters)
        switch settings.method {
        case .argocd:
            return try await patchApplication(object, type: type, updates: updates, parameters: parameters)
        case .git(let credentials):
            let message = try CommitMessage.text(
                app: app.name, updates: updates, template: configuration.commitMessageTemplate)
            let plan = try GitWriteBackPlan(
                source: source, app: app.name, type: type, target: settings.target, updates: updates,
                parameters: parameters)
            return try await commit(
                plan, source: source, settings: settings, credentials: credentials, message: message, app: app,
                author: configuration.author ?? author)
        }
    }

    func patchApplication(
        _ object: KubeObject, type: SourceType, updates: [ImageUpdate], parameters: [(name: String, value: String)]
    ) async throws(WriteBackError) -> WriteBackOutcome {
        let patch: JSON?
        switch type {
        case .kustomize: patch = ApplicationWriteBack.patch(object, updates: updates, parameters: [])
        case .helm: patch = ApplicationWriteBack.patch(object, updates: [], parameters: parameters)
        case .directory:
            throw WriteBackError(
                "write-back-method argocd needs a Kustomize or Helm source; a plain-YAML source is updated with "
                    + "write-back-method: git")
        }
        guard let patch else { return .unchanged }
        do {
            _ = try await client.patch(
                Application.gvr, namespace: object.namespace, name: object.name, type: .merge, patch: patch)
        } catch {
            throw WriteBackError("cannot patch the Application: \(error.message)")
        }
        return .patchedApplication
    }

    func commit(
        _ plan: GitWriteBackPlan, source: ApplicationSource, settings: WriteBackSettings,
        credentials: WriteBackSettings.GitCredentials, message: String, app: Application, author: GitAuthor
    ) async throws(WriteBackError) -> WriteBackOutcome {
        let url = source.repoURL
        do {
            let git = try await gitCredentials(credentials, url: url)
            let base = try await repositories.branch(
                url, revision: settings.baseBranch ?? source.targetRevision, credentials: git)
            let target = try settings.targetBranch.map { (template) throws(WriteBackError) in
                try CommitMessage.branch(template, app: app.name, namespace: app.namespace, updates: plan.updates)
            }
            let commit = try await repositories.commitAndPush(
                url, credentials: git, branch: base, pushBranch: target, path: plan.directory, message: message,
                author: author
            ) { (files) throws(GitError) in
                do throws(WriteBackError) { return try plan.changes(files) } catch {
                    throw GitError(operation: "write back", repository: url, message: error.message)
                }
            }
            return commit.map { WriteBackOutcome.committed($0, branch: target ?? base) } ?? .unchanged
        } catch let error as GitError {
            throw WriteBackError("\(error)")
        } catch let error as WriteBackError {
            throw error
        } catch {
            throw WriteBackError("\(error)")
        }
    }

    /// The credentials to push with: the repository's (as the sync reconciler reads them) or a named Secret's
    /// `username`/`password` or `sshPrivateKey`.
    func gitCredentials(
        _ credentials: WriteBackSettings.GitCredentials, url: String
    ) async throws(WriteBackError) -> GitCredentials {
        switch credentials {
        case .repository:
            do { return try await repositoryCredentials.credentials(for: url) } catch {
                throw WriteBackError("\(error)")
            }
        case .secret(let namespace, let name):
            let secret: KubeObject
            do { secret = try await client.get(.secrets, namespace: namespace, name: name) } catch {
                throw WriteBackError(
                    error.isNotFound
                        ? "the write-back Secret \(namespace)/\(name) was not found"
                        : "cannot read the write-back Secret \(namespace)/\(name): \(error.message)")
            }
            if let key = secret.secretValue("sshPrivateKey") {
                let insecure = secret.secretValue("insecure")?.lowercased() == "true"
                let knownHosts: String
                do { knownHosts = try await repositoryCredentials.knownHosts() } catch {
                    throw WriteBackError("\(error)")
                }
                return .sshKey(
                    username: secret.secretValue("username") ?? "git", privateKey: key, passphrase: nil,
                    hostKeys: insecure ? .acceptAny : .knownHosts(knownHosts))
            }
            guard let password = secret.secretValue("password") else {
                throw WriteBackError(
                    "the write-back Secret \(namespace)/\(name) has neither password nor sshPrivateKey")
            }
            return .basic(username: secret.secretValue("username") ?? "", password: password)
        }
    }
}

extension ImageCheckResult {
    /// The Helm parameters an update sets: `<alias>.helm.image-spec` with the whole reference, else
    /// `helm.image-name` (default `image.name`) and `helm.image-tag` (default `image.tag`; the digest for the
    /// `digest` strategy).
    var helmParameters: [(name: String, value: String)] {
        guard let update else { return [] }
        if let spec = spec.helmImageSpec { return [(spec, update.reference)] }
        return [
            (spec.helmImageName ?? "image.name", update.image),
            (spec.helmImageTag ?? "image.tag", update.digest ?? update.newTag),
        ]
    }
}
