import Foundation
import XCTest

@testable import Criba

/// Advisory locks and temporary files of model writes.
final class FileIOTests: XCTestCase {
    /// Two holders of the lock never overlap, also when the first replaces the file (a new
    /// inode) while the second waits on the old one.
    func testExclusiveLockSerialisesWritersAcrossARename() throws {
        let dir = try temporaryDirectory(self)
        let path = try writeFile(dir, "m.criba", "v0")
        let events = EventLog()
        let note = events.note
        let firstInside = DispatchSemaphore(value: 0)
        let first = Thread {
            try? FileIO.withExclusiveLock(on: path) {
                note("first in")
                firstInside.signal()
                usleep(300_000)
                try? FileIO.writeAtomically(Array("v1".utf8), to: path)
                note("first out")
            }
        }
        first.start()
        firstInside.wait()
        let seen = try FileIO.withExclusiveLock(on: path) { () -> String in
            note("second in")
            return String(decoding: try FileIO.readAll(path: path), as: UTF8.self)
        }
        XCTAssertEqual(seen, "v1", "the second writer reads what the first wrote")
        XCTAssertEqual(events.all, ["first in", "first out", "second in"])
    }

    func testNoLockIsNeededForAFileThatDoesNotExistYet() throws {
        let dir = try temporaryDirectory(self)
        let path = dir.appendingPathComponent("new.criba").path
        XCTAssertEqual(try FileIO.withExclusiveLock(on: path) { 7 }, 7)
    }

    func testOnlyUnlockedTemporaryFilesOfTheSameOutputAreRemovedAsStale() throws {
        let dir = try temporaryDirectory(self)
        let stale = try writeFile(dir, ".out.tmp.abcdef", "x")
        let held = try writeFile(dir, ".out.tmp.ghijkl", "x")
        let other = try writeFile(dir, ".other.tmp.abcdef", "x")
        let longer = try writeFile(dir, ".out.tmp.abcdefg", "x")
        let fd = try FileDescriptor.open(held, .readOnly)
        defer { try? fd.close() }
        XCTAssertEqual(try fd.lock(wait: false), true)
        FileIO.removeStaleTemporaryFiles(in: dir.path, of: "out")
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
        XCTAssertFalse(left.contains((stale as NSString).lastPathComponent))
        XCTAssertEqual(left, Set([held, other, longer].map { ($0 as NSString).lastPathComponent }))
    }
}

/// Lines noted by several threads, in order.
final class EventLog: @unchecked Sendable {
    private let lock = ThreadLock()
    private var events: [String] = []

    @Sendable func note(_ s: String) { lock.withLock { events.append(s) } }

    var all: [String] { lock.withLock { events } }
}
