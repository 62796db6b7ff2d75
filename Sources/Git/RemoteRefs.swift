/// The refs a remote advertises, as `git ls-remote` prints them.
public struct RemoteRefs: Sendable, Equatable {
    /// Full ref name (`refs/heads/main`, `refs/tags/v1`, `refs/tags/v1^{}`, `HEAD`) to object id.
    public var refs: [String: CommitID]
    /// The branch HEAD points at, when the remote says (`refs/heads/main`).
    public var headTarget: String?

    public init(refs: [String: CommitID], headTarget: String?) {
        self.refs = refs
        self.headTarget = headTarget
    }

    /// Resolves an Argo CD `targetRevision`: empty or `HEAD`, a branch, a tag (annotated tags peeled),
    /// a full ref name, or a commit SHA (returned as is, to be checked against the object store).
    public func resolve(_ revision: String) -> CommitID? {
        let wanted = revision.isEmpty ? "HEAD" : revision
        if wanted == "HEAD" { return refs["HEAD"] ?? headTarget.flatMap { refs[$0] } }
        for name in [wanted, "refs/heads/\(wanted)", "refs/tags/\(wanted)", "refs/\(wanted)"] {
            if let peeled = refs[name + "^{}"] { return peeled }
            if let id = refs[name] { return id }
        }
        return CommitID(hex: wanted)
    }
}
