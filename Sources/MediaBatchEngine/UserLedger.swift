import MediaBatchCore
import Synchronization

/// The users a job has started and not yet finished, and the outcomes of their items so far. The task that records a
/// user's last outcome is told, and finishes the user.
final class UserLedger: Sendable {
  struct OpenUser: Sendable {
    var user: SourceUser
    var folder: String
    var expected: Int
    /// The manifest an earlier job wrote into the folder.
    var previousManifest: ManifestRecord?
    var outcomes: [ItemOutcome] = []
  }

  /// A user whose every item has an outcome.
  struct FinishedUser: Sendable {
    var user: SourceUser
    var folder: String
    var previousManifest: ManifestRecord?
    var outcomes: [ItemOutcome]
  }

  private let users = Mutex<[String: OpenUser]>([:])

  /// Opens a user expecting `expected` outcomes. A user with none is finished at once.
  func open(_ user: SourceUser, folder: String, expected: Int, previousManifest: ManifestRecord? = nil) -> FinishedUser? {
    if expected == 0 { return FinishedUser(user: user, folder: folder, previousManifest: previousManifest, outcomes: []) }
    users.withLock {
      $0[user.id] = OpenUser(user: user, folder: folder, expected: expected, previousManifest: previousManifest)
    }
    return nil
  }

  /// Records one outcome; returns the user when it was its last.
  func record(_ outcome: ItemOutcome, userId: String) -> FinishedUser? {
    users.withLock { users in
      guard var open = users[userId] else { return nil }
      open.outcomes.append(outcome)
      if open.outcomes.count < open.expected {
        users[userId] = open
        return nil
      }
      users.removeValue(forKey: userId)
      return FinishedUser(user: open.user, folder: open.folder, previousManifest: open.previousManifest, outcomes: open.outcomes)
    }
  }
}
