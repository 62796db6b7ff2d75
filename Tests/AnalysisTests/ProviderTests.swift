import Analysis
import Expr
import Foundation
import HTTPTypes
import Hummingbird
import Kube
import KubeTestSupport
import Testing

/// The Prometheus and web providers against real servers on 127.0.0.1: Debian's Prometheus for PromQL
/// answers of every shape, and small HTTP servers for web metrics and for servers that time out, fail or lie.
@Suite(.serialized) struct ProviderTests {
    static let http = ProviderHTTP()
    static let context = MeasurementContext(namespace: "default", runName: "test")

    static func prometheus(_ query: String, address: String, _ extra: JSON = [:]) -> Metric {
        var settings: JSON = ["address": .string(address), "query": .string(query)]
        for (key, value) in extra.objectValue ?? [:] { settings[key] = value }
        return Metric(["name": "q", "provider": ["prometheus": settings]])
    }

    @Test(.enabled(if: PrometheusServer.available)) func prometheusAnswersOfEveryShape() async throws {
        let server = try await PrometheusServer.start()
        defer { server.stop() }
        let provider = PrometheusProvider(http: Self.http)
        func measure(_ query: String) async -> ProviderOutcome {
            await provider.measure(Self.prometheus(query, address: server.url), context: Self.context)
        }
        #expect(await measure("vector(0.97)") == .value(.array([.float(0.97)]), text: "[0.97]"))
        #expect(await measure("scalar(vector(2))") == .value(.float(2), text: "2"))
        #expect(await measure("up{job=\"nothing-here\"}") == .value(.array([]), text: "[]"))
        guard case .value(.float(let nan), let nanText) = await measure("0/0") else {
            Issue.record("0/0 is not a scalar")
            return
        }
        #expect(nan.isNaN && nanText == "NaN")
        #expect(await measure("vector(1)/0") == .value(.array([.float(.infinity)]), text: "[+Inf]"))
        guard case .value(.array(let samples), _) = await measure("vector(3)[30s:10s]") else {
            Issue.record("a subquery is not a matrix")
            return
        }
        #expect(samples.count >= 3 && samples.allSatisfy { $0 == .float(3) })
        guard case .error(let message) = await measure("sum(") else {
            Issue.record("a bad query is not an error")
            return
        }
        #expect(message.contains("400") && message.contains("bad_data"))
        // The conditions judge what Prometheus answered.
        let providers = MetricProviders([provider])
        var metric = Self.prometheus("vector(0.97)", address: server.url)
        metric.successCondition = "result[0] >= 0.95"
        let task = MeasurementSchedule.Task(metric: metric, inFlight: nil)
        let measurement = await providers.measure(
            task, conditions: try MetricConditions(metric), terminating: false, context: Self.context)
        #expect(measurement.phase == .successful && measurement.value == "[0.97]" && measurement.finishedAt != nil)
    }

