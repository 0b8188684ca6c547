// Synthetic inboxes are pseudonymised under a public demo key: generated data is not
// personal data, and a fixed key keeps its pseudonyms reproducible. Never use it for real
// deliveries.

import Foundation
import OutflowCore

extension SyntheticInbox {
    /// The public key of synthetic inboxes.
    package static let demoKey = Array("outflow-synthetic-demo-key-not-for-real-data".utf8)

    /// Writes an inbox into `directory` (created when missing), pseudonymised under the demo key.
    public static func generate(into directory: String, options: Options) throws -> Summary {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw OutflowError(.cannotCreate, "\(directory): cannot create folder: \(error.localizedDescription)")
        }
        let hmac = HMACSHA256(key: demoKey)
        return try write(to: directory, options: options, keyId: PseudonymKey.keyId(of: demoKey)) {
            Hex.encode(hmac.authenticate(Array($0.utf8)))
        }
    }
}
