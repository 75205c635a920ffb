import CoreMetrics
import MediaBatchCore
import Toolbox

/// Every metric the engine records, named in one place. Counters and timers are made once per label set and kept,
/// so recording one is a dictionary lookup and an atomic add.
public final class EngineMetrics: Sendable {
  static let items = "mediabatch_items_total"
  static let itemErrors = "mediabatch_item_errors_total"
  static let bytes = "mediabatch_bytes_downloaded_total"
  static let users = "mediabatch_users_total"
  static let jobs = "mediabatch_jobs_total"
  static let retries = "mediabatch_retries_total"
  /// Seconds from an item's start to its end (histogram), by status: what a download of one file costs.
  public static let itemDuration = "mediabatch_item_duration_seconds"
  /// Seconds from asking for an object's bytes to the answer's headers (histogram): the store's latency.
  public static let timeToFirstByte = "mediabatch_time_to_first_byte_seconds"

  private let factory: any MetricsFactory
  private let counters = KeyedCache<Counter>()
  private let timers = KeyedCache<Timer>()

  init(factory: any MetricsFactory) {
    self.factory = factory
  }

  func itemFinished(_ outcome: ItemOutcome, seconds: Double?) {
    counter(Self.items, ("status", outcome.status.rawValue)).increment()
    if let seconds { timer(Self.itemDuration, ("status", outcome.status.rawValue)).recordSeconds(seconds) }
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

  func firstByte(after duration: Duration) {
    timer(Self.timeToFirstByte).recordNanoseconds(duration.nanoseconds)
  }

  private func timer(_ label: String, _ dimensions: (String, String)...) -> Timer {
    timers.value(for: Self.key(label, dimensions)) { Timer(label: label, dimensions: dimensions, factory: factory) }
  }

  private func counter(_ label: String, _ dimensions: (String, String)...) -> Counter {
    counters.value(for: Self.key(label, dimensions)) { Counter(label: label, dimensions: dimensions, factory: factory) }
  }

  private static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
    label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
  }
}

