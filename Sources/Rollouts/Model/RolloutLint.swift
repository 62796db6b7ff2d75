import Foundation
import Kube

/// `capstan rollout lint`: every Rollout in a manifest file, with what is wrong with it.
public enum RolloutLint {
    /// One Rollout's verdict.
    public struct Verdict: Sendable {
        public var name: String
        public var problems: [SpecProblem]
    }

    /// What a file holds: the Rollouts' verdicts, and notes on other documents that could not be read.
    public struct Report: Sendable {
        public var verdicts: [Verdict] = []
        public var notes: [String] = []
    }

    /// Checks each `---`-separated document on its own, so a broken document of another kind (kubectl would
    /// refuse it too) is noted and skipped without hiding the Rollouts around it. A broken document that
    /// declares `kind: Rollout` is an invalid Rollout.
    public static func check(text: String) -> Report {
        var report = Report()
        for (index, document) in documents(text).enumerated() {
            do {
                report.verdicts += check(try YAML.parseAll(document))
            } catch {
                let lines = document.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                if lines.contains("kind: Rollout") {
                    let name = lines.first { $0.hasPrefix("name:") }.map { String($0.dropFirst(5)) } ?? ""
                    report.verdicts.append(
                        Verdict(
                            name: name.trimmingCharacters(in: .whitespaces),
                            problems: [SpecProblem(field: "document \(index + 1)", message: error.message)]))
                } else {
                    report.notes.append(
                        "document \(index + 1) is not a Rollout and not valid YAML, skipped: "
                            + error.message)
                }
            }
        }
        return report
    }

    /// Checks the Rollouts (`argoproj.io/*`, kind `Rollout`) among `documents`; other kinds are skipped.
    public static func check(_ documents: [JSON]) -> [Verdict] {
        documents.compactMap { document in
            let object = KubeObject(document)
            guard object.kind == "Rollout", object.apiVersion.hasPrefix("argoproj.io/") else { return nil }
            var problems: [SpecProblem] = []
            if object.name.isEmpty { problems.append(SpecProblem(field: "metadata.name", message: "is required")) }
            let raw = document["spec"] ?? [:]
            problems += RolloutValidation.problems(RolloutSpec(raw), raw: raw)
            return Verdict(name: object.name, problems: problems)
        }
    }

    /// The file's documents, split at lines that start with `---`.
    static func documents(_ text: String) -> [String] {
        var documents: [String] = []
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("---") {
                documents.append(current.joined(separator: "\n"))
                current = []
            } else {
                current.append(line)
            }
        }
        documents.append(current.joined(separator: "\n"))
        return documents.filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    }
}
