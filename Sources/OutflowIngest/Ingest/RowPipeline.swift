// Loading on both cores: one thread reads and checks the CSV (pure Swift: parsing, dates,
// codes, pseudonyms, person ids, duplicate keys) while the calling thread, which owns the
// SQLite connection, inserts what it hands over in batches. A bounded hand-off keeps
// memory flat; an error on either side stops both before the transaction rolls back.

import Foundation
import OutflowCore
import OutflowCSV
import OutflowStorage

/// One row as the parsing thread hands it over.
package enum ParsedRow<Values: Sendable>: Sendable {
    case accepted(line: Int, Values)
    case rejected(line: Int, RowRejection)
}

/// A batch of parsed rows with the persons they introduce. The inserting thread turns both
/// arrays last item first and takes the items with `popLast`, which moves an item out (its
/// texts are not retained for a copy and released twice, as reading it in place and copying
/// it into the insert would; that showed in the load's profile). It does the turning, not the
/// parsing thread: the parsing thread is the slower side of a load.
package struct ParsedBatch<Values: Sendable>: Sendable {
    package var newPersons: [(id: Int, pseudonym: String)] = []
    package var rows: [ParsedRow<Values>] = []

    /// Turns the arrays, filled first item first, last item first for taking with `popLast`.
    mutating func reverseForTaking() {
        newPersons.reverse()
        rows.reverse()
    }
}

/// What the parsing thread found over the whole file.
package struct ParseSummary: Sendable {
    package var rowsRead = 0
    /// Columns (by header position) whose values look like citizen numbers.
    package var citizenNumberColumns: [Int] = []
    package var keyIds: Set<String> = []
    /// A file-level problem found while reading (an unterminated quote, a read error).
    package var failure: FileRejection?
}

/// Runs the parse/insert pipeline for one file.
package enum RowPipeline {
    package static let batchSize = 2048

    /// Parses every record with `parse` on a second thread and calls `consume` on this one,
    /// which takes the batch's persons and rows with `popLast` (turned last first for it).
    package static func run<Values: Sendable>(reader: CSVReader, fileName: String, headerCount: Int, context: ParseContext,
                                      parse: @escaping @Sendable (inout ParseContext) throws -> Values,
                                      consume: (inout ParsedBatch<Values>) throws -> Void) throws -> ParseSummary {
        let handoff = Handoff<Message<Values>>(capacity: 4)
        let producer = Producer(reader: reader, fileName: fileName, headerCount: headerCount, context: context,
                                parse: parse, handoff: handoff)
        let thread = Thread { producer.run() }
        thread.stackSize = 1 << 22
        thread.start()
        do {
            while true {
                switch handoff.take() {
                case .batch(var batch):
                    batch.reverseForTaking()
                    try consume(&batch)
                case .finished(let summary):
                    producer.done.wait()
                    return summary
                }
            }
        } catch {
            handoff.cancel()
            producer.done.wait()
            throw error
        }
    }

    package enum Message<Values: Sendable>: Sendable {
        case batch(ParsedBatch<Values>)
        case finished(ParseSummary)
    }

    /// The parsing side; its state is touched only by its own thread until `done` is signalled.
    package final class Producer<Values: Sendable>: @unchecked Sendable {
        package let reader: CSVReader
        package let fileName: String
        package let headerCount: Int
        /// Only the parsing thread touches it, one row at a time (`@exclusivity(unchecked)`:
        /// the runtime's check on every row showed in the load's profile).
        @exclusivity(unchecked) package var context: ParseContext
        package let parse: @Sendable (inout ParseContext) throws -> Values
        package let handoff: Handoff<Message<Values>>
        package let done = DispatchSemaphore(value: 0)

        package init(reader: CSVReader, fileName: String, headerCount: Int, context: ParseContext,
             parse: @escaping @Sendable (inout ParseContext) throws -> Values, handoff: Handoff<Message<Values>>) {
            self.reader = reader
            self.fileName = fileName
            self.headerCount = headerCount
            self.context = context
            self.parse = parse
            self.handoff = handoff
        }

        package func run() {
            defer { done.signal() }
            var summary = ParseSummary()
            var screens = [CitizenNumberScreen](repeating: CitizenNumberScreen(), count: headerCount)
            var batch = ParsedBatch<Values>()
            batch.rows.reserveCapacity(RowPipeline.batchSize)
            let progress = Progress(label: "ingest \(fileName)")
            defer { progress.finish() }
            while true {
                do {
                    guard try reader.next() else { break }
                } catch let error as CSVError {
                    summary.failure = FileLoader.rejection(error, fileName)
                    break
                } catch {
                    summary.failure = FileRejection(file: fileName, reason: .unreadable, detail: "\(error)")
                    break
                }
                summary.rowsRead += 1
                if summary.rowsRead & 0x3FFF == 0 { progress.update(rows: summary.rowsRead) }
                let fields = min(reader.count, headerCount)
                // One uniqueness check per record, not one per field.
                screens.withUnsafeMutableBufferPointer { screens in
                    for i in 0..<fields { reader.withField(i) { screens[i].observe(FieldValue.trimmed($0)) } }
                }
                do {
                    guard reader.count == headerCount else {
                        throw RowRejection(.fieldCount, column: nil, raw: "\(reader.count) fields, expected \(headerCount)")
                    }
                    batch.rows.append(.accepted(line: reader.row, try parse(&context)))
                } catch let rejection as RowRejection {
                    batch.rows.append(.rejected(line: reader.row, rejection))
                } catch {
                    summary.failure = FileRejection(file: fileName, reason: .unreadable, detail: "\(error)")
                    break
                }
                if batch.rows.count >= RowPipeline.batchSize {
                    if summary.rowsRead == RowPipeline.batchSize { context.expectRows(readSoFar: summary.rowsRead, of: reader) }
                    batch.newPersons = context.persons.takePending()
                    guard handoff.put(.batch(batch)) else { return }
                    batch = ParsedBatch()
                    batch.rows.reserveCapacity(RowPipeline.batchSize)
                }
            }
            batch.newPersons = context.persons.takePending()
            if !batch.rows.isEmpty || !batch.newPersons.isEmpty { guard handoff.put(.batch(batch)) else { return } }
            summary.citizenNumberColumns = screens.indices.filter { screens[$0].looksLikeCitizenNumbers }
            summary.keyIds = context.keyIds
            _ = handoff.put(.finished(summary))
        }
    }
}

/// A bounded blocking hand-off between two threads.
package final class Handoff<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [T] = []
    private let capacity: Int
    private var cancelled = false

    package init(capacity: Int) { self.capacity = capacity }

    /// Waits for room and adds an item; false when the consumer has given up.
    package func put(_ item: T) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Waits for the next item.
    package func take() -> T {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty { condition.wait() }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// Wakes and stops the producer.
    package func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}

/// Hands a value that one thread owns at a time to another thread.
package final class Unchecked<T>: @unchecked Sendable {
    package let value: T
    package init(_ value: T) { self.value = value }
}
