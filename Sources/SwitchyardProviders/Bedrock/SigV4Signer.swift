import Crypto
import Foundation
import SwitchyardCore

/// AWS Signature Version 4 for one service and region (providers.md §4.4): turns a request's
/// method, path, query, headers and body into the `Authorization` header. Pure; the time is
/// passed in.
public struct SigV4Signer: Sendable {
    let accessKeyID: Secret
    let secretAccessKey: Secret
    /// Temporary credentials' session token, sent and signed as `x-amz-security-token`.
    let sessionToken: Secret?
    public let region: String
    public let service: String

    public init(accessKeyID: Secret, secretAccessKey: Secret, sessionToken: Secret? = nil, region: String, service: String = "bedrock") {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken.flatMap { $0.isEmpty ? nil : $0 }
        self.region = region
        self.service = service
    }

    /// The headers to add to a request: `x-amz-date`, `x-amz-security-token` (temporary
    /// credentials) and `authorization`.
    ///
    /// - Parameters:
    ///   - path: the path exactly as sent (already percent-encoded, e.g. `.../v1%3A0/converse`).
    ///   - query: the raw query string without `?` (empty for Bedrock).
    ///   - headers: the other headers to sign; must include `host`.
    public func sign(
        method: String,
        path: String,
        query: String = "",
        headers: [(name: String, value: String)],
        body: some Collection<UInt8>,
        date: Date
    ) -> [(name: String, value: String)] {
        let amzDate = Self.amzDate(date)
        var signed = headers
        signed.append((name: "x-amz-date", value: amzDate))
        if let sessionToken { signed.append((name: "x-amz-security-token", value: sessionToken.value)) }
        let parts = signature(method: method, path: path, query: query, headers: signed, body: body, amzDate: amzDate)
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(accessKeyID.value)/\(parts.scope), SignedHeaders=\(parts.signedHeaders), Signature=\(parts.signature)"
        var out: [(name: String, value: String)] = [(name: "x-amz-date", value: amzDate)]
        if let sessionToken { out.append((name: "x-amz-security-token", value: sessionToken.value)) }
        out.append((name: "authorization", value: authorization))
        return out
    }

    /// The intermediate values of a signature (exposed for the test vectors).
    public struct Parts: Sendable, Equatable {
        public var canonicalRequest: String
        public var scope: String
        public var signedHeaders: String
        public var stringToSign: String
        public var signingKey: [UInt8]
        public var signature: String
    }

    /// Signs with every header in `headers` (which must already hold `x-amz-date`).
    public func signature(
        method: String,
        path: String,
        query: String,
        headers: [(name: String, value: String)],
        body: some Collection<UInt8>,
        amzDate: String
    ) -> Parts {
        let day = String(amzDate.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        var grouped: [String: [String]] = [:]
        for header in headers {
            grouped[header.name.lowercased(), default: []].append(Self.canonicalHeaderValue(header.value))
        }
        let names = grouped.keys.sorted()
        let signedHeaders = names.joined(separator: ";")
        let canonicalHeaders = names.map { "\($0):\(grouped[$0, default: []].joined(separator: ","))\n" }.joined()
        let payloadHash =
            grouped["x-amz-content-sha256"]?.first ?? Self.sha256Hex(body)
        let canonicalRequest = [
            method.uppercased(),
            Self.canonicalURI(path),
            Self.canonicalQuery(query),
            canonicalHeaders,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope, Self.sha256Hex(Array(canonicalRequest.utf8)),
        ].joined(separator: "\n")
        let key = signingKey(day: day)
        let signature = Self.hex(Self.hmac(key: key, Array(stringToSign.utf8)))
        return Parts(
            canonicalRequest: canonicalRequest,
            scope: scope,
            signedHeaders: signedHeaders,
            stringToSign: stringToSign,
            signingKey: key,
            signature: signature
        )
    }

    /// `kSigning` for a day (`YYYYMMDD`).
    public func signingKey(day: String) -> [UInt8] {
        let kDate = Self.hmac(key: Array(("AWS4" + secretAccessKey.value).utf8), Array(day.utf8))
        let kRegion = Self.hmac(key: kDate, Array(region.utf8))
        let kService = Self.hmac(key: kRegion, Array(service.utf8))
        return Self.hmac(key: kService, Array("aws4_request".utf8))
    }

    // MARK: - Canonical forms

    /// The path URI-encoded once more (non-S3 services): `%3A` signs as `%253A`.
    static func canonicalURI(_ path: String) -> String {
        path.isEmpty ? "/" : uriEncode(path, keepSlash: true)
    }

    /// `key=value` pairs RFC 3986-encoded, sorted by key then value, `&`-joined.
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = uriEncode(percentDecode(parts.first.map(String.init) ?? ""), keepSlash: false)
            let value = uriEncode(percentDecode(parts.count > 1 ? String(parts[1]) : ""), keepSlash: false)
            return (key, value)
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Trimmed, with runs of spaces collapsed to one.
    static func canonicalHeaderValue(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// Every byte except `A-Za-z0-9-_.~` (and `/` when kept) as `%XX`, uppercase hex.
    public static func uriEncode(_ text: String, keepSlash: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                out.append("%")
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return out
    }

    private static let hexDigits: [Character] = Array("0123456789ABCDEF")

    static func percentDecode(_ text: String) -> String {
        text.removingPercentEncoding ?? text
    }

    // MARK: - Primitives

    static func hmac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }

    /// Lowercase hex SHA-256.
    static func sha256Hex(_ bytes: some Collection<UInt8>) -> String {
        hex(SHA256.hash(data: Array(bytes)))
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `YYYYMMDD'T'HHMMSS'Z'` in UTC.
    public static func amzDate(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        return "\(yearText)\(two(month))\(two(day))T\(two(secondOfDay / 3600))\(two(secondOfDay % 3600 / 60))\(two(secondOfDay % 60))Z"
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
    static func civilDate(daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
