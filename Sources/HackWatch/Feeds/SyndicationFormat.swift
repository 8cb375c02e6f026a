/// RSS 2.0 / RSS 1.0 (RDF) / Atom 1.0 feeds.
enum SyndicationFormat {
    static func parse(_ bytes: [UInt8], config: FeedConfig) throws(FeedError) -> FeedParseResult {
        throw .unexpectedShape("\(config.format.rawValue): not implemented yet")
    }
}
