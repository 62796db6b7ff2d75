/// A failure a command reports as one line (`Error: ...`) and exit status 1, without the usage text that
/// ArgumentParser prints for a `ValidationError`.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
