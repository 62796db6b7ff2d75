import Kube

/// The values an Application gives a chart, composed as `helm template` composes `--values` files,
/// inline values and `--set` parameters: later sources win, maps merge key by key, and a `null` is kept
/// so that Helm removes the chart's default for that key.
struct HelmValues {
    private(set) var json: JSON = .object([:])

    /// Merges a values document over what is there.
    mutating func add(_ overlay: JSON) {
        json = Self.merge(json, overlay)
    }

    /// Adds one `parameters` entry, parsed by Helm's own `--set` parser (`--set-string` with
    /// `forceString`). Commas in the value are escaped, as Argo CD does, so they stay part of the value.
    mutating func addParameter(name: String, value: String, forceString: Bool) throws(HelmError) {
        let library = try HelmLibrary.shared.get()
        let function = forceString ? "helm_strvals_parse_string" : "helm_strvals_parse"
        let call = try library.function(function, HelmLibrary.StringCall.self)
        let expression = name + "=" + Self.escapingCommas(value)
        let parsed = try library.string("parameter \(name)") { out, error in
            expression.withCString { call($0, out, error) }
        }
        do { add(try JSON.parse(parsed)) } catch { throw HelmError("parameter \(name): unreadable result \(error)") }
    }

    static func escapingCommas(_ value: String) -> String {
        var result = ""
        var previous: Character?
        for character in value {
            if character == ",", previous != "\\" { result.append("\\") }
            result.append(character)
            previous = character
        }
        return result
    }

    static func merge(_ base: JSON, _ overlay: JSON) -> JSON {
        guard case .object(var members) = base, case .object(let additions) = overlay else { return overlay }
        for (key, value) in additions {
            members[key] = members[key].map { merge($0, value) } ?? value
        }
        return .object(members)
    }
}
