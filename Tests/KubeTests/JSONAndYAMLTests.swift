import Kube
import Testing

@Suite struct JSONAndYAMLTests {
    @Test func jsonRoundTripsKeepsIntegersAndEscapes() throws {
        let text = #"{"a":3,"b":2.5,"c":"x\"y\n\u00e9","d":[true,false,null],"e":{}}"#
        let value = try JSON.parse(text)
        #expect(value["a"] == .int(3))
        #expect(value["b"] == .double(2.5))
        #expect(value["c"]?.stringValue == "x\"y\né")
        #expect(try JSON.parse(value.serialized()) == value)
    }

    /// Found by scripts/fuzz.sh: a high surrogate followed by an escape that is not a low one overflowed.
    @Test func anUnpairedSurrogateBecomesTheReplacementCharacter() throws {
        #expect(try JSON.parse(#""\ud83d\ud0e0x""#) == .string("\u{FFFD}\u{D0E0}x"))
        #expect(try JSON.parse(#""\ud83d\ude00""#) == .string("😀"))
    }

    @Test func malformedJSONIsRejectedWithOffset() {
        for bad in ["{", "{\"a\":}", "[1,]", "tru", "{\"a\":1}x", String(repeating: "[", count: 10_000)] {
            #expect(throws: JSONParseError.self) { try JSON.parse(bad) }
        }
    }

    @Test func multiDocumentYAMLSkipsEmptyDocumentsAndKeepsQuotedStrings() throws {
        let docs = try YAML.parseAll("a: 1\nb: \"2\"\nc: yes\n---\n---\nkind: X\n")
        #expect(docs.count == 2)
        #expect(docs[0]["a"] == .int(1))
        #expect(docs[0]["b"] == .string("2"))
        #expect(try YAML.parse(YAML.render(docs[0])) == docs[0])
    }

    @Test func renderedYAMLQuotesStringsThatLookLikeOtherTypes() throws {
        let value: JSON = ["version": "1.0", "flag": "true", "empty": "", "n": 5]
        #expect(try YAML.parse(YAML.render(value)) == value)
    }

    @Test func brokenYAMLGivesAnError() {
        #expect(throws: YAMLError.self) { try YAML.parseAll("a: [1, 2\nb: }") }
    }
}
