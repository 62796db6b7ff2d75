import Foundation
import Git
import KubeTestSupport
import Testing

@Suite struct RepositoryURLTests {
    @Test func spellingsOfOneRepositoryAreOne() {
        let spellings = [
            "https://github.com/org/repo", "https://github.com/org/repo.git", "https://github.com/org/repo/",
            "https://GitHub.com/Org/Repo.git/", "https://user:token@github.com/org/repo.git",
            " https://github.com/org/repo ",
        ]
        #expect(Set(spellings.map(RepositoryURL.normalized)) == ["https://github.com/org/repo"])
        #expect(RepositoryURL.normalized("git@github.com:org/repo.git") == "ssh://github.com/org/repo")
        #expect(RepositoryURL.normalized("ssh://git@github.com/org/repo") == "ssh://github.com/org/repo")
        #expect(RepositoryURL.normalized("https://github.com/org/repo2") != "https://github.com/org/repo")
        #expect(RepositoryURL.sameRepository("git@github.com:org/repo.git", "https://github.com/org/repo"))
        #expect(!RepositoryURL.sameRepository("https://github.com/org/repo", "https://github.com/org/other"))
        #expect(RepositoryURL.normalizedPrefix("https://GitHub.com/org/") == "https://github.com/org/")
    }

    @Test func spellingsShareOneMirror() async throws {
        let repo = try GitFixture()
        defer { repo.remove() }
        let head = try repo.commit(["a.yaml": "a: 1\n"])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "capstan-url-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = RepositoryCache(directory: directory)
        #expect(try await cache.resolve(repo.fileURL, revision: "main").hex == head)
        #expect(try await cache.resolve(repo.fileURL + "/", revision: "main").hex == head)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).count == 1)
    }
}
