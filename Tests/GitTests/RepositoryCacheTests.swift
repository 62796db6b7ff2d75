import Foundation
import Git
import KubeTestSupport
import Testing

@Suite struct RepositoryCacheTests {
    let cacheDir = FileManager.default.temporaryDirectory.appendingPathComponent(
        "capstan-cache-\(UUID().uuidString.prefix(8))")

    @Test func resolvesBranchesTagsShasAndHead() async throws {
        let repo = try GitFixture()
        defer { repo.remove() }
        let first = try repo.commit(["app/a.yaml": "a: 1\n"])
        try repo.git("tag", "-a", "v1", "-m", "release 1")
        try repo.git("tag", "light", first)
        let second = try repo.commit(["app/a.yaml": "a: 2\n"])
        try repo.git("branch", "old", first)
        let cache = RepositoryCache(directory: cacheDir)

        for url in [repo.path, repo.fileURL] {
            #expect(try await cache.resolve(url, revision: "HEAD").hex == second)
            #expect(try await cache.resolve(url, revision: "").hex == second)
            #expect(try await cache.resolve(url, revision: "main").hex == second)
            #expect(try await cache.resolve(url, revision: "old").hex == first)
            #expect(try await cache.resolve(url, revision: "v1").hex == first)
            #expect(try await cache.resolve(url, revision: "light").hex == first)
            #expect(try await cache.resolve(url, revision: first).hex == first)
            #expect(try await cache.resolve(url, revision: "refs/heads/main").hex == second)
        }
    }

    @Test func readsFilesOfAPathAtACommit() async throws {
        let repo = try GitFixture()
        defer { repo.remove() }
        let first = try repo.commit(["app/a.yaml": "a: 1\n", "app/sub/b.json": "{}", "other/c.yaml": "c: 3\n"])
        let second = try repo.commit(["app/a.yaml": "a: 2\n", "app/sub/b.json": nil])
        let cache = RepositoryCache(directory: cacheDir)
        let head = try await cache.resolve(repo.path, revision: "main")
        let files = try await cache.files(repo.path, commit: head, path: "app")
        #expect(files.keys.sorted() == ["a.yaml"])
        #expect(String(decoding: files["a.yaml"]!, as: UTF8.self) == "a: 2\n")
        let old = try await cache.files(repo.path, commit: try #require(CommitID(hex: first)), path: "/app/")
        #expect(old.keys.sorted() == ["a.yaml", "sub/b.json"])
        #expect(try await cache.files(repo.path, commit: head, path: "").count == 2)
        #expect(head.hex == second)
        let info = try await cache.commitInfo(repo.path, commit: head)
        #expect(info.author == "Capstan Test <test@capstan.invalid>")
    }

    @Test func picksUpNewCommitsOnlyWhenAskedToRefresh() async throws {
        let repo = try GitFixture()
        defer { repo.remove() }
        let first = try repo.commit(["a.yaml": "a: 1\n"])
        let cache = RepositoryCache(directory: cacheDir)
        #expect(try await cache.resolve(repo.path, revision: "main", maxAge: .seconds(3600)).hex == first)
        let second = try repo.commit(["a.yaml": "a: 2\n"])
        #expect(try await cache.resolve(repo.path, revision: "main", maxAge: .seconds(3600)).hex == first)
        await cache.invalidate(repo.path)
        #expect(try await cache.resolve(repo.path, revision: "main", maxAge: .seconds(3600)).hex == second)
        #expect(try await cache.resolve(repo.path, revision: "main").hex == second)
    }

    @Test func missingThingsAreClearErrors() async throws {
        let repo = try GitFixture()
        defer { repo.remove() }
        try repo.commit(["a.yaml": "a: 1\n"])
        let cache = RepositoryCache(directory: cacheDir)
        await #expect(throws: GitError.self) { try await cache.resolve(repo.path, revision: "nope") }
        await #expect(throws: GitError.self) { try await cache.resolve(repo.path + "-missing", revision: "main") }
        let head = try await cache.resolve(repo.path, revision: "main")
        do {
            _ = try await cache.files(repo.path, commit: head, path: "nowhere")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("'nowhere' does not exist"))
        }
    }

    @Test func credentialsNeverAppearInErrors() {
        let error = GitError(
            operation: "fetch", repository: "https://bob:s3cret-token@git.example.com/x.git",
            message: "failed to reach https://bob:s3cret-token@git.example.com/x.git with s3cret-token",
            secrets: ["s3cret-token"])
        #expect(!error.description.contains("s3cret"))
        #expect(!error.description.contains("bob"))
        #expect(error.description.contains("git.example.com/x.git"))
    }
}
