import Foundation
import MediaBatchCore
import MediaBatchTesting
import Synchronization
import Testing

@testable import MediaBatchEngine

@Suite("Unchanged reruns", .timeLimit(.minutes(15)))
struct RerunTests {
  /// `users` users with `items` objects each under `<user>/images/`, in a store that lists.
  private static func store(users: Int, items: Int, extra: [String] = []) -> ScriptedStore {
    var objects: [String: ScriptedStore.Object] = [:]
    for user in 0..<users {
      for item in 0..<items {
        let name = "u\(user)/images/\(item)"
        objects[name] = .init(bytes: ScriptedStore.bytes(for: name, count: 2_000))
      }
    }
    for name in extra { objects[name] = .init(bytes: ScriptedStore.bytes(for: name, count: 10)) }
    return ScriptedStore(objects: objects, defaultSize: nil, lists: true)
  }

  private static func users(_ count: Int, items: Int) -> [SourceUser] {
    (0..<count).map { SourceUser.make(id: "u\($0)", items: items) }
  }

  /// Each user folder's manifest: its bytes and stamp.
  private static func manifests(_ root: String, users: Int) throws -> [String: (Data, Date)] {
    var found: [String: (Data, Date)] = [:]
    for user in 0..<users {
      let path = root + "/u\(user)_example_com/" + OutputLayout.manifestFileName
      let attributes = try FileManager.default.attributesOfItem(atPath: path)
      found["u\(user)"] = (try Data(contentsOf: URL(fileURLWithPath: path)), try #require(attributes[.modificationDate] as? Date))
    }
    return found
  }

  @Test("an unchanged rerun lists the folder of the users' folders once and asks no object alone, fetches nothing, and leaves every manifest as it was")
  func unchangedRerunLists() async throws {
    let harness = try EngineHarness(source: ListSource(Self.users(3, items: 4)), store: Self.store(users: 3, items: 4))
    defer { harness.directory.remove() }
    #expect(try await harness.runJob().finalStatus == .completed)
    #expect(harness.store.requests.count == 12)
    let before = try Self.manifests(harness.outputRoot, users: 3)

    let rerun = try harness.restarted()
    #expect(try await rerun.runJob().finalStatus == .completed)

    #expect(rerun.engine.snapshot().skippedFiles == 12)
    // Each user's objects are under a folder named after the user, at the top of the bucket: one page of the
    // bucket answers for all three.
    #expect(harness.store.listings == [""])
    #expect(harness.store.generationRequests == 0)
    #expect(harness.store.requests.count == 12, "nothing fetched again")
    let after = try Self.manifests(harness.outputRoot, users: 3)
    for user in ["u0", "u1", "u2"] {
      #expect(after[user]?.0 == before[user]?.0 && after[user]?.1 == before[user]?.1, "\(user)'s manifest was rewritten")
    }
    let report = try ExportVerifier(root: harness.outputRoot).verify { harness.store.expectedBytes($0.object) }
    #expect(report.problems.isEmpty && report.verifiedFiles == 12)
  }

  @Test("a user whose metadata changed gets a new manifest; an object deleted since fails as not found; the others stay")
  func changesAreSeen() async throws {
    let harness = try EngineHarness(source: ListSource(Self.users(3, items: 2)), store: Self.store(users: 3, items: 2))
    defer { harness.directory.remove() }
    #expect(try await harness.runJob().finalStatus == .completed)
    let before = try Self.manifests(harness.outputRoot, users: 3)

    var users = Self.users(3, items: 2)
    users[0].items[1].metadata = ["caption": .string("a new caption")]
    harness.store.delete("u1/images/0")
    let rerun = try EngineHarness(source: ListSource(users), store: harness.store, directory: harness.directory)
    #expect(try await rerun.runJob().finalStatus == .completedWithErrors)

    let snapshot = rerun.engine.snapshot()
    #expect(snapshot.skippedFiles == 5 && snapshot.failedFiles == 1)
    #expect(harness.store.generationRequests == 0)
    let after = try Self.manifests(harness.outputRoot, users: 3)
    #expect(after["u0"]?.0 != before["u0"]?.0, "the new metadata is in u0's manifest")
    #expect(String(decoding: try #require(after["u0"]?.0), as: UTF8.self).contains("a new caption"))
    #expect(after["u1"]?.0 != before["u1"]?.0, "u1's manifest records the failure")
    #expect(after["u2"]?.0 == before["u2"]?.0 && after["u2"]?.1 == before["u2"]?.1)
  }

  @Test("a manifest edited or deleted by hand is written again, though the user is unchanged")
  func touchedManifestIsRewritten() async throws {
    let harness = try EngineHarness(source: ListSource(Self.users(2, items: 2)), store: Self.store(users: 2, items: 2))
    defer { harness.directory.remove() }
    #expect(try await harness.runJob().finalStatus == .completed)
    let before = try Self.manifests(harness.outputRoot, users: 2)
    try FileManager.default.removeItem(atPath: harness.outputRoot + "/u0_example_com/" + OutputLayout.manifestFileName)
    try Data("{}".utf8).write(to: URL(fileURLWithPath: harness.outputRoot + "/u1_example_com/" + OutputLayout.manifestFileName))

    #expect(try await harness.restarted().runJob().finalStatus == .completed)

    let after = try Self.manifests(harness.outputRoot, users: 2)
    let report = try ExportVerifier(root: harness.outputRoot).verify { harness.store.expectedBytes($0.object) }
    #expect(report.problems.isEmpty && report.verifiedFiles == 4)
    #expect(after["u0"] != nil && after["u1"]?.0 != Data("{}".utf8))
    // Both written by the rerun: their files were kept, not fetched.
    for user in ["u0", "u1"] {
      let manifest = try UserManifest.decode(try #require(after[user]?.0))
      #expect(manifest.items.map(\.status) == [.skipped, .skipped])
      #expect(manifest.jobId != (try UserManifest.decode(try #require(before[user]?.0))).jobId)
    }
  }

  @Test("a folder shared with many other objects is listed once, found too large, then objects are asked one by one")
  func crowdedFolderIsNotListedAgain() async throws {
    let users = (0..<2).map { user in
      SourceUser(
        id: "u\(user)", email: "u\(user)@example.com",
        items: (0..<2).map { n in
          MediaItem(
            id: "u\(user)-\(n)", kind: .images, location: ObjectLocation(bucket: "test", object: "shared/u\(user)-\(n)"),
            originalName: "file-\(n).bin", contentType: "application/octet-stream")
        })
    }
    var objects: [String: ScriptedStore.Object] = [:]
    for name in (0..<2).flatMap({ user in (0..<2).map { "shared/u\(user)-\($0)" } }) + (0..<1_200).map({ "shared/other-\($0)" }) {
      objects[name] = .init(bytes: ScriptedStore.bytes(for: name, count: 100))
    }
    let store = ScriptedStore(objects: objects, defaultSize: nil, lists: true)
    // One download at a time, so that the second user is planned after the first user's listing.
    let harness = try EngineHarness(source: ListSource(users), store: store, settings: JobSettings(concurrency: 1))
    defer { harness.directory.remove() }
    #expect(try await harness.runJob().finalStatus == .completed)

    let rerun = try harness.restarted()
    #expect(try await rerun.runJob().finalStatus == .completed)

    #expect(rerun.engine.snapshot().skippedFiles == 4)
    // Two pages of the first user's folder (1,204 objects, more than the 1,000 worth a listing for two), none for
    // the second.
    #expect(store.listings == ["shared/", "shared/ page 1000"])
    #expect(store.generationRequests == 4)
  }

  /// `count` users `u00`, `u01`, … with `items` objects each under `users/<id>/images/`.
  private static func usersUnderFolder(_ count: Int, items: Int) -> ([SourceUser], [String: ScriptedStore.Object]) {
    var objects: [String: ScriptedStore.Object] = [:]
    let users = (0..<count).map { n in
      let id = n < 10 ? "u0\(n)" : "u\(n)"
      let user = SourceUser(
        id: id, email: "\(id)@example.com",
        items: (0..<items).map { k in
          MediaItem(
            id: "\(id)-\(k)", kind: .images, location: ObjectLocation(bucket: "test", object: "users/\(id)/images/\(k)"),
            originalName: "file-\(k).bin", contentType: "application/octet-stream")
        })
      for item in user.items { objects[item.location.object] = .init(bytes: ScriptedStore.bytes(for: item.location.object, count: 500)) }
      return user
    }
    return (users, objects)
  }

  @Test("users in the order of their folders share the pages of one walk: one page per page of objects, whatever the users")
  func walkInOrder() async throws {
    let (users, objects) = Self.usersUnderFolder(30, items: 2)
    let store = ScriptedStore(objects: objects, defaultSize: nil, lists: true, listPageSize: 10)
    let harness = try EngineHarness(source: ListSource(users), store: store)
    defer { harness.directory.remove() }
    #expect(try await harness.runJob().finalStatus == .completed)

    let rerun = try harness.restarted()
    #expect(try await rerun.runJob().finalStatus == .completed)

    #expect(rerun.engine.snapshot().skippedFiles == 60)
    #expect(store.listings == ["users/"] + (1..<6).map { "users/ page \($0 * 10)" })
    #expect(store.generationRequests == 0)
  }

  @Test("users that do not come in the order of their folders are still checked, by listings of their own folders")
  func walkOutOfOrder() async throws {
    let (users, objects) = Self.usersUnderFolder(30, items: 2)
    let store = ScriptedStore(objects: objects, defaultSize: nil, lists: true, listPageSize: 10)
    let harness = try EngineHarness(source: ListSource(users.reversed()), store: store)
    defer { harness.directory.remove() }
    #expect(try await harness.runJob().finalStatus == .completed)

    let rerun = try harness.restarted()
    #expect(try await rerun.runJob().finalStatus == .completed)

    #expect(rerun.engine.snapshot().skippedFiles == 60)
    #expect(store.generationRequests == 0)
    let report = try ExportVerifier(root: harness.outputRoot).verify { store.expectedBytes($0.object) }
    #expect(report.problems.isEmpty && report.verifiedFiles == 60)
    // No more pages than a walk of every page plus a listing of every user's folder.
    #expect(store.listings.count <= 6 + 30, "\(store.listings)")
  }

  @Test("a walk's folder is the one named after the user, and the folder that holds it")
  func userFolders() {
    #expect(ListingWalk.userFolder(in: "users/u1/images/", userId: "u1")! == ("users/u1/", "users/"))
    #expect(ListingWalk.userFolder(in: "users/u1/", userId: "u1")! == ("users/u1/", "users/"))
    #expect(ListingWalk.userFolder(in: "u1/images/", userId: "u1")! == ("u1/", ""))
    #expect(ListingWalk.userFolder(in: "shared/images/", userId: "u1") == nil)
    #expect(ListingWalk.userFolder(in: "users/u10/", userId: "u1") == nil)
  }

  @Test("the listed prefix is the folder the names share, never a whole bucket")
  func sharedFolder() {
    #expect(GenerationListing.sharedFolder(of: ["users/a/images/1.jpg", "users/a/voices/2.m4a"]) == "users/a/")
    #expect(GenerationListing.sharedFolder(of: ["users/ab/1", "users/ac/2"]) == "users/")
    #expect(GenerationListing.sharedFolder(of: ["users/a/images/1.jpg"]) == "users/a/images/")
    #expect(GenerationListing.sharedFolder(of: ["a.jpg", "b.jpg"]) == nil)
    #expect(GenerationListing.sharedFolder(of: ["x/1", "y/1"]) == nil)
    #expect(GenerationListing.sharedFolder(of: []) == nil)
    #expect(GenerationListing.sharedFolder(of: ["é/ü/1", "é/ü/2"]) == "é/ü/")
  }

  @Test("one listing answers every caller, however many ask at once; its absence and its objects are told apart")
  func listingIsShared() async {
    let calls = Counter()
    let listing = GenerationListing(bucket: "b", prefix: "p/") {
      // Callers that arrive while this runs wait for it; those after it read its answer: either way, one call.
      calls.increment()
      return ["p/1": "5"]
    }
    let answers = await withTaskGroup(of: GenerationListing.Answer.self) { group in
      for n in 0..<20 { group.addTask { await listing.generation(of: ObjectLocation(bucket: "b", object: n == 0 ? "p/2" : "p/1")) } }
      return await group.reduce(into: [GenerationListing.Answer]()) { $0.append($1) }
    }
    #expect(calls.value == 1)
    #expect(answers.filter { $0 == .current("5") }.count == 19 && answers.contains(.absent))
    #expect(await listing.generation(of: ObjectLocation(bucket: "other", object: "p/1")) == .unknown)
    #expect(await listing.generation(of: ObjectLocation(bucket: "b", object: "q/1")) == .unknown)
  }
}

private final class Counter: Sendable {
  private let count = Mutex(0)
  func increment() { count.withLock { $0 += 1 } }
  var value: Int { count.withLock { $0 } }
}
