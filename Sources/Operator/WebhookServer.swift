import Hummingbird
import ImageUpdater
import Kube
import Logging
import NIOCore
import Sync

/// Receives Git push webhooks on `POST /api/webhook` and refreshes the Applications of the pushed repository
/// at once, so a commit reaches the cluster without waiting for the poll. Requests are checked against the
/// webhook secrets of `argocd-secret` when `signature` is given (see `WebhookSignature`). With an image updater,
/// `POST /api/registry-webhook` takes registry push notifications (see `RegistryPushEvent`) and checks the
/// Applications that use the pushed image at once. Also serves `GET /healthz`.
public struct WebhookServer: Sendable {
    let controller: ApplicationController
    let signature: WebhookSignature?
    let images: ImageUpdateController?
    let logger: Logger

    public init(
        controller: ApplicationController, signature: WebhookSignature? = nil, images: ImageUpdateController? = nil,
        logger: Logger
    ) {
        self.controller = controller
        self.signature = signature
        self.images = images
        self.logger = logger
    }

    /// Starts listening; returns the bound port and the runner that serves until stopped.
    public func start(host: String = "127.0.0.1", port: Int) async throws -> (port: Int, server: ServiceRunner) {
        let router = Router()
        router.get("/healthz") { _, _ in "ok" }
        router.post("/api/webhook") { request, context -> Response in
            let body = try await request.body.collect(upTo: 5 * 1024 * 1024)
            if let signature {
                let headers = Dictionary(
                    request.headers.map { ($0.name.canonicalName, $0.value) }, uniquingKeysWith: { first, _ in first })
                if let reason = await signature.rejection(headers: headers, body: Array(body.readableBytesView)) {
                    logger.warning("push webhook refused", metadata: ["cause": "\(reason)"])
                    return Response(status: .unauthorized, body: .init(byteBuffer: ByteBuffer(string: reason + "\n")))
                }
            }
            let payload: JSON
            switch parse(body, hook: "push webhook") {
            case .success(let json): payload = json
            case .failure(let refusal): return refusal.response
            }
            let urls = PushEvent.repositoryURLs(in: payload)
            var refreshed = 0
            for url in urls { refreshed += await controller.refresh(repository: url) }
            logger.info(
                "push webhook", metadata: ["repositories": "\(urls.map(\.self))", "applications": "\(refreshed)"])
            return Response(
                status: .ok, body: .init(byteBuffer: ByteBuffer(string: "refreshed \(refreshed) applications\n")))
        }
        if let images { addRegistryRoute(router, images) }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "capstan"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        let server = ServiceRunner(app, logger: logger)
        Task {
            // The server's own end (its error included) was logged by it; stopping only waits for it.
            _ = try? await server.task.value
            continuation.finish()
        }
        var bound = 0
        for await p in stream { bound = p }
        guard bound != 0 else { throw ConfigError("the webhook server could not listen on \(host):\(port)") }
        return (bound, server)
    }

    func addRegistryRoute(_ router: Router<BasicRequestContext>, _ images: ImageUpdateController) {
        router.post("/api/registry-webhook") { request, context -> Response in
            let body = try await request.body.collect(upTo: 5 * 1024 * 1024)
            let payload: JSON
            switch parse(body, hook: "registry webhook") {
            case .success(let json): payload = json
            case .failure(let refusal): return refusal.response
            }
            var checked = 0
            let pushed = RegistryPushEvent.images(in: payload)
            for image in pushed {
                checked += await images.imagePushed(repository: image.repository, registry: image.registry)
            }
            // docker-registry also reports blob uploads and pulls: only pushes of tagged images are worth a line.
            logger.log(
                level: pushed.isEmpty ? .debug : .info, "registry webhook",
                metadata: [
                    "images": "\(pushed.map { ($0.registry ?? "*") + "/" + $0.repository })",
                    "applications": "\(checked)",
                ])
            return Response(
                status: .ok, body: .init(byteBuffer: ByteBuffer(string: "checking \(checked) applications\n")))
        }
    }

    /// The payload as JSON, or a 400 answer saying why it is not (logged too, so a misconfigured sender shows).
    func parse(_ body: ByteBuffer, hook: String) -> Result<JSON, PayloadRefusal> {
        do { return .success(try JSON.parse(Array(body.readableBytesView))) } catch {
            logger.warning("\(hook) refused: the payload is not JSON", metadata: ["cause": "\(error)"])
            return .failure(PayloadRefusal(message: "payload is not JSON: \(error)"))
        }
    }
}

/// A webhook payload that cannot be read: answered 400 with the reason.
struct PayloadRefusal: Error {
    let message: String
    var response: Response {
        Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }
}