    @Test func prometheusThatIsDownSlowBrokenOrLyingIsAnError() async throws {
        let router = Router()
        router.post("/slow/api/v1/query") { _, _ in
            try await Task.sleep(for: .seconds(3))
            return "{}"
        }
        router.post("/broken/api/v1/query") { _, _ -> Response in
            Response(status: .serviceUnavailable, body: .init(byteBuffer: .init(string: "overloaded")))
        }
        router.post("/html/api/v1/query") { _, _ in "<html>login</html>" }
        router.post("/auth/api/v1/query") { request, _ -> String in
            let header = request.headers[.authorization] ?? ""
            let custom = request.headers[HTTPField.Name("X-Scope-OrgID")!] ?? ""
            return
                #"{"status":"success","data":{"resultType":"scalar","result":[1,"\#(header.count)"]},"x":"\#(custom)"}"#
        }
        router.post("/moved/api/v1/query") { _, _ -> Response in
            Response(status: .permanentRedirect, headers: [.location: "/auth/api/v1/query"])
        }
        let server = try await LocalHTTPServer.start(router, label: "fake-prometheus")
        try await withAwaitedTeardown(server, teardown: { await $0.stop() }) { server in
            let provider = PrometheusProvider(http: Self.http)
            let base = "http://127.0.0.1:\(server.port)"
            func message(_ path: String, _ extra: JSON = [:]) async -> String {
                let outcome = await provider.measure(
                    Self.prometheus("up", address: base + path, extra), context: Self.context)
                guard case .error(let message) = outcome else { return "not an error: \(outcome)" }
                return message
            }
            #expect(await message("/slow", ["timeout": 1]).contains("timed out after 1 s"))
            #expect(await message("/broken").contains("503"))
            #expect(await message("/html").contains("not JSON"))
            let closed = try LoopbackPort.free()
            #expect(await message("", ["address": .string("http://127.0.0.1:\(closed)")]).contains("failed"))
            #expect(
                await message("", ["address": "not a url"]).contains("address not a url is not a URL (it has no host)"))
            // Basic auth from the address and custom headers reach the server.
            let auth = await provider.measure(
                Self.prometheus(
                    "up", address: "http://user:secret@127.0.0.1:\(server.port)/auth",
                    ["headers": [["key": "X-Scope-OrgID", "value": "team"]]]), context: Self.context)
            let expected = LocalHTTPServer.basicAuthorization("user", "secret")?.count ?? 0
            #expect(auth == .value(.float(Double(expected)), text: "\(expected)"))
            // A redirect is followed, as Prometheus's Go client does (the answer is the bare one: no header).
            let moved = await provider.measure(
                Self.prometheus("up", address: "\(base)/moved"), context: Self.context)
            #expect(moved == .value(.float(0), text: "0"))
        }
    }

    @Test func webMetricsReadTheValueAtTheJSONPath() async throws {
        let router = Router()
        router.get("/measure") { request, _ -> Response in
            let service = request.uri.queryParameters["service"].map(String.init) ?? ""
            let body =
                #"{"results": {"ok": "true", "successPercent": 0.95, "service": "\#(service)"}, "items": [1, 2]}"#
            return Response(status: .ok, body: .init(byteBuffer: .init(string: body)))
        }
        router.post("/echo") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            return Response(status: .ok, body: .init(byteBuffer: body))
        }
        router.get("/missing") { _, _ -> Response in Response(status: .notFound) }
        let server = try await LocalHTTPServer.start(router, label: "web-metric")
        try await withAwaitedTeardown(server, teardown: { await $0.stop() }) { server in
            let provider = WebProvider(http: Self.http)
            func measure(_ web: JSON) async -> ProviderOutcome {
                await provider.measure(Metric(["name": "w", "provider": ["web": web]]), context: Self.context)
            }
            let url = "http://127.0.0.1:\(server.port)"
            #expect(
                await measure(["url": .string(url + "/measure?service=web"), "jsonPath": "{$.results.ok}"])
                    == .value(.string("true"), text: "\"true\""))
            #expect(
                await measure(["url": .string(url + "/measure"), "jsonPath": "{$.results.successPercent}"])
                    == .value(.float(0.95), text: "0.95"))
            #expect(
                await measure(["url": .string(url + "/measure"), "jsonPath": "{$.items[-1]}"])
                    == .value(.int(2), text: "2")
            )
            #expect(
                await measure(["url": .string(url + "/echo"), "method": "POST", "jsonBody": ["a": 1]])
                    == .value(.map(["a": .int(1)]), text: "{\"a\":1}"))
            #expect(await measure(["url": .string(url + "/missing")]) == .error("received non 2xx response code: 404"))
            guard case .error(let notFound) = await measure(["url": .string(url + "/measure"), "jsonPath": "{$.nope}"])
            else {
                Issue.record("a missing path is not an error")
                return
            }
            #expect(notFound.contains("Could not find JSONPath"))
        }
    }
}
