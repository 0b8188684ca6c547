// Exact hash tables for the millions of keys ingest holds through whole files, kept small.
// A key is found only when all of its bytes equal the stored ones: a hash picks where to
// look, never what matches, so two different keys can never share an id.
//
// Both tables number their keys with positive Int32 ids and keep the keys in one block by
// id; the table proper is 4-byte slots holding ids (`FlatSlots`: linear probing,
// power-of-two capacity, load at most 3/4, the first slot from the top bits of the hash, the
// bits of a slot above its id a tag from the hash's low bits, so a probe reads a stored key
// only when the tag agrees: about 1 in 256 of the other keys it passes).
// `FlatKeyTable` holds pseudonyms, all 32 bytes each (the person index): for 4.5M persons
// that is 137 MiB of keys and 32 MiB of slots, where 36-byte key-and-id slots (a Dictionary,
// or a flat table laid out that way) take 288 MiB, and 432 MiB while they grow.
// `RowKeySet` holds the row keys of one file (`RowKey`, typically 6 to 20 bytes) end to end
// in one byte block, with an 8-byte end offset each: for a million rows about 20 MiB of
// keys, 8 MiB of offsets and 8 MiB of slots.
//
// Slot positions come from a hash seeded with 256 bits from the system's secure random
// generator, drawn once per table, so pseudonyms or row keys crafted to share slots (long
// probe runs that would slow a load to a crawl) cannot be made without the seed. The hash is
// wyhash's multiply-fold (the 128-bit product of two seeded words, its halves xored), as Go's
// runtime hashes map keys where AES is not available: three multiplies for a pseudonym.
//
// Growing rehashes only the slots, recomputing each hash from its stored key; the key blocks
// are extended with `realloc`, which for large blocks remaps pages instead of copying them.
// Raw pointers stay inside this file and `RowKey` (RowKey.swift): each table owns its blocks,
// and the row-key set its reusable key buffer, and frees them in `deinit`.

import Foundation
import OutflowCore

/// The secret seed of one table's hash, and the hash of a pseudonym and of a byte string.
package struct TableSeed {
    private let s0, s1, s2, s3: UInt64

    /// 256 fresh bits from `SystemRandomNumberGenerator` (getrandom on Linux).
    package init() {
        var random = SystemRandomNumberGenerator()
        (s0, s1, s2, s3) = (random.next(), random.next(), random.next(), random.next())
    }

    /// The 128-bit product of `x` and `y` with its halves xored together.
    @inline(__always)
    package static func fold(_ x: UInt64, _ y: UInt64) -> UInt64 {
        let product = x.multipliedFullWidth(by: y)
        return product.high ^ product.low
    }

    @inline(__always)
    package func hash(_ p: Pseudonym) -> UInt64 {
        Self.fold(Self.fold(p.a ^ s0, p.b ^ s1) ^ s2, Self.fold(p.c ^ s2, p.d ^ s3) ^ s3)
    }

    /// The hash of a byte string: 16 bytes at a time, then the last 1 to 16 zero-padded (the
    /// length, mixed in first, tells the padding apart from zero bytes).
    package func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var h = s0 ^ UInt64(key.count)
        guard var p = key.baseAddress, key.count > 0 else { return Self.fold(h ^ s1, s2) }
        var n = key.count
        while n > 16 {
            h = Self.fold(p.loadUnaligned(as: UInt64.self) ^ s1, p.loadUnaligned(fromByteOffset: 8, as: UInt64.self) ^ h)
            p += 16
            n -= 16
        }
        let first = min(n, 8)
        let product = (Self.word(p, first) ^ s2).multipliedFullWidth(by: Self.word(p + first, n - first) ^ h)
        return Self.fold(product.low ^ s3, product.high ^ s1)
    }

    /// `count` (at most 8) bytes from `p`, little-endian, zero-padded.
    @inline(__always)
    private static func word(_ p: UnsafeRawPointer, _ count: Int) -> UInt64 {
        if count == 8 { return p.loadUnaligned(as: UInt64.self) }
        var word: UInt64 = 0
        for k in 0..<count { word |= UInt64(p.load(fromByteOffset: k, as: UInt8.self)) << UInt64(8 * k) }
        return word
    }
}

