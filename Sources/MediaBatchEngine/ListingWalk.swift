import MediaBatchCore
import Synchronization

/// One listing of the folder that holds every user's folder (`users/`), walked page by page in name order and
/// shared by the users whose folders its pages cover: users arrive in the order of their documents, which is the
/// order of their folders when the folders are named after the user ids, so an unchanged rerun asks for one page of
/// 1,000 objects per 1,000 objects instead of one listing per user (a listing is billed as a class A operation,
/// ten times a metadata read). A user whose folder the walk cannot answer for (already passed, or further ahead than
/// a few pages) lists its own folder; when that happens to most users, the walk stops.
final class ListingWalk: Sendable {
  let bucket: String
  /// The folder walked, ending in `/`, or `""` for the whole bucket.
  let prefix: String
  private let page: @Sendable (_ pageToken: String?) async throws -> GenerationsPage?
  private let state = Mutex(State())

  /// Pages kept: enough for the users in flight, whose folders are near one another in the walk.
  static let keptPages = 4
  /// Pages a user may make the walk fetch before its own folder is listed instead.
  static let pagesAhead = 3

  private struct Page {
    var objects: [GenerationsPage.Object]
  }

  private struct State {
    var pages: [Page] = []
    /// Whether the first page has been dropped: names before the oldest kept page are then unknown.
    var evicted = false
    var nextPageToken: String?
    var started = false
    var finished = false
    var fetching = false
    var waiters: [CheckedContinuation<Void, Never>] = []
    var answered = 0
    var missed = 0
    var stopped = false
  }

  init(bucket: String, prefix: String, page: @escaping @Sendable (_ pageToken: String?) async throws -> GenerationsPage?) {
    self.bucket = bucket
    self.prefix = prefix
    self.page = page
  }

  /// The user's own folder in `prefix` (the folder named exactly as the user id: `users/u1/` in
  /// `users/u1/images/`) and the folder that holds it (`users/`, or `""` at the top of the bucket); `nil` when no
  /// folder of `prefix` bears the user's id, and users' objects are not laid out for a walk.
  static func userFolder(in prefix: String, userId: String) -> (folder: String, parent: String)? {
    let components = prefix.split(separator: "/", omittingEmptySubsequences: false).dropLast()
    guard !userId.isEmpty, let index = components.firstIndex(where: { $0 == userId }) else { return nil }
    let parent = components[..<index].map { $0 + "/" }.joined()
    return (parent + userId + "/", parent)
  }

  /// Every object under `folder` with its generation, or `nil` when the walk cannot tell (list the folder itself).
  func generations(under folder: String) async -> [String: String]? {
    guard folder.hasPrefix(prefix) else { return nil }
    var fetched = 0
    while true {
      enum Step {
        case answer([String: String]?)
        case wait
        case fetch(String?)
      }
      let step = state.withLock { state -> Step in
        if state.stopped { return .answer(nil) }
        if let answer = Self.answer(folder, in: &state) { return .answer(answer) }
        if state.fetching { return .wait }
        // Already passed: the walk cannot go back.
        if state.evicted, let first = state.pages.first?.objects.first?.name, Self.precedes(folder, first) {
          Self.missed(&state)
          return .answer(nil)
        }
        guard fetched < Self.pagesAhead else {
          Self.missed(&state)
          return .answer(nil)
        }
        state.fetching = true
        return .fetch(state.nextPageToken)
      }
      switch step {
      case .answer(let generations):
        return generations
      case .wait:
        await withCheckedContinuation { continuation in
          let ready = state.withLock { state -> Bool in
            guard state.fetching else { return true }
            state.waiters.append(continuation)
            return false
          }
          if ready { continuation.resume() }
        }
      case .fetch(let token):
        fetched += 1
        let result = try? await page(token)
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
          state.fetching = false
          if let result {
            state.started = true
            state.pages.append(Page(objects: result.objects))
            if state.pages.count > Self.keptPages {
              state.pages.removeFirst()
              state.evicted = true
            }
            state.nextPageToken = result.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
            state.finished = state.nextPageToken == nil
          } else {
            // The store cannot list, or the page failed: the users list their own folders from now on.
            state.stopped = true
          }
          defer { state.waiters = [] }
          return state.waiters
        }
        for waiter in waiters { waiter.resume() }
      }
    }
  }

  /// The answer for `folder` when the kept pages cover all of it: they start at or before it, and reach past it (or
  /// the walk has reached the end).
  private static func answer(_ folder: String, in state: inout State) -> [String: String]? {
    guard state.started, let last = state.pages.last?.objects.last?.name ?? (state.finished ? "" : nil) else {
      return nil
    }
    if state.evicted, let first = state.pages.first?.objects.first?.name, precedes(folder, first) { return nil }
    let reachesPast = state.finished || (precedes(folder, last) && !last.hasPrefix(folder))
    guard reachesPast else { return nil }
    var generations: [String: String] = [:]
    for page in state.pages {
      for object in page.objects where object.name.hasPrefix(folder) { generations[object.name] = object.generation }
    }
    state.answered += 1
    return generations
  }

  private static func missed(_ state: inout State) {
    state.missed += 1
    // Users that do not come in the order of their folders: the walk would only cost pages.
    if state.missed >= 20, state.missed > state.answered { state.stopped = true }
  }

  /// Byte order, as Cloud Storage lists.
  private static func precedes(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
  }
}
