// Which refusals are still open. A refused file is resolved when a file of its source loaded
// after it covers what it was meant to bring: for a snapshot source, a snapshot of the same
// or a later extraction date (a snapshot delivers the whole state; a snapshot refused as out
// of order is resolved by the newer one already loaded); for the questionnaire, which only
// adds rows, a file of the same extraction date (or also without one). Retrying a file that
// then loads (`outflow retry`) removes the refusal itself.

import OutflowCore
import OutflowStorage

extension RegistryStore {
    /// The refusals no later delivery has resolved, oldest first.
    package func unresolvedRefusals() throws -> [RefusalNotice] {
        let files = try files()
        let loaded = files.filter { $0.status == "loaded" || $0.status == "superseded" }
        return files.filter { $0.status == "rejected" }.compactMap { refused -> RefusalNotice? in
            let source = SourceKind(rawValue: refused.source) ?? .registrations
            let resolved = loaded.contains { file in
                guard file.source == refused.source else { return false }
                let later = file.fileId > refused.fileId
                if !source.isSnapshot { return later && file.extractionDay == refused.extractionDay }
                guard let day = file.extractionDay else { return false }
                guard let refusedDay = refused.extractionDay else { return later }
                return day >= refusedDay && (later || refused.errorCode == FileReason.snapshotOutOfOrder.rawValue)
            }
            guard !resolved else { return nil }
            return RefusalNotice(source: source, fileName: refused.fileName, reason: refused.errorCode ?? "unknown",
                                 message: refused.error ?? refused.fileName, refusedAt: refused.loadedAt)
        }
    }
}
