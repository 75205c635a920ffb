import Foundation
import MediaBatchCore
import MediaBatchEngine
import MediaBatchTesting
import Testing

/// A folder belongs to one user for good, and nothing is written through a link: whatever users a run includes,
/// whatever is planted in the output folder.
@Suite("Folder ownership and confinement", .timeLimit(.minutes(15)))
struct FolderOwnershipTests {
  /// Two users whose emails sanitise to the same folder name, each with a file named `me.png`.
  static func twins() -> [SourceUser] {
    ["a.b@example.com", "a_b@example.com"].enumerated().map { index, email in
      let id = "twin\(index + 1)"
      let item = MediaItem(
        id: "\(id)-me", kind: .images, location: ObjectLocation(bucket: "test", object: "\(id)/me.png"), originalName: "me.png",
        contentType: "image/png")
      return SourceUser(id: id, email: email, items: [item])
    }
  }

  static func owner(of folder: String, in root: String) -> String? {
    FileManager.default.contents(atPath: root + "/" + folder + "/" + OutputLayout.ownerFileName)
      .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
  }

  /// Each user's folder, from the manifests on disk.
  static func folders(in root: String) throws -> [String: String] {
    let report = try ExportVerifier(root: root).verify()
    return Dictionary(uniqueKeysWithValues: report.manifests.map { ($0.userId, $0.folder) })
  }

