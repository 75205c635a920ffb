import Foundation
import MediaBatchTesting
import Testing

/// The Google options on the command line: `--database`, `--billing-project`, `--impersonate-service-account`,
/// their variables and settings, and the universe domain: a value Google would refuse is refused at start, naming
/// what to fix, and the start-up lines say what is read and as whom.
@Suite("Google options on the command line", .timeLimit(.minutes(15)))
struct GoogleOptionsTests {
  /// A Firebase source that sends nothing anywhere: Firestore at a closed loopback port, no credentials anywhere.
  static func environment(home: String, _ extra: [String: String] = [:]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment.filter { !CLIEndToEndTests.googleVariables.contains($0.key) }
    for name in ["CLOUDSDK_CONFIG", "MEDIABATCH_SOURCE", "MEDIABATCH_API_TOKEN"] { environment[name] = nil }
    environment["HOME"] = home
    environment["FIREBASE_PROJECT_ID"] = "demo-options"
    environment["FIRESTORE_EMULATOR_HOST"] = "127.0.0.1:9"
    environment["STORAGE_EMULATOR_HOST"] = "http://127.0.0.1:9"
    environment["FIREBASE_STORAGE_BUCKET"] = "demo-options.firebasestorage.app"
    return environment.merging(extra) { _, new in new }
  }

