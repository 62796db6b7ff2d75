import Foundation
import Kube
import Testing

@testable import Sync

/// The helper-program runner with real `jq`: large inputs, and a tool that exits before reading them.
@Suite struct ExternalToolTests {
    static let objects: [JSON] = (0..<3000).map { index in
        ["metadata": ["name": .string("cm-\(index)")], "data": ["blob": .string(String(repeating: "x", count: 200))]]
    }

    @Test func jqSelectsPathsInManyObjects() async throws {
        let paths = try await JQPathFinder().paths([".data.blob", ".nothing[]"], in: Self.objects)
        #expect(paths.count == Self.objects.count)
        #expect(paths.allSatisfy { $0 == [["data", "blob"]] })
    }

    /// jq stops at a compile error without reading its input; the controller must get an error, not SIGPIPE.
    @Test func aToolThatExitsEarlyIsAnErrorNotACrash() async throws {
        await #expect(throws: ComparisonFailure.self) {
            _ = try await JQPathFinder().paths([".data | select("], in: Self.objects)
        }
    }
}
