import NIOCore
import NIOHTTPTypes
import Hummingbird

/// Per-connection limits the router never sees the violation of:
///
/// - **time**: the first request (head and body) must be complete `timeout` after the connection
///   opened, each next one `timeout` after the previous one ended; otherwise the connection is
///   closed. Hummingbird's idle timeout alone does not stop a slowloris client, which sends one
///   header byte every few seconds and so is never idle.
/// - **body size**: a `Content-Length` above `maxBodyBytes` is answered 413 and the connection
///   closed before a byte of the body is read; a chunked body is cut off at the limit the same
///   way. Nothing is buffered here, so a 1 GB upload costs at most `maxBodyBytes` of reading.
final class RequestLimitsHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    private let maxBodyBytes: Int
    private var deadline: Scheduled<Void>?
    private var bodyBytes = 0
    /// A request was refused: drop everything until the channel closes.
    private var refused = false
    /// The current request's head went on to the router (which may be answering it already).
    private var headForwarded = false

    init(timeout: TimeAmount, maxBodyBytes: Int) {
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
    }

    func handlerAdded(context: ChannelHandlerContext) {
        arm(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            bodyBytes = 0
            if let length = head.headerFields[.contentLength].flatMap({ Int($0) }), length > maxBodyBytes {
                refuse(context)
                return
            }
            headForwarded = true
        case .body(let buffer):
            bodyBytes += buffer.readableBytes
            if bodyBytes > maxBodyBytes {
                refuse(context)
                return
            }
        case .end:
            headForwarded = false
            arm(context)
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    /// 413 and close. When the router already has the request (a chunked body grew too large),
    /// it may have answered already: then no second answer is written.
    ///
    /// Lingering close (RFC 9112 §9.6): reading stops and only our side is shut, so the client
    /// gets the answer and a FIN; closing at once with its body unread would send a reset, and
    /// the kernel drops a reset connection's received data — the client would never see the 413.
    /// The socket is fully closed a second later whatever the client does.
    private func refuse(_ context: ChannelHandlerContext) {
        refused = true
        let channel = context.channel
        channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        func linger() {
            channel.close(mode: .output, promise: nil)
            channel.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
        }
        guard !headForwarded else {
            context.flush()
            linger()
            return
        }
        let body = ByteBuffer(string: "request body too large (limit \(maxBodyBytes) bytes)\n")
        var head = HTTPResponse(status: .contentTooLarge)
        head.headerFields[.contentType] = "text/plain; charset=utf-8"
        head.headerFields[.contentLength] = "\(body.readableBytes)"
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in linger() }
    }

    private func arm(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            channel.close(promise: nil)
        }
    }
}
