import Kube

/// Every query parameter the API reads, checked once: a value that is not of its type or out of range is
/// a 400 `Status` naming the parameter, never a trap or a silent default.
struct QueryOptions {
    let parameters: [String: String]

    init(_ parameters: [String: String]) { self.parameters = parameters }

    subscript(_ name: String) -> String? { parameters[name] }

    /// The longest a watch may be asked to stay open: kube-apiserver accepts any int64, but a duration that
    /// large cannot be represented; a year is longer than any client waits.
    static let maximumTimeoutSeconds = 365 * 24 * 3600

    func integer(_ name: String, in range: ClosedRange<Int>) throws(KubeError) -> Int? {
        guard let text = parameters[name], !text.isEmpty else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw KubeError(
                code: 400, reason: .badRequest,
                message: "\(name): Invalid value: \"\(text.prefix(64))\": must be an integer from "
                    + "\(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    var timeoutSeconds: Int? {
        get throws(KubeError) { try integer("timeoutSeconds", in: 0...Self.maximumTimeoutSeconds) }
    }

    var limit: Int? {
        get throws(KubeError) { try integer("limit", in: 0...Int(Int64.max)) }
    }

    var gracePeriodSeconds: Int? {
        get throws(KubeError) { try integer("gracePeriodSeconds", in: 0...Int(Int64.max)) }
    }

    /// `resourceVersion` on a list or watch: empty, or the decimal number the server handed out.
    var resourceVersion: String? {
        get throws(KubeError) {
            guard let text = parameters["resourceVersion"], !text.isEmpty else { return nil }
            guard UInt64(text) != nil else {
                throw KubeError(
                    code: 400, reason: .badRequest,
                    message: "resourceVersion: Invalid value: \"\(text.prefix(64))\": must be a decimal number")
            }
            return text
        }
    }

    /// `dryRun=All` (the only value kube-apiserver accepts).
    var dryRun: Bool {
        get throws(KubeError) {
            guard let text = parameters["dryRun"] else { return false }
            guard text == "All" else {
                throw KubeError(
                    code: 400, reason: .badRequest,
                    message: "dryRun: Unsupported value: \"\(text.prefix(64))\": supported values: \"All\"")
            }
            return true
        }
    }

    var isWatch: Bool { parameters["watch"] == "true" || parameters["watch"] == "1" }
}
