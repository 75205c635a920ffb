public import Foundation

/// The official Firestore emulator and the storage emulator, started on free loopback ports by the project's own
/// scripts, seeded with a data set, and stopped again. When an emulator cannot start, `start` throws with the
/// script's message, which says how to install what is missing.
public final class EmulatorHarness: Sendable {
  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  public let projectID: String
  /// The Firestore database the data set was written to.
  public let databaseID: String
  public let firestorePort: Int
  public let storagePort: Int
  public let defaultBucket: String
  /// What `seed.py --manifest` wrote (JSON): every user and item with its expected outcome.
  public let manifest: Data
  private let processes: [ChildProcess]

  private init(
    projectID: String, databaseID: String, firestorePort: Int, storagePort: Int, defaultBucket: String, manifest: Data, processes: [ChildProcess]
  ) {
    self.projectID = projectID
    self.databaseID = databaseID
    self.firestorePort = firestorePort
    self.storagePort = storagePort
    self.defaultBucket = defaultBucket
    self.manifest = manifest
    self.processes = processes
  }

  /// The repository's root, found from this file's place in it.
  public static let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  /// Starts both emulators and seeds them, the documents into `databaseID`; `seedArguments` go to `seed.py` (e.g.
  /// `--users 1100 --edge-cases`).
  public static func start(
    projectID: String = "demo-mediabatch", databaseID: String = "(default)", seedArguments: [String], workDirectory: String
  ) async throws -> EmulatorHarness {
    let scripts = repositoryRoot + "/scripts/emulators"
    let python = repositoryRoot + "/.venv/bin/python"
    guard FileManager.default.isExecutableFile(atPath: python) else {
      throw Failure(description: "\(python) is missing: run scripts/emulators/setup (scripts/test does)")
    }
    let bucket = "\(projectID).firebasestorage.app"
    let firestore = ChildProcess(executable: scripts + "/firestore_emulator.sh", arguments: ["--port", "0", "--project", projectID])
    let storage = ChildProcess(executable: python, arguments: [scripts + "/storage_emulator.py", "--host", "127.0.0.1", "--port", "0"])
    var started: [ChildProcess] = []
    do {
      try firestore.start()
      started.append(firestore)
      try storage.start()
      started.append(storage)
      let firestorePort = try await readyPort(firestore, name: "Firestore emulator")
      let storagePort = try await readyPort(storage, name: "storage emulator")
      let manifestPath = workDirectory + "/seed-manifest.json"
      let seed = try await ChildProcess.run(
        python,
        [
          scripts + "/seed.py", "--project", projectID, "--database", databaseID, "--firestore", "127.0.0.1:\(firestorePort)",
          "--storage", "http://127.0.0.1:\(storagePort)", "--bucket", bucket, "--manifest", manifestPath,
        ] + seedArguments
      )
      guard seed.status == 0 else { throw Failure(description: "seeding failed (\(seed.status)): \(seed.error)") }
      let manifest = try Data(contentsOf: URL(fileURLWithPath: manifestPath))
      return EmulatorHarness(
        projectID: projectID, databaseID: databaseID, firestorePort: firestorePort, storagePort: storagePort, defaultBucket: bucket,
        manifest: manifest, processes: started
      )
    } catch {
      for process in started { process.signal(SIGTERM) }
      for process in started { _ = await process.wait() }
      throw error
    }
  }

  /// The variables that point MediaBatch at these emulators.
  public var environment: [String: String] {
    var environment = ProcessInfo.processInfo.environment
    for name in [
      "GOOGLE_APPLICATION_CREDENTIALS", "FIREBASE_SERVICE_ACCOUNT_PATH", "MEDIABATCH_SOURCE", "MEDIABATCH_API_TOKEN", "FIRESTORE_DATABASE",
      "MEDIABATCH_BILLING_PROJECT", "MEDIABATCH_IMPERSONATE_SERVICE_ACCOUNT", "GOOGLE_CLOUD_UNIVERSE_DOMAIN",
    ] {
      environment[name] = nil
    }
    environment["FIREBASE_PROJECT_ID"] = projectID
    environment["FIRESTORE_EMULATOR_HOST"] = "127.0.0.1:\(firestorePort)"
    environment["STORAGE_EMULATOR_HOST"] = "http://127.0.0.1:\(storagePort)"
    environment["FIREBASE_STORAGE_BUCKET"] = defaultBucket
    return environment
  }

  public func stop() async {
    for process in processes { process.signal(SIGTERM) }
    for process in processes { _ = await process.wait() }
  }

  /// Starts the `partitionQuery` stand-in (`scripts/emulators/partition_standin.py`) in front of the Firestore
  /// emulator: point `FIRESTORE_EMULATOR_HOST` at `127.0.0.1:<port>`; stop the process with SIGTERM.
  public func startPartitionStandIn() async throws -> (port: Int, process: ChildProcess) {
    let process = ChildProcess(
      executable: Self.repositoryRoot + "/.venv/bin/python",
      arguments: [Self.repositoryRoot + "/scripts/emulators/partition_standin.py", "--emulator", "127.0.0.1:\(firestorePort)", "--port", "0"])
    try process.start()
    do {
      return (try await Self.readyPort(process, name: "partitionQuery stand-in"), process)
    } catch {
      process.signal(SIGTERM)
      _ = await process.wait()
      throw error
    }
  }

  private static func readyPort(_ process: ChildProcess, name: String) async throws -> Int {
    for await line in process.outputLines {
      if line.hasPrefix("READY "), let port = Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces)) { return port }
    }
    let result = await process.wait()
    throw Failure(description: "the \(name) did not start (exit \(result.status)): \(result.error.suffix(2_000))")
  }
}
