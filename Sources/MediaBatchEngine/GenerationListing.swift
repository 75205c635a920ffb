import MediaBatchCore
import Synchronization

/// The current generations of the objects a user's recorded copies came from, listed once for all of them (one
/// request per 1,000 objects that share a prefix) when the first item asks, instead of one request per object.
final class GenerationListing: Sendable {
  /// What the listing says about one object.
  enum Answer: Equatable {
    /// The object is there, with this generation.
    case current(String)
    /// The listing has no such object: it was deleted.
    case absent
    /// No listing (the store cannot list, the prefix holds too many objects, or the request failed): ask the object.
    case unknown
  }

  private enum State {
    case idle
    case listing(waiters: [CheckedContinuation<[String: String]?, Never>])
    case done([String: String]?)
  }

  let bucket: String
  let prefix: String
  private let list: @Sendable () async -> [String: String]?
  private let state = Mutex(State.idle)

  init(bucket: String, prefix: String, list: @escaping @Sendable () async -> [String: String]?) {
    self.bucket = bucket
    self.prefix = prefix
    self.list = list
  }

  func generation(of location: ObjectLocation) async -> Answer {
    guard location.bucket == bucket, location.object.hasPrefix(prefix) else { return .unknown }
    guard let listed = await listing() else { return .unknown }
    return listed[location.object].map { .current($0) } ?? .absent
  }

  /// The listing: fetched by the first caller, awaited by the others.
  private func listing() async -> [String: String]? {
    enum Step {
      case list
      case wait
      case have([String: String]?)
    }
    let step = state.withLock { state -> Step in
      switch state {
      case .idle:
        state = .listing(waiters: [])
        return .list
      case .listing: return .wait
      case .done(let listed): return .have(listed)
      }
    }
    switch step {
    case .have(let listed):
      return listed
    case .wait:
      return await withCheckedContinuation { continuation in
        let ready = state.withLock { state -> [String: String]?? in
          switch state {
          case .listing(var waiters):
            waiters.append(continuation)
            state = .listing(waiters: waiters)
            return .none
          case .done(let listed): return .some(listed)
          case .idle: return .some(nil)
          }
        }
        if case .some(let listed) = ready { continuation.resume(returning: listed) }
      }
    case .list:
      let listed = await list()
      let waiters = state.withLock { state -> [CheckedContinuation<[String: String]?, Never>] in
        defer { state = .done(listed) }
        if case .listing(let waiters) = state { return waiters }
        return []
      }
      for waiter in waiters { waiter.resume(returning: listed) }
      return listed
    }
  }

  /// The prefix to list for objects named `names`: the folder they all share (up to and including the last `/` of
  /// their common beginning), or `nil` when they share none, since listing a whole bucket is never worth it.
  static func sharedFolder(of names: [String]) -> String? {
    guard var common = names.first?.utf8[...] else { return nil }
    for name in names.dropFirst() {
      let shared = zip(common, name.utf8).prefix { $0 == $1 }.count
      common = common.prefix(shared)
    }
    guard let slash = common.lastIndex(of: UInt8(ascii: "/")) else { return nil }
    return String(decoding: common[...slash], as: UTF8.self)
  }
}

/// Prefixes whose listings held too many objects to be worth it, not listed again in the same job; and the job's
/// walks of the folders that hold the users' folders, one per bucket.
final class ListingBudget: Sendable {
  private let tooLarge = Mutex<Set<String>>([])
  private let walks = Mutex<[String: ListingWalk]>([:])

  /// The job's walk of `prefix` in `bucket`, begun on first use.
  func walk(inBucket bucket: String, prefix: String, make: () -> ListingWalk) -> ListingWalk {
    walks.withLock { walks in
      let key = bucket + "/" + prefix
      if let walk = walks[key] { return walk }
      let walk = make()
      walks[key] = walk
      return walk
    }
  }

  func isWorthListing(_ bucket: String, _ prefix: String) -> Bool {
    !tooLarge.withLock { $0.contains(bucket + "/" + prefix) }
  }

  func markTooLarge(_ bucket: String, _ prefix: String) {
    _ = tooLarge.withLock { $0.insert(bucket + "/" + prefix) }
  }
}
