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

    @Test func lineSplitterKeepsLinesAcrossChunks() throws {
        var splitter = LineSplitter()
        #expect(try splitter.feed(Array("{\"a\"".utf8)).isEmpty)
        let lines = try splitter.feed(Array(":1}\n{\"b\":2}\n{\"c\"".utf8))
        #expect(lines.map { String(decoding: $0, as: UTF8.self) } == ["{\"a\":1}", "{\"b\":2}"])
        #expect(splitter.finish().map { String(decoding: $0, as: UTF8.self) } == "{\"c\"")
    }
}
