import Foundation
import Testing
@testable import HackWatchConfiguration
@testable import HackWatchModel

/// The `http` key (issue 17): addresses, token file, limits, and every mistake with its path.
@Suite struct HTTPListenerConfigTests {
    static let addresses: [(String, HTTPListenerConfig.Address?)] = [
        ("127.0.0.1:9464", .tcp(host: "127.0.0.1", port: 9464)),
        ("localhost:80", .tcp(host: "localhost", port: 80)),
        ("[::1]:9464", .tcp(host: "::1", port: 9464)),
        ("[::]:0", .tcp(host: "::", port: 0)),
        ("/run/hackwatch/http.sock", .unix(path: "/run/hackwatch/http.sock")),
        ("unix:/tmp/h.sock", .unix(path: "/tmp/h.sock")),
        ("unix:", nil),
        ("127.0.0.1", nil),
        ("127.0.0.1:", nil),
        ("127.0.0.1:65536", nil),
        ("127.0.0.1:+80", nil),
        ("::1:9464", nil),
        ("[::1]9464", nil),
        ("[127.0.0.1]:80", nil),
        (":9464", nil),
    ]

    @Test(arguments: addresses)
    func parsesListenAddresses(text: String, expected: HTTPListenerConfig.Address?) {
        #expect(HTTPListenerConfig.Address.parse(text) == expected)
    }

    @Test func defaultsAndResolvedPaths() throws {
        let config = try HackWatchConfigTests.decode(#"{"http": {"listen": "[::1]:9464", "token_file": "http.token"}}"#)
        let http = try #require(config.http)
        #expect(http.listen == .tcp(host: "::1", port: 9464))
        #expect(http.listen.description == "[::1]:9464")
        #expect(http.tokenFile == .file("/etc/hackwatch/http.token"))
        #expect(http.maxConnections == 64)
        #expect(http.requestTimeout.seconds == 10)
        #expect(http.maxBodyBytes == 65_536)
        let credential = try HackWatchConfigTests.decode(
            #"{"http": {"listen": "unix:sock/http.sock", "token_file": "$CREDENTIALS_DIRECTORY/hackwatch_http-token"}}"#)
        #expect(credential.http?.listen == .unix(path: "/etc/hackwatch/sock/http.sock"))
        #expect(credential.http?.tokenFile == .file("$CREDENTIALS_DIRECTORY/hackwatch_http-token"))
        #expect(try HackWatchConfigTests.decode("{}").http == nil, "no listener unless configured")
    }

    static let errorCases: [(String, [String])] = [
        (#"{"http": "127.0.0.1:9464"}"#, ["$.http: expected an object, got string"]),
        (#"{"http": {}}"#, ["$.http.listen: required key is missing"]),
        (#"{"http": {"listen": "9464"}}"#,
         ["$.http.listen: invalid listen address '9464'; use host:port (127.0.0.1:9464, [::1]:9464) or a unix socket path"]),
        (#"{"http": {"listen": "127.0.0.1:9464", "tokenfile": "t"}}"#, ["$.http.tokenfile: unknown key 'tokenfile'; did you mean 'token_file'?"]),
        (#"{"http": {"listen": "127.0.0.1:9464", "max_connections": 0, "request_timeout": "0s", "max_body_bytes": "1k"}}"#,
         ["$.http.max_connections: expected a positive whole number, got 0", "$.http.request_timeout: must be longer than zero",
          "$.http.max_body_bytes: expected a number, got string"]),
    ]

    @Test(arguments: errorCases)
    func reportsEveryProblemWithItsPath(json: String, expected: [String]) {
        #expect(HackWatchConfigTests.problems(json) == expected)
    }
}
