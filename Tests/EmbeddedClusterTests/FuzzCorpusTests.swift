import Foundation
import KubeTestSupport
import Testing

/// The fuzzing corpus (seeds and every input libFuzzer kept from `scripts/fuzz.sh`) replayed through the
/// ordinary build of `capstan-fuzz`: each input must end in a value or an error, never a crash.
@Suite struct FuzzCorpusTests {
    static let root = URL(fileURLWithPath: ChildProcess.capstan).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: [
        "json", "yaml", "labelSelector", "fieldSelector", "mergePatch", "jsonPatch",
        "strategicMergePatch", "apply", "requestPath",
    ])
    func corpusReplaysWithoutACrash(target: String) async throws {
        let directory = Self.root.appendingPathComponent("Fuzz/corpus/\(target)")
        let inputs = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            .map { directory.appendingPathComponent($0).path }
        #expect(!inputs.isEmpty)
        let binary = URL(fileURLWithPath: ChildProcess.capstan).deletingLastPathComponent()
            .appendingPathComponent("capstan-fuzz").path
        let result = try await ChildProcess.run([binary, target] + inputs)
        #expect(result.status == 0, "\(result.output.suffix(2000))")
    }
}
