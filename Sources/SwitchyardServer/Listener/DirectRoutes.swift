import HTTPTypes
import Hummingbird

/// The API's `POST` endpoints (chat, messages, embeddings), found by their exact path
/// before the router is asked. The router resolves every request's path through its trie and
/// writes the matched route's path into the request's context as a new string; on the
/// paths that carry nearly all traffic that was about a tenth of the gateway's own time
/// before the first byte went upstream, measured one request at a time.
///
/// Each route runs the same middleware instances as the router's route for the path
/// (`GatewayApplication.buildRoutes` makes both from one list), in the same order, so the
/// answer is the router's answer. Any other request (another method, a query string, a
/// trailing slash) goes to the router as before. These handlers read neither the route's
/// parameters nor its path from the context, which is all the router would have added.
struct DirectRoutes: Sendable {
    typealias Handler = @Sendable (Request, GatewayRequestContext) async throws -> Response

    /// Each route's whole path (`/v1/chat/completions`) and its handler with its middleware.
    private let routes: [(path: String, handler: Handler)]

    init(routes: [(path: String, handler: Handler)]) {
        self.routes = routes
    }

    /// The handler of a `POST` to one of the routes' exact paths, else nil.
    func handler(for request: Request) -> Handler? {
        guard request.method == .post, let path = request.head.path else { return nil }
        for route in routes where route.path == path {
            return route.handler
        }
        return nil
    }
}
