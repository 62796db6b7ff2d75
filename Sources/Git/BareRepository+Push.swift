import CLibGit2
import Foundation

/// Writing to a remote: a commit made in the mirror over a fetched branch, pushed without force.
extension BareRepository {
    /// The commit the fetched `origin/<branch>` points at; nil when the remote has no such branch.
    func remoteBranch(_ branch: String) -> CommitID? {
        var oid = git_oid()
        guard git_reference_name_to_id(&oid, repository, "refs/remotes/origin/\(branch)") == 0 else { return nil }
        return CommitID(oid)
    }

    /// A commit on `parent` whose tree is the parent's with `files` (path → content) written over it; nil when
    /// that tree is the parent's own (nothing changes).
    func commit(
        _ files: [String: [UInt8]], onto parent: CommitID, message: String, author: GitAuthor
    ) throws(GitError) -> CommitID? {
        try withCommit(parent) { (commit) throws(GitError) -> CommitID? in
            var tree: OpaquePointer?
            try LibGit2.check(git_commit_tree(&tree, commit), "read tree", repository: url)
            defer { git_tree_free(tree) }
            let paths = files.keys.sorted().map { strdup($0)! }
            defer { paths.forEach { free($0) } }
            var updates: [git_tree_update] = []
            for (index, path) in files.keys.sorted().enumerated() {
                var blob = git_oid()
                let bytes = files[path] ?? []
                let code = bytes.withUnsafeBytes { buffer in
                    git_blob_create_from_buffer(&blob, repository, buffer.baseAddress, buffer.count)
                }
                try LibGit2.check(code, "write \(path)", repository: url)
                var update = git_tree_update()
                update.action = GIT_TREE_UPDATE_UPSERT
                update.id = blob
                update.filemode = GIT_FILEMODE_BLOB
                update.path = UnsafePointer(paths[index])
                updates.append(update)
            }
            var newTree = git_oid()
            try LibGit2.check(
                git_tree_create_updated(&newTree, repository, tree, updates.count, &updates), "update tree",
                repository: url)
            if git_oid_equal(&newTree, git_tree_id(tree)) != 0 { return nil }
            var treeObject: OpaquePointer?
            try LibGit2.check(git_tree_lookup(&treeObject, repository, &newTree), "read new tree", repository: url)
            defer { git_tree_free(treeObject) }
            var signature: UnsafeMutablePointer<git_signature>?
            try LibGit2.check(git_signature_now(&signature, author.name, author.email), "sign", repository: url)
            defer { git_signature_free(signature) }
            var result = git_oid()
            var parents: [OpaquePointer?] = [commit]
            try LibGit2.check(
                git_commit_create(
                    &result, repository, nil, signature, signature, "UTF-8", message, treeObject, 1, &parents),
                "commit", repository: url)
            return CommitID(result)
        }
    }

    /// Pushes `commit` to `refs/heads/<branch>` of the remote: true when the remote took it, false when it
    /// refused it as not a fast-forward (someone pushed first). Only `force` replaces what the branch held; the
    /// write-back uses it for a separate target branch of its own, never for the branch an Application tracks.
    func push(
        _ commit: CommitID, to branch: String, credentials: GitCredentials, force: Bool = false
    ) throws(GitError) -> Bool {
        let local = "refs/capstan/push"
        var oid = commit.oid
        var reference: OpaquePointer?
        try LibGit2.check(
            git_reference_create(&reference, repository, local, &oid, 1, "capstan push"), "push", repository: url)
        git_reference_free(reference)
        let context = CredentialContext(credentials, url: url)
        let remote = origin
        return try context.withCallbacks { (callbacks) throws(GitError) -> Bool in
            var options = git_push_options()
            git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION))
            options.callbacks = callbacks
            options.callbacks.push_update_reference = recordPushStatus
            let spec = (force ? "+" : "") + "\(local):refs/heads/\(branch)"
            return try withStringArray([spec]) { (specs) throws(GitError) -> Bool in
                let code = git_remote_push(remote, &specs, &options)
                if code == GIT_ENONFASTFORWARD.rawValue { return false }
                try LibGit2.check(code, "push", repository: url, secrets: credentials.secrets)
                return context.rejection == nil
            }
        }
    }
}

/// libgit2 reports each pushed reference here; a status means the remote refused it.
private func recordPushStatus(
    reference: UnsafePointer<CChar>?, status: UnsafePointer<CChar>?, payload: UnsafeMutableRawPointer?
) -> Int32 {
    guard let status, let payload else { return 0 }
    Unmanaged<CredentialContext>.fromOpaque(payload).takeUnretainedValue().rejection = String(cString: status)
    return 0
}

/// Who commits a write-back.
public struct GitAuthor: Sendable, Equatable {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }
}
