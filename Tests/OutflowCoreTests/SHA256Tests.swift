// SHA-256 against the FIPS 180-4 examples (NIST CSRC "Examples with Intermediate Values",
// SHA256.pdf, and FIPS 180-2 appendix B.3 for one million 'a'), fed whole, in pieces split
// around the block and padding boundaries, and from a file. The 'a'-run digests for the
// padding edges come from python3 hashlib (OpenSSL 3), as NIST publishes none of those
// lengths.

import Foundation
import Testing
import OutflowCore
import OutflowTestSupport

struct SHA256Tests {
    struct Vector: Sendable, CustomStringConvertible {
        let name: String
        let message: [UInt8]
        let digest: String
        var description: String { name }
    }

    static let twoBlock448 = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
    static let twoBlock896 = Array(("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
        + "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu").utf8)
    static let fips896Digest = "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"

    /// FIPS 180-4 examples.
    static let published: [Vector] = [
        Vector(name: "abc", message: Array("abc".utf8),
               digest: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        Vector(name: "empty", message: [],
               digest: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        Vector(name: "448 bits", message: twoBlock448,
               digest: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        Vector(name: "896 bits", message: twoBlock896, digest: fips896Digest),
    ]

    /// Runs of 'a' whose length puts the 0x80 byte and the length field on either side of a
    /// block boundary (python3 hashlib.sha256).
    static let paddingEdges: [Vector] = [
        (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
        (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
        (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
        (120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"),
    ].map { Vector(name: "\($0.0) x 'a'", message: Array(repeating: UInt8(ascii: "a"), count: $0.0), digest: $0.1) }

    // MARK: - One shot

    @Test(arguments: published + paddingEdges)
    func hashesMessageInOneCall(_ vector: Vector) {
        #expect(Hex.encode(SHA256.hash(vector.message)) == vector.digest)
    }

    @Test func hashesOneMillionA() {
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(Hex.encode(SHA256.hash(million))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    // MARK: - Streaming

    @Test(arguments: [1, 55, 56, 63, 64, 65, 111])
    func splitUpdateEqualsPublishedDigest(at split: Int) {
        var hasher = SHA256()
        hasher.update(Array(SHA256Tests.twoBlock896[..<split]))
        hasher.update(Array(SHA256Tests.twoBlock896[split...]))
        #expect(Hex.encode(hasher.finalize()) == SHA256Tests.fips896Digest)
    }

    @Test func byteByByteUpdateEqualsPublishedDigest() {
        var hasher = SHA256()
        for byte in SHA256Tests.twoBlock896 { hasher.update([byte]) }
        #expect(Hex.encode(hasher.finalize()) == SHA256Tests.fips896Digest)
    }

    @Test func awkwardPiecesOfOneMillionAEqualPublishedDigest() {
        var hasher = SHA256()
        let pieces = [1, 55, 56, 63, 64, 65, 127, 4096]
        var fed = 0
        var i = 0
        while fed < 1_000_000 {
            let n = min(pieces[i % pieces.count], 1_000_000 - fed)
            hasher.update([UInt8](repeating: UInt8(ascii: "a"), count: n))
            fed += n
            i += 1
        }
        #expect(Hex.encode(hasher.finalize())
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func emptyUpdatesChangeNothing() {
        var hasher = SHA256()
        hasher.update([])
        hasher.update(Array("abc".utf8))
        hasher.update(UnsafeRawBufferPointer(start: nil, count: 0))
        #expect(Hex.encode(hasher.finalize())
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    // MARK: - Files

    @Test func fileDigestEqualsInMemoryDigest() throws {
        // Just over 3 MiB, so the 1 MiB reads end mid-block and a partial chunk comes last.
        let bytes = (0..<(3 << 20) + 1_000_003).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("sha256-\(UUID().uuidString).bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try SHA256.hexDigest(ofFileAt: path) == Hex.encode(SHA256.hash(bytes)))
    }

    @Test func emptyFileHasEmptyMessageDigest() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("sha256-\(UUID().uuidString).bin").path
        try Data().write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try SHA256.hexDigest(ofFileAt: path)
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func missingFileErrorNamesPathAndReason() {
        let path = "/nonexistent-\(UUID().uuidString)/delivery.csv"
        let error = #expect(throws: SHA256.FileError.self) { try SHA256.hexDigest(ofFileAt: path) }
        #expect(error?.description == "\(path): cannot open: No such file or directory")
    }
}
