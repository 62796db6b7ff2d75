import Foundation
import Kube
import Testing

@testable import Sync

/// Git content decides how long Jsonnet computes: a file that would evaluate for many minutes is stopped at
/// the renderer's time limit and becomes an error naming the file, instead of holding a controller worker.
@Suite struct ToolTimeoutTests {
    @Test func aJsonnetFileThatComputesForeverIsStopped() throws {
        // About 3 x 10^8 calls with a shallow stack: minutes on any machine, far past the 1 s limit.
        let slow =
            "local fib(n) = if n < 2 then n else fib(n - 1) + fib(n - 2); { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { n: std.toString(fib(40)) } }"
        let tree = SourceTree(files: ["app/slow.jsonnet": Array(slow.utf8)], root: "app")
        do {
            _ = try JsonnetRenderer(options: nil, timeout: .seconds(1)).render(["app/slow.jsonnet"], tree: tree)
            Issue.record("the evaluation finished")
        } catch {
            #expect(error.message.contains("app/slow.jsonnet") && error.message.contains("did not finish"), "\(error)")
        }
    }
}
