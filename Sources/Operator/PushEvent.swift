import Kube

/// The repository a Git push webhook is about, read from GitHub, GitLab, Gitea/Gogs and Bitbucket Server
/// payloads. Every URL form the payload names is returned, so HTTPS and SSH Application URLs both match.
public enum PushEvent {
    public static func repositoryURLs(in payload: JSON) -> [String] {
        let paths: [[String]] = [
            ["repository", "html_url"], ["repository", "clone_url"], ["repository", "ssh_url"],
            ["repository", "git_url"],
            ["repository", "url"], ["repository", "git_http_url"], ["repository", "git_ssh_url"],
            ["repository", "homepage"],
            ["project", "web_url"], ["project", "git_http_url"], ["project", "git_ssh_url"], ["project", "http_url"],
            ["project", "ssh_url"],
        ]
        var urls: [String] = []
        for path in paths {
            if let url = payload[path: path]?.stringValue, !url.isEmpty, !urls.contains(url) { urls.append(url) }
        }
        return urls
    }
}
