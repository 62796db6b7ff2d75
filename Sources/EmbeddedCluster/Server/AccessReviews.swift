import Foundation
import Kube

/// The reviews `kubectl auth can-i` (SelfSubjectAccessReview, and SelfSubjectRulesReview for `--list`) and
/// `kubectl auth whoami` (SelfSubjectReview) ask, answered from the embedded cluster's real authorization:
/// one administrator identity, so a request that got past authentication may do everything. Like
/// kube-apiserver for a member of `system:masters`, an allowed review carries no reason. The answer records
/// the asker in managedFields, as the real server does for every write.
enum AccessReviews {
    static func answer(_ review: JSON, kind: String, manager: String) -> JSON {
        var result = FieldOwnership.recordUpdate(manager: manager, old: nil, new: review, subresource: nil)
        result[path: ["metadata", "creationTimestamp"]] = .null
        switch kind {
        case "SelfSubjectAccessReview":
            result["status"] = ["allowed": true]
        case "SelfSubjectRulesReview":
            result["status"] = [
                "resourceRules": [["verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]]],
                "nonResourceRules": [["verbs": ["*"], "nonResourceURLs": ["*"]]], "incomplete": false,
            ]
        default:
            result["status"] = [
                "userInfo": ["username": "capstan-admin", "groups": ["system:masters", "system:authenticated"]]
            ]
        }
        return result
    }
}

/// Tokens for ServiceAccounts (`kubectl create token`, the TokenRequest API). The server accepts them as it
/// accepts its own token until they expire; they are random strings, not signed JWTs, and live only as long as
/// the server process.
extension ClusterStore {
    public func issueToken(
        namespace: String, serviceAccount: String, request: JSON, manager: String = "unknown"
    ) throws(KubeError) -> JSON {
        let key = ObjectKey(resource: "serviceaccounts", namespace: namespace, name: serviceAccount)
        guard objects["serviceaccounts"]?[key] != nil else {
            throw KubeError(
                code: 404, reason: .notFound, message: "serviceaccounts \"\(serviceAccount)\" not found",
                details: ["name": .string(serviceAccount), "kind": "serviceaccounts"])
        }
        if let expiration = request[path: ["spec", "expirationSeconds"]]?.intValue, expiration < 600 {
            throw KubeError(
                code: 422, reason: .invalid,
                message: "TokenRequest.authentication.k8s.io \"\(serviceAccount)\" is invalid: spec.expirationSeconds: "
                    + "Invalid value: \(expiration): may not specify a duration less than 10 minutes",
                details: [
                    "name": .string(serviceAccount), "group": "authentication.k8s.io", "kind": "TokenRequest",
                    "causes": [
                        [
                            "reason": "FieldValueInvalid", "field": "spec.expirationSeconds",
                            "message": .string(
                                "Invalid value: \(expiration): may not specify a duration less than 10 minutes"),
                        ]
                    ],
                ])
        }
        let seconds = min(request[path: ["spec", "expirationSeconds"]]?.intValue ?? 3600, 48 * 3600)
        let expires = Date().addingTimeInterval(TimeInterval(seconds))
        let token =
            "capstan-sa." + (0..<3).map { _ in UUID().uuidString.replacingOccurrences(of: "-", with: "") }.joined()
        issuedTokens[token] = expires
        var response = request
        response["apiVersion"] = "authentication.k8s.io/v1"
        response["kind"] = "TokenRequest"
        response["metadata"] = [
            "name": .string(serviceAccount), "namespace": .string(namespace),
            "creationTimestamp": .string(KubeTime.now()),
        ]
        response = FieldOwnership.recordUpdate(manager: manager, old: nil, new: response, subresource: "token")
        var spec = request["spec"]?.objectValue ?? [:]
        spec["audiences"] = spec["audiences"] ?? ["https://kubernetes.default.svc.cluster.local"]
        spec["expirationSeconds"] = .int(seconds)
        spec["boundObjectRef"] = spec["boundObjectRef"] ?? .null
        response["spec"] = .object(spec)
        response["status"] = ["token": .string(token), "expirationTimestamp": .string(KubeTime.format(expires))]
        return response
    }

    /// True for a ServiceAccount token this server issued and that has not expired.
    public func acceptsIssuedToken(_ token: String) -> Bool {
        guard let expires = issuedTokens[token] else { return false }
        if expires < Date() {
            issuedTokens[token] = nil
            return false
        }
        return true
    }
}
