import Foundation
import Kube

/// A certificate authority and a server certificate for 127.0.0.1/localhost, made with the `openssl` command
/// (installed by `scripts/install-deps.sh`) and kept in a directory so a restarted server keeps the same CA and
/// kubeconfigs stay valid.
public struct SelfSignedCertificates: Sendable {
    public let caPEM: [UInt8]
    public let certificatePEM: [UInt8]
    public let keyPEM: [UInt8]
    /// A client certificate and key signed by the CA (CN `capstan-admin`), for clients that authenticate
    /// with a certificate instead of a token.
    public let clientCertificatePEM: [UInt8]
    public let clientKeyPEM: [UInt8]

    /// Loads the files in `directory`, creating them first when missing.
    public static func load(directory: String) throws -> SelfSignedCertificates {
        let ca = directory + "/ca.crt", cert = directory + "/server.crt", key = directory + "/server.key"
        let clientCert = directory + "/client.crt", clientKey = directory + "/client.key"
        let fm = FileManager.default
        if ![ca, cert, key, clientCert, clientKey].allSatisfy(fm.fileExists) {
            try PrivateFiles.makeDirectory(directory)
            let caKey = directory + "/ca.key", csr = directory + "/server.csr", ext = directory + "/server.ext"
            try "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n".write(
                toFile: ext, atomically: true, encoding: .utf8)
            try openssl([
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "3650",
                "-subj", "/CN=capstan-embedded-ca", "-keyout", caKey, "-out", ca,
            ])
            try openssl([
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-subj", "/CN=capstan-embedded-cluster", "-keyout", key, "-out", csr,
            ])
            try openssl([
                "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", caKey, "-CAcreateserial", "-days", "3650",
                "-extfile", ext, "-out", cert,
            ])
            let clientCSR = directory + "/client.csr", clientExt = directory + "/client.ext"
            try "extendedKeyUsage=clientAuth\n".write(toFile: clientExt, atomically: true, encoding: .utf8)
            try openssl([
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-subj", "/CN=capstan-admin", "-keyout", clientKey, "-out", clientCSR,
            ])
            try openssl([
                "x509", "-req", "-in", clientCSR, "-CA", ca, "-CAkey", caKey, "-CAcreateserial", "-days", "3650",
                "-extfile", clientExt, "-out", clientCert,
            ])
            for file in [caKey, csr, ext, clientCSR, clientExt, directory + "/ca.srl"] {
                try? fm.removeItem(atPath: file)
            }
        }
        func read(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
        return SelfSignedCertificates(
            caPEM: try read(ca), certificatePEM: try read(cert), keyPEM: try read(key),
            clientCertificatePEM: try read(clientCert), clientKeyPEM: try read(clientKey))
    }

    static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ConfigError("openssl \(arguments.first ?? "") failed: \(String(decoding: message, as: UTF8.self))")
        }
    }
}
