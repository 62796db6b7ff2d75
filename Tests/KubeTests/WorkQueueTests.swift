import Kube
import Testing

@Suite struct WorkQueueTests {
    @Test func deduplicatesAndRequeuesKeysAddedWhileProcessing() async {
        let queue = WorkQueue()
        await queue.add("a")
        await queue.add("a")
        await queue.add("b")
        #expect(await queue.count == 2)
        let first = await queue.next()
        #expect(first == "a")
        await queue.add("a")
        #expect(await queue.count == 1)
        await queue.done("a")
        #expect(await queue.next() == "b")
        #expect(await queue.next() == "a")
    }

    @Test func backoffDoublesAndIsCapped() async {
        let queue = WorkQueue(baseDelay: .milliseconds(10), maximumDelay: .milliseconds(50))
        #expect(await queue.backoff(failures: 0) == .milliseconds(10))
        #expect(await queue.backoff(failures: 2) == .milliseconds(40))
        #expect(await queue.backoff(failures: 10) == .milliseconds(50))
    }

    @Test func delayedAddArrives() async {
        let queue = WorkQueue()
        await queue.add("later", after: .milliseconds(20))
        #expect(await queue.count == 0)
        #expect(await queue.next() == "later")
    }

    /// A later `add(_:after:)` keeps an earlier pending timer; an earlier one replaces a later timer.
    @Test func theSoonerOfTwoTimersWins() async {
        let queue = WorkQueue()
        await queue.add("kept", after: .milliseconds(20))
        await queue.add("kept", after: .seconds(3600))
        await queue.add("replaced", after: .seconds(3600))
        await queue.add("replaced", after: .milliseconds(20))
        var arrived: Set<String> = []
        for _ in 0..<2 {
            let key = await Self.next(queue, within: .seconds(60))
            if let key {
                arrived.insert(key)
                await queue.done(key)
            }
        }
        #expect(arrived == ["kept", "replaced"])
    }

    /// The queue's next key, or nil when none arrives within `bound` (a bound for failures only).
    static func next(_ queue: WorkQueue, within bound: Duration) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask { await queue.next() }
            group.addTask {
                do { try await Task.sleep(for: bound) } catch { return nil }
                await queue.shutdown()
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    @Test func lineSplitterKeepsLinesAcrossChunks() throws {
        var splitter = LineSplitter()
        #expect(try splitter.feed(Array("{\"a\"".utf8)).isEmpty)
        let lines = try splitter.feed(Array(":1}\n{\"b\":2}\n{\"c\"".utf8))
        #expect(lines.map { String(decoding: $0, as: UTF8.self) } == ["{\"a\":1}", "{\"b\":2}"])
        #expect(splitter.finish().map { String(decoding: $0, as: UTF8.self) } == "{\"c\"")
    }
}
