import Foundation
import MediaBatchTesting
import Testing

/// What the binary says about itself matches the README, and errors read as what they are.
@Suite("Help and errors", .timeLimit(.minutes(15)))
struct HelpTests {
  static let commands = ["run", "serve", "inspect", "verify", "jobs"]
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The `--options` a text names.
  static func options(in text: String) -> Set<String> {
    let pattern = /--[a-z][a-z0-9-]*[a-z0-9]/
    return Set(text.matches(of: pattern).map { String($0.output) })
  }

  /// The README's "Command line" section: the command synopsis and the options table.
  static func readmeCommandLine() throws -> String {
    let readme = try String(contentsOf: repository.appendingPathComponent("README.md"), encoding: .utf8)
    let start = try #require(readme.range(of: "\n## Command line\n"))
    let rest = readme[start.upperBound...]
    let end = rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex
    return String(rest[..<end])
  }

  @Test("every option any command's --help lists is in the README's command line section, and every option there is in some --help")
  func helpMatchesTheReadme() async throws {
    var helped: [String: Set<String>] = [:]
    for command in Self.commands {
      let help = try await ChildProcess.run(CLIEndToEndTests.binary, [command, "--help"])
      #expect(help.status == 0, "\(command) --help: \(help.error)")
      helped[command] = Self.options(in: help.output).subtracting(["--help", "--version"])
    }
    let readme = try Self.readmeCommandLine()
    let documented = Self.options(in: readme)
    let listed = helped.values.reduce(into: Set<String>()) { $0.formUnion($1) }
    #expect(listed.subtracting(documented).isEmpty, "in --help but not in the README: \(listed.subtracting(documented).sorted())")
    #expect(documented.subtracting(listed).isEmpty, "in the README but in no --help: \(documented.subtracting(listed).sorted())")
    // inspect reads a project and exports nothing: it takes no export option.
    let exportOnly: Set = ["--output", "--shard", "--concurrency", "--demo-latency-ms", "--stall-seconds", "--stop-grace-seconds", "--slice-threshold-mib"]
    #expect(helped["inspect", default: []].isDisjoint(with: exportOnly), "\(helped["inspect", default: []].intersection(exportOnly).sorted())")
  }

  @Test("help states each default once, and every log level")
  func helpStatesDefaultsOnce() async throws {
    for command in Self.commands {
      let help = try await ChildProcess.run(CLIEndToEndTests.binary, [command, "--help"]).output
      let flattened = help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
      #expect(!flattened.contains(#/\(default[ :][^)]*\)\.? \(default/#), "\(command) --help states a default twice")
    }
    let run = try await ChildProcess.run(CLIEndToEndTests.binary, ["run", "--help"]).output.split(whereSeparator: \.isWhitespace)
      .joined(separator: " ")
    #expect(run.contains("critical"))
    #expect(run.contains("default downloads"))
    #expect(run.contains("1–1024"))
  }

  @Test("a runtime error is told by itself, exit 2, with no usage; a command-line mistake gets the usage")
  func runtimeErrorsHaveNoUsage() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }

    // a folder that cannot be created: the path and the system's reason
    let blocked = try await ChildProcess.run(CLIEndToEndTests.binary, ["run", "--source", "demo", "--output", "/proc/mediabatch-test"])
    #expect(blocked.status == 2)
    #expect(blocked.error.contains("cannot create the output folder /proc/mediabatch-test: No such file or directory"), "\(blocked.error)")
    #expect(!blocked.error.contains("Usage"), "\(blocked.error)")

    // a folder another process holds
    let output = directory.appending("held")
    let holder = ChildProcess(
      executable: CLIEndToEndTests.binary,
      arguments: ["run", "--source", "demo", "--demo-users", "5", "--demo-kib-per-second", "1", "--output", output])
    try holder.start()
    defer { holder.signal(SIGKILL) }
    _ = await holder.errorLine(where: { $0.hasPrefix("MediaBatch job") })
    let held = try await ChildProcess.run(CLIEndToEndTests.binary, ["run", "--source", "demo", "--output", output])
    #expect(held.status == 2)
    #expect(held.error.hasPrefix("mediabatch: "), "\(held.error)")
    #expect(!held.error.contains("Usage"), "\(held.error)")

    // no Firebase project
    // Nothing may point at a real project: no variables, and a home without gcloud's credentials.
    var environment = ProcessInfo.processInfo.environment.filter { !CLIEndToEndTests.googleVariables.contains($0.key) }
    environment["CLOUDSDK_CONFIG"] = nil
    environment["HOME"] = directory.path
    let noProject = try await ChildProcess.run(
      CLIEndToEndTests.binary, ["run", "--source", "firebase", "--output", directory.appending("fb")], environment: environment)
    #expect(noProject.status == 2)
    #expect(noProject.error.contains("no Firebase project is configured"), "\(noProject.error)")
    #expect(!noProject.error.contains("Usage"), "\(noProject.error)")

    // inspect reads a project: on the demo source it says so
    let inspect = try await ChildProcess.run(CLIEndToEndTests.binary, ["inspect", "--source", "demo"], environment: environment)
    #expect(inspect.status == 2)
    #expect(inspect.error.contains("this command reads a Firebase project"), "\(inspect.error)")
    #expect(!inspect.error.contains("Usage"), "\(inspect.error)")

    // an HTTP version there is none of
    let version = try await ChildProcess.run(
      CLIEndToEndTests.binary, ["run", "--source", "demo", "--http-version", "3", "--output", directory.appending("v")])
    #expect(version.status == 2)
    #expect(version.error.contains("the HTTP version must be 1.1 or 2, not 3"), "\(version.error)")

    // certificates to trust that cannot be read: named before anything is asked of anyone
    var emulated = environment
    emulated["FIRESTORE_EMULATOR_HOST"] = "127.0.0.1:9"
    emulated["STORAGE_EMULATOR_HOST"] = "https://127.0.0.1:9"
    emulated["FIREBASE_PROJECT_ID"] = "demo-project"
    emulated["SSL_CERT_FILE"] = directory.appending("no-such-ca.pem")
    let certificates = try await ChildProcess.run(
      CLIEndToEndTests.binary, ["run", "--output", directory.appending("tls")], environment: emulated)
    #expect(certificates.status == 2)
    #expect(certificates.error.contains("no-such-ca.pem (SSL_CERT_FILE) cannot be read: it does not exist"), "\(certificates.error)")
    #expect(!certificates.error.contains("Usage"), "\(certificates.error)")

    // a mistyped command line
    let mistyped = try await ChildProcess.run(CLIEndToEndTests.binary, ["run", "--concurrency", "0"])
    #expect(mistyped.status == 2)
    #expect(mistyped.error.contains("--concurrency must be between 1 and 1024"))
    #expect(mistyped.error.contains("Usage"), "\(mistyped.error)")
  }
}