/// The slots of a table: positive Int32 ids placed by hash, linear probing, a power-of-two
/// count of slots, at most 3/4 full. It knows no keys: its owner hashes them and says whether
/// an id holds one. The owner frees it with `deallocate()`.
///
/// A slot is 32 bits: the id in its low `idBits` bits (24 to start with: 16.7M ids), the same
/// bits of its key's hash above them (a tag). A probe asks the owner to compare keys only
/// where the tag agrees, so passing another key's slot costs no load from the key block (a
/// cache and TLB miss each in a table of millions); an id beyond the id bits widens them and
/// rebuilds the slots, narrowing the tag (at 31 id bits it is one bit, still exact).
package struct FlatSlots {
    /// How many ids the slots hold.
    package private(set) var count = 0
    /// Id and tag in each slot; 0 for an empty slot.
    private var slots: UnsafeMutablePointer<UInt32>
    /// Slot count - 1.
    private var mask: Int
    /// 64 - log2(slot count): the hash's top bits are the first slot.
    private var shift: UInt64
    /// The id bits of a slot; the others are the tag.
    private var idMask: UInt32

    package static let minimumSlots = 16
    package static let initialIdBits = 24

    package init(slotCount: Int = minimumSlots) {
        self.init(slotCount: slotCount, idMask: (1 << UInt32(Self.initialIdBits)) - 1)
    }

    private init(slotCount: Int, idMask: UInt32) {
        precondition(slotCount >= Self.minimumSlots && slotCount & (slotCount - 1) == 0, "a power of two slots")
        // Zeroed by `calloc`, which maps large blocks fresh: untouched slots cost no memory yet.
        guard let raw = calloc(slotCount, MemoryLayout<UInt32>.stride) else { fatalError("out of memory for \(slotCount) slots") }
        slots = raw.bindMemory(to: UInt32.self, capacity: slotCount)
        mask = slotCount - 1
        shift = UInt64(64 - slotCount.trailingZeroBitCount)
        self.idMask = idMask
    }

    package func deallocate() { free(slots) }

    package var slotCount: Int { mask + 1 }

    /// The tag bits of `hash`, placed as in a slot.
    @inline(__always)
    private func tag(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash) & ~idMask }

    /// The first id on `hash`'s probe run with `hash`'s tag that `holds` accepts, or 0 and the
    /// empty slot that ends the run (where a new key with this hash goes).
    @inline(__always)
    package func find(_ hash: UInt64, _ holds: (Int32) -> Bool) -> (id: Int32, slot: Int) {
        let tag = self.tag(hash), idMask = self.idMask
        var i = Int(truncatingIfNeeded: hash >> shift)
        while true {
            let s = slots[i]
            if s == 0 { return (0, i) }
            if s & ~idMask == tag {
                let id = Int32(bitPattern: s & idMask)
                if holds(id) { return (id, i) }
            }
            i = (i + 1) & mask
        }
    }

    /// Puts `id` into the empty `slot` that `find` gave for `hash`; when that would leave the
    /// slots more than 3/4 full, first doubles them (`hashOf` gives the hash of each id).
    package mutating func fill(_ slot: Int, hash: UInt64, with id: Int32, hashOf: (Int32) -> UInt64) {
        precondition(id > 0, "ids start at 1")
        var slot = slot
        let grow = (count + 1) * 4 > slotCount * 3
        if grow || UInt32(id) & ~idMask != 0 {
            let bits = max(32 - UInt32(id).leadingZeroBitCount, 32 - idMask.leadingZeroBitCount)
            rebuild(slotCount: grow ? slotCount * 2 : slotCount, idMask: UInt32((UInt64(1) << UInt64(bits)) - 1), hashOf: hashOf)
            slot = find(hash) { _ in false }.slot
        }
        slots[slot] = UInt32(id) | tag(hash)
        count += 1
    }

    /// Makes room for `capacity` ids in all without growing.
    package mutating func reserve(_ capacity: Int, hashOf: (Int32) -> UInt64) {
        var grown = slotCount
        while capacity * 4 > grown * 3 { grown *= 2 }
        if grown > slotCount { rebuild(slotCount: grown, hashOf: hashOf) }
    }

    /// Moves every id up to `limit` into `slotCount` fresh slots and frees the old ones; the
    /// highest id kept.
    @discardableResult
    package mutating func rebuild(slotCount: Int, keepingIdsUpTo limit: Int32 = .max, hashOf: (Int32) -> UInt64) -> Int32 {
        rebuild(slotCount: slotCount, idMask: idMask, keepingIdsUpTo: limit, hashOf: hashOf)
    }

    @discardableResult
    private mutating func rebuild(slotCount: Int, idMask: UInt32, keepingIdsUpTo limit: Int32 = .max,
                                  hashOf: (Int32) -> UInt64) -> Int32 {
        let old = slots, oldCount = self.slotCount, oldIdMask = self.idMask
        self = FlatSlots(slotCount: slotCount, idMask: idMask)
        var highest: Int32 = 0
        for s in 0..<oldCount where old[s] != 0 {
            let id = Int32(bitPattern: old[s] & oldIdMask)
            guard id <= limit else { continue }
            let hash = hashOf(id)
            slots[find(hash) { _ in false }.slot] = UInt32(id) | tag(hash)
            count += 1
            highest = max(highest, id)
        }
        free(old)
        return highest
    }
}

