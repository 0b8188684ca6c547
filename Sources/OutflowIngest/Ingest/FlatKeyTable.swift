// A hash table for millions of 128-bit keys that are well-mixed hashes already (person
// keys, row-key fingerprints), kept small because ingest holds it through whole files. The
// keys sit in one array indexed by id; the table itself is 4-byte slots holding ids (linear
// probing, power-of-two capacity, load at most 3/4, the first slot from the top bits of the
// key's high half times the golden ratio: taking its low bits directly made probe runs long
// enough to slow a million-row load by half). For 4.5M persons that is 69 MiB of keys and
// 32 MiB of slots, where 20-byte key-and-id slots (a Dictionary, or a flat table laid out
// that way) take 160 MiB, and 240 MiB while they grow. Growing rehashes only the slots; the key array is
// extended with `realloc`, which for large blocks remaps pages instead of copying them.

import Foundation
import OutflowCore
import OutflowCSV
import OutflowStorage

/// Numbers 128-bit keys with positive Int32 ids: insert-or-get, lookup, no deletions but
/// `removeAll`. Ids should be dense (1, 2, 3, ... with few gaps): keys are stored by id.
/// Used by one thread at a time.
package final class FlatKeyTable {
    /// A key: 128 bits of a good hash. The slot comes from `high` (Fibonacci hashing).
    package struct Key: Equatable {
        package var high: UInt64
        package var low: UInt64
    }

    /// How many keys the table holds.
    package private(set) var count = 0
    /// The highest id inserted; `insert(_:)` gives the next key the one after it.
    package private(set) var highestId: Int32 = 0
    /// The id of the key in each slot; 0 for an empty slot.
    private var slots: UnsafeMutablePointer<Int32>
    /// Slot count - 1 (a power of two minus one).
    private var mask: Int
    /// `keys[id - 1]` is the key with that id; room for `keyCapacity` ids.
    private var keys: UnsafeMutablePointer<Key>?
    private var keyCapacity = 0

    private static let minimumSlots = 16

    package init() {
        slots = Self.allocateSlots(Self.minimumSlots)
        mask = Self.minimumSlots - 1
    }

    deinit {
        free(slots)
        free(keys)
    }

    /// Makes room for `capacity` keys in all, with ids up to about as many, without growing.
    package func reserve(_ capacity: Int) {
        var slotCount = mask + 1
        while capacity * 4 > slotCount * 3 { slotCount *= 2 }
        if slotCount > mask + 1 { rehash(slotCount: slotCount) }
        reserveKeys(Int(highestId) + max(0, capacity - count))
    }

    /// The id of `key`, or nil when the table does not hold it.
    package func id(of key: Key) -> Int32? {
        var i = home(key)
        while true {
            let id = slots[i]
            if id == 0 { return nil }
            if keys.unsafelyUnwrapped[Int(id) - 1] == key { return id }
            i = (i + 1) & mask
        }
    }

    /// The key's first slot: its high half multiplied by 2^64 / golden ratio, top bits taken
    /// (Fibonacci hashing), so keys whose low bits agree still spread over the table.
    @inline(__always) private func home(_ key: Key) -> Int {
        Int(truncatingIfNeeded: (key.high &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - (mask + 1).trailingZeroBitCount))
    }


    /// Inserts `key` with `id` unless it is there already: the id the key has, and whether
    /// it was new. `id` must be positive and not in use for another key.
    @discardableResult
    package func insert(_ key: Key, id: Int32) -> (id: Int32, inserted: Bool) {
        precondition(id > 0, "ids start at 1")
        var i = home(key)
        while true {
            let found = slots[i]
            if found == 0 { break }
            if keys.unsafelyUnwrapped[Int(found) - 1] == key { return (found, false) }
            i = (i + 1) & mask
        }
        if (count + 1) * 4 > (mask + 1) * 3 {
            rehash(slotCount: (mask + 1) * 2)
            i = emptySlot(for: key)
        }
        if Int(id) > keyCapacity { reserveKeys(max(Int(id), keyCapacity * 2, 1024)) }
        keys.unsafelyUnwrapped[Int(id) - 1] = key
        slots[i] = id
        count += 1
        highestId = max(highestId, id)
        return (id, true)
    }

    /// The table as a set: inserts `key` under the next id; false when it was there already.
    package func insert(_ key: Key) -> Bool {
        insert(key, id: highestId + 1).inserted
    }

    /// The first empty slot on `key`'s probe sequence.
    private func emptySlot(for key: Key) -> Int {
        var i = home(key)
        while slots[i] != 0 { i = (i + 1) & mask }
        return i
    }

    /// Forgets every key with an id above `id`: what was inserted since the table last held
    /// no higher id (a rolled-back load). The slots are rebuilt; the keys stay where they are.
    package func removeAll(above id: Int32) {
        guard highestId > id else { return }
        rehash(slotCount: mask + 1, keepingIdsUpTo: id)
    }

    /// Moves every id (up to `limit`) into fresh slots of `slotCount` and frees the old ones.
    private func rehash(slotCount: Int, keepingIdsUpTo limit: Int32 = .max) {
        let old = slots, oldCount = mask + 1
        slots = Self.allocateSlots(slotCount)
        mask = slotCount - 1
        var kept = 0, highest: Int32 = 0
        for s in 0..<oldCount where old[s] != 0 && old[s] <= limit {
            slots[emptySlot(for: keys.unsafelyUnwrapped[Int(old[s]) - 1])] = old[s]
            kept += 1
            highest = max(highest, old[s])
        }
        count = kept
        highestId = highest
        free(old)
    }

    /// Room in the key array for ids up to `capacity`.
    private func reserveKeys(_ capacity: Int) {
        guard capacity > keyCapacity else { return }
        guard let grown = realloc(keys, capacity * MemoryLayout<Key>.stride) else { fatalError("out of memory for \(capacity) keys") }
        keys = grown.bindMemory(to: Key.self, capacity: capacity)
        keyCapacity = capacity
    }

    /// Zeroed slots: `calloc` maps large blocks fresh, so untouched slots cost no memory yet.
    private static func allocateSlots(_ count: Int) -> UnsafeMutablePointer<Int32> {
        guard let raw = calloc(count, MemoryLayout<Int32>.stride) else { fatalError("out of memory for \(count) slots") }
        return raw.bindMemory(to: Int32.self, capacity: count)
    }
}
