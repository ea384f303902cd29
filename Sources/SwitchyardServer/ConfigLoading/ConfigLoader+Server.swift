import SwitchyardCore
import Yams

extension ConfigLoader {
    static let serverKeys = [
        "host", "port", "max_body_bytes", "max_header_bytes", "client_idle_timeout_ms",
        "client_request_timeout_ms", "max_concurrent_requests", "api_keys", "log_bodies",
    ]

    /// Reads `server:`; absent keys keep `ServerConfig`'s defaults.
    static func readServer(_ node: Node, at path: ConfigPath, reader: ConfigNodeReader) -> ServerConfig {
        var server = ServerConfig()
        guard let section = reader.mapping(node, at: path, allowed: serverKeys) else { return server }
        if let host = section.string("host") {
            if host.isEmpty {
                section.diagnostics.error(section.path("host"), "must not be empty")
            } else {
                server.host = host
            }
        }
        server.port = section.int("port", minimum: 1, maximum: 65_535) ?? server.port
        server.maxBodyBytes = section.int("max_body_bytes", minimum: 1) ?? server.maxBodyBytes
        server.maxHeaderBytes = section.int("max_header_bytes", minimum: 1024) ?? server.maxHeaderBytes
        server.clientIdleTimeoutMs = section.int("client_idle_timeout_ms", minimum: 1) ?? server.clientIdleTimeoutMs
        server.clientRequestTimeoutMs =
            section.int("client_request_timeout_ms", minimum: 1) ?? server.clientRequestTimeoutMs
        server.maxConcurrentRequests =
            section.int("max_concurrent_requests", minimum: 1) ?? server.maxConcurrentRequests
        server.logBodies = section.bool("log_bodies") ?? server.logBodies
        if let items = section.sequence("api_keys") {
            // Keys that resolve to empty (an unset variable) are dropped.
            let keys = items.compactMap { reader.string($0.node, at: $0.path) }.filter { !$0.isEmpty }
            server.apiKeys = keys.map(Secret.init)
            if keys.isEmpty && !items.isEmpty {
                section.diagnostics.warn(
                    section.path("api_keys"), "every key resolved to empty; authentication is off")
            }
        }
        return server
    }
}
