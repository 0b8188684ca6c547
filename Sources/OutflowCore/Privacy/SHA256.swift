// SHA-256 (FIPS 180-4) written out in Swift, because the pipeline may not depend on a crypto
// package and hashes every delivered file (often 100+ MB) each night to key the file
// registry. The hasher is a plain value with its state and partial block stored inline, so
// copying one (as HMAC does once per row) never touches the heap; whole blocks are
// compressed straight from the caller's buffer, and the message schedule lives in one stack
// allocation per `update`, not per block.

import Foundation

/// A streaming SHA-256 hasher: feed bytes with `update`, then take the 32-byte digest once
/// with `finalize`.
public struct SHA256: Sendable {
    package typealias Words = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
    package typealias Block = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    /// FIPS 180-4 section 5.3.3.
    package static let initialState: Words = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a,
        0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )

    private var state: Words = SHA256.initialState
    private var pending: Block = (0, 0, 0, 0, 0, 0, 0, 0)
    private var pendingCount = 0
    private var byteCount: UInt64 = 0

    /// A hasher that has seen no bytes yet.
    public init() {}

    // MARK: - Feeding bytes

    /// Adds bytes to the message; whole blocks are compressed straight from `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var source = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        byteCount &+= UInt64(remaining)
        if pendingCount > 0 {
            let offset = pendingCount
            let take = min(64 - offset, remaining)
            withUnsafeMutableBytes(of: &pending) { ($0.baseAddress! + offset).copyMemory(from: source, byteCount: take) }
            pendingCount += take
            source += take
            remaining -= take
            guard pendingCount == 64 else { return }
            withUnsafeBytes(of: &pending) { SHA256.compress(&state, $0.baseAddress!, blocks: 1) }
            pendingCount = 0
        }
        let blocks = remaining / 64
        if blocks > 0 {
            SHA256.compress(&state, source, blocks: blocks)
            source += blocks * 64
            remaining -= blocks * 64
        }
        if remaining > 0 {
            withUnsafeMutableBytes(of: &pending) { $0.baseAddress!.copyMemory(from: source, byteCount: remaining) }
            pendingCount = remaining
        }
    }

    /// Adds the bytes of an array to the message.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    // MARK: - Digest

    /// Pads the message and returns its 32-byte digest; the hasher is spent afterwards.
    public mutating func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
            finalize(into: UnsafeMutableRawPointer(buffer.baseAddress!))
            count = 32
        }
    }

    /// Pads the message and writes its 32-byte digest to `digest`, so HMAC can chain the
    /// inner hash into the outer one without an intermediate array.
    package mutating func finalize(into digest: UnsafeMutableRawPointer) {
        let bitLength = byteCount &<< 3
        let used = pendingCount
        withUnsafeMutableBytes(of: &pending) { block in
            block[used] = 0x80
            if used >= 56 {
                block.baseAddress!.advanced(by: used + 1).initializeMemory(as: UInt8.self, repeating: 0, count: 63 - used)
                SHA256.compress(&state, block.baseAddress!, blocks: 1)
                block.baseAddress!.initializeMemory(as: UInt8.self, repeating: 0, count: 56)
            } else {
                block.baseAddress!.advanced(by: used + 1).initializeMemory(as: UInt8.self, repeating: 0, count: 55 - used)
            }
            block.storeBytes(of: bitLength.bigEndian, toByteOffset: 56, as: UInt64.self)
            SHA256.compress(&state, block.baseAddress!, blocks: 1)
        }
        withUnsafeBytes(of: state) { words in
            for i in 0..<8 {
                let word = words.load(fromByteOffset: i * 4, as: UInt32.self)
                digest.storeBytes(of: word.bigEndian, toByteOffset: i * 4, as: UInt32.self)
            }
        }
    }

    /// The SHA-256 digest of `bytes` in one call.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    // MARK: - Files

    /// The lowercase hex SHA-256 of a file, read with `read(2)` in 1 MiB chunks so memory
    /// stays flat whatever the file size.
    public static func hexDigest(ofFileAt path: String) throws -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileError(path: path, operation: "open", reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        var hasher = SHA256()
        while true {
            let n = read(fd, chunk.baseAddress!, chunk.count)
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "read", reason: String(cString: strerror(errno)))
            }
            hasher.update(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
        }
        return Hex.encode(hasher.finalize())
    }

    /// A file that could not be hashed: which file, what was being done, and the system's
    /// reason (`strerror(errno)`).
    public struct FileError: Error, Sendable, CustomStringConvertible {
        /// The path as given by the caller.
        public let path: String
        /// `open` or `read`.
        public let operation: String
        /// The text of `errno`.
        public let reason: String

        /// The one line a user sees, e.g. `in/a.csv: cannot open: No such file or directory`.
        public var description: String { "\(path): cannot \(operation): \(reason)" }
    }
}

