import ArgumentParser
import Foundation
import ImageUpdater

/// `capstan bench images`: how long choosing a tag takes among a repository's many tags, per strategy, with
/// the network left out (the tags and build times are already listed, as after the first cycle): the figure
/// the image updater spends on each Application's image every interval. Then, against a real
/// `docker-registry`, the requests of a first and of a later `newest-build` cycle, and the time from a push
/// to the write-back commit with registry notifications.
struct ImageBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "images", abstract: "Time each update strategy's choice among many tags (no network).")

    @Option(help: "Tags in the repository.") var tags: Int = 10_000
    @Option(help: "Choices timed per strategy (the median and the slowest are printed).") var runs: Int = 21
    @Option(help: "Tags pushed to a real docker-registry for the request counts (0 skips them).")
    var registryTags: Int = 1_000
    @Option(help: "Pushes timed from the registry to the write-back commit (0 skips them).")
    var pushes: Int = 10

    func validate() throws {
        guard tags > 0 else { throw ValidationError("--tags must be at least 1") }
        guard registryTags >= 0, pushes >= 0 else {
            throw ValidationError("--registry-tags and --pushes cannot be negative")
        }
    }

    func run() async throws {
        let names = Self.tagNames(tags)
        var built: [String: Date?] = [:]
        for (index, name) in names.enumerated() { built[name] = Date(timeIntervalSince1970: Double(index * 37 % tags)) }
        let constraint = try VersionConstraint("^1.2, !=1.4.7")
        let filter = try TagFilter(allow: "regexp:^v?[0-9]", ignore: "*-rc*, *-debug")
        print("choosing among \(tags) tags, \(runs) runs each (filters applied first, as every cycle does):")
        try measure("semver ^1.2, !=1.4.7") {
            TagSelection.semver(names.filter(filter.admits), constraint: constraint)
        }
        try measure("semver, any version") { TagSelection.semver(names, constraint: nil) }
        try measure("alphabetical") { TagSelection.alphabetical(names.filter(filter.admits)) }
        try measure("newest-build (build times cached)") {
            TagSelection.newestBuild(built.filter { filter.admits($0.key) })
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-imagebench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: work) }  // a leftover temporary folder is harmless
        if registryTags > 0 {
            try await measureRequests(tags: registryTags, in: work.appendingPathComponent("registry").path)
        }
        if pushes > 0 { try await measurePushToCommit(samples: pushes, in: work) }
    }

    /// Tags as real repositories mix them: releases with and without `v`, pre-releases, build tags, `latest`.
    static func tagNames(_ count: Int) -> [String] {
        (0..<count).map { index in
            let (major, minor, patch) = (index % 7, index / 7 % 40, index / 280)
            switch index % 10 {
            case 0: return "sha-\(String(index * 2_654_435_761 % 0xFFFF_FFFF, radix: 16))"
            case 1: return "v\(major).\(minor).\(patch)"
            case 2: return "\(major).\(minor).\(patch)-rc.\(index % 5)"
            case 3: return "\(major).\(minor).\(patch)-debug"
            case 4: return index == 4 ? "latest" : "\(major).\(minor).\(patch)+build.\(index)"
            default: return "\(major).\(minor).\(patch)\(index % 10 == 9 ? "" : "-\(index % 10)")"
            }
        }
    }

    func measure(_ label: String, _ choose: () -> String?) throws {
        var times: [Double] = []
        var chosen: String?
        for _ in 0..<max(runs, 1) {
            let start = ContinuousClock.now
            chosen = choose()
            let elapsed = ContinuousClock.now - start
            times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
        }
        times.sort()
        let median = times[times.count / 2]
        let slowest = times[times.count - 1]
        print(
            "  \(label): median \(String(format: "%.2f", median)) ms, slowest \(String(format: "%.2f", slowest)) ms "
                + "→ \(chosen ?? "(none)")")
    }
}
