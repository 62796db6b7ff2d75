import Kube
import Testing

/// YAML that tries to expand, nest or leak: each is a bounded error that names a position, never content.
@Suite struct HostileYAMLTests {
    @Test func syntaxErrorsNameLineAndColumnButNeverTheContent() throws {
        let secret = """
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            stringData:
              password: "hunter2-top-secret
              user: admin
            """
        do {
            _ = try YAML.parseAll(secret)
            Issue.record("a broken Secret parsed")
        } catch {
            #expect(!error.message.contains("hunter2"), "\(error.message)")
            #expect(error.message.contains("line "), "\(error.message)")
        }
    }

    @Test func anAliasBombStopsAtABudgetLinearInItsSize() {
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (name, previous) in zip("bcdefghij", "abcdefghi") {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        let clock = ContinuousClock()
        var thrown: YAMLError?
        let elapsed = clock.measure {
            do { _ = try YAML.parseAll(text) } catch let error as YAMLError { thrown = error } catch {
                Issue.record(error)
            }
        }
        #expect(thrown?.message.contains("expands to more than") == true)
        // Not a timing test: ten billion nodes cannot be built in a minute on any machine; the budget stops early.
        #expect(elapsed < .seconds(60))
    }

    @Test func nestingPastTheSharedLimitIsRefused() {
        let block = (0..<600).map { String(repeating: "  ", count: $0) + "a:" }.joined(separator: "\n") + " 1\n"
        for text in [block, String(repeating: "[", count: 600) + String(repeating: "]", count: 600)] {
            #expect(throws: YAMLError.self) { try YAML.parseAll(text) }
        }
        let fine =
            String(repeating: "[", count: JSON.maximumDepth - 1) + String(repeating: "]", count: JSON.maximumDepth - 1)
        #expect(throws: Never.self) { try JSON.parse(YAML.parse(fine).serialized()) }
    }

    @Test func extremeFlowNestingDoesNotExhaustTheStack() {
        let text = String(repeating: "[", count: 200_000)
        #expect(throws: YAMLError.self) { try YAML.parseAll(text) }
    }
}
