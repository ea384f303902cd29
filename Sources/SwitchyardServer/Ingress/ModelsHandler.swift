import Hummingbird
import NIOCore
import SwitchyardCore

/// `GET /v1/models` and `GET /v1/models/{id}`: every route and model name a client may use,
/// in OpenAI's list shape. Built once: the list only changes with the config.
struct ModelsHandler: Sendable {
    let runtime: GatewayRuntime
    private let listBody: ByteBuffer

    init(runtime: GatewayRuntime) {
        self.runtime = runtime
        let objects = runtime.resolver.publicNames.map(Self.object)
        self.listBody = ByteBuffer(string: #"{"object":"list","data":["# + objects.joined(separator: ",") + "]}")
    }

    func list() -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: listBody))
    }

    func one(_ id: String) -> Response {
        guard runtime.resolver.publicNames.contains(id) else {
            return ErrorResponse.response(.modelNotFound(id))
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: Self.object(id)))
        )
    }

    static func object(_ name: String) -> String {
        #"{"id":"# + JSONString.encode(name) + #","object":"model","created":0,"owned_by":"switchyard"}"#
    }
}
