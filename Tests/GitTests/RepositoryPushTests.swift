import Foundation
import Git
import KubeTestSupport
import Testing

/// Write-backs: a commit made over the fetched branch and pushed without force; nothing to change makes no
/// commit; a remote that moved meanwhile gets the change re-applied on its new head, keeping the other commit.
@Suite struct RepositoryPushTests {
    let cacheDir = FileManager.default.temporaryDirectory.appendingPathComponent(
        "capstan-push-\(UUID().uuidString.prefix(8))")
    let author = GitAuthor(name: "Capstan Image Updater", email: "noreply@capstan.dev")

    /// A bare remote cloned from `repo` (libgit2 pushes only to bare repositories over file://), set as its
    /// `origin` so the fixture can push "someone else's" commits to it.
    func bareRemote(of repo: GitFixture) throws -> String {
        let bare = repo.path + ".git"
        _ = try GitFixture.run(["git", "clone", "-q", "--bare", repo.path, bare])
        try repo.git("remote", "add", "origin", bare)
        return bare
    }

    func remoteGit(_ bare: String, _ arguments: String...) throws -> String {
        try GitFixture.run(["git", "--git-dir", bare] + arguments)
    }

    func bump(_ files: [String: [UInt8]]) -> [String: [UInt8]] {
        let current = String(decoding: files["kustomization.yaml"] ?? [], as: UTF8.self)
        let bumped = current.replacingOccurrences(of: "newTag: \"1.0\"", with: "newTag: \"1.1\"")
        return bumped == current ? [:] : ["kustomization.yaml": Array(bumped.utf8)]
    }

    @Test func aChangeIsCommittedAndPushed() async throws {
        let repo = try GitFixture()
        defer { repo.remove() }
        try repo.commit([
            "app/kustomization.yaml": "images:\n- name: api\n  newTag: \"1.0\"\n", "app/other.yaml": "x: 1\n",
        ])
        let bare = try bareRemote(of: repo)
        defer { try? FileManager.default.removeItem(atPath: bare) }
        let cache = RepositoryCache(directory: cacheDir)
        let pushed = try await cache.commitAndPush(
            "file://" + bare, credentials: .none, branch: "main", path: "app",
            message: "build: automatic update of api\n\nupdates image api tag '1.0' to '1.1'\n", author: author
        ) { files in bump(files) }
        let commit = try #require(pushed)
        #expect(try remoteGit(bare, "rev-parse", "main").trimmingCharacters(in: .whitespacesAndNewlines) == commit.hex)
        #expect(try remoteGit(bare, "show", "main:app/kustomization.yaml").contains("newTag: \"1.1\""))
        #expect(try remoteGit(bare, "show", "main:app/other.yaml") == "x: 1")
        #expect(
            try remoteGit(bare, "log", "-1", "--format=%an <%ae>|%s", "main")
                == "Capstan Image Updater <noreply@capstan.dev>|build: automatic update of api")
        // Said already: no second commit.
        let again = try await cache.commitAndPush(
            "file://" + bare, credentials: .none, branch: "main", path: "app", message: "again", author: author
        ) { files in bump(files) }
        #expect(again == nil)
        #expect(
            try remoteGit(bare, "rev-list", "--count", "main").trimmingCharacters(in: .whitespacesAndNewlines) == "2")
    }

    @Test func aRemoteThatMovedKeepsItsCommitAndGetsTheChangeOnTop() async throws {
        let repo = try GitFixture()
        defer { repo.remove() }
        try repo.commit(["app/kustomization.yaml": "images:\n- name: api\n  newTag: \"1.0\"\n"])
        let bare = try bareRemote(of: repo)
        defer { try? FileManager.default.removeItem(atPath: bare) }
        let cache = RepositoryCache(directory: cacheDir)
        let calls = Counter()
        let pushed = try await cache.commitAndPush(
            "file://" + bare, credentials: .none, branch: "main", path: "app", message: "bump", author: author
        ) { files in
            // The first time, someone else pushes between our fetch and our push.
            if calls.next() == 1 {
                do {
                    _ = try repo.commit(["app/README.md": "theirs\n"], message: "their change")
                    _ = try repo.git("push", "-q", "origin", "main")
                } catch {
                    Issue.record("the other writer could not push: \(error)")
                }
            }
            return bump(files)
        }
        #expect(pushed != nil && calls.value == 2)
        let log = try remoteGit(bare, "log", "--format=%s", "main")
        #expect(log == "bump\ntheir change\nchange", "\(log)")
        #expect(try remoteGit(bare, "show", "main:app/README.md") == "theirs")
        #expect(try remoteGit(bare, "show", "main:app/kustomization.yaml").contains("newTag: \"1.1\""))
    }
}

/// A thread-safe call counter for closures run on the repository's queue.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func next() -> Int {
        lock.withLock {
            count += 1; return count
        }
    }
}
