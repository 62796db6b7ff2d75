import Foundation

extension KubeObject {
    /// A Secret's value for `key`: from `stringData` as written, else `data` base64-decoded; nil when absent or
    /// not base64.
    public func secretValue(_ key: String) -> String? {
        if let plain = json[path: ["stringData", key]]?.stringValue { return plain }
        guard let encoded = json[path: ["data", key]]?.stringValue, let bytes = Data(base64Encoded: encoded) else {
            return nil
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
