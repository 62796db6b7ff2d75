import AsyncHTTPClient
import Expr
import Foundation
import Kube
import NIOCore
import NIOHTTP1

/// Measures by calling a URL (`provider.web`): `url`, `method` (GET, POST, PUT), `headers`, `body` (text) or
/// `jsonBody` (an object), `jsonPath` (`{$}` by default), `timeoutSeconds` (10 by default), `insecure`.
/// The value the path selects is what the conditions see, typed as in the JSON answer; a non-2xx answer, a body
/// that is not JSON or a path that finds nothing is a measurement Error.
public struct WebProvider: MetricProvider {
    public let name = "web"
    let http: ProviderHTTP

    public init(http: ProviderHTTP) { self.http = http }

    public func measure(_ metric: Metric, context: MeasurementContext) async -> ProviderOutcome {
        let settings = metric.provider["web"] ?? [:]
        guard let url = settings["url"]?.stringValue, URLComponents(string: url)?.host != nil else {
            return .error("web: url \(settings["url"]?.stringValue ?? "") is not a URL")
        }
        let path: JSONPathQuery
        do {
            path = try JSONPathQuery(settings["jsonPath"]?.stringValue ?? "{$}")
        } catch {
            return .error("web: \(error.message)")
        }
        let method = (settings["method"]?.stringValue ?? "GET").uppercased()
        guard ["GET", "POST", "PUT"].contains(method) else { return .error("web: method \(method) is not supported") }
        var headers = HTTPHeaders()
        for header in settings["headers"]?.arrayValue ?? [] {
            if let key = header["key"]?.stringValue {
                headers.replaceOrAdd(name: key, value: header["value"]?.stringValue ?? "")
            }
        }
        var body: HTTPClient.Body?
        if let text = settings["body"]?.stringValue {
            body = .string(text)
        } else if let json = settings["jsonBody"], json != .null {
            body = .bytes(json.serializedBytes())
            if !headers.contains(name: "Content-Type") { headers.add(name: "Content-Type", value: "application/json") }
        }
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(
                url: url, method: HTTPMethod(rawValue: method), headers: headers, body: body)
        } catch {
            return .error("web: url \(url) cannot be requested: \(error)")
        }
        let seconds = Metric.integer(settings["timeoutSeconds"]) ?? 10
        let timeout = TimeAmount.seconds(Int64(seconds > 0 ? seconds : 10))
        let answer: (status: HTTPResponseStatus, body: [UInt8])
        do {
            answer = try await http.send(request, timeout: timeout, insecure: settings["insecure"]?.boolValue ?? false)
        } catch {
            return .error(ProviderHTTP.describe(error, url: url, timeout: timeout))
        }
        guard (200..<300).contains(answer.status.code) else {
            return .error("received non 2xx response code: \(answer.status.code)")
        }
        let document: JSON
        do {
            document = try JSON.parse(answer.body)
        } catch {
            let start = String(decoding: answer.body.prefix(80), as: UTF8.self)
            return .error("Could not parse JSON body: \(error) (the body starts: \(start))")
        }
        do {
            let value = try path.find(in: document)
            return .value(ExprValue(value), text: value.serialized())
        } catch {
            return .error("Could not find JSONPath in body: \(error.message)")
        }
    }
}
