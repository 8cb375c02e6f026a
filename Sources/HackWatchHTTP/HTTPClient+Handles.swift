import CCurl
#if canImport(Glibc)
import Glibc
#endif

/// One libcurl easy handle per thread, reused across requests.
///
/// `curl_easy_reset` clears a handle's options but keeps its connection cache, TLS session ids
/// and DNS cache, so a sink posting to the same webhook host again, or a feed polled again,
/// skips the TCP and TLS handshakes when the server keeps the connection alive. A handle is only
/// ever touched by the thread that owns it (libcurl's rule for easy handles), and the
/// thread-exit destructor closes it with its connections.
enum EasyHandles {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { handle in
            if let handle { curl_easy_cleanup(handle) }
        }
        return key
    }()

    /// This thread's handle, with default options; nil only if libcurl cannot allocate one.
    static func acquire() -> UnsafeMutableRawPointer? {
        if let handle = pthread_getspecific(key) { return handle }
        guard let handle = curl_easy_init() else { return nil }
        pthread_setspecific(key, handle)
        return handle
    }

    /// Drops every option of the finished request (its pointers to buffers and header lists
    /// that are about to be freed) and keeps the connections for the next one.
    static func release(_ handle: UnsafeMutableRawPointer) {
        curl_easy_reset(handle)
    }
}
