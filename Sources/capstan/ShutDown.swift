import Foundation

/// Shuts something down at the end of a command. A failure does not change the command's result (its work is
/// done), but it is reported on standard error rather than dropped.
func shutDown(_ what: String, _ body: () async throws -> Void) async {
    do { try await body() } catch {
        FileHandle.standardError.write(Data("warning: \(what) did not shut down: \(error)\n".utf8))
    }
}
