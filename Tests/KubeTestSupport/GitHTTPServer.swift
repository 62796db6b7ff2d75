import Foundation
import HTTPTypes
import Hummingbird
import Kube
import Logging
import NIOCore

/// Git's smart HTTP protocol for tests: `git http-backend` (the CGI program that ships with git) behind a
/// small Hummingbird server on 127.0.0.1, optionally requiring HTTP basic auth.
public enum GitHTTPServer {
    /// Serves the bare repositories under `root`.
    public static func start(
        root: String, username: String? = nil, password: String? = nil
    ) async throws -> LocalHTTPServer {
        let router = Router()
        let expected = LocalHTTPServer.basicAuthorization(username, password)
        router.on("/**", method: .get) { request, _ in try await cgi(request, root: root, expected: expected) }
        router.on("/**", method: .post) { request, _ in try await cgi(request, root: root, expected: expected) }
        return try await LocalHTTPServer.start(router, label: "git-http")
    }

    static func cgi(_ request: Request, root: String, expected: String?) async throws -> Response {
        if let expected, request.headers[.authorization] != expected {
            return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Basic realm=\"git\""])
        }
        let body = try await request.body.collect(upTo: 64 * 1024 * 1024)
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_PROJECT_ROOT"] = root
        environment["GIT_HTTP_EXPORT_ALL"] = "1"
        environment["PATH_INFO"] = request.uri.path
        environment["QUERY_STRING"] = request.uri.query ?? ""
        environment["REQUEST_METHOD"] = request.method.rawValue
        environment["CONTENT_TYPE"] = request.headers[.contentType] ?? ""
        environment["CONTENT_LENGTH"] = String(body.readableBytes)
        environment["HTTP_CONTENT_ENCODING"] = request.headers[.contentEncoding] ?? ""
        environment["REMOTE_ADDR"] = "127.0.0.1"
        environment["REMOTE_USER"] = expected == nil ? "" : "user"
        let (cgiEnvironment, input) = (environment, Data(body.readableBytesView))
        // Off the cooperative pool: the git client this answers may be waiting in a test that needs it.
        let data = try await ChildProcess.offThePool { try backend(environment: cgiEnvironment, input: input) }
        guard let split = data.range(of: Data("\r\n\r\n".utf8)) else { return Response(status: .internalServerError) }
        var status = HTTPResponse.Status.ok
        var headers = HTTPFields()
        for line in String(decoding: data[..<split.lowerBound], as: UTF8.self).split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            if parts[0].lowercased() == "status" {
                status = HTTPResponse.Status(code: Int(parts[1].prefix(3)) ?? 200)
            } else if let name = HTTPField.Name(parts[0]) {
                headers[name] = parts[1]
            }
        }
        return Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data[split.upperBound...])))
    }

    /// Runs `git http-backend` with the CGI `environment` and the request body as `input`; its whole output.
    static func backend(environment: [String: String], input body: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "http-backend"]
        process.environment = environment
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(body)
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }
}
