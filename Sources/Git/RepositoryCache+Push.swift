import Foundation

extension RepositoryCache {
    /// Commits what `change` makes of the files under `path` on `branch` and pushes it back to `branch`, never
    /// forcing. `change` gets the files at the fetched head (keyed relative to `path`) and returns the files to
    /// write; nothing to change means no commit (nil). A push the remote refuses (someone pushed first) fetches
    /// again and re-applies `change` on the new head, up to `attempts` times, so the other commit is never lost.
    ///
    /// With a separate `pushBranch` (Argo's `base:target`), the commit is made on `branch` and the target branch
    /// is set to it, as Argo CD Image Updater does: created, or replaced when it holds an older write-back (the
    /// branch is the updater's own). When the target already has exactly this content under `path`, nothing is
    /// pushed, so an unmerged change is not committed again every cycle.
    public func commitAndPush(
        _ url: String, credentials: GitCredentials, branch: String, pushBranch: String? = nil, path: String,
        message: String, author: GitAuthor, attempts: Int = 3,
        change: @escaping @Sendable ([String: [UInt8]]) throws(GitError) -> [String: [UInt8]]
    ) async throws(GitError) -> CommitID? {
        let target = pushBranch ?? branch
        let prefix = path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        for _ in 0..<max(attempts, 1) {
            let outcome = try await handle(for: url).run { (repo) throws(GitError) -> (CommitID?, pushed: Bool) in
                try repo.fetch(credentials: credentials)
                guard let head = repo.remoteBranch(branch) else {
                    throw GitError(operation: "write back", repository: url, message: "branch '\(branch)' not found")
                }
                let changes = try change(try repo.files(at: head, under: prefix))
                let files = Dictionary(
                    uniqueKeysWithValues: changes.map { (prefix.isEmpty ? $0.key : "\(prefix)/\($0.key)", $0.value) })
                guard !files.isEmpty,
                    let commit = try repo.commit(files, onto: head, message: message, author: author)
                else { return (nil, true) }
                guard target == branch else {
                    if let existing = repo.remoteBranch(target),
                        try repo.treeID(at: existing, path: "") == repo.treeID(at: commit, path: "")
                    {
                        return (nil, true)
                    }
                    return (commit, try repo.push(commit, to: target, credentials: credentials, force: true))
                }
                // The remote must still be where it was fetched: a push over a newer head would be refused anyway
                // by a server, and is checked here for transports that do not refuse it themselves.
                let current = try repo.listRemote(credentials: credentials).refs["refs/heads/\(target)"]
                if current != head { return (commit, false) }
                return (commit, try repo.push(commit, to: target, credentials: credentials))
            }
            if outcome.pushed {
                invalidate(url)
                return outcome.0
            }
        }
        throw GitError(
            operation: "push", repository: url,
            message: "the remote refused the write-back \(attempts) times (others keep pushing to '\(target)')")
    }

    /// The branch `revision` names for a write-back: itself, or for `HEAD` (and empty) the remote's default branch.
    public func branch(
        _ url: String, revision: String, credentials: GitCredentials
    ) async throws(GitError) -> String {
        guard revision.isEmpty || revision == "HEAD" else {
            return revision.hasPrefix("refs/heads/") ? String(revision.dropFirst("refs/heads/".count)) : revision
        }
        let refs = try await remoteRefs(url, credentials: credentials, maxAge: .seconds(0))
        guard let head = refs.headTarget, head.hasPrefix("refs/heads/") else {
            throw GitError(
                operation: "write back", repository: url,
                message: "the remote does not say which branch HEAD is; set the git-branch annotation")
        }
        return String(head.dropFirst("refs/heads/".count))
    }
}
