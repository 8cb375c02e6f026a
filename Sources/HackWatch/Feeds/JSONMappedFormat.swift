/// Generic JSON feeds described by a `mapping` of JSON Pointers.
enum JSONMappedFormat {
    static func parse(_ bytes: [UInt8], config: FeedConfig) throws(FeedError) -> FeedParseResult {
        throw .unexpectedShape("json: not implemented yet")
    }
}
