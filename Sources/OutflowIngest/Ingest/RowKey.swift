// The exact key of a row for the duplicate check within one file, built in place in a buffer
// the row-key set owns (`RowKeySet`, FlatKeyTable.swift), which frees it.

import Foundation

/// A row key as exact bytes, for the duplicate check within one file: its values one after
/// another, each self-delimiting (a number as LEB128 of its 64 bits, a text as its UTF-8
/// length and bytes), so two keys built by the same appends are equal exactly when every
/// value is. Person ids stand for pseudonyms: the person index gives two pseudonyms one id
/// only when they are equal, and takes 1 to 5 bytes where a pseudonym takes 32.
///
/// The bytes live in a buffer the `RowKeySet` building the key owns and reuses for every key:
/// appending writes bytes in place, with no array bookkeeping per byte (that showed in the
/// profile of the parsing thread, the slower side of a load).
package struct RowKey {
    private var start: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// How many bytes the key has.
    package private(set) var count = 0

    /// An empty key in a new buffer of `capacity` bytes, which `release` frees.
    init(capacity: Int) {
        guard let raw = malloc(capacity) else { fatalError("out of memory for a row key") }
        start = raw.bindMemory(to: UInt8.self, capacity: capacity)
        self.capacity = capacity
    }

    package mutating func append(_ value: Int) {
        reserve(10)   // LEB128 of 64 bits
        var v = UInt64(bitPattern: Int64(value))
        while v >= 0x80 {
            start[count] = UInt8(truncatingIfNeeded: v) | 0x80
            count += 1
            v >>= 7
        }
        start[count] = UInt8(v)
        count += 1
    }

    package mutating func append(_ text: String) {
        var copy = text
        copy.withUTF8 { utf8 in
            append(utf8.count)
            reserve(utf8.count)
            if let base = utf8.baseAddress { (start + count).update(from: base, count: utf8.count) }
            count += utf8.count
        }
    }

    /// The key's bytes, valid until the key changes.
    package var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: start, count: count) }

    /// Empties the key, keeping its buffer.
    package mutating func removeAll() { count = 0 }

    /// Frees the buffer; the key is not used again.
    func release() { free(start) }

    private mutating func reserve(_ more: Int) {
        guard count + more > capacity else { return }
        let grown = max(capacity * 2, count + more)
        guard let raw = realloc(start, grown) else { fatalError("out of memory for a row key of \(grown) bytes") }
        start = raw.bindMemory(to: UInt8.self, capacity: grown)
        capacity = grown
    }
}
