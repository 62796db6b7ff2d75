import Git
import Kube

/// Renders an Application at its target revision and compares it with the live objects of its cluster.
/// Rendered manifests are cached per (revision, source, app), so a steady-state reconcile neither reads
/// Git nor parses YAML again.
public actor AppComparer {
    let repositories: RepositoryCache
    let credentials: RepositoryCredentials
    let charts = ChartRepository()
    private var rendered: [String: (key: String, type: SourceType, objects: [KubeObject])] = [:]

    public init(repositories: RepositoryCache, credentials: RepositoryCredentials) {
        self.repositories = repositories
        self.credentials = credentials
    }

    /// Resolves the revision (or uses `revision` when given, e.g. for a rollback) and renders every source.
    public func desiredState(
        of app: Application, revision: String? = nil, maxAge: Duration
    ) async throws(ComparisonFailure)
        -> (revision: Revision, type: SourceType, objects: [KubeObject])
    {
        var objects: [KubeObject] = []
        var first: (Revision, SourceType)?
        let (references, referenceCommits) = try await referencedFiles(of: app, maxAge: maxAge)
        for source in app.sources where source.ref == nil || !source.path.isEmpty {
            if let chart = source.chart {
                let (version, chartObjects) = try await renderChart(
                    chart, of: source, app: app, revision: revision, references: references,
                    referenceCommits: referenceCommits, maxAge: maxAge)
                objects += chartObjects
                first = first ?? (Revision(chartVersion: version), .helm)
                continue
            }
            let creds = try await credentials.credentials(for: source.repoURL)
            let commit: CommitID
            let files: [String: [UInt8]]
            do {
                commit = try await repositories.resolve(
                    source.repoURL, revision: revision ?? source.targetRevision,
                    credentials: creds, maxAge: maxAge)
            } catch { throw .comparison("failed to resolve revision '\(revision ?? source.targetRevision)': \(error)") }
            // A plain directory is read (and its render cached) by its own tree, so a commit elsewhere in the
            // repository costs nothing; a kustomization may reach outside its path, so it reads the whole commit.
            let pathFiles: [String: [UInt8]]
            do { pathFiles = try await repositories.files(source.repoURL, commit: commit, path: source.path) } catch {
                throw .comparison("\(error)")
            }
            // Jsonnet imports and libraries may reach anywhere in the repository, too.
            let selfContained =
                source.kustomize == nil && source.helm == nil
                && !KustomizeRenderer.fileNames.contains { pathFiles[$0] != nil }
                && !pathFiles.keys.contains { $0.hasSuffix(".jsonnet") }
            if selfContained {
                let prefix = SourceTree.join("", source.path).map { $0.isEmpty ? "" : $0 + "/" } ?? ""
                files = Dictionary(uniqueKeysWithValues: pathFiles.map { (prefix + $0.key, $0.value) })
            } else {
                do { files = try await repositories.files(source.repoURL, commit: commit, path: "") } catch {
                    throw .comparison("\(error)")
                }
            }
            // Without a tree id (not readable), the render is cached by commit instead: only less reuse.
            let tree =
                selfContained
                ? (try? await repositories.treeID(source.repoURL, commit: commit, path: source.path)) ?? nil : nil
            let cacheKey =
                "\(tree?.hex ?? commit.hex)|\(source.json.serialized())|\(app.destination.namespace ?? "")|\(referenceCommits)"
            let slot = "\(app.namespace)/\(app.name)|\(source.repoURL)|\(source.path)"
            if let cached = rendered[slot], cached.key == cacheKey {
                objects += cached.objects
                first = first ?? (Revision(commit), cached.type)
                continue
            }
            do {
                let (appName, namespace) = (app.name, app.destination.namespace)
                let output = try await offCooperativePool { () throws(RenderError) in
                    try Renderer().render(
                        source, tree: SourceTree(files: files, root: source.path), appName: appName,
                        destinationNamespace: namespace, references: references)
                }
                rendered[slot] = (cacheKey, output.type, output.objects)
                objects += output.objects
                first = first ?? (Revision(commit), output.type)
            } catch {
                throw .comparison("rendering \(source.path.isEmpty ? "." : source.path) at \(commit.short): \(error)")
            }
        }
        guard let first else { throw .invalidSpec("the Application has no source to render") }
        return (first.0, first.1, objects)
    }

    /// The files of every `spec.sources` entry with a `ref` that a Helm value file names (`$ref/path`), and
    /// their commits as text for the render cache key.
    private func referencedFiles(
        of app: Application, maxAge: Duration
    ) async throws(ComparisonFailure)
        -> ([String: [String: [UInt8]]], String)
    {
        let named = Set(
            app.sources.flatMap { source in
                (source.helm?["valueFiles"]?.arrayValue ?? []).compactMap(\.stringValue).filter { $0.hasPrefix("$") }
                    .map { String($0.dropFirst().prefix { $0 != "/" }) }
            })
        var files: [String: [String: [UInt8]]] = [:]
        var commits: [String] = []
        for source in app.sources {
            guard let ref = source.ref, named.contains(ref) else { continue }
            let creds = try await credentials.credentials(for: source.repoURL)
            do {
                let commit = try await repositories.resolve(
                    source.repoURL, revision: source.targetRevision, credentials: creds, maxAge: maxAge)
                files[ref] = try await repositories.files(source.repoURL, commit: commit, path: "")
                commits.append("\(ref)=\(commit.hex)")
            } catch {
                throw .comparison(
                    "source ref '\(ref)' (\(Redaction.url(source.repoURL)) at '\(source.targetRevision)'): \(error)")
            }
        }
        return (files, commits.sorted().joined(separator: ","))
    }

    /// Fetches a chart from its Helm repository or OCI registry and renders it (cached like a Git render,
    /// by chart version and archive).
    private func renderChart(
        _ chart: String, of source: ApplicationSource, app: Application, revision: String?,
        references: [String: [String: [UInt8]]], referenceCommits: String, maxAge: Duration
    ) async throws(ComparisonFailure) -> (version: String, objects: [KubeObject]) {
        let wanted = revision ?? source.targetRevision
        let access = try await credentials.chartAccess(for: source.repoURL)
        let fetched: ChartRepository.Fetched
        do {
            fetched = try await charts.fetch(
                repoURL: source.repoURL, chart: chart, version: wanted, access: access, maxAge: maxAge)
        } catch { throw .comparison(error.message) }
        let cacheKey =
            "\(fetched.version)|\(fetched.archive.count)|\(source.json.serialized())|\(app.destination.namespace ?? "")|\(referenceCommits)"
        let slot = "\(app.namespace)/\(app.name)|\(source.repoURL)|\(chart)"
        if let cached = rendered[slot], cached.key == cacheKey { return (fetched.version, cached.objects) }
        do {
            let loaded = try HelmChart.load(archive: fetched.archive)
            let files = try loaded.files()
            let objects = try HelmRenderer(
                options: source.helm, appName: app.name, namespace: app.destination.namespace, references: references
            ).render(loaded, chartFile: { files[$0] })
            rendered[slot] = (cacheKey, .helm, objects)
            return (fetched.version, objects)
        } catch let error as HelmError {
            throw .comparison("rendering chart \(chart) \(fetched.version): \(error.message)")
        } catch {
            throw .comparison("rendering chart \(chart) \(fetched.version): \(error)")
        }
    }

    /// Forgets cached renders of an Application (hard refresh, or the Application was deleted).
    public func forget(_ app: Application) {
        for key in rendered.keys where key.hasPrefix("\(app.namespace)/\(app.name)|") { rendered[key] = nil }
    }
}
