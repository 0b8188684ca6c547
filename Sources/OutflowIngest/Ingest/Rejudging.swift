// A loader that judges refused bytes again, for `outflow retry` (in the pipeline target).

import OutflowCore
import OutflowStorage

extension FileLoader {
    /// A loader for the refused file of registry row `fileId`, with the checks in `accepting` skipped.
    package static func retrying(db: Database, config: PipelineConfig, fileId: Int, accepting: Set<FileReason>, runId: String) throws -> FileLoader {
        var loader = FileLoader(db: db, config: config, persons: try PersonIndex(db: db),
                                erased: try PersonStore(db: db).erasedPseudonymDigests(), runId: runId)
        loader.rejudging = .retry(fileId: fileId)
        loader.accepting = accepting
        return loader
    }
}
