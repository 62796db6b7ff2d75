import Crypto
import Foundation

/// The commit message and target branch name of a Git write-back, as Argo CD Image Updater writes them by
/// default: a `build: automatic update of <app>` subject and one `updates image <image> tag '<old>' to '<new>'`
/// line per image. A `git-branch` target (`base:target`) is a template; `{{.AppName}}` and `{{.SHA256}}` (a hash
/// of the updates, so the same change always goes to the same branch) are filled in.
public enum CommitMessage {
    public static func text(app: String, updates: [ImageUpdate]) -> String {
        var lines = ["build: automatic update of \(app)", ""]
        for update in updates {
            let new = update.digest ?? update.newTag
            lines.append("updates image \(update.image) tag '\(update.oldTag ?? "")' to '\(new)'")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func branch(_ template: String, app: String, updates: [ImageUpdate]) -> String {
        let changes = updates.map { "\($0.image):\($0.oldTag ?? "") -> \($0.reference)" }.joined(separator: "\n")
        let hash = SHA256.hash(data: Data(changes.utf8)).map { String(format: "%02x", $0) }.joined()
        return template.replacingOccurrences(of: "{{.AppName}}", with: app)
            .replacingOccurrences(of: "{{.SHA256}}", with: hash)
    }
}
