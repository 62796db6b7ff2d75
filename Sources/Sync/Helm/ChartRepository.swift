import Dispatch
import Foundation
import Kube

/// Charts from Helm repositories (`index.yaml` and `.tgz` over HTTP(S)) and OCI registries, fetched by Helm's
/// own `pull` and kept in memory. A source names one as Argo CD does: `repoURL` plus `chart` plus
/// `targetRevision` (a version or a semver constraint such as `1.2.*`; empty means the newest). `repoURL`
/// `oci://host/path`, or a repository Secret with `enableOCI: "true"`, means an OCI registry; the Secret's
/// `insecureOCIForceHttp: "true"` talks plain HTTP to it and `insecure: "true"` skips TLS verification.
actor ChartRepository {
    /// A fetched chart: the version the constraint resolved to and the archive.
    struct Fetched: Sendable {
        var version: String
        var archive: [UInt8]
        var at: ContinuousClock.Instant
    }

    /// What a repository Secret says about a chart repository.
    struct Access: Sendable {
        var username: String?
        var password: String?
        var enableOCI = false
        var plainHTTP = false
        var insecure = false
    }

    private var fetched: [String: Fetched] = [:]
    private let limit = 64

    /// The chart at `version`; a constraint is resolved again once `maxAge` has passed, an exact version
    /// is fetched once.
    func fetch(
        repoURL: String, chart: String, version: String, access: Access, maxAge: Duration
    ) async throws(HelmError) -> Fetched {
        let key = "\(repoURL)|\(chart)|\(version)"
        if let cached = fetched[key], Self.isExact(version) || ContinuousClock.now - cached.at < maxAge {
            return cached
        }
        let result = try await Self.pull(repoURL: repoURL, chart: chart, version: version, access: access)
        if fetched.count >= limit, let oldest = fetched.min(by: { $0.value.at < $1.value.at }) {
            fetched[oldest.key] = nil
        }
        fetched[key] = result
        return result
    }

    /// True for a plain version such as `1.2.3`, which names one archive for ever.
    static func isExact(_ version: String) -> Bool {
        !version.isEmpty && version.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" || $0.isLetter && $0 != "x" }
            && version.first?.isNumber == true
    }

    /// `helm pull` into a fresh folder, off the cooperative pool (Helm blocks on the network).
    static func pull(repoURL: String, chart: String, version: String, access: Access) async throws(HelmError) -> Fetched
    {
        try await offCooperativePool { () throws(HelmError) in
            try pullNow(repoURL: repoURL, chart: chart, version: version, access: access)
        }
    }

    private static func pullNow(
        repoURL: String, chart: String, version: String, access: Access
    ) throws(HelmError)
        -> Fetched
    {
        let library = try HelmLibrary.shared.get()
        let call = try library.function("helm_pull", HelmLibrary.HandleTwoStrings.self)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-chart-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }  // a leftover temporary folder is harmless
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw HelmError("cannot create a folder for the chart: \(error)")
        }
        var options: [String: JSON] = ["dest_dir": .string(folder.path)]
        if !version.isEmpty { options["version"] = .string(version) }
        if let username = access.username { options["username"] = .string(username) }
        if let password = access.password { options["password"] = .string(password) }
        if access.plainHTTP { options["plain_http"] = true }
        if access.insecure { options["insecure_skip_tls_verify"] = true }
        let base = repoURL.hasSuffix("/") ? String(repoURL.dropLast()) : repoURL
        let reference: String
        if base.hasPrefix("oci://") {
            reference = base + "/" + chart
        } else if access.enableOCI {
            reference = "oci://" + base + "/" + chart
        } else {
            reference = chart
            options["repo_url"] = .string(base)
        }
        let what = "chart \(chart) \(version.isEmpty ? "(newest)" : version) from \(base)"
        _ = try library.string("fetching \(what)") { out, error in
            reference.withCString { r in
                JSON.object(options).serialized().withCString { o in call(0, r, o, out, error) }
            }
        }
        let archives: [String]
        do {
            archives = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tgz") }
        } catch { throw HelmError("fetching \(what): cannot read the download folder: \(error)") }
        guard let name = archives.first,
            let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path)
        else { throw HelmError("fetching \(what): helm wrote no archive") }
        let archive = [UInt8](data)
        let resolved = try HelmChart.load(archive: archive).metadata()["version"]?.stringValue ?? version
        return Fetched(version: resolved, archive: archive, at: .now)
    }
}
