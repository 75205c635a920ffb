import Synchronization

/// Objects made once per key and kept for good: a lock and a dictionary. Metrics use it to make each label set's
/// counter or timer once, so recording one is a lookup.
public final class KeyedCache<Value: AnyObject & Sendable>: Sendable {
  private let values = Mutex<[String: Value]>([:])

  public init() {}

  /// The value made for `key`, made now by `make` when there is none.
  public func value(for key: String, make: () -> Value) -> Value {
    values.withLock { values in
      if let value = values[key] { return value }
      let value = make()
      values[key] = value
      return value
    }
  }
}

extension Duration {
  /// The whole duration in nanoseconds, saturating at `Int64.max`.
  public var nanoseconds: Int64 {
    let (seconds, attoseconds) = components
    let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    return overflow ? .max : whole.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
  }
}
