// One pass over a delivered file before it is parsed: its SHA-256 (the registry key), its
// size, and whether it is valid UTF-8 (else it is read as Windows-1252).

import Foundation
import OutflowCore
import OutflowCSV
import OutflowStorage

/// Identity and encoding of one file.
public struct FileFingerprint: Sendable {
    public let sha256: String
    public let size: Int
    public let encoding: TextEncoding

    public init(sha256: String, size: Int, encoding: TextEncoding) {
        self.sha256 = sha256
        self.size = size
        self.encoding = encoding
    }

    /// Reads the file once in 1 MiB chunks.
    public init(path: String) throws {
        try self.init(descriptor: open(path, O_RDONLY), path: path)
    }

    /// Reads a file by the bytes of its path (a name that is not UTF-8 has no String that
    /// opens it); `shown` names it in messages.
    package init(rawPath: [UInt8], shown: String) throws {
        let fd = (rawPath + [0]).withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_RDONLY) }
        }
        try self.init(descriptor: fd, path: shown)
    }

    private init(descriptor fd: Int32, path: String) throws {
        guard fd >= 0 else {
            throw OutflowError(.ioError, "\(path): cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var hasher = SHA256()
        var utf8 = UTF8Validation()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var size = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw OutflowError(.ioError, "\(path): cannot read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            size += n
            buffer.withUnsafeBytes { raw in
                let chunk = UnsafeRawBufferPointer(rebasing: raw[0..<n])
                hasher.update(chunk)
                utf8.update(chunk)
            }
        }
        sha256 = Hex.encode(hasher.finalize())
        self.size = size
        encoding = utf8.isCompleteAndValid ? .utf8 : .windows1252
    }
}

/// A fingerprint known before loading, or one still being computed.
package enum Fingerprinting {
    case known(FileFingerprint)
    /// Hashing on a background thread while the file loads, so a new delivery costs no wall time.
    case pending(Background<FileFingerprint>)
}
