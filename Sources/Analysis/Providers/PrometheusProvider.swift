import AsyncHTTPClient
import Expr
import Foundation
import Kube
import NIOCore
import NIOHTTP1
import Synchronization

/// Measures with a PromQL instant query (`provider.prometheus`): `address`, `query`, `timeout` (seconds, 30 by
/// default), `headers` (`- key: Authorization`, `value: Bearer ...`), `insecure`; user and password in the
/// address (`http://user:pass@host:9090`) become basic auth.
///
/// A scalar answer is a number for the conditions; a vector is an array of its sample values (labels dropped);
/// a matrix is every sample value of every series, in order, in one array; an empty answer is `[]`. NaN and
/// ±Inf are kept. An answer that is not a Prometheus success is a measurement Error with the cause.
public struct PrometheusProvider: MetricProvider {
    public let name = "prometheus"
    let http: ProviderHTTP
    /// Used instead of every metric's address (`capstan analysis run --prometheus URL`).
    let overrideAddress: String?
    let requests = PrometheusRequests()

    public init(http: ProviderHTTP, overrideAddress: String? = nil) {
        self.http = http
        self.overrideAddress = overrideAddress
    }

    public func measure(_ metric: Metric, context: MeasurementContext) async -> ProviderOutcome {
        let settings = metric.provider["prometheus"] ?? [:]
        guard let address = overrideAddress ?? settings["address"]?.stringValue, !address.isEmpty else {
            return .error("prometheus: address is required")
        }
        guard let query = settings["query"]?.stringValue, !query.isEmpty else {
            return .error("prometheus: query is required")
        }
        if let auth = settings["authentication"]?.objectValue?.keys.sorted().first {
            return .error("prometheus: authentication.\(auth) is not supported by Capstan; use headers")
        }
        let timeout = TimeAmount.seconds(Int64(Metric.integer(settings["timeout"]) ?? 30))
        var request: PrometheusQueryRequest
        do {
            request = try requests.request(address: address, query: query)
        } catch {
            return .error("prometheus: address \(address) is not a URL (\(error))")
        }
        for header in settings["headers"]?.arrayValue ?? [] {
            if let key = header["key"]?.stringValue {
                request.headers.replaceOrAdd(name: key, value: header["value"]?.stringValue ?? "")
            }
        }
        let insecure = settings["insecure"]?.boolValue ?? false
        do {
            let (status, body) = try await http.exchange(
                origin: request.origin, .POST, request.target, headers: request.headers, body: request.body,
                timeout: timeout, insecure: insecure)
            return Self.outcome(status: status, body: body)
        } catch {
            return .error(ProviderHTTP.describe(error, url: address, timeout: timeout))
        }
    }

    /// A POST to `/api/v1/query` (form-encoded, so long queries fit), with basic auth from the address.
    static func request(address: String, query: String) throws -> PrometheusQueryRequest {
        guard let components = URLComponents(string: address), let scheme = components.scheme,
            let host = components.host, !host.isEmpty
        else {
            throw AnalysisSpecError("it has no host")
        }
        var origin = URLComponents()
        origin.scheme = scheme
        origin.host = host
        origin.port = components.port
        guard let originText = origin.string else {
            throw AnalysisSpecError("it cannot be written back as a URL")
        }
        let path = components.percentEncodedPath
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        headers.add(name: "Accept", value: "application/json")
        if let user = components.user {
            let credentials = Data("\(user):\(components.password ?? "")".utf8).base64EncodedString()
            headers.add(name: "Authorization", value: "Basic \(credentials)")
        }
        var form = URLComponents()
        form.queryItems = [URLQueryItem(name: "query", value: query)]
        let body = (form.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return PrometheusQueryRequest(
            origin: originText, target: (path.hasSuffix("/") ? path : path + "/") + "api/v1/query", headers: headers,
            body: body)
    }

    /// Reads Prometheus's answer: the value for the conditions, or the error it reports.
    static func outcome(status: HTTPResponseStatus, body: [UInt8]) -> ProviderOutcome {
        let answer: JSON
        do {
            answer = try JSON.parse(body)
        } catch {
            let start = String(decoding: body.prefix(200), as: UTF8.self)
            return .error("prometheus answered \(status.code) with a body that is not JSON: \(start)")
        }
        guard answer["status"]?.stringValue == "success", let data = answer["data"] else {
            let reason = answer["error"]?.stringValue ?? "no status in the answer"
            return .error(
                "prometheus answered \(status.code): \(answer["errorType"]?.stringValue ?? "error"): \(reason)")
        }
        let result = data["result"] ?? .null
        switch data["resultType"]?.stringValue {
        case "scalar":
            guard let value = sample(result) else {
                return .error("prometheus: malformed scalar \(result.serialized())")
            }
            return .value(.float(value), text: ExprValue.format(value))
        case "vector":
            let values = (result.arrayValue ?? []).compactMap { sample($0["value"] ?? .null) }
            return vector(values)
        case "matrix":
            let values = (result.arrayValue ?? []).flatMap { series in
                (series["values"]?.arrayValue ?? []).compactMap(sample)
            }
            return vector(values)
        case let other:
            return .error("prometheus: result type \(other ?? "none") is not supported")
        }
    }

    private static func vector(_ values: [Double]) -> ProviderOutcome {
        .value(
            .array(values.map(ExprValue.float)), text: "[" + values.map(ExprValue.format).joined(separator: ",") + "]")
    }

    /// The number in a `[timestamp, "value"]` pair, reading Prometheus's `NaN`, `+Inf` and `-Inf`.
    static func sample(_ pair: JSON) -> Double? {
        guard let text = pair[1]?.stringValue else { return nil }
        switch text {
        case "NaN": return .nan
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        default: return Double(text)
        }
    }
}

/// A Prometheus instant query ready to send: the server (`scheme://host:port`), the path of its query API
/// (below any path the address has), the headers and the form-encoded body.
struct PrometheusQueryRequest: Sendable {
    let origin: String
    let target: String
    var headers: HTTPHeaders
    let body: String
}

/// The query requests built so far, by address and query: a run measures the same query at every interval,
/// and parsing its address and encoding its form again cost more than the measurement's own JSON. Bounded: the
/// whole set is dropped when it holds 1,024 queries.
final class PrometheusRequests: Sendable {
    private let built = Mutex<[String: PrometheusQueryRequest]>([:])

    func request(address: String, query: String) throws -> PrometheusQueryRequest {
        let key = address + "\u{0}" + query
        if let request = built.withLock({ $0[key] }) { return request }
        let request = try PrometheusProvider.request(address: address, query: query)
        built.withLock {
            if $0.count >= 1_024 { $0.removeAll() }
            $0[key] = request
        }
        return request
    }
}
