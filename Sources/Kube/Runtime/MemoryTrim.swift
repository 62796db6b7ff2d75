/// Gives memory that glibc's allocator holds but no longer uses back to the system. A controller that parses
/// thousands of objects in a burst (a cold start, a relist) otherwise keeps much of the peak resident, since
/// the freed pages sit in malloc's arenas; `malloc_trim` returns them.
public enum MemoryTrim {
    /// Returns free heap pages to the system; true when some were released.
    @discardableResult
    public static func release() -> Bool {
        #if os(Linux)
            return glibcMallocTrim(0) == 1
        #else
            return false
        #endif
    }
}

#if os(Linux)
    /// glibc's `malloc_trim` (declared in malloc.h, which the Glibc module does not import).
    @_silgen_name("malloc_trim")
    private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
