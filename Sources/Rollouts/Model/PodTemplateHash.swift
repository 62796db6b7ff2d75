import Kube

/// The `rollouts-pod-template-hash` of a pod template: FNV-1a over its JSON (keys sorted), written in the
/// consonant-and-digit alphabet Kubernetes uses for such hashes so it never spells a word.
public enum PodTemplateHash {
    public static let label = "rollouts-pod-template-hash"
    static let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    public static func of(_ template: JSON) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in template.serializedBytes() {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        var text = ""
        var value = hash
        repeat {
            text.append(alphabet[Int(value % UInt32(alphabet.count))])
            value /= UInt32(alphabet.count)
        } while value > 0
        return text
    }
}
