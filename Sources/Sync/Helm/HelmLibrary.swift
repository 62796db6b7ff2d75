import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Helm v4's own Go SDK, called in-process through helm-c's C ABI (`libhelm_c.so`, the library PyPI's
/// `helm-python-sdk` 0.2.2 ships; `scripts/install-deps.sh` installs it as
/// `/usr/local/lib/capstan/libhelm_c.so`). Debian has no `helm`; this is real Helm, so charts render exactly
/// as `helm template` renders them. `CAPSTAN_HELM_LIBRARY` names another copy.
///
/// Every string the library returns is copied and freed with `helm_free_string`; handles are freed by
/// their owners. Calls block, so callers keep them off the cooperative pool where they may take long.
final class HelmLibrary: Sendable {
    typealias Out = UnsafeMutablePointer<UnsafeMutableRawPointer?>
    typealias CString = UnsafePointer<CChar>?
    typealias PathToHandle = @convention(c) (CString, UnsafeMutablePointer<UInt64>?, Out?) -> Int32
    typealias BytesToHandle =
        @convention(c) (UnsafePointer<UInt8>?, UInt64, UnsafeMutablePointer<UInt64>?, Out?) ->
        Int32
    typealias HandleCall = @convention(c) (UInt64, Out?) -> Int32
    typealias HandleToString = @convention(c) (UInt64, Out?, Out?) -> Int32
    typealias HandleTwoStrings = @convention(c) (UInt64, CString, CString, Out?, Out?) -> Int32
    typealias HandleThreeStrings = @convention(c) (UInt64, CString, CString, CString, Out?, Out?) -> Int32
    typealias StringCall = @convention(c) (CString, Out?, Out?) -> Int32
    typealias TwoStrings = @convention(c) (CString, CString, Out?, Out?) -> Int32
    typealias Free = @convention(c) (UnsafeMutableRawPointer?) -> Void

    static let defaultPath = "/usr/local/lib/capstan/libhelm_c.so"
    /// Loaded once per process; the error says where the library was looked for.
    static let shared: Result<HelmLibrary, HelmError> = load()

    nonisolated(unsafe) private let handle: UnsafeMutableRawPointer
    let path: String

    private init(handle: UnsafeMutableRawPointer, path: String) {
        self.handle = handle
        self.path = path
    }

    static func load(
        path: String = ProcessInfo.processInfo.environment["CAPSTAN_HELM_LIBRARY"] ?? defaultPath
    ) -> Result<HelmLibrary, HelmError> {
        guard FileManager.default.fileExists(atPath: path) else {
            return .failure(
                HelmError(
                    "Helm is not installed: \(path) does not exist (scripts/install-deps.sh installs it; "
                        + "CAPSTAN_HELM_LIBRARY names another libhelm_c.so)"))
        }
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            return .failure(HelmError("cannot load \(path): \(String(cString: dlerror()))"))
        }
        return .success(HelmLibrary(handle: handle, path: path))
    }

    private func symbol<T>(_ name: String, as type: T.Type) throws(HelmError) -> T {
        guard let pointer = dlsym(handle, name) else { throw HelmError("\(path) has no symbol \(name)") }
        return unsafeBitCast(pointer, to: type)
    }

    /// Copies and frees a library-owned string.
    private func take(_ pointer: UnsafeMutableRawPointer?) -> String? {
        guard let pointer else { return nil }
        let text = String(cString: pointer.assumingMemoryBound(to: CChar.self))
        if let free = try? symbol("helm_free_string", as: Free.self) { free(pointer) }  // every helm-c exports it
        return text
    }

    /// Runs a call that fills an output string and an error string, and turns a non-zero status into an error.
    func string(_ operation: String, _ body: (Out, Out) throws(HelmError) -> Int32) throws(HelmError) -> String {
        var output: UnsafeMutableRawPointer?
        var error: UnsafeMutableRawPointer?
        let code = try body(&output, &error)
        let detail = take(error)
        let result = take(output)
        guard code == 0 else { throw HelmError("\(operation): \(detail ?? "helm-c status \(code)")") }
        return result ?? ""
    }

    /// Runs a call that returns a new handle.
    func newHandle(
        _ operation: String, _ body: (UnsafeMutablePointer<UInt64>, Out) throws(HelmError) -> Int32
    )
        throws(HelmError) -> UInt64
    {
        var handle: UInt64 = 0
        var error: UnsafeMutableRawPointer?
        let code = try body(&handle, &error)
        let detail = take(error)
        guard code == 0 else { throw HelmError("\(operation): \(detail ?? "helm-c status \(code)")") }
        return handle
    }

    func function<T>(_ name: String, _ type: T.Type) throws(HelmError) -> T { try symbol(name, as: type) }

    /// Frees a chart or registry-client handle (failures leave only a leak in the library's registry).
    func free(_ handle: UInt64, with name: String) {
        guard let call = try? symbol(name, as: HandleCall.self) else { return }  // every helm-c exports it
        var error: UnsafeMutableRawPointer?
        _ = call(handle, &error)
        _ = take(error)
    }
}

/// A Helm failure: a chart that does not load or render, values that do not parse, a repository that
/// cannot be reached, or the library missing.
public struct HelmError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
    init(_ message: String) { self.message = message }
}