/// Numbers pseudonyms with positive Int32 ids: insert-or-get, lookup, no deletions but
/// `removeAll(above:)`. Two pseudonyms get the same id only when all 32 bytes are equal.
/// Ids should be dense (1, 2, 3, ... with few gaps): pseudonyms are stored by id.
/// Used by one thread at a time.
/// Its stored state is marked `@exclusivity(unchecked)`: one thread owns the table and no
/// access to one property overlaps another to it, so the runtime's per-access bookkeeping
/// (about 2% of a load, measured in docs/benchmarks.md) buys nothing here.
package final class FlatKeyTable {
    /// How many pseudonyms the table holds.
    package var count: Int { slots.count }
    /// The highest id inserted.
    @exclusivity(unchecked) package private(set) var highestId: Int32 = 0
    @exclusivity(unchecked) private var slots = FlatSlots()
    /// `keys[id - 1]` is the pseudonym with that id; room for `keyCapacity` ids.
    @exclusivity(unchecked) private var keys: UnsafeMutablePointer<Pseudonym>?
    @exclusivity(unchecked) private var keyCapacity = 0
    private let seed = TableSeed()

    package init() {}

    deinit {
        slots.deallocate()
        free(keys)
    }

    /// Makes room for `capacity` pseudonyms in all, with ids up to about as many, without growing.
    package func reserve(_ capacity: Int) {
        slots.reserve(capacity, hashOf: hashOf)
        reserveKeys(Int(highestId) + max(0, capacity - count))
    }

    /// The id of `key`, or nil when the table does not hold it.
    package func id(of key: Pseudonym) -> Int32? {
        let keys = self.keys
        let found = slots.find(seed.hash(key)) { keys.unsafelyUnwrapped[Int($0) - 1] == key }.id
        return found == 0 ? nil : found
    }

    /// Inserts `key` with `id` unless it is there already: the id the key has, and whether
    /// it was new. `id` must be positive and not in use for another key.
    @discardableResult
    package func insert(_ key: Pseudonym, id: Int32) -> (id: Int32, inserted: Bool) {
        precondition(id > 0, "ids start at 1")
        let hash = seed.hash(key)
        let keys = self.keys
        let (found, slot) = slots.find(hash) { keys.unsafelyUnwrapped[Int($0) - 1] == key }
        if found != 0 { return (found, false) }
        if Int(id) > keyCapacity { reserveKeys(max(Int(id), keyCapacity * 2, 1024)) }
        self.keys.unsafelyUnwrapped[Int(id) - 1] = key
        slots.fill(slot, hash: hash, with: id, hashOf: hashOf)
        highestId = max(highestId, id)
        return (id, true)
    }

    /// Forgets every key with an id above `id`: what was inserted since the table last held
    /// no higher id (a rolled-back load). The slots are rebuilt; the keys stay where they are.
    package func removeAll(above id: Int32) {
        guard highestId > id else { return }
        highestId = slots.rebuild(slotCount: slots.slotCount, keepingIdsUpTo: id, hashOf: hashOf)
    }

    private func hashOf(_ id: Int32) -> UInt64 { seed.hash(keys.unsafelyUnwrapped[Int(id) - 1]) }

    /// Room in the key block for ids up to `capacity`.
    private func reserveKeys(_ capacity: Int) {
        guard capacity > keyCapacity else { return }
        guard let grown = realloc(keys, capacity * MemoryLayout<Pseudonym>.stride) else { fatalError("out of memory for \(capacity) keys") }
        keys = grown.bindMemory(to: Pseudonym.self, capacity: capacity)
        keyCapacity = capacity
    }
}

