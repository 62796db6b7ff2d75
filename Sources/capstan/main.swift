import ArgumentParser
import NIOCore
import NIOPosix

// `capstan cluster` is a process that only serves HTTP: its Swift tasks run on the NIO event loops that do its
// I/O, so a request is read, answered from the store and written on one thread. NIO keeps a job on the loop it
// was enqueued from, where Swift's default pool would hand each request to another thread and back, waking a
// sleeping core each time. Other commands (controllers, which run long reconciles) keep Swift's pool, so their
// CPU-heavy work never holds up a loop's I/O. This must happen before the first task is enqueued.
if CommandLine.arguments.dropFirst().first == "cluster" {
    _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
}
await run(Capstan.self)

/// Runs the command as `@main` would; the generic parameter picks ArgumentParser's async `main`.
func run<Command: AsyncParsableCommand>(_ command: Command.Type) async {
    await Command.main(nil)
}
