import Testing
@testable import HackWatchModel

/// String escaping with the whole-string fast path: the same text as one scalar at a time.
@Suite struct JSONValueSerializeTests {
    @Test(arguments: [
        ("plain ascii", #""plain ascii""#),
        ("Crème brûlée 🔥", #""Crème brûlée 🔥""#),
        ("say \"hi\"", #""say \"hi\"""#),
        ("back\\slash", #""back\\slash""#),
        ("tab\there\nnew\rret", #""tab\there\nnew\rret""#),
        ("nul\u{0}del\u{7F}", #""nul\u0000del\u007f""#),
        ("line\u{2028}para\u{2029}", #""line\u2028para\u2029""#),
        ("€ leads with E2 too", #""€ leads with E2 too""#),
        ("", #""""#),
    ])
    func stringsAreEscapedExactly(input: String, expected: String) throws {
        #expect(JSONValue.string(input).serialized() == expected)
        #expect(try JSONValue.parse(expected) == .string(input))
    }
}