/// A set of byte strings, compared whole: the row keys of one file (`RowKey`), for
/// `duplicate_key`. Key `id` (1, 2, 3, ... in insertion order) is
/// `bytes[ends[id - 1] ..< ends[id]]`. Used by one thread at a time.
/// One thread owns the set; its stored state is `@exclusivity(unchecked)` for the reason
/// `FlatKeyTable` gives.
package final class RowKeySet {
    /// How many keys the set holds.
    package var count: Int { slots.count }
    @exclusivity(unchecked) private var slots = FlatSlots()
    @exclusivity(unchecked) private var bytes: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var byteCount = 0
    @exclusivity(unchecked) private var byteCapacity: Int
    /// `ends[0]` is 0; room for `endCapacity` entries.
    @exclusivity(unchecked) private var ends: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private var endCapacity: Int
    private let seed = TableSeed()
    /// The key `insert(_ build:)` builds, reused so that building one allocates nothing.
    @exclusivity(unchecked) private var scratch = RowKey(capacity: 256)

    package init() {
        byteCapacity = 4096
        endCapacity = 1024
        guard let b = malloc(byteCapacity), let e = malloc(endCapacity * MemoryLayout<Int>.stride) else { fatalError("out of memory") }
        bytes = b.bindMemory(to: UInt8.self, capacity: byteCapacity)
        ends = e.bindMemory(to: Int.self, capacity: endCapacity)
        ends[0] = 0
    }

    deinit {
        slots.deallocate()
        free(bytes)
        free(ends)
        scratch.release()
    }

    /// Makes room for `capacity` keys in all without rehashing (the bytes still grow by doubling).
    package func reserve(_ capacity: Int) {
        slots.reserve(capacity, hashOf: hashOf)
        reserveEnds(capacity + 1)
    }

    /// Inserts the key `build` appends to an empty `RowKey`; false when it was there already.
    package func insert(_ build: (inout RowKey) -> Void) -> Bool {
        scratch.removeAll()
        build(&scratch)
        return insert(scratch.bytes)
    }

    /// Inserts a copy of `key`; false when the set held those bytes already.
    package func insert(_ key: UnsafeRawBufferPointer) -> Bool {
        let n = key.count
        let hash = seed.hash(key)
        let bytes = self.bytes, ends = self.ends
        let (found, slot) = slots.find(hash) { id in
            let start = ends[Int(id) - 1]
            return ends[Int(id)] - start == n && (n == 0 || memcmp(bytes + start, key.baseAddress!, n) == 0)
        }
        if found != 0 { return false }
        let id = count + 1
        reserveEnds(id + 1)
        if byteCount + n > byteCapacity { reserveBytes(max(byteCount + n, byteCapacity * 2)) }
        if n > 0 { UnsafeMutableRawPointer(self.bytes + byteCount).copyMemory(from: key.baseAddress!, byteCount: n) }
        byteCount += n
        self.ends[id] = byteCount
        slots.fill(slot, hash: hash, with: Int32(id), hashOf: hashOf)
        return true
    }

    private func hashOf(_ id: Int32) -> UInt64 {
        let start = ends[Int(id) - 1]
        return seed.hash(UnsafeRawBufferPointer(start: bytes + start, count: ends[Int(id)] - start))
    }

    private func reserveEnds(_ capacity: Int) {
        guard capacity > endCapacity else { return }
        let grown = max(capacity, endCapacity * 2)
        guard let raw = realloc(ends, grown * MemoryLayout<Int>.stride) else { fatalError("out of memory for \(grown) row keys") }
        ends = raw.bindMemory(to: Int.self, capacity: grown)
        endCapacity = grown
    }

    private func reserveBytes(_ capacity: Int) {
        guard let raw = realloc(bytes, capacity) else { fatalError("out of memory for \(capacity) bytes of row keys") }
        bytes = raw.bindMemory(to: UInt8.self, capacity: capacity)
        byteCapacity = capacity
    }
}
