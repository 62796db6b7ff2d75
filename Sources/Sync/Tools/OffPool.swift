import Foundation

/// Runs blocking work (Helm through its C library, a render that may wait on it) on a Dispatch thread and
/// awaits it, so Swift's cooperative pool (one thread per core) stays free. Blocking there stalls every task of
/// the process, and a Helm call waiting on a lock that a chart download holds, while that download waits on a
/// server in the same process, would never end.
func offCooperativePool<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
    let result: Result<T, E> = await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            do throws(E) { continuation.resume(returning: .success(try body())) } catch {
                continuation.resume(returning: .failure(error))
            }
        }
    }
    return try result.get()
}
