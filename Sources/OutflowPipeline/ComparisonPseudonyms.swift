// The pseudonyms the comparison stage reads from the person table, never one per person of
// the whole table: the draw's ranks (HMAC-SHA256 of each resident's pseudonym, hashed on
// worker threads while the table is read), the exposed children's pseudonyms by sorted id, and
// the controls' in the order of the lines of restricted/matched_sets.csv. Each is kept as its
// 32 bytes (`PackedPseudonym`).

import Foundation
import OutflowCore

/// Ranks of the draw: each slot's rank is the first 8 bytes (big-endian) of
/// HMAC-SHA256(key, pseudonym as 64 hex characters). Pseudonyms are queued in batches, and
/// each full batch is hashed on a worker thread while the caller goes on reading the next, so
/// reading and hashing share the cores; at most a few batches are ever held.
final class RankHasher: @unchecked Sendable {
    private let hmac: HMACSHA256
    private let ranks: UnsafeMutableBufferPointer<UInt64>
    private var slots: [Int32] = []
    private var text: [UInt8] = []
    private let work = DispatchGroup()
    /// Batches handed out and not hashed yet, at most one per core plus one.
    private let inFlight = DispatchSemaphore(value: ProcessInfo.processInfo.activeProcessorCount + 1)
    private static let batchSize = 1 << 13

    /// Ranks for slots 0..<count, all 0 until hashed.
    init(key: [UInt8], count: Int) {
        hmac = HMACSHA256(key: key)
        ranks = .allocate(capacity: count)
        ranks.initialize(repeating: 0)
    }

    deinit {
        work.wait()   // a batch still being hashed writes into `ranks`
        ranks.deallocate()
    }

    /// Queues the pseudonym `hex` whose rank goes to slot `slot` (a pseudonym that is not 64
    /// characters keeps rank 0).
    func add(_ slot: Int, _ hex: UnsafeBufferPointer<UInt8>) {
        guard hex.count == 64 else { return }
        if slots.isEmpty {
            slots.reserveCapacity(Self.batchSize)
            text.reserveCapacity(Self.batchSize * 64)
        }
        slots.append(Int32(slot))
        text.append(contentsOf: hex)
        if slots.count == Self.batchSize { submit() }
    }

    /// Hashes what is still queued and waits for every batch.
    func finish() {
        submit()
        work.wait()
    }

    /// The rank of `slot` (after `finish`).
    func rank(_ slot: Int) -> UInt64 { ranks[slot] }

    private func submit() {
        guard !slots.isEmpty else { return }
        inFlight.wait()
        // Each batch writes only its own slots, so no two workers ever touch the same element.
        let (slots, text, hmac, out, done) = (self.slots, self.text, hmac, ranks, inFlight)
        nonisolated(unsafe) let ranks = out
        DispatchQueue.global().async(group: work) {
            text.withUnsafeBytes { text in
                for (i, slot) in slots.enumerated() {
                    let digest = hmac.authenticate(UnsafeRawBufferPointer(rebasing: text[i * 64..<(i + 1) * 64]))
                    ranks[Int(slot)] = digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
                }
            }
            done.signal()
        }
        self.slots = []
        self.text = []
    }
}

/// The pseudonyms of some persons, kept as their 32 bytes in one flat buffer beside their ids
/// in ascending order (found by binary search), and given back as 64 lowercase hex characters.
struct HexTable: Sendable {
    private var ids: [Int32] = []
    private var bytes: [UInt8] = []

    /// An empty table with room for `capacity` pseudonyms.
    init(capacity: Int = 0) {
        ids.reserveCapacity(capacity)
        bytes.reserveCapacity(capacity * 32)
    }

    /// Keeps the pseudonym `hex` (64 hex characters) of `id`; ids come in ascending order (a
    /// repeated or smaller id is ignored).
    mutating func add(_ id: Int, _ hex: UnsafeBufferPointer<UInt8>) {
        guard ids.last.map({ Int($0) < id }) ?? true, hex.count >= 64 else { return }
        ids.append(Int32(id))
        bytes.append(contentsOf: repeatElement(0, count: 32))
        PackedPseudonym.pack(hex, into: &bytes, at: bytes.count - 32)
    }

