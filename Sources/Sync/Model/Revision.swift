import Git

/// What an Application's source was rendered at: a Git commit, or the version of a chart from a Helm
/// repository or OCI registry (Argo CD records the chart version as the revision of a chart source).
public struct Revision: Sendable, Hashable, CustomStringConvertible {
    /// The full text recorded in `status.sync.revision` and history.
    public let id: String
    public let isCommit: Bool

    public init(_ commit: CommitID) {
        id = commit.hex
        isCommit = true
    }

    public init(chartVersion: String) {
        id = chartVersion
        isCommit = false
    }

    /// Seven characters of a commit; a chart version whole.
    public var short: String { isCommit ? String(id.prefix(7)) : id }
    public var description: String { id }
}
