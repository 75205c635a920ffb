import CoreMetrics
import MediaBatchCore
import Synchronization

/// Every metric the engine records, named in one place. Counters are made once per label set and kept, so
/// recording one is a dictionary lookup and an atomic add.
final class EngineMetrics: Sendable {
  static let items = "mediabatch_items_total"
  static let itemErrors = "mediabatch_item_errors_total"
  static let bytes = "mediabatch_bytes_downloaded_total"
  static let users = "mediabatch_users_total"
  static let jobs = "mediabatch_jobs_total"
  static let retries = "mediabatch_retries_total"

  private let factory: any MetricsFactory
  private let counters = Mutex<[String: Counter]>([:])

  init(factory: any MetricsFactory) {
    self.factory = factory
  }

  func itemFinished(_ outcome: ItemOutcome) {
    counter(Self.items, ("status", outcome.status.rawValue)).increment()
    if outcome.status == .failed, let code = outcome.error?.code {
      counter(Self.itemErrors, ("code", code.rawValue)).increment()
    }
    if outcome.status == .downloaded, let size = outcome.size {
      counter(Self.bytes).increment(by: size)
    }
    if outcome.attempts > 1 { counter(Self.retries).increment(by: outcome.attempts - 1) }
  }

  func userFinished(_ result: UserResult) {
    counter(Self.users, ("status", result.status.rawValue)).increment()
  }

  func jobFinished(_ status: JobStatus) {
    counter(Self.jobs, ("status", status.rawValue)).increment()
  }

  private func counter(_ label: String, _ dimensions: (String, String)...) -> Counter {
    let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
    return counters.withLock { counters in
      if let counter = counters[key] { return counter }
      let counter = Counter(label: label, dimensions: dimensions, factory: factory)
      counters[key] = counter
      return counter
    }
  }
}
