import Dispatch
import Foundation
import Logging

/// Bare mirrors of remote repositories on disk, keyed by normalized URL (`RepositoryURL`), shared by every
/// Application that uses them.
///
/// `git ls-remote` answers are reused for `maxAge`, so a thousand Applications in one repository cost one
/// network round trip per poll; objects are fetched only when a resolved commit is missing locally, and the
/// files of a path at a commit are read once and kept in memory.
public actor RepositoryCache {
    private let directory: URL
    private let logger: Logger
    private var handles: [String: RepositoryHandle] = [:]
    private var advertised: [String: (at: ContinuousClock.Instant, refs: RemoteRefs)] = [:]
    private var inFlight: [String: Task<RemoteRefs, any Error>] = [:]
    private var trees: [String: [String: [UInt8]]] = [:]
    private var treeOrder: [String] = []
    private var treeIDs: [String: CommitID?] = [:]
    private let treeLimit = 4096

    public init(directory: URL, logger: Logger = Logger(label: "capstan.git")) {
        self.directory = directory
        self.logger = logger
    }

    /// Resolves `revision` (branch, tag, SHA or HEAD) to a commit present in the local mirror.
    public func resolve(
        _ url: String, revision: String, credentials: GitCredentials = .none,
        maxAge: Duration = .seconds(0)
    ) async throws(GitError) -> CommitID {
        let refs = try await remoteRefs(url, credentials: credentials, maxAge: maxAge)
        guard let wanted = refs.resolve(revision) else {
            throw GitError(operation: "resolve revision", repository: url, message: "revision '\(revision)' not found")
        }
        let handle = try handle(for: url)
        let commit = try await handle.run { (repo) throws(GitError) -> CommitID in
            if !repo.hasCommit(wanted) { try repo.fetch(credentials: credentials) }
            guard repo.hasCommit(wanted) || (try? repo.peelToCommit(wanted)) != nil else {
                throw GitError(
                    operation: "resolve revision", repository: url, message: "revision '\(revision)' not found")
            }
            return try repo.peelToCommit(wanted)
        }
        return commit
    }

    /// Forgets the remembered refs of `url`, so the next `resolve` asks the remote (a webhook arrived).
    public func invalidate(_ url: String) {
        advertised[RepositoryURL.normalized(url)] = nil
    }

    /// The files under `path` at `commit`, keyed relative to `path`.
    public func files(_ url: String, commit: CommitID, path: String) async throws(GitError) -> [String: [UInt8]] {
        let key = "\(RepositoryURL.normalized(url))\u{0}\(commit.hex)\u{0}\(path)"
        if let cached = trees[key] { return cached }
        let files = try await handle(for: url).run { (repo) throws(GitError) in try repo.files(at: commit, under: path)
        }
        trees[key] = files
        treeOrder.append(key)
        if treeOrder.count > treeLimit {
            for old in treeOrder.prefix(treeLimit / 2) { trees[old] = nil }
            treeOrder.removeFirst(treeLimit / 2)
        }
        return files
    }

    /// The tree id of `path` at `commit` (nil when the path does not exist), to tell cheaply whether a path
    /// changed between commits.
    public func treeID(_ url: String, commit: CommitID, path: String) async throws(GitError) -> CommitID? {
        let key = "\(RepositoryURL.normalized(url))\u{0}\(commit.hex)\u{0}\(path)"
        if let cached = treeIDs[key] { return cached }
        let id = try await handle(for: url).run { (repo) throws(GitError) in try repo.treeID(at: commit, path: path) }
        if treeIDs.count > treeLimit * 4 { treeIDs.removeAll() }
        treeIDs[key] = id
        return id
    }

    /// Paths of the files that differ between two commits of `url`.
    public func changedPaths(_ url: String, from old: CommitID, to new: CommitID) async throws(GitError) -> [String] {
        try await handle(for: url).run { (repo) throws(GitError) in try repo.changedPaths(from: old, to: new) }
    }

    /// Author, date and message of a commit in the mirror of `url`.
    public func commitInfo(_ url: String, commit: CommitID) async throws(GitError) -> CommitInfo {
        try await handle(for: url).run { (repo) throws(GitError) in try repo.commitInfo(commit) }
    }

    func remoteRefs(
        _ url: String, credentials: GitCredentials, maxAge: Duration
    ) async throws(GitError) -> RemoteRefs {
        let key = RepositoryURL.normalized(url)
        if let cached = advertised[key], ContinuousClock.now - cached.at < maxAge { return cached.refs }
        if let running = inFlight[key] { return try await Self.gitResult(running) }
        let handle = try handle(for: url)
        let task = Task {
            try await handle.run { (repo) throws(GitError) in try repo.listRemote(credentials: credentials) }
        }
        inFlight[key] = task
        defer { inFlight[key] = nil }
        let refs = try await Self.gitResult(task)
        advertised[key] = (ContinuousClock.now, refs)
        return refs
    }

    private static func gitResult(_ task: Task<RemoteRefs, any Error>) async throws(GitError) -> RemoteRefs {
        do { return try await task.value } catch let error as GitError { throw error } catch {
            throw GitError(operation: "ls-remote", repository: "", message: "\(error)")
        }
    }

    func handle(for url: String) throws(GitError) -> RepositoryHandle {
        let key = RepositoryURL.normalized(url)
        if let handle = handles[key] { return handle }
        let folder = directory.appendingPathComponent(Self.folderName(for: key), isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw GitError(operation: "create cache", repository: url, message: "\(error)")
        }
        let handle = RepositoryHandle(try BareRepository(at: folder, url: url))
        handles[key] = handle
        logger.debug("opened repository mirror", metadata: ["repo": "\(Redaction.url(url))", "path": "\(folder.path)"])
        return handle
    }

    /// A readable, collision-resistant folder name for a URL.
    static func folderName(for url: String) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in url.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        let readable = Redaction.url(url).map { $0.isLetter || $0.isNumber ? $0 : "-" }.suffix(40)
        return String(readable) + "-" + String(hash, radix: 16)
    }
}

/// One mirror and the serial queue that alone touches it, so blocking libgit2 calls never run on the
/// cooperative thread pool and never run concurrently on one repository.
final class RepositoryHandle: @unchecked Sendable {
    // Safe: `repository` is only used inside `queue.async` blocks, which run one at a time.
    private let repository: BareRepository
    private let queue: DispatchQueue

    init(_ repository: BareRepository) {
        self.repository = repository
        self.queue = DispatchQueue(label: "capstan.git.\(repository.url.hashValue)")
    }

    func run<T: Sendable>(
        _ body: @escaping @Sendable (BareRepository) throws(GitError) -> T
    ) async throws(GitError) -> T {
        let result: Result<T, GitError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(GitError) { continuation.resume(returning: .success(try body(self.repository))) } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}
