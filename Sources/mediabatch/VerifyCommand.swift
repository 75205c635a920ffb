import ArgumentParser
import Foundation
import MediaBatchCore

/// `mediabatch verify [DIR]`: re-hashes an export against its manifests.
struct VerifyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Re-hash every exported file against its manifest; report missing, changed and unlisted files.",
    discussion: "Exit status: 0 everything matches, 1 something does not, 2 the folder is not an export."
  )

  @Argument(help: ArgumentHelp("The export folder (default: --output, MEDIABATCH_OUTPUT_DIR or ./downloads).", valueName: "dir"))
  var directory: String?

  @Option(name: .long, help: ArgumentHelp("The export folder, as for run.", valueName: "dir"))
  var output: String?

  @Flag(name: .long, help: "Print a machine-readable report on standard output.")
  var json = false

  func run() async throws {
    let root = directory ?? output ?? ProcessInfo.processInfo.environment["MEDIABATCH_OUTPUT_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "downloads"
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw ValidationError("\(root) is not a folder")
    }
    let report = try ExportVerifier(root: root).verify()
    guard !report.manifests.isEmpty || !report.findings.isEmpty else {
      throw ValidationError("\(root) holds no export: no user folder with a manifest.json")
    }
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      let summary = Summary(
        root: root, users: report.manifests.count, verifiedFiles: report.verifiedFiles, verifiedBytes: report.verifiedBytes,
        findings: report.findings
      )
      print(String(decoding: try encoder.encode(summary), as: UTF8.self))
    } else {
      print(Self.text(report, root: root))
    }
    throw ExitCode(report.findings.isEmpty ? 0 : 1)
  }

  struct Summary: Encodable {
    var root: String
    var users: Int
    var verifiedFiles: Int
    var verifiedBytes: Int64
    var findings: [ExportVerifier.Finding]

    enum CodingKeys: String, CodingKey {
      case root, users, findings
      case verifiedFiles = "verified_files"
      case verifiedBytes = "verified_bytes"
    }
  }

  static func text(_ report: ExportVerifier.Report, root: String) -> String {
    var lines = [
      "Verified \(Terminal.count(report.verifiedFiles)) files (\(Terminal.bytes(report.verifiedBytes))) of "
        + "\(Terminal.count(report.manifests.count)) users in \(root)."
    ]
    if report.findings.isEmpty {
      lines.append("Every file matches its manifest.")
    } else {
      let counts = Dictionary(grouping: report.findings, by: \.kind).map { "\($0.key.rawValue) \($0.value.count)" }.sorted()
      lines.append("\(report.findings.count) problems: \(counts.joined(separator: ", "))")
      for finding in report.findings.prefix(50) { lines.append("  - \(finding)") }
      if report.findings.count > 50 { lines.append("  … and \(report.findings.count - 50) more (use --json for all)") }
    }
    return lines.joined(separator: "\n")
  }
}
