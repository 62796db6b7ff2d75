import CLibGit2
import Foundation

/// A bare mirror of one remote on disk, driven by libgit2. Not thread-safe: `RepositoryCache` uses each
/// instance from one serial queue only.
final class BareRepository {
    let url: String
    let repository: OpaquePointer
    /// The `origin` remote, looked up once: each `git_remote_lookup` in Debian's libgit2 1.5 leaks about
    /// 20 KB in PCRE2 (seen with heaptrack), so a controller that asks its remotes for refs every few seconds
    /// must not look them up again.
    let origin: OpaquePointer

    /// Opens the mirror at `directory`, creating it (and its `origin` remote) on first use.
    init(at directory: URL, url: String) throws(GitError) {
        LibGit2.ensureInitialized()
        self.url = url
        var pointer: OpaquePointer?
        if git_repository_open_bare(&pointer, directory.path) < 0 {
            try LibGit2.check(git_repository_init(&pointer, directory.path, 1), "init cache", repository: url)
        }
        guard let pointer else { throw GitError(operation: "open cache", repository: url, message: "no repository") }
        do {
            origin = try Self.openOrigin(pointer, url: url)
        } catch {
            git_repository_free(pointer)
            throw error
        }
        repository = pointer
    }

    deinit {
        git_remote_free(origin)
        git_repository_free(repository)
    }

    /// The mirror's `origin` remote, created or pointed at `url` first when needed.
    private static func openOrigin(_ repository: OpaquePointer, url: String) throws(GitError) -> OpaquePointer {
        var remote: OpaquePointer?
        if git_remote_lookup(&remote, repository, "origin") == 0, let found = remote {
            guard String(cString: git_remote_url(found)) != url else { return found }
            git_remote_free(found)
            try LibGit2.check(git_remote_set_url(repository, "origin", url), "set remote", repository: url)
            try LibGit2.check(git_remote_lookup(&remote, repository, "origin"), "open remote", repository: url)
        } else {
            try LibGit2.check(git_remote_create(&remote, repository, "origin", url), "add remote", repository: url)
        }
        guard let remote else { throw GitError(operation: "open remote", repository: url, message: "no remote") }
        return remote
    }

    /// Asks the remote for its refs without downloading anything (`git ls-remote`).
    func listRemote(credentials: GitCredentials) throws(GitError) -> RemoteRefs {
        let remote = origin
        return try CredentialContext(credentials, url: url).withCallbacks {
            (callbacks) throws(GitError) -> RemoteRefs in
            var callbacks = callbacks
            var proxy = git_proxy_options()
            git_proxy_options_init(&proxy, UInt32(GIT_PROXY_OPTIONS_VERSION))
            try LibGit2.check(
                git_remote_connect(remote, GIT_DIRECTION_FETCH, &callbacks, &proxy, nil),
                "ls-remote", repository: url, secrets: credentials.secrets)
            defer { git_remote_disconnect(remote) }
            var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
            var count = 0
            try LibGit2.check(git_remote_ls(&heads, &count, remote), "ls-remote", repository: url)
            var refs: [String: CommitID] = [:]
            var headTarget: String?
            for index in 0..<count {
                guard let head = heads?[index]?.pointee else { continue }
                let name = String(cString: head.name)
                refs[name] = CommitID(head.oid)
                if name == "HEAD", let target = head.symref_target { headTarget = String(cString: target) }
            }
            return RemoteRefs(refs: refs, headTarget: headTarget)
        }
    }

    /// Downloads all branches and tags (pruning deleted ones), like `git fetch --prune --tags`.
    func fetch(credentials: GitCredentials) throws(GitError) {
        let remote = origin
        try CredentialContext(credentials, url: url).withCallbacks { (callbacks) throws(GitError) in
            var options = git_fetch_options()
            git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
            options.callbacks = callbacks
            options.prune = GIT_FETCH_PRUNE
            options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL
            try withStringArray(["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"]) {
                (specs) throws(GitError) in
                try LibGit2.check(
                    git_remote_fetch(remote, &specs, &options, nil), "fetch", repository: url,
                    secrets: credentials.secrets)
            }
        }
    }

    /// True when the object store holds a commit with this id.
    func hasCommit(_ id: CommitID) -> Bool {
        var oid = id.oid
        var commit: OpaquePointer?
        guard git_commit_lookup(&commit, repository, &oid) == 0 else { return false }
        git_commit_free(commit)
        return true
    }

    /// Peels a tag or commit id to its commit.
    func peelToCommit(_ id: CommitID) throws(GitError) -> CommitID {
        var oid = id.oid
        var object: OpaquePointer?
        try LibGit2.check(
            git_object_lookup(&object, repository, &oid, GIT_OBJECT_ANY), "resolve \(id.short)", repository: url)
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        try LibGit2.check(git_object_peel(&commit, object, GIT_OBJECT_COMMIT), "resolve \(id.short)", repository: url)
        defer { git_object_free(commit) }
        return CommitID(git_object_id(commit).pointee)
    }

