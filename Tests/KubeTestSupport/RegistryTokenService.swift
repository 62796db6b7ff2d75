import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Kube
import NIOCore

/// A Docker token service for the test registry: the registry (configured with `auth.token`) sends clients
/// here; the service checks their Basic credentials and answers a JWT (ES256, its certificate in `x5c`) that
/// grants the scope asked for, signed with a key whose self-signed certificate the registry trusts. The key
/// and certificate come from `openssl`, as an operator would make them.
public final class RegistryTokenService: Sendable {
    public static let service = "capstan-test-registry"
    public static let issuer = "capstan-test-issuer"
    let key: P256.Signing.PrivateKey
    /// The certificate, DER in base64 (the JWT's `x5c` entry), and its PEM file for the registry.
    let certificateDER: String
    public let certificatePath: String
    let server: LocalHTTPServer
    /// Token requests answered since the start (refused ones included).
    let requests = Counter()

    public var realm: String { "http://127.0.0.1:\(server.port)/token" }

    /// Starts the service on a free port; `directory` receives the key and certificate files.
    public init(directory: String, username: String, password: String) async throws {
        let keyPath = directory + "/token.key"
        certificatePath = directory + "/token.crt"
        let made = try await ChildProcess.run([
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", keyPath, "-out", certificatePath, "-days", "2", "-subj", "/CN=capstan-test-token",
        ])
        guard made.status == 0 else { throw RegistryServerError(message: "openssl failed: \(made.output)") }
        key = try P256.Signing.PrivateKey(pemRepresentation: String(contentsOfFile: keyPath, encoding: .utf8))
        certificateDER = try String(contentsOfFile: certificatePath, encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let expected = LocalHTTPServer.basicAuthorization(username, password)
        let router = Router()
        let signer = TokenSigner(key: key, certificateDER: certificateDER)
        let requests = requests
        router.get("/token") { request, _ -> Response in
            requests.increment()
            guard request.headers[.authorization] == expected else {
                return Response(status: .unauthorized)
            }
            let scope = request.uri.queryParameters.get("scope") ?? ""
            let token = try signer.token(scope: scope, subject: username)
            let body = JSON.object(["token": .string(token), "access_token": .string(token), "expires_in": 300])
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: body.serializedBytes())))
        }
        server = try await LocalHTTPServer.start(router, label: "registry-token")
    }

    /// A token granting `actions` on `repository`, as the service would issue it (for the test's own pushes).
    public func token(repository: String, actions: [String]) throws -> String {
        try TokenSigner(key: key, certificateDER: certificateDER).token(
            scope: "repository:\(repository):\(actions.joined(separator: ","))", subject: "test")
    }

    public var requestCount: Int { requests.value }

    public func stop() async { await server.stop() }

    /// The registry's `auth` section trusting this service.
    public var registryConfiguration: String {
        """

        auth:
          token:
            realm: \(realm)
            service: \(Self.service)
            issuer: \(Self.issuer)
            rootcertbundle: \(certificatePath)
        """
    }
}

/// Signs the service's JWTs: `repository:<name>:<actions>` scopes become `access` claims.
struct TokenSigner: Sendable {
    let key: P256.Signing.PrivateKey
    let certificateDER: String

    func token(scope: String, subject: String) throws -> String {
        var access: [JSON] = []
        for entry in scope.split(separator: " ") {
            let parts = entry.split(separator: ":").map(String.init)
            guard parts.count >= 3 else { continue }
            let name = parts[1..<(parts.count - 1)].joined(separator: ":")
            let actions = parts[parts.count - 1].split(separator: ",").map { JSON.string(String($0)) }
            access.append(["type": .string(parts[0]), "name": .string(name), "actions": .array(actions)])
        }
        let now = Int64(Date().timeIntervalSince1970)
        let header: JSON = ["typ": "JWT", "alg": "ES256", "x5c": [.string(certificateDER)]]
        let claims: JSON = [
            "iss": .string(RegistryTokenService.issuer), "sub": .string(subject),
            "aud": .string(RegistryTokenService.service), "exp": .int(now + 300), "nbf": .int(now - 10),
            "iat": .int(now), "jti": .string(UUID().uuidString), "access": .array(access),
        ]
        let input = Self.base64URL(header.serializedBytes()) + "." + Self.base64URL(claims.serializedBytes())
        let signature = try key.signature(for: Data(input.utf8))
        return input + "." + Self.base64URL(Array(signature.rawRepresentation))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

/// A thread-safe counter for handlers that run on the server's threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
