import Foundation

/// Where Azure OpenAI requests go (providers.md §5): the classic deployment-style URL with
/// a dated `api-version`, or the v1 API (OpenAI paths, deployment name as the body's `model`).
public struct AzureEndpoint: Sendable, Equatable {
    /// The two URL styles.
    public enum Style: Sendable, Equatable {
        /// `{base}/openai/deployments/{deployment}/{operation}?api-version={version}`.
        case deployment(apiVersion: String)
        /// `{base}/openai/v1/{operation}`.
        case v1
    }

    /// The latest dated GA version.
    public static let defaultAPIVersion = "2024-10-21"

    /// The resource URL (`https://{resource}.openai.azure.com`), without `/openai`.
    public let resource: String
    public let style: Style

    /// v1 style when `apiVersion` is `v1` (or `latest`) or the base URL already ends in
    /// `/openai/v1`; otherwise deployment style with `apiVersion` (default `2024-10-21`).
    public init(baseURL: String, apiVersion: String?) {
        var base = baseURL.trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        let version = apiVersion?.trimmingCharacters(in: .whitespaces).lowercased()
        var isV1 = version == "v1" || version == "latest"
        if base.hasSuffix("/openai/v1") {
            base.removeLast("/openai/v1".count)
            isV1 = true
        } else if base.hasSuffix("/openai") {
            base.removeLast("/openai".count)
        }
        self.resource = base
        if isV1 {
            self.style = .v1
        } else {
            let dated = apiVersion?.trimmingCharacters(in: .whitespaces) ?? ""
            self.style = .deployment(apiVersion: dated.isEmpty ? Self.defaultAPIVersion : dated)
        }
    }

    /// The URL of `operation` (`chat/completions`, `embeddings`) for `deployment`.
    public func url(deployment: String, operation: String) -> String {
        switch style {
        case .v1:
            return resource + "/openai/v1/" + operation
        case .deployment(let apiVersion):
            let name = Self.pathSegment(deployment)
            return resource + "/openai/deployments/" + name + "/" + operation + "?api-version="
                + Self.queryValue(apiVersion)
        }
    }

    static func pathSegment(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func queryValue(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