  @Test("a run of only the second twin, a retry, or a new twin who sorts first never takes another twin's folder")
  func filteredRunsKeepEveryFolder() async throws {
    // setup: a full export of both twins
    let store = ScriptedStore()
    var harness = try EngineHarness(source: ListSource(Self.twins()), store: store)
    defer { harness.directory.remove() }
    _ = try await harness.runJob()
    let before = try Self.folders(in: harness.outputRoot)
    #expect(before["twin1"] == "a_b_example_com")
    #expect(before["twin2"] != nil && before["twin2"] != before["twin1"])
    let firstTwinFile = try Data(contentsOf: URL(fileURLWithPath: harness.outputRoot + "/a_b_example_com/images/me.png"))

    // act: only the second twin
    harness = try harness.restarted()
    var onlySecond = harness.engine.defaults
    onlySecond.users = ["twin2"]
    _ = try await harness.runJob(onlySecond)

    // act: a newcomer whose email sanitises alike and who is listed first
    let newcomer = SourceUser(
      id: "twin0", email: "a-b@example.com",
      items: [MediaItem(id: "twin0-me", kind: .images, location: ObjectLocation(bucket: "test", object: "twin0/me.png"), originalName: "me.png")])
    harness = try EngineHarness(source: ListSource([newcomer] + Self.twins()), store: store, directory: harness.directory)
    _ = try await harness.runJob()

    // check: every twin kept its folder and its bytes; the newcomer got a folder of its own
    let after = try Self.folders(in: harness.outputRoot)
    #expect(after["twin1"] == before["twin1"] && after["twin2"] == before["twin2"])
    #expect(after["twin0"] != nil && after["twin0"] != after["twin1"] && after["twin0"] != after["twin2"])
    for (user, folder) in after { #expect(Self.owner(of: folder, in: harness.outputRoot) == user) }
    let firstTwinNow = try Data(contentsOf: URL(fileURLWithPath: harness.outputRoot + "/a_b_example_com/images/me.png"))
    #expect(firstTwinNow == firstTwinFile)
    let report = try ExportVerifier(root: harness.outputRoot).verify()
    #expect(report.problems.isEmpty && report.unlistedFiles.isEmpty)
    #expect(report.verifiedFiles == 3)
  }

  @Test("a folder from before owner records is adopted by the user its manifest names, not taken by a twin")
  func legacyFoldersAreAdoptedByTheirUser() async throws {
    // setup: an export whose owner records are gone, as one made before they existed
    let store = ScriptedStore()
    var harness = try EngineHarness(source: ListSource(Self.twins()), store: store)
    defer { harness.directory.remove() }
    _ = try await harness.runJob()
    let before = try Self.folders(in: harness.outputRoot)
    for folder in before.values { try FileManager.default.removeItem(atPath: harness.outputRoot + "/" + folder + "/" + OutputLayout.ownerFileName) }

    // act: only the second twin
    harness = try harness.restarted()
    var onlySecond = harness.engine.defaults
    onlySecond.users = ["twin2"]
    _ = try await harness.runJob(onlySecond)

    // check
    #expect(try Self.folders(in: harness.outputRoot) == before)
    #expect(Self.owner(of: before["twin2"] ?? "", in: harness.outputRoot) == "twin2")
  }

  @Test("the manifest and the owner record disagreeing is a finding of verify")
  func verifyFindsAForeignOwner() async throws {
    let harness = try EngineHarness(source: ListSource(Self.twins()), store: ScriptedStore())
    defer { harness.directory.remove() }
    _ = try await harness.runJob()
    try Data("twin2\n".utf8).write(to: URL(fileURLWithPath: harness.outputRoot + "/a_b_example_com/" + OutputLayout.ownerFileName))
    let report = try ExportVerifier(root: harness.outputRoot).verify()
    #expect(report.findings.map(\.kind) == [.ownerMismatch])
  }

  @Test("two jobs writing into one root at once, listing the twins in opposite orders, give them distinct folders")
  func concurrentJobsClaimDistinctFolders() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = ScriptedStore()
    let first = try EngineHarness(source: ListSource(Self.twins()), store: store, directory: directory)
    let second = try EngineHarness(source: ListSource(Self.twins().reversed()), store: store, directory: directory)
    async let one = first.runJob()
    async let two = second.runJob()
    _ = try await (one, two)
    let folders = try Self.folders(in: first.outputRoot)
    #expect(Set(folders.values).count == 2)
    for (user, folder) in folders { #expect(Self.owner(of: folder, in: first.outputRoot) == user) }
  }

  @Test("a link planted where a user's folder belongs fails that user with unsafe_path; nothing lands where it points")
  func linkedUserFolderIsRefused() async throws {
    // setup
    let elsewhere = try TemporaryDirectory()
    defer { elsewhere.remove() }
    let users = [SourceUser.make(id: "victim", items: 2), SourceUser.make(id: "bystander", items: 1)]
    let harness = try EngineHarness(source: ListSource(users), store: ScriptedStore())
    defer { harness.directory.remove() }
    try FileManager.default.createDirectory(atPath: harness.outputRoot, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: harness.outputRoot + "/victim_example_com", withDestinationPath: elsewhere.path)

    // act
    let events = try await harness.runJob()

    // check
    #expect(events.finalStatus == .completedWithErrors)
    let snapshot = harness.engine.snapshot()
    #expect(snapshot.errorCounts == ["unsafe_path": 2])
    #expect(snapshot.downloadedFiles == 1)
    #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
  }

  @Test("a link where a kind folder or a file belongs is not followed; a pipe where a partial file goes fails at once")
  func linksAndPipesInsideAFolder() async throws {
    // setup: a first export, then a link for the images folder of one user and a pipe for a partial file of another
    let elsewhere = try TemporaryDirectory()
    defer { elsewhere.remove() }
    let users = [SourceUser.make(id: "a", items: 1), SourceUser.make(id: "b", items: 1), SourceUser.make(id: "c", items: 1)]
    let store = ScriptedStore()
    var harness = try EngineHarness(source: ListSource(users), store: store)
    defer { harness.directory.remove() }
    _ = try await harness.runJob()
    let root = harness.outputRoot
    try FileManager.default.removeItem(atPath: root + "/a_example_com/images")
    try FileManager.default.createSymbolicLink(atPath: root + "/a_example_com/images", withDestinationPath: elsewhere.path)
    try FileManager.default.removeItem(atPath: root + "/b_example_com/images/file-0.bin")
    #expect(mkfifo(root + "/b_example_com/images/file-0.bin.partial", 0o644) == 0)
    try FileManager.default.removeItem(atPath: root + "/c_example_com/images/file-0.bin")
    try FileManager.default.createSymbolicLink(atPath: root + "/c_example_com/images/file-0.bin", withDestinationPath: elsewhere.appending("target"))

    // act
    harness = try harness.restarted()
    let events = try await harness.runJob()

    // check: a fails (its folder is a link), b fails (a pipe is in the way), c's link is replaced by the real file
    #expect(events.finalStatus == .completedWithErrors)
    #expect(harness.engine.snapshot().errorCounts == ["unsafe_path": 2])
    #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
    let type = try FileManager.default.attributesOfItem(atPath: root + "/c_example_com/images/file-0.bin")[.type] as? FileAttributeType
    #expect(type == .typeRegular)
  }

  @Test("a dry run claims no folder and writes no owner record")
  func dryRunClaimsNothing() async throws {
    let harness = try EngineHarness(source: ListSource(Self.twins()), store: ScriptedStore(), inMemory: true)
    defer { harness.directory.remove() }
    var settings = harness.engine.defaults
    settings.dryRun = true
    _ = try await harness.runJob(settings)
    #expect(!FileManager.default.fileExists(atPath: harness.outputRoot))
  }
}
