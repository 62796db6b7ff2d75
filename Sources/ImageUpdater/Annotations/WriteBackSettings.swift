import Foundation

/// How an Application's new image tags are written back (`write-back-method`, `git-branch`,
/// `write-back-target`), with Argo CD Image Updater's defaults: through the Application (`argocd`), to the
/// branch it tracks, as `.argocd-source-<app>.yaml` in its path.
public struct WriteBackSettings: Sendable, Equatable {
    public enum Method: Sendable, Equatable {
        /// Patch the Application's `spec.source` (Kustomize images or Helm parameters).
        case argocd
        /// Commit to the Application's repository.
        case git(credentials: GitCredentials)
    }

    /// Credentials for a Git write-back.
    public enum GitCredentials: Sendable, Equatable {
        /// The repository's own credentials, as the sync reconciler reads them (`git`, `git:repocreds`).
        case repository
        /// `git:secret:<namespace>/<name>`.
        case secret(namespace: String, name: String)
    }

    public enum Target: Sendable, Equatable {
        /// `.argocd-source-<app>.yaml` beside the manifests (the default).
        case sourceFile
        /// `images:` of a kustomization (`kustomization[:path]`, the Application's path by default).
        case kustomization(path: String?)
        /// A Helm values file (`helmvalues[:path]`, `values.yaml` in the Application's path by default).
        case helmValues(path: String?)
    }

    public var method: Method = .argocd
    /// The branch to read from (nil: the Application's `targetRevision`).
    public var baseBranch: String?
    /// The branch to push to, a template (`image-updater-{{.SHA256}}`); nil pushes to the base branch.
    public var targetBranch: String?
    public var target: Target = .sourceFile

    public init() {}

    public init(_ annotations: [String: String]) throws(ImageSettingProblem) {
        let prefix = ImageUpdateAnnotations.prefix
        if let method = annotations[prefix + "write-back-method"]?.trimmingCharacters(in: .whitespaces) {
            switch method {
            case "argocd": self.method = .argocd
            case "git", "git:repocreds": self.method = .git(credentials: .repository)
            case let text where text.hasPrefix("git:secret:"):
                let parts = text.dropFirst("git:secret:".count).split(separator: "/").map(String.init)
                guard parts.count == 2 else {
                    throw ImageSettingProblem(
                        setting: "write-back-method", message: "\"\(text)\" is not git:secret:<namespace>/<name>")
                }
                self.method = .git(credentials: .secret(namespace: parts[0], name: parts[1]))
            default:
                throw ImageSettingProblem(
                    setting: "write-back-method",
                    message: "must be argocd, git, git:repocreds or git:secret:<namespace>/<name>, not \"\(method)\"")
            }
        }
        if let branch = annotations[prefix + "git-branch"]?.trimmingCharacters(in: .whitespaces), !branch.isEmpty {
            if let colon = branch.firstIndex(of: ":") {
                let base = String(branch[..<colon])
                baseBranch = base.isEmpty ? nil : base
                let target = String(branch[branch.index(after: colon)...])
                targetBranch = target.isEmpty ? nil : target
            } else {
                baseBranch = branch
            }
        }
        if let target = annotations[prefix + "write-back-target"]?.trimmingCharacters(in: .whitespaces) {
            let kind = target.prefix { $0 != ":" }
            let path = target.count > kind.count + 1 ? String(target.dropFirst(kind.count + 1)) : nil
            switch kind {
            case "kustomization": self.target = .kustomization(path: path)
            case "helmvalues": self.target = .helmValues(path: path)
            default:
                throw ImageSettingProblem(
                    setting: "write-back-target",
                    message: "must be kustomization[:path] or helmvalues[:path], not \"\(target)\"")
            }
        }
    }
}
