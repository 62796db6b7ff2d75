import AsyncHTTPClient
import Foundation
import Kube
import NIOCore
import NIOHTTP1

/// A registry's answer: status, headers and body (at most 8 MiB).
struct RegistryResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
}

extension RegistryClient {
    /// GETs `path` from the endpoint for `image`, answering an authentication challenge once; any status but
    /// 2xx becomes the matching `RegistryError`.
    func send(
        _ path: String, accept: [String], image: RegistryImage, endpoint: RegistryEndpoint
    ) async throws(RegistryError) -> RegistryResponse {
        let scope = "repository:\(image.repository):pull"
        var answered = false
        while true {
            await pace(endpoint)
            let response = try await request(
                endpoint.apiURL + path, accept: accept, authorization: authorization(endpoint, scope),
                insecure: endpoint.insecure)
            switch response.status {
            case 200..<300:
                return response
            case 401:
                let challenge = response.headers.first(name: "www-authenticate").flatMap(AuthChallenge.init)
                guard !answered, let challenge else {
                    throw RegistryError(
                        .unauthorized,
                        "\(endpoint.apiURL) refused access to \(image.name) "
                            + (endpoint.credentials == nil
                                ? "(no credentials configured)" : "with the credentials given"))
                }
                answered = true
                try await answer(challenge, endpoint: endpoint, scope: scope, image: image)
            case 404:
                throw RegistryError(.notFound, "\(endpoint.apiURL)\(path) not found")
            case 429:
                let retryAfter = response.headers.first(name: "retry-after").flatMap { Int($0) }
                throw RegistryError(
                    .rateLimited(retryAfter: retryAfter),
                    "\(endpoint.apiURL) is rate limiting requests"
                        + (retryAfter.map { " (retry after \($0) s)" } ?? ""))
            default:
                throw RegistryError(
                    .server(status: response.status), "\(endpoint.apiURL)\(path) answered \(response.status)")
            }
        }
    }

    func authorization(_ endpoint: RegistryEndpoint, _ scope: String) -> String? {
        if let token = tokens["\(endpoint.apiURL) \(scope)"] { return "Bearer \(token)" }
        if basicRealms.contains(endpoint.apiURL), let credentials = endpoint.credentials {
            return credentials.basicHeader
        }
        return nil
    }

    /// Prepares the authorization a challenge asks for: Basic with the endpoint's credentials, or a bearer token
    /// fetched from the challenge's realm (with the credentials, when there are any) and cached for the scope.
    func answer(
        _ challenge: AuthChallenge, endpoint: RegistryEndpoint, scope: String, image: RegistryImage
    ) async throws(RegistryError) {
        switch challenge.scheme {
        case "basic":
            guard endpoint.credentials != nil else {
                throw RegistryError(
                    .unauthorized, "\(endpoint.apiURL) asks for credentials for \(image.name) and none are configured")
            }
            basicRealms.insert(endpoint.apiURL)
        case "bearer":
            guard let realm = challenge.realm, realm.hasPrefix("http") else {
                throw RegistryError(.malformed, "\(endpoint.apiURL) sent a bearer challenge without a realm URL")
            }
            var query: [String] = []
            if let service = challenge.parameters["service"] { query.append("service=\(Self.encode(service))") }
            query.append("scope=\(Self.encode(challenge.parameters["scope"] ?? scope))")
            let url = realm + (realm.contains("?") ? "&" : "?") + query.joined(separator: "&")
            let response = try await request(
                url, accept: ["application/json"], authorization: endpoint.credentials?.basicHeader,
                insecure: endpoint.insecure)
            guard (200..<300).contains(response.status) else {
                throw RegistryError(
                    response.status == 401 ? .unauthorized : .server(status: response.status),
                    "the token service \(realm) answered \(response.status) for \(image.name)")
            }
            let json: JSON
            do { json = try JSON.parse(response.body) } catch {
                throw RegistryError(
                    .malformed, "the token service \(realm) answered something that is not JSON: \(error)")
            }
            guard let token = json["token"]?.stringValue ?? json["access_token"]?.stringValue, !token.isEmpty else {
                throw RegistryError(.malformed, "the token service \(realm) answered without a token")
            }
            tokens["\(endpoint.apiURL) \(scope)"] = token
        default:
            throw RegistryError(
                .unauthorized, "\(endpoint.apiURL) asks for \(challenge.scheme) authentication, which is not supported")
        }
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    func request(
        _ url: String, accept: [String], authorization: String?, insecure: Bool
    ) async throws(RegistryError) -> RegistryResponse {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: accept.joined(separator: ", "))
        request.headers.add(name: "User-Agent", value: "capstan-image-updater")
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        let client = insecure ? insecureHTTP : http
        requestCount += 1
        do {
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 8 << 20)
            return RegistryResponse(
                status: Int(response.status.code), headers: response.headers, body: Array(body.readableBytesView))
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw RegistryError(.transport, "\(url) did not answer within \(timeout.nanoseconds / 1_000_000_000) s")
        } catch {
            throw RegistryError(.transport, "\(url) could not be reached: \(error)")
        }
    }
}
