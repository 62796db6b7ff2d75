import Kube

/// Kubernetes name rules: DNS-1123 subdomains for most objects, DNS-1123 labels for namespaces and services.
enum NameValidation {
    static func isLabel(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 63 else { return false }
        let bytes = Array(s.utf8)
        guard isAlnum(bytes.first!), isAlnum(bytes.last!) else { return false }
        return bytes.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    static func isSubdomain(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 253 else { return false }
        return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isLabel(String($0)) }
    }

    static func isAlnum(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }

    /// The reason a name is not acceptable for this resource, or nil.
    static func problem(name: String, resource: String) -> String? {
        let labelOnly = ["namespaces", "services"].contains(resource)
        if labelOnly ? isLabel(name) : isSubdomain(name) { return nil }
        return labelOnly
            ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
            : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
    }
}

extension NameValidation {
    /// kube-apiserver's rule for the keys of a ConfigMap's or Secret's `data` (and `binaryData`): letters,
    /// digits, `-`, `_` and `.`, at most 253, not `.` or `..`. Returns the first offending key's problem.
    static func configKeyProblem(_ object: KubeObject) -> String? {
        for field in ["data", "binaryData"] {
            for key in (object.json[field]?.objectValue ?? [:]).keys.sorted() {
                let valid =
                    !key.isEmpty && key.utf8.count <= 253 && key != "." && key != ".."
                    && key.utf8.allSatisfy {
                        isAlnum($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || $0 == UInt8(ascii: "-")
                            || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
                    }
                if !valid {
                    return "\(field)[\(key)]: Invalid value: \"\(key)\": a valid config key must consist of "
                        + "alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', "
                        + "regex used for validation is '[-._a-zA-Z0-9]+')"
                }
            }
        }
        return nil
    }
}
