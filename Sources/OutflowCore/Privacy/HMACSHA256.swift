// HMAC-SHA256 (RFC 2104, FIPS 198-1), the function that turns a citizen service number into
// a pseudonym, and the key id that lets the loader tell files pseudonymised under different
// keys apart (docs/delivery-contract.md, "Pseudonyms and keys"). `outflow pseudonymise` authenticates
// millions of rows under one key, so the hashers already fed with the padded key are built
// once and copied per message; SHA256 keeps its state inline, so a copy costs no allocation.

/// HMAC-SHA256 under one fixed key.
public struct HMACSHA256: Sendable {
    private static let blockSize = 64
    private let inner: SHA256
    private let outer: SHA256

    /// Prepares the inner and outer states for `key`; keys longer than a block are hashed
    /// first (RFC 2104 section 2).
    public init(key: [UInt8]) {
        var block = key.count > HMACSHA256.blockSize ? SHA256.hash(key) : key
        block += [UInt8](repeating: 0, count: HMACSHA256.blockSize - block.count)
        var inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(block.map { $0 ^ 0x5c })
        self.inner = inner
        self.outer = outer
    }

    /// The 32-byte HMAC of `message`.
    public func authenticate(_ message: UnsafeRawBufferPointer) -> [UInt8] {
        var inner = self.inner
        inner.update(message)
        var outer = self.outer
        withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { innerDigest in
            inner.finalize(into: innerDigest.baseAddress!)
            outer.update(UnsafeRawBufferPointer(innerDigest))
        }
        return outer.finalize()
    }

    /// The 32-byte HMAC of `message`.
    public func authenticate(_ message: [UInt8]) -> [UInt8] {
        message.withUnsafeBytes { authenticate($0) }
    }

    /// The 32-byte HMAC of `message` under `key`, for a single use of a key.
    public static func authenticate(message: [UInt8], key: [UInt8]) -> [UInt8] {
        HMACSHA256(key: key).authenticate(message)
    }
}

// MARK: - Key id

/// The secret key that all suppliers share to pseudonymise citizen numbers.
public enum PseudonymKey {
    /// The key id written to `key_id` columns: the first 8 lowercase hex characters of the
    /// SHA-256 of the key, which identifies the key without revealing it.
    public static func keyId(of key: [UInt8]) -> String {
        Hex.encode(Array(SHA256.hash(key).prefix(4)))
    }
}
