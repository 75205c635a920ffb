import ArgumentParser
import Foundation
import GoogleCloud
import MediaBatchFirebase
import Yams

/// `mediabatch inspect`: samples users and metadata documents and says which configuration would read them.
struct InspectCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Sample the Firebase project's users and metadata, and suggest the configuration that reads them."
  )

  @OptionGroup var options: SourceOptions

  @Option(name: .long, help: ArgumentHelp("Users to sample.", valueName: "n"))
  var sample = 20

  func validate() throws {
    guard (1...1_000).contains(sample) else { throw ValidationError("--sample must be between 1 and 1000, not \(sample)") }
  }

  func run() async throws {
    let settings = try ResolvedSettings(options, defaultLogLevel: .warning)
    let (clients, schema, bucket) = try await settings.makeGoogleCloudClients()
    let report: FirebaseInspector.Report
    do {
      report = try await clients.inspector(schema: schema, defaultBucket: bucket).inspect(sampleSize: sample)
    } catch {
      try? await clients.http.shutdown()
      throw error
    }
    try? await clients.http.shutdown()
    print(Self.text(report, project: clients.projectID + clients.databaseLabel, schema: schema, bucket: bucket))
  }

  static func text(_ report: FirebaseInspector.Report, project: String, schema: FirebaseSchema, bucket: String?) -> String {
    var lines = ["Project \(project), collection \(schema.usersCollection): sampled \(report.usersSampled) users."]
    lines.append("Default bucket: \(bucket ?? "none found (set FIREBASE_STORAGE_BUCKET or --bucket)")")
    lines.append("")
    lines.append("User fields (how many sampled users have each, by type):")
    for field in report.userFields {
      let marker = schema.kinds.contains { $0.idsField == field.name } ? "  ← ids" : (field.name == schema.emailField ? "  ← email" : "")
      lines.append("  \(field.name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(describe(field.types))\(marker)")
    }
    if !report.userFields.contains(where: { $0.name == schema.emailField }) {
      lines.append("  (no \(schema.emailField) field: folders are named after document ids)")
    }
    for kind in report.kinds {
      lines.append("")
      lines.append(
        "Kind \(kind.kind.name): ids from \(kind.kind.idsField), metadata in \(kind.kind.metadataCollection): "
          + "\(kind.idsSampled) ids sampled, \(kind.found) found, \(kind.missing) missing"
      )
      for field in kind.fields.prefix(20) {
        lines.append("  \(field.name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(describe(field.types))")
      }
      lines.append("  locations: \(kind.locationForms.isEmpty ? "none" : describe(kind.locationForms)); original names in \(kind.namesFound) of \(kind.found)")
    }
    if !report.candidateIdFields.isEmpty {
      lines.append("")
      lines.append("Arrays of ids not configured as a kind: \(report.candidateIdFields.joined(separator: ", "))")
    }
    lines.append("")
    lines.append("Configuration that reads this project (save as mediabatch.yaml):")
    var settings: [String: FirebaseSchema] = ["schema": report.suggestedSchema]
    if let yaml = try? YAMLEncoder().encode(settings) {
      lines.append(yaml)
    }
    settings.removeAll()
    return lines.joined(separator: "\n")
  }

  private static func describe(_ counts: [String: Int]) -> String {
    counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
  }
}
