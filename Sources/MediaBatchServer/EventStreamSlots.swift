import Synchronization

/// Counts the event streams open at once, so that no number of clients can make the server hold more.
final class EventStreamSlots: Sendable {
  /// One open stream's place: free again when the stream ends (`release()`), or when this is gone, whichever is first.
  final class Slot: Sendable {
    private let slots: EventStreamSlots
    private let released = Mutex(false)

    fileprivate init(_ slots: EventStreamSlots) {
      self.slots = slots
    }

    func release() {
      guard !released.withLock({ released in defer { released = true }; return released }) else { return }
      slots.open.withLock { $0 -= 1 }
    }

    deinit { release() }
  }

  let capacity: Int
  private let open = Mutex(0)

  init(capacity: Int) {
    self.capacity = capacity
  }

  var openCount: Int { open.withLock { $0 } }

  /// A slot, or `nil` when every one is taken.
  func take() -> Slot? {
    let taken = open.withLock { open in
      guard open < capacity else { return false }
      open += 1
      return true
    }
    return taken ? Slot(self) : nil
  }
}