    /// Author, date and message of a commit.
    func commitInfo(_ id: CommitID) throws(GitError) -> CommitInfo {
        try withCommit(id) { commit in
            let author = git_commit_author(commit).pointee
            return CommitInfo(
                id: id, author: "\(String(cString: author.name)) <\(String(cString: author.email))>",
                date: Date(timeIntervalSince1970: TimeInterval(author.when.time)),
                message: String(cString: git_commit_message(commit)).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// The id of the tree at `path` in a commit (the commit's root tree for an empty path); nil when absent.
    /// Two commits with the same tree id at a path have identical files there.
    func treeID(at id: CommitID, path: String) throws(GitError) -> CommitID? {
        try withCommit(id) { (commit) throws(GitError) -> CommitID? in
            let trimmed = path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            guard !trimmed.isEmpty, trimmed != "." else { return CommitID(git_commit_tree_id(commit).pointee) }
            var root: OpaquePointer?
            try LibGit2.check(git_commit_tree(&root, commit), "read tree", repository: url)
            defer { git_tree_free(root) }
            var entry: OpaquePointer?
            guard git_tree_entry_bypath(&entry, root, trimmed) == 0 else { return nil }
            defer { git_tree_entry_free(entry) }
            return CommitID(git_tree_entry_id(entry).pointee)
        }
    }

    /// Paths of the files that differ between two commits (added, removed or modified).
    func changedPaths(from old: CommitID, to new: CommitID) throws(GitError) -> [String] {
        try withCommit(old) { (oldCommit) throws(GitError) -> [String] in
            try withCommit(new) { (newCommit) throws(GitError) -> [String] in
                var oldTree: OpaquePointer?, newTree: OpaquePointer?
                try LibGit2.check(git_commit_tree(&oldTree, oldCommit), "read tree", repository: url)
                defer { git_tree_free(oldTree) }
                try LibGit2.check(git_commit_tree(&newTree, newCommit), "read tree", repository: url)
                defer { git_tree_free(newTree) }
                var diff: OpaquePointer?
                try LibGit2.check(
                    git_diff_tree_to_tree(&diff, repository, oldTree, newTree, nil), "diff", repository: url)
                defer { git_diff_free(diff) }
                var paths: [String] = []
                for index in 0..<git_diff_num_deltas(diff) {
                    guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
                    if let p = delta.old_file.path { paths.append(String(cString: p)) }
                    if let p = delta.new_file.path, paths.last != String(cString: p) {
                        paths.append(String(cString: p))
                    }
                }
                return paths
            }
        }
    }

    /// The files under `path` (repository-relative; empty or `.` for the root) at a commit, keyed by their
    /// path relative to `path`.
    func files(at id: CommitID, under path: String) throws(GitError) -> [String: [UInt8]] {
        try withCommit(id) { (commit) throws(GitError) -> [String: [UInt8]] in
            var root: OpaquePointer?
            try LibGit2.check(git_commit_tree(&root, commit), "read tree", repository: url)
            defer { git_tree_free(root) }
            let trimmed = path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            guard !trimmed.isEmpty, trimmed != "." else { return try readTree(root!) }
            var entry: OpaquePointer?
            guard git_tree_entry_bypath(&entry, root, trimmed) == 0 else {
                throw GitError(
                    operation: "read path", repository: url, message: "path '\(trimmed)' does not exist at \(id.short)")
            }
            defer { git_tree_entry_free(entry) }
            guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else {
                throw GitError(
                    operation: "read path", repository: url,
                    message: "path '\(trimmed)' at \(id.short) is not a directory")
            }
            var subtree: OpaquePointer?
            try LibGit2.check(
                git_tree_lookup(&subtree, repository, git_tree_entry_id(entry)), "read tree", repository: url)
            defer { git_tree_free(subtree) }
            return try readTree(subtree!)
        }
    }

    private func readTree(_ tree: OpaquePointer, prefix: String = "") throws(GitError) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let name = prefix + String(cString: git_tree_entry_name(entry))
            switch git_tree_entry_type(entry) {
            case GIT_OBJECT_TREE:
                var subtree: OpaquePointer?
                try LibGit2.check(
                    git_tree_lookup(&subtree, repository, git_tree_entry_id(entry)), "read tree", repository: url)
                defer { git_tree_free(subtree) }
                files.merge(try readTree(subtree!, prefix: name + "/")) { a, _ in a }
            case GIT_OBJECT_BLOB:
                var blob: OpaquePointer?
                try LibGit2.check(
                    git_blob_lookup(&blob, repository, git_tree_entry_id(entry)), "read blob", repository: url)
                defer { git_blob_free(blob) }
                let size = Int(git_blob_rawsize(blob))
                let bytes = git_blob_rawcontent(blob).assumingMemoryBound(to: UInt8.self)
                files[name] = Array(UnsafeBufferPointer(start: bytes, count: size))
            default:
                continue  // submodules are not followed
            }
        }
        return files
    }

    func withCommit<T>(_ id: CommitID, _ body: (OpaquePointer) throws(GitError) -> T) throws(GitError) -> T {
        var oid = id.oid
        var commit: OpaquePointer?
        try LibGit2.check(git_commit_lookup(&commit, repository, &oid), "read commit \(id.short)", repository: url)
        defer { git_commit_free(commit) }
        return try body(commit!)
    }
}

/// Who made a commit, when, and why.
public struct CommitInfo: Sendable, Equatable {
    public var id: CommitID
    public var author: String
    public var date: Date
    public var message: String
}
