import Foundation
import Registry
import Testing

@testable import ImageUpdater

/// The `argocd-image-updater.argoproj.io/*` annotations in Argo CD Image Updater's own forms.
@Suite struct AnnotationTests {
    static let p = ImageUpdateAnnotations.prefix

    @Test func theImageListWithAliasesAndPerImageSettings() throws {
        let (images, problems) = ImageUpdateAnnotations.images([
            Self.p + "image-list": "api=ghcr.io/my-org/my-api, nginx:~1.26, web=registry.example.com:5000/team/web:1.x",
            Self.p + "api.update-strategy": "latest",
            Self.p + "api.allow-tags": "regexp:^[0-9a-f]{7}$",
            Self.p + "api.ignore-tags": "latest, master",
            Self.p + "api.platforms": "linux/amd64,linux/arm64",
            Self.p + "api.pull-secret": "pullsecret:argocd/ghcr",
            Self.p + "api.helm.image-name": "image.repository",
            Self.p + "api.helm.image-tag": "image.tag",
            Self.p + "web.kustomize.image-name": "team/web",
            Self.p + "force-update": "true",
        ])
        #expect(problems.isEmpty, "\(problems)")
        #expect(images.map(\.alias) == ["api", nil, "web"])
        let api = images[0]
        #expect(api.image.registry == "ghcr.io" && api.image.repository == "my-org/my-api" && api.constraint == nil)
        #expect(api.strategy == .newestBuild && api.platforms == ["linux/amd64", "linux/arm64"])
        #expect(api.filter.admits("a1b2c3d") && !api.filter.admits("master") && !api.filter.admits("v1.0.0"))
        #expect(api.pullSecret == .pullSecret(namespace: "argocd", name: "ghcr"))
        #expect(api.helmImageName == "image.repository" && api.helmImageTag == "image.tag")
        // An application-wide setting applies to every image.
        let forced = images.map(\.forceUpdate)
        #expect(forced == [true, true, true])
        #expect(images[1].image.repository == "library/nginx" && images[1].constraint == "~1.26")
        #expect(images[1].strategy == .semver && images[1].versionConstraint != nil)
        #expect(images[2].image.registry == "registry.example.com:5000" && images[2].constraint == "1.x")
        #expect(images[2].kustomizeImageName == "team/web")
    }

    @Test func anUnusableAnnotationSkipsOnlyItsImage() {
        let (images, problems) = ImageUpdateAnnotations.images([
            Self.p + "image-list": "a=example/a, b=example/b, c=example/c:not a constraint!, d=example/d",
            Self.p + "a.update-strategy": "fastest",
            Self.p + "b.allow-tags": "regexp:[unclosed",
            Self.p + "d.pull-secret": "secret:argocd/creds",
        ])
        #expect(images.isEmpty, "\(images.map(\.alias))")
        #expect(
            problems.map(\.setting) == ["a.update-strategy", "b.allow-tags", "c.image-list", "d.pull-secret"],
            "\(problems)")
        #expect(problems[0].message.contains("\"fastest\""))
        let kept = ImageUpdateAnnotations.images([
            Self.p + "image-list": "a=example/a, b=example/b", Self.p + "b.update-strategy": "fastest",
        ])
        #expect(kept.images.map(\.alias) == ["a"] && kept.problems.count == 1)
        #expect(ImageUpdateAnnotations.images([:]).images.isEmpty)
    }

    @Test func pullSecretsInTheirThreeForms() throws {
        #expect(
            try PullSecretReference("secret:argocd/creds#token")
                == .secret(namespace: "argocd", name: "creds", field: "token"))
        #expect(try PullSecretReference("env:REGISTRY_CREDS") == .environment("REGISTRY_CREDS"))
        #expect(throws: ImageSettingProblem.self) { try PullSecretReference("vault:x") }
    }

    @Test func writeBackSettings() throws {
        #expect(try WriteBackSettings([:]) == WriteBackSettings())
        let git = try WriteBackSettings([
            Self.p + "write-back-method": "git:secret:argocd/git-creds",
            Self.p + "git-branch": "main:image-updater-{{.SHA256}}",
            Self.p + "write-back-target": "kustomization:../../base",
        ])
        #expect(git.method == .git(credentials: .secret(namespace: "argocd", name: "git-creds")))
        #expect(git.baseBranch == "main" && git.targetBranch == "image-updater-{{.SHA256}}")
        #expect(git.target == .kustomization(path: "../../base"))
        let helm = try WriteBackSettings([
            Self.p + "write-back-method": "git", Self.p + "write-back-target": "helmvalues",
        ])
        #expect(helm.method == .git(credentials: .repository) && helm.target == .helmValues(path: nil))
        #expect(throws: ImageSettingProblem.self) { try WriteBackSettings([Self.p + "write-back-method": "ftp"]) }
    }

    @Test func tagFiltersAndSelection() throws {
        let filter = try TagFilter(allow: "regexp:^v?[0-9]", ignore: "*-debug, 1.0.?")
        #expect(
            filter.admits("v2.0.0") && !filter.admits("2.0.0-debug") && !filter.admits("1.0.1")
                && !filter.admits("edge"))
        #expect(
            TagFilter.glob("*", matches: "") && TagFilter.glob("a*c", matches: "abbbc")
                && !TagFilter.glob("a?c", matches: "ac"))
        let tags = ["1.0.0", "1.2.0", "v1.10.0", "2.0.0-rc.1", "2.0.0-rc.2", "latest", "1.10"]
        #expect(TagSelection.semver(tags, constraint: try VersionConstraint("1.x")) == "v1.10.0")
        #expect(TagSelection.semver(tags, constraint: nil) == "v1.10.0")
        #expect(TagSelection.semver(tags, constraint: try VersionConstraint("2.x-0")) == "2.0.0-rc.2")
        #expect(TagSelection.semver(tags, constraint: try VersionConstraint("~1.2")) == "1.2.0")
        #expect(TagSelection.alphabetical(["2024-01-31", "2024-02-01", "2023-12-31"]) == "2024-02-01")
        let same = Date(timeIntervalSince1970: 5)
        #expect(
            TagSelection.newestBuild(["a": same, "b": same, "old": Date(timeIntervalSince1970: 1), "x": nil]) == "b")
    }
}