  @Test(
    "a Google setting Firestore, Cloud Storage or IAM would refuse stops the command at once, naming it",
    arguments: [
      (["--database", "Media_EU"], [:], "--database: a database id has only lowercase letters, digits and '-', not \"Media_EU\"", true),
      (["--billing-project", "my project"], [:], "--billing-project: \"my project\" is not a project id", true),
      (["--impersonate-service-account", "robot"], [:], "--impersonate-service-account: \"robot\" is not a service account's email", true),
      ([], ["FIRESTORE_DATABASE": "eu"], "the Firestore database \"eu\" cannot be used: a database id has 4 to 63 characters", false),
      ([], ["MEDIABATCH_BILLING_PROJECT": "Payer"], "the billing project cannot be used: \"Payer\" is not a project id", false),
      (
        [], ["MEDIABATCH_IMPERSONATE_SERVICE_ACCOUNT": "a@p.iam.gserviceaccount.com,/x"],
        "the service account to impersonate cannot be used: \"/x\" is not a service account's email", false
      ),
      (
        [], ["GOOGLE_CLOUD_UNIVERSE_DOMAIN": "example-cloud.goog"],
        "universe domain example-cloud.goog (GOOGLE_CLOUD_UNIVERSE_DOMAIN) is not supported: MediaBatch reaches", false
      ),
    ] as [([String], [String: String], String, Bool)]
  )
  func refusedSettings(arguments: [String], variables: [String: String], message: String, withUsage: Bool) async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let result = try await ChildProcess.run(
      CLIEndToEndTests.binary, ["run", "--output", directory.appending("out")] + arguments,
      environment: Self.environment(home: directory.path, variables))
    #expect(result.status == 2)
    #expect(result.error.contains(message), "stderr: \(result.error)")
    #expect(result.error.contains("Usage") == withUsage, "stderr: \(result.error)")
    #expect(!FileManager.default.fileExists(atPath: directory.appending("out")))
  }

  @Test("a credentials file of another universe, or a broken impersonation file, is refused by name before anything is asked")
  func refusedCredentialsFiles() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let files = [
      (
        #"{"type":"authorized_user","client_id":"c","client_secret":"s","refresh_token":"r","universe_domain":"example-cloud.goog"}"#,
        "universe domain example-cloud.goog (universe_domain of the credentials file"
      ),
      (
        #"{"type":"impersonated_service_account","service_account_impersonation_url":"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/a@p.iam.gserviceaccount.com:generateAccessToken","source_credentials":{"type":"authorized_user","client_id":"c"}}"#,
        "field \"source_credentials.client_secret\" is missing"
      ),
    ]
    for (index, (json, message)) in files.enumerated() {
      let file = directory.appending("adc-\(index).json")
      try json.write(toFile: file, atomically: true, encoding: .utf8)
      // Storage is not emulated, so the credentials are read; the message comes before any request.
      var environment = Self.environment(home: directory.path, ["GOOGLE_APPLICATION_CREDENTIALS": file])
      environment["STORAGE_EMULATOR_HOST"] = nil
      let result = try await ChildProcess.run(
        CLIEndToEndTests.binary, ["run", "--output", directory.appending("out-\(index)")], environment: environment)
      #expect(result.status == 2)
      #expect(result.error.contains(message), "stderr: \(result.error)")
      #expect(!result.error.contains("Usage"), "stderr: \(result.error)")
    }
  }

  /// What `run` says before its first request, read from a run stopped as soon as it has said it (Firestore's
  /// closed port would otherwise be asked again for minutes).
  static func startUp(_ arguments: [String], environment: [String: String]) async throws -> String {
    let child = ChildProcess(executable: CLIEndToEndTests.binary, arguments: ["run"] + arguments, environment: environment)
    try child.start()
    let credentials = await child.errorLine(where: { $0.hasPrefix("Credentials: ") })
    child.signal(SIGKILL)
    let result = await child.wait()
    #expect(credentials != nil, "stderr: \(result.error)")
    return result.error
  }

  @Test("the start-up lines name the database and say who is impersonated and who pays, from flags, variables and the settings file")
  func startUpLines() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let user = directory.appending("user.json")
    try #"{"type":"authorized_user","client_id":"c","client_secret":"s","refresh_token":"r","token_uri":"http://127.0.0.1:9/token"}"#
      .write(toFile: user, atomically: true, encoding: .utf8)
    let impersonated = directory.appending("impersonated.json")
    try
      (#"{"type":"impersonated_service_account","service_account_impersonation_url":"http://127.0.0.1:9/v1/projects/-/"#
      + #"serviceAccounts/exporter@p.iam.gserviceaccount.com:generateAccessToken","source_credentials":"#
      + #"{"type":"authorized_user","client_id":"c","client_secret":"s","refresh_token":"r","token_uri":"http://127.0.0.1:9/token"}}"#)
      .write(toFile: impersonated, atomically: true, encoding: .utf8)
    let settings = directory.appending("mediabatch.yaml")
    try "database: media-eu\nbilling_project: payer-from-file\n".write(toFile: settings, atomically: true, encoding: .utf8)

    // Storage is not emulated, so the credentials are used for it; Firestore's closed port ends the job before any
    // object is asked for.
    var fromVariables = Self.environment(
      home: directory.path,
      [
        "GOOGLE_APPLICATION_CREDENTIALS": user,
        "MEDIABATCH_IMPERSONATE_SERVICE_ACCOUNT": "hop@p.iam.gserviceaccount.com, exporter@p.iam.gserviceaccount.com",
      ])
    fromVariables["STORAGE_EMULATOR_HOST"] = nil
    let first = try await Self.startUp(["--config", settings, "--output", directory.appending("a")], environment: fromVariables)
    #expect(first.contains("Firebase project demo-options, database media-eu: collection email_users"), "\(first)")
    #expect(
      first.contains(
        "Credentials: service account exporter@p.iam.gserviceaccount.com impersonated by gcloud user credentials through "
          + "hop@p.iam.gserviceaccount.com; requests billed to project payer-from-file"), "\(first)")

    var fromFile = Self.environment(
      home: directory.path, ["GOOGLE_APPLICATION_CREDENTIALS": impersonated, "FIRESTORE_DATABASE": "media-us"])
    fromFile["STORAGE_EMULATOR_HOST"] = nil
    let second = try await Self.startUp(
      ["--config", settings, "--database", "media-asia", "--billing-project", "payer-flag", "--output", directory.appending("b")],
      environment: fromFile)
    #expect(second.contains("Firebase project demo-options, database media-asia: collection email_users"), "\(second)")
    #expect(
      second.contains(
        "Credentials: service account exporter@p.iam.gserviceaccount.com impersonated by gcloud user credentials; requests billed to project payer-flag"
      ),
      "\(second)")
  }
}
