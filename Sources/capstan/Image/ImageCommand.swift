import ArgumentParser
import Foundation
import ImageUpdater
import Kube
import Registry
import Sync

/// `capstan image ...`: the image updater from the command line.
struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image", abstract: "Check the images an Application's image updater annotations name.",
        subcommands: [ImageCheck.self])
}

/// `capstan image check APP`: what the image updater would do for an Application, without writing anything:
/// each image's live version, how many tags its filters admit, the tag it would choose and why, and where
/// the write-back would go.
struct ImageCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Show each image's live tag, the candidates and the tag that would be chosen.")
    @OptionGroup var kube: KubeOptions
    @Argument(help: "The Application.") var app: String
    @Option(help: "Namespace of the argocd-image-updater-config ConfigMap (default: the Application's).")
    var controllerNamespace: String?

    func run() async throws {
        let namespace = try kube.appNamespace()
        try await kube.withClient { client in
            let object: KubeObject
            do throws(KubeError) {
                object = try await client.get(Sync.Application.gvr, namespace: namespace, name: app)
            } catch {
                throw CommandError(
                    error.isNotFound ? "Application \(namespace)/\(app) not found" : "cannot read \(app): \(error)")
            }
            let (configuration, problem) = await UpdaterConfigSource(
                client: client, namespace: controllerNamespace ?? namespace
            ).current()
            if let problem { print("warning: \(problem)") }
            let registry = RegistryClient()
            let checker = ImageChecker(
                chooser: TagChooser(client: registry),
                secrets: PullSecretResolver(client: client, environment: ProcessInfo.processInfo.environment))
            let (results, problems) = await checker.check(object, registries: configuration.registries)
            await shutDown("the registry client") { try await registry.shutdown() }
            print(Self.report(results, problems: problems, annotations: object.annotations), terminator: "")
        }
    }

    static func report(
        _ results: [ImageCheckResult], problems: [ImageSettingProblem], annotations: [String: String]
    ) -> String {
        guard !results.isEmpty || !problems.isEmpty else {
            return "no images: the Application has no \(ImageUpdateAnnotations.prefix)image-list annotation\n"
        }
        let rows = results.map { result in
            [
                result.spec.alias ?? "-", result.spec.image.name, result.spec.strategy.rawValue,
                result.live.map(\.description).joined(separator: ",").ifEmpty("-"),
                result.candidates.map { "\($0.count)" } ?? "-", result.reason,
            ]
        }
        var text = Table.render(["ALIAS", "IMAGE", "STRATEGY", "LIVE", "CANDIDATES", "RESULT"], rows) + "\n"
        for problem in problems { text += "annotation problem: \(problem)\n" }
        do {
            text += "write-back: \(describe(try WriteBackSettings(annotations)))\n"
        } catch {
            text += "write-back: unusable: \(error)\n"
        }
        return text
    }

    static func describe(_ settings: WriteBackSettings) -> String {
        var text: String
        switch settings.method {
        case .argocd: return "the Application's spec.source (write-back-method argocd)"
        case .git(.repository): text = "git commit with the repository's credentials"
        case .git(.secret(let namespace, let name)): text = "git commit with Secret \(namespace)/\(name)"
        }
        switch settings.target {
        case .sourceFile: text += ", .argocd-source-<app>.yaml (plain manifests: the manifests themselves)"
        case .kustomization(let path): text += ", kustomization in \(path ?? "the app path")"
        case .helmValues(let path): text += ", Helm values \(path ?? "values.yaml")"
        }
        text += ", on \(settings.baseBranch ?? "the targetRevision branch")"
        if let target = settings.targetBranch { text += ", pushed to \(target)" }
        return text
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