// MARK: - Compression

extension SHA256 {
    /// FIPS 180-4 section 4.2.2: the first 32 bits of the fractional parts of the cube roots
    /// of the first 64 primes.
    package static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    @inline(__always)
    package static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &>> n) | (x &<< (32 &- n)) }

    /// One round of FIPS 180-4 section 6.2.2 step 3, written so that the caller renames the
    /// working variables instead of moving them: `d` and `h` are the two that change.
    @inline(__always)
    package static func round(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
                      _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32) {
        let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ (g ^ (e & (f ^ g))) &+ kw
        let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) | (c & (a | b)))
        d &+= t1
        h = t1 &+ t2
    }

    /// Runs the compression function over `blocks` consecutive 64-byte blocks at `data`.
    package static func compress(_ state: inout Words, _ data: UnsafeRawPointer, blocks: Int) {
        // The message schedule and a copy of the round constants in one allocation, so every
        // round reads both through one base address: with two, the rounds ran out of
        // registers and reloaded the bases from the stack each time.
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 128) { w in
            // w[0..<64]: the schedule; w[64..<128]: the round constants.
            _ = UnsafeMutableBufferPointer(rebasing: w[64..<128]).initialize(from: roundConstants)
            var (h0, h1, h2, h3, h4, h5, h6, h7) = state
            for block in 0..<blocks {
                let base = data + block &* 64
                for t in 0..<16 {
                    w[t] = UInt32(bigEndian: base.loadUnaligned(fromByteOffset: t &* 4, as: UInt32.self))
                }
                for t in 16..<64 {
                    let x = w[t &- 15], y = w[t &- 2]
                    let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x &>> 3)
                    let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y &>> 10)
                    w[t] = s1 &+ w[t &- 7] &+ s0 &+ w[t &- 16]
                }
                var (a, b, c, d, e, f, g, h) = (h0, h1, h2, h3, h4, h5, h6, h7)
                // Eight rounds per pass with the variables' roles rotated in the call, so
                // no round spends instructions shuffling a..h.
                for t in stride(from: 0, to: 64, by: 8) {
                    round(a, b, c, &d, e, f, g, &h, w[64 &+ t] &+ w[t])
                    round(h, a, b, &c, d, e, f, &g, w[65 &+ t] &+ w[t &+ 1])
                    round(g, h, a, &b, c, d, e, &f, w[66 &+ t] &+ w[t &+ 2])
                    round(f, g, h, &a, b, c, d, &e, w[67 &+ t] &+ w[t &+ 3])
                    round(e, f, g, &h, a, b, c, &d, w[68 &+ t] &+ w[t &+ 4])
                    round(d, e, f, &g, h, a, b, &c, w[69 &+ t] &+ w[t &+ 5])
                    round(c, d, e, &f, g, h, a, &b, w[70 &+ t] &+ w[t &+ 6])
                    round(b, c, d, &e, f, g, h, &a, w[71 &+ t] &+ w[t &+ 7])
                }
                h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
                h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
            }
            state = (h0, h1, h2, h3, h4, h5, h6, h7)
        }
    }
}
