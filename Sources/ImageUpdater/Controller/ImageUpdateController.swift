import Foundation
import Git
import Kube
import Logging
import Registry
import Sync

/// The image updater: every Application with an `argocd-image-updater.argoproj.io/image-list` annotation is
/// checked against its registries every `interval` (and at once when its annotations change, its live images
/// change, or a registry reports a push of one of its images); updates are written back where the annotations
/// say, and `onWriteBack` lets the sync loop deploy them without waiting for its poll. Runs on `Kube`'s
/// `ControllerRuntime`. Problems are Events on the Application, log lines, and its `ImageUpdaterError`
/// condition; a problem with one image or one Application never stops the others.
public actor ImageUpdateController {
    /// Settings for the controller.
    public struct Options: Sendable {
        /// Only Applications in this namespace; nil watches every namespace.
        public var namespace: String?
        /// Where `argocd-image-updater-config` (registries.conf) is read.
        public var controllerNamespace: String
        /// How often each Application's images are checked (Argo CD Image Updater: 2 minutes).
        public var interval: Duration = .seconds(120)
        public var workers = 2
        /// Directory for the repository mirrors write-backs commit in.
        public var cacheDirectory: URL
        /// Author of write-back commits (Argo's default).
        public var author = GitAuthor(name: "argocd-image-updater", email: "noreply@argoproj.io")
        /// The controller's environment, for `env:` pull secrets.
        public var environment: [String: String] = ProcessInfo.processInfo.environment

        public init(namespace: String?, controllerNamespace: String, cacheDirectory: URL) {
            self.namespace = namespace
            self.controllerNamespace = controllerNamespace
            self.cacheDirectory = cacheDirectory
        }
    }

    /// The condition type this controller owns in `Application.status.conditions`.
    public static let conditionType = "ImageUpdaterError"

    let client: KubeClient
    let options: Options
    let logger: Logger
    let registry: RegistryClient
    let checker: ImageChecker
    let writer: ImageWriter
    let config: UpdaterConfigSource
    let events: EventRecorder
    let runtime: ControllerRuntime
    let onWriteBack: @Sendable (KubeObject) async -> Void
    var informer: Informer?
    /// Write-backs made since the start, for tests and the benchmark.
    public internal(set) var writeBacks = 0
    /// Applications queued by registry push notifications since the start.
    public private(set) var notifiedChecks = 0

    public init(
        client: KubeClient, options: Options, logger: Logger = Logger(label: "capstan.images"),
        onWriteBack: @escaping @Sendable (KubeObject) async -> Void = { _ in }
    ) {
        self.client = client
        self.options = options
        self.logger = logger
        self.onWriteBack = onWriteBack
        registry = RegistryClient()
        checker = ImageChecker(
            chooser: TagChooser(client: registry),
            secrets: PullSecretResolver(client: client, environment: options.environment))
        let credentials = RepositoryCredentials(client: client, namespace: options.controllerNamespace)
        writer = ImageWriter(
            client: client, repositories: RepositoryCache(directory: options.cacheDirectory, logger: logger),
            repositoryCredentials: credentials, author: options.author)
        config = UpdaterConfigSource(client: client, namespace: options.controllerNamespace)
        events = EventRecorder(client: client, component: "capstan-image-updater", logger: logger)
        runtime = ControllerRuntime(
            name: "image-updates", options: .init(workers: options.workers, resync: nil), logger: logger)
    }

    /// Checks run since the start.
    public var reconcileCount: Int { get async { await runtime.reconcileCount } }

    /// Installs the Application CRD if missing, then watches Applications and checks their images.
    public func start() async throws {
        try await CRDInstaller.ensure(client: client)
        let informer = Informer(client: client, gvr: Application.gvr, namespace: options.namespace, logger: logger)
        self.informer = informer
        await runtime.watch(informer) { event in Self.keys(for: event) }
        await runtime.start(allKeys: { [] }) { [weak self] key in await self?.reconcile(key) ?? .done }
    }

    public func stop() async {
        await runtime.stop()
        do { try await registry.shutdown() } catch {
            logger.warning("the registry client did not shut down cleanly", metadata: ["error": "\(error)"])
        }
    }

    /// The Applications to check for an event: new ones, and changed annotations or live images.
    static func keys(for event: InformerEvent) -> [String] {
        let object = event.object
        guard object.annotations[ImageUpdateAnnotations.prefix + "image-list"] != nil else { return [] }
        switch event {
        case .added: return [object.key]
        case .deleted: return []
        case .updated(let old, let new):
            let images = { (o: KubeObject) in o.status?[path: ["summary", "images"]] }
            return old.annotations != new.annotations || images(old) != images(new) ? [new.key] : []
        }
    }

    /// Checks at once every Application whose image list names `repository` (`library/nginx`, `org/api`) of
    /// `registry` (any registry when nil); a registry push notification calls this. Returns how many.
    public func imagePushed(repository: String, registry host: String?) async -> Int {
        var keys: [String] = []
        for object in await informer?.list() ?? [] {
            let specs = ImageUpdateAnnotations.images(object.annotations).images
            let named = specs.contains { spec in
                spec.image.repository == repository && (host.map { spec.image.registry == $0 } ?? true)
            }
            if named {
                keys.append(object.key)
            }
        }
        for key in keys { await runtime.queue.add(key) }
        notifiedChecks += keys.count
        return keys.count
    }
}
