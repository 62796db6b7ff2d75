/// An error from the Kubernetes API: the server's `Status` (code, reason, message) or a transport failure.
public struct KubeError: Error, Sendable, CustomStringConvertible {
    /// The machine-readable reason, as in a `Status` object's `reason` field.
    public struct Reason: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let notFound = Reason(rawValue: "NotFound")
        public static let alreadyExists = Reason(rawValue: "AlreadyExists")
        public static let conflict = Reason(rawValue: "Conflict")
        public static let invalid = Reason(rawValue: "Invalid")
        public static let forbidden = Reason(rawValue: "Forbidden")
        public static let unauthorized = Reason(rawValue: "Unauthorized")
        public static let badRequest = Reason(rawValue: "BadRequest")
        public static let methodNotAllowed = Reason(rawValue: "MethodNotAllowed")
        public static let expired = Reason(rawValue: "Expired")
        public static let gone = Reason(rawValue: "Gone")
        public static let tooManyRequests = Reason(rawValue: "TooManyRequests")
        public static let requestEntityTooLarge = Reason(rawValue: "RequestEntityTooLarge")
        public static let unsupportedMediaType = Reason(rawValue: "UnsupportedMediaType")
        public static let notAcceptable = Reason(rawValue: "NotAcceptable")
        public static let internalError = Reason(rawValue: "InternalError")
        public static let serviceUnavailable = Reason(rawValue: "ServiceUnavailable")
        public static let timeout = Reason(rawValue: "Timeout")
        /// The request never got an answer: connection refused or reset, TLS failure, a deadline.
        public static let transport = Reason(rawValue: "TransportError")
        /// The server answered with something that is not a Kubernetes response.
        public static let invalidResponse = Reason(rawValue: "InvalidResponse")

        /// The reason Kubernetes uses for an HTTP status code when the body names none.
        public init(httpStatus: Int) {
            switch httpStatus {
            case 400: self = .badRequest
            case 401: self = .unauthorized
            case 403: self = .forbidden
            case 404: self = .notFound
            case 405: self = .methodNotAllowed
            case 406: self = .notAcceptable
            case 409: self = .conflict
            case 410: self = .gone
            case 413: self = .requestEntityTooLarge
            case 415: self = .unsupportedMediaType
            case 422: self = .invalid
            case 429: self = .tooManyRequests
            case 503: self = .serviceUnavailable
            case 504: self = .timeout
            default: self = .internalError
            }
        }
    }

    /// HTTP status code (0 for transport failures).
    public let code: Int
    public let reason: Reason
    public let message: String
    /// The `details` member of the server's `Status`, when it sent one.
    public let details: JSON?

    public init(code: Int, reason: Reason, message: String, details: JSON? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    /// Reads a `Status` body; any other body becomes the message.
    public init(httpStatus: Int, body: [UInt8]) {
        if let status = try? JSON.parse(body), status["kind"]?.stringValue == "Status" {
            let reason = status["reason"]?.stringValue.flatMap { $0.isEmpty ? nil : Reason(rawValue: $0) }
            self.init(
                code: Int(status["code"]?.intValue ?? Int64(httpStatus)),
                reason: reason ?? Reason(httpStatus: httpStatus),
                message: status["message"]?.stringValue ?? "", details: status["details"])
        } else {
            let text = String(decoding: body.prefix(512), as: UTF8.self)
            self.init(code: httpStatus, reason: Reason(httpStatus: httpStatus), message: text)
        }
    }

    public var isNotFound: Bool { reason == .notFound }
    public var isAlreadyExists: Bool { reason == .alreadyExists }
    public var isConflict: Bool { reason == .conflict }
    public var isInvalid: Bool { reason == .invalid }
    /// The watch or list asked for a resourceVersion the server no longer has: relist.
    public var isGone: Bool { code == 410 || reason == .expired || reason == .gone }
    /// Worth retrying: throttling, unavailability, and failures to reach the server.
    public var isRetryable: Bool { code == 429 || code == 503 || code == 504 || reason == .transport }

    public var description: String { "\(reason) (\(code)): \(message)" }
}
