import Logging
import MediaBatchCore
import MediaBatchEngine
import MediaBatchJobStore
import MediaBatchTesting

/// An engine wired to a test's source and store, writing into a temporary folder.
struct EngineHarness<Source: UserSource, Store: MediaStore> {
  let directory: TemporaryDirectory
  let engine: BatchEngine
  let jobStore: any JobStore & JobHistory

  let source: Source
  let store: Store

  /// `inMemory`: the job store lives in memory (`InMemoryJobStore`), so nothing at all is written to the folder; by
  /// default it is the SQLite file a later process of a rerun reads back.
  init(source: Source, store: Store, settings: JobSettings = JobSettings(), directory: TemporaryDirectory? = nil, inMemory: Bool = false) throws {
    self.directory = try directory ?? TemporaryDirectory()
    self.source = source
    self.store = store
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let root = self.directory.appending("out")
    jobStore =
      inMemory
      ? InMemoryJobStore() : try SQLiteJobStore(path: SQLiteJobStore.path(outputRoot: root), syncing: nil, logger: logger)
    engine = BatchEngine(
      source: source, store: store, layout: OutputLayout(root: root), defaults: settings, jobStore: jobStore, logger: logger
    )
  }

  var outputRoot: String { directory.appending("out") }

  /// A new engine over the same source, store and output folder: the next process of a rerun.
  func restarted() throws -> EngineHarness {
    try EngineHarness(source: source, store: store, settings: engine.defaults, directory: directory)
  }

  /// Runs one job with `settings` to its end and returns every event it published.
  func runJob(_ settings: JobSettings? = nil) async throws -> [EventEnvelope] {
    try await withThrowingTaskGroup(of: [EventEnvelope].self) { group in
      let engine = self.engine
      let settings = settings ?? engine.defaults
      let events = engine.events.subscribe(bufferSize: 100_000)
      group.addTask {
        try await engine.run()
        return []
      }
      _ = try engine.start(settings)
      engine.finishAfterCurrentJob()
      var collected: [EventEnvelope] = []
      for await envelope in events {
        collected.append(envelope)
        if case .state(_, let status) = envelope.event, !status.isActive { break }
      }
      try await group.waitForAll()
      return collected
    }
  }
}

extension [EventEnvelope] {
  var finalStatus: JobStatus? {
    for envelope in reversed() {
      if case .state(_, let status) = envelope.event { return status }
    }
    return nil
  }
}
