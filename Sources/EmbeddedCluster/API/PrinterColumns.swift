import Foundation
import Kube

/// A CRD version's `additionalPrinterColumns` as Table columns, evaluated as kube-apiserver evaluates them:
/// the JSONPath's value, a `date` column shown as an age, a list joined with commas, a missing value empty.
/// The JSONPath subset CRDs use: `.a.b`, `['key.with.dots']`, `[0]`, `[*]` and `[?(@.field=="value")]`.
enum PrinterColumns {
    static func columns(_ definitions: [JSON]) -> [TableColumn] {
        let custom = definitions.compactMap { definition -> TableColumn? in
            guard let name = definition["name"]?.stringValue, let path = definition["jsonPath"]?.stringValue else {
                return nil
            }
            let type = definition["type"]?.stringValue ?? "string"
            return TableColumn(
                name: name, type: type, format: definition["format"]?.stringValue ?? "",
                priority: Int(definition["priority"]?.intValue ?? 0),
                description: definition["description"]?.stringValue ?? ""
            ) { object, now in
                let values = evaluate(path, in: object.json)
                if type == "date" {
                    return .string(values.first?.stringValue.map { HumanDuration.age(of: $0, now: now) } ?? "<unknown>")
                }
                if values.count == 1, type == "integer" || type == "number" || type == "boolean" { return values[0] }
                return .string(values.map { $0.stringValue ?? $0.serialized() }.joined(separator: ","))
            }
        }
        return [.name] + custom
    }

    /// Every value the path selects.
    static func evaluate(_ path: String, in root: JSON) -> [JSON] {
        var current: [JSON] = [root]
        for step in steps(path) {
            current = current.flatMap { node -> [JSON] in
                switch step {
                case .field(let name): return node[name].map { [$0] } ?? []
                case .index(let i):
                    guard let array = node.arrayValue else { return [] }
                    let index = i < 0 ? array.count + i : i
                    return array.indices.contains(index) ? [array[index]] : []
                case .all: return node.arrayValue ?? node.objectValue.map { Array($0.values) } ?? []
                case .filter(let field, let value):
                    return (node.arrayValue ?? []).filter { element in
                        element[field].map { $0.stringValue ?? $0.serialized() } == value
                    }
                }
            }
        }
        return current
    }

    enum Step: Equatable {
        case field(String)
        case index(Int)
        case all
        case filter(field: String, value: String)
    }

    static func steps(_ path: String) -> [Step] {
        var text = Substring(path.trimmingCharacters(in: CharacterSet(charactersIn: "{} ")))
        if text.hasPrefix("$") { text = text.dropFirst() }
        var steps: [Step] = []
        while !text.isEmpty {
            if text.hasPrefix(".") {
                text = text.dropFirst()
                let name = text.prefix { $0 != "." && $0 != "[" }
                if !name.isEmpty { steps.append(.field(String(name))) }
                text = text.dropFirst(name.count)
            } else if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]") else { break }
                let inside = text[text.index(after: text.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                text = text[text.index(after: close)...]
                if inside == "*" {
                    steps.append(.all)
                } else if let index = Int(inside) {
                    steps.append(.index(index))
                } else if inside.hasPrefix("?(@."), let equals = inside.range(of: "==") {
                    let field = String(inside[inside.index(inside.startIndex, offsetBy: 4)..<equals.lowerBound])
                        .trimmingCharacters(in: .whitespaces)
                    let value = inside[equals.upperBound...].dropLast().trimmingCharacters(in: .whitespaces)
                        .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                    steps.append(.filter(field: field, value: value))
                } else {
                    steps.append(.field(inside.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))))
                }
            } else {
                let name = text.prefix { $0 != "." && $0 != "[" }
                steps.append(.field(String(name)))
                text = text.dropFirst(name.count)
            }
        }
        return steps
    }
}