    /// The pseudonym of `id` as 64 hex characters, empty when it was not added.
    func hex(_ id: Int) -> [UInt8] {
        var text = [UInt8](repeating: 0, count: 64)
        return text.withUnsafeMutableBufferPointer { writeHex(of: id, to: $0.baseAddress!) } ? text : []
    }

    /// Writes the pseudonym of `id` as 64 hex characters at `out` (room for 64 bytes); false,
    /// with nothing written, when it was not added.
    func writeHex(of id: Int, to out: UnsafeMutablePointer<UInt8>) -> Bool {
        guard let k = ids.sortedIndex(of: id) else { return false }
        PackedPseudonym.unpack(bytes, at: k * 32, to: out)
        return true
    }
}

/// A pseudonym kept as its 32 bytes instead of 64 hex characters, in a flat byte array.
enum PackedPseudonym {
    /// Packs the 64 hex characters `hex` into `bytes[offset..<offset + 32]` (a character that
    /// is not hex counts as 0: the person table holds only checked pseudonyms).
    static func pack(_ hex: UnsafeBufferPointer<UInt8>, into bytes: inout [UInt8], at offset: Int) {
        for i in 0..<32 { bytes[offset + i] = (Hex.value(of: hex[2 * i]) ?? 0) << 4 | (Hex.value(of: hex[2 * i + 1]) ?? 0) }
    }

    /// Writes `bytes[offset..<offset + 32]` as 64 lowercase hex characters at `out`.
    static func unpack(_ bytes: [UInt8], at offset: Int, to out: UnsafeMutablePointer<UInt8>) {
        bytes.withUnsafeBufferPointer { bytes in
            Hex.digits.withUnsafeBufferPointer { digit in
                for i in 0..<32 {
                    let byte = bytes[offset + i]
                    out[2 * i] = digit[Int(byte >> 4)]
                    out[2 * i + 1] = digit[Int(byte & 0xF)]
                }
            }
        }
    }
}

/// The controls' pseudonyms in the order of the lines of `restricted/matched_sets.csv` (one
/// line per control drawn), 32 bytes each, filled while the person table is read in order of
/// id: the controls are visited sorted by id beside it, so the table is read once and the file
/// is written front to back.
struct ControlNames: Sendable {
    /// (person id, line) of every line, in order of person id.
    private let byPerson: [(id: Int32, line: Int32)]
    private var cursor = 0
    private var bytes: [UInt8]
    private var filled: [Bool]

    init(controls: [Int32]) {
        byPerson = controls.enumerated().map { (id: $0.element, line: Int32($0.offset)) }.sorted { ($0.id, $0.line) < ($1.id, $1.line) }
        bytes = [UInt8](repeating: 0, count: controls.count * 32)
        filled = [Bool](repeating: false, count: controls.count)
    }

    /// Takes the pseudonym `hex` of person `id` for its lines; ids come in ascending order.
    mutating func offer(_ id: Int, _ hex: UnsafeBufferPointer<UInt8>) {
        while cursor < byPerson.count && Int(byPerson[cursor].id) < id { cursor += 1 }
        guard hex.count >= 64 else { return }
        while cursor < byPerson.count && Int(byPerson[cursor].id) == id {
            let line = Int(byPerson[cursor].line)
            PackedPseudonym.pack(hex, into: &bytes, at: line * 32)
            filled[line] = true
            cursor += 1
        }
    }

    /// Writes line `line`'s pseudonym as 64 hex characters at `out`; false, with nothing
    /// written, when the person table did not have it.
    func writeHex(ofLine line: Int, to out: UnsafeMutablePointer<UInt8>) -> Bool {
        guard line < filled.count, filled[line] else { return false }
        PackedPseudonym.unpack(bytes, at: line * 32, to: out)
        return true
    }
}
