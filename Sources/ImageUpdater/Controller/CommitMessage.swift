import Crypto
import Foundation

/// The commit message and target branch name of a Git write-back, as Argo CD Image Updater makes them: Go
/// templates (`GoTemplate`) over the Application and its changes. The message template comes from
/// `git.commit-message-template` of `argocd-image-updater-config` (values `.AppName` and `.AppChanges`, each
/// with `.Image`, `.OldTag`, `.NewTag`); the default gives Argo's `build: automatic update of <app>` and one
/// `updates image <image> tag '<old>' to '<new>'` line per image. A `git-branch` target (`base:target`) is a
/// template over `.AppName`, `.AppNamespace`, `.SHA256` (a hash of the changes, so the same change always goes
/// to the same branch) and `.Images` (`.Name`, `.Alias`, `.OldTag`, `.NewTag`), cut to Git's 255 characters.
public enum CommitMessage {
    public static let defaultTemplate = """
        build: automatic update of {{ .AppName }}

        {{ range .AppChanges -}}
        updates image {{ .Image }} tag '{{ .OldTag }}' to '{{ .NewTag }}'
        {{ end -}}

        """

    public static func text(
        app: String, updates: [ImageUpdate], template: String? = nil
    ) throws(WriteBackError) -> String {
        let changes = updates.map { ["Image": $0.image, "OldTag": $0.oldTag ?? "", "NewTag": $0.digest ?? $0.newTag] }
        return try GoTemplate(template ?? defaultTemplate).render([
            "AppName": .text(app), "AppChanges": .list(changes),
        ])
    }

    public static func branch(
        _ template: String, app: String, namespace: String, updates: [ImageUpdate]
    ) throws(WriteBackError) -> String {
        let changes = updates.map { "\($0.image):\($0.oldTag ?? "") -> \($0.reference)" }.joined(separator: "\n")
        let hash = SHA256.hash(data: Data(changes.utf8)).map { String(format: "%02x", $0) }.joined()
        let images = updates.map {
            ["Name": $0.image, "Alias": $0.alias ?? "", "OldTag": $0.oldTag ?? "", "NewTag": $0.digest ?? $0.newTag]
        }
        let name = try GoTemplate(template).render([
            "AppName": .text(app), "AppNamespace": .text(namespace), "SHA256": .text(hash), "Images": .list(images),
        ])
        return String(name.prefix(255))
    }
}
