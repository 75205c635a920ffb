public import MediaBatchCore
import Synchronization
import Toolbox

/// A store that holds every request open until the test releases it, and reports each request as it arrives: tests
/// observe the engine's concurrency exactly, with no timing involved.
public final class GatedStore: MediaStore, Sendable {
  private struct State {
    var inFlight = 0
    var maximumInFlight = 0
    var opened = 0
    var releasedPermits = 0
    var nextWaiter = 0
    var waiters: [(id: Int, continuation: CheckedContinuation<Void, Never>)] = []
    var releaseAll = false
  }

  private let state = Mutex(State())
  private let openedContinuation: AsyncStream<ObjectLocation>.Continuation
  /// Every request, as it arrives and before it is served.
  public let opened: AsyncStream<ObjectLocation>
  public let objectSize: Int

  public init(objectSize: Int = 512) {
    self.objectSize = objectSize
    (opened, openedContinuation) = AsyncStream.makeStream(of: ObjectLocation.self)
  }

  /// The most requests ever held open at once.
  public var maximumInFlight: Int { state.withLock { $0.maximumInFlight } }
  public var inFlight: Int { state.withLock { $0.inFlight } }

  /// Lets `count` held (or future) requests through.
  public func release(_ count: Int = 1) {
    let toResume = state.withLock { state in
      state.releasedPermits += count
      let n = min(state.releasedPermits, state.waiters.count)
      state.releasedPermits -= n
      let resumed = state.waiters.prefix(n).map(\.continuation)
      state.waiters.removeFirst(n)
      return resumed
    }
    for waiter in toResume { waiter.resume() }
  }

  /// Lets every request through, now and from now on.
  public func releaseAll() {
    let toResume = state.withLock { state in
      state.releaseAll = true
      defer { state.waiters.removeAll() }
      return state.waiters.map(\.continuation)
    }
    for waiter in toResume { waiter.resume() }
  }

  public func open(_ location: ObjectLocation, offset: Int64, generation: String?) async throws -> MediaResponse {
    state.withLock { state in
      state.inFlight += 1
      state.opened += 1
      state.maximumInFlight = max(state.maximumInFlight, state.inFlight)
    }
    openedContinuation.yield(location)
    let id = state.withLock { state in
      defer { state.nextWaiter += 1 }
      return state.nextWaiter
    }
    // A cancelled request stops waiting at once, as a real connection torn down by cancellation does.
    await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let passNow = state.withLock { state in
          if state.releaseAll || Task.isCancelled { return true }
          if state.releasedPermits > 0 {
            state.releasedPermits -= 1
            return true
          }
          state.waiters.append((id, continuation))
          return false
        }
        if passNow { continuation.resume() }
      }
    } onCancel: {
      let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
        guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return state.waiters.remove(at: index).continuation
      }
      waiter?.resume()
    }
    state.withLock { $0.inFlight -= 1 }
    try Task.checkCancellation()
    let bytes = ScriptedStore.bytes(for: location.object, count: objectSize)
    return MediaResponse(
      info: ObjectInfo(size: Int64(bytes.count), generation: "1", crc32c: CRC32C.checksum(bytes)),
      body: ByteStream(bytes: bytes)
    )
  }
}
