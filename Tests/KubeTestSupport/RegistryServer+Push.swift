import Foundation
import Registry

/// Images pushed to the test registry through `ImagePusher` (with the registry's credentials when it has them).
extension RegistryServer {
    public var url: String { "http://\(host)" }

    /// Pushes `repository:tag` (see `ImagePusher.push`); returns the digest of what the tag names.
    @discardableResult
    public func push(
        _ repository: String, tag: String, created: Date = Date(), platforms: [String] = ["linux/amd64"],
        index: Bool = false
    ) async throws -> String {
        try await ImagePusher(url: url, authorization: pushAuthorization).push(
            repository, tag: tag, created: created, platforms: platforms, index: index)
    }
}

/// The test registry could not be started or refused a push.
public struct RegistryServerError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
