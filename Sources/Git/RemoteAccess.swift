import CLibGit2
import Foundation

/// Holds the credentials for one libgit2 network operation; libgit2 hands it back to the callback.
final class CredentialContext {
    let credentials: GitCredentials
    let url: String
    var attempts = 0
    /// Why the remote refused a pushed reference, as its `push_update_reference` report says.
    var rejection: String?

    init(_ credentials: GitCredentials, url: String) {
        self.credentials = credentials
        self.url = url
    }

    /// The port of an `ssh://` URL; 22 for scp-like `user@host:path` addresses and when none is given.
    var sshPort: Int {
        guard let components = URLComponents(string: url), components.scheme == "ssh" else { return 22 }
        return components.port ?? 22
    }

    /// Runs `body` with remote callbacks that answer libgit2's credential requests from this context.
    func withCallbacks<T>(_ body: (git_remote_callbacks) throws(GitError) -> T) throws(GitError) -> T {
        var callbacks = git_remote_callbacks()
        git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION))
        callbacks.credentials = acquireCredential
        callbacks.certificate_check = checkCertificate
        let payload = Unmanaged.passRetained(self)
        defer { payload.release() }
        callbacks.payload = payload.toOpaque()
        return try body(callbacks)
    }
}

/// libgit2 calls this when a remote asks for credentials. A second request in one operation means the
/// first answer was refused, so it fails instead of looping.
private func acquireCredential(
    out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>?, url: UnsafePointer<CChar>?,
    usernameFromURL: UnsafePointer<CChar>?,
    allowedTypes: UInt32, payload: UnsafeMutableRawPointer?
) -> Int32 {
    guard let out, let payload else { return -1 }
    let context = Unmanaged<CredentialContext>.fromOpaque(payload).takeUnretainedValue()
    context.attempts += 1
    guard context.attempts == 1 else {
        git_error_set_str(Int32(GIT_ERROR_NET.rawValue), "authentication failed: the remote refused the credentials")
        return GIT_EAUTH.rawValue
    }
    let urlUser = usernameFromURL.map { String(cString: $0) }
    switch context.credentials {
    case .none:
        git_error_set_str(
            Int32(GIT_ERROR_NET.rawValue),
            "authentication required but no credentials are configured for this repository")
        return GIT_EAUTH.rawValue
    case .basic(let username, let password):
        guard allowedTypes & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 else { return GIT_PASSTHROUGH.rawValue }
        return git_credential_userpass_plaintext_new(out, username.isEmpty ? (urlUser ?? "git") : username, password)
    case .sshKey(let username, let key, let passphrase, _):
        guard
            allowedTypes & GIT_CREDENTIAL_SSH_MEMORY.rawValue != 0
                || allowedTypes & GIT_CREDENTIAL_SSH_KEY.rawValue != 0
        else {
            return GIT_PASSTHROUGH.rawValue
        }
        return git_credential_ssh_key_memory_new(
            out, urlUser ?? (username.isEmpty ? "git" : username), nil, key, passphrase)
    }
}

/// libgit2 calls this with the server's certificate or SSH host key. SSH host keys are checked against the
/// repository's `SSHHostKeys`; TLS certificates keep libgit2's own verification.
private func checkCertificate(
    cert: UnsafeMutablePointer<git_cert>?, valid: Int32, host: UnsafePointer<CChar>?,
    payload: UnsafeMutableRawPointer?
) -> Int32 {
    guard let cert, let payload, cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else {
        return GIT_PASSTHROUGH.rawValue
    }
    let context = Unmanaged<CredentialContext>.fromOpaque(payload).takeUnretainedValue()
    let hostKeys: SSHHostKeys
    switch context.credentials {
    case .sshKey(_, _, _, let keys): hostKeys = keys
    // Nothing secret is offered, and the server will ask for a key: let that be the error the user sees.
    case .none: return 0
    case .basic: hostKeys = .knownHosts("")
    }
    let hostName = host.map { String(cString: $0) } ?? ""
    let presented = cert.withMemoryRebound(to: git_cert_hostkey.self, capacity: 1) { pointer -> [UInt8]? in
        let hostkey = pointer.pointee
        guard hostkey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostkey.hostkey else { return nil }
        return [UInt8](UnsafeRawBufferPointer(start: raw, count: hostkey.hostkey_len))
    }
    guard let presented else {
        git_error_set_str(
            Int32(GIT_ERROR_SSH.rawValue),
            "host key verification failed: libgit2 did not report the raw host key of \(hostName)")
        return GIT_ECERTIFICATE.rawValue
    }
    switch hostKeys.verify(host: hostName, port: context.sshPort, key: presented) {
    case .trusted:
        return 0
    case .refused(let reason):
        git_error_set_str(Int32(GIT_ERROR_SSH.rawValue), reason)
        return GIT_ECERTIFICATE.rawValue
    }
}

/// Runs `body` with a `git_strarray` view of `strings`.
func withStringArray<T>(_ strings: [String], _ body: (inout git_strarray) throws(GitError) -> T) throws(GitError) -> T {
    let cStrings = strings.map { strdup($0)! }
    defer { cStrings.forEach { free($0) } }
    var pointers = cStrings.map { UnsafeMutablePointer<CChar>?($0) }
    return try pointers.withUnsafeMutableBufferPointer { (buffer) throws(GitError) -> T in
        var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
        return try body(&array)
    }
}
