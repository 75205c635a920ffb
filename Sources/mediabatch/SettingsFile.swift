import ArgumentParser
import Foundation
import GoogleCloud
import MediaBatchFirebase
import Yams

/// `mediabatch.yaml` (or any YAML or JSON file given with `--config`): settings below flags and environment.
struct SettingsFile: Decodable {
  var source: String?
  var output: String?
  var concurrency: Int?
  var project: String?
  var bucket: String?
  var database: String?
  var billingProject: String?
  var demoUsers: Int?
  var schema: FirebaseSchema?

  static let defaultPath = "mediabatch.yaml"

  private enum CodingKeys: String, CodingKey, CaseIterable {
    case source, output, concurrency, project, bucket, database
    case billingProject = "billing_project"
    case demoUsers = "demo_users"
    case schema
  }

  init(from decoder: any Decoder) throws {
    let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
    if let unknown = keys.first(where: { CodingKeys(rawValue: $0) == nil }) {
      let known = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")
      throw ValidationError("unknown setting \"\(unknown)\"; known settings: \(known)")
    }
    let container = try decoder.container(keyedBy: CodingKeys.self)
    source = try container.decodeIfPresent(String.self, forKey: .source)
    output = try container.decodeIfPresent(String.self, forKey: .output)
    concurrency = try container.decodeIfPresent(Int.self, forKey: .concurrency)
    project = try container.decodeIfPresent(String.self, forKey: .project)
    bucket = try container.decodeIfPresent(String.self, forKey: .bucket)
    database = try container.decodeIfPresent(String.self, forKey: .database)
    billingProject = try container.decodeIfPresent(String.self, forKey: .billingProject)
    demoUsers = try container.decodeIfPresent(Int.self, forKey: .demoUsers)
    schema = try container.decodeIfPresent(FirebaseSchema.self, forKey: .schema)
  }

  init() {}

  /// Reads `path`, or `mediabatch.yaml` when it exists and no path is given.
  static func load(_ path: String?) throws -> SettingsFile {
    let file = path ?? (FileManager.default.fileExists(atPath: defaultPath) ? defaultPath : nil)
    guard let file else { return SettingsFile() }
    guard let data = FileManager.default.contents(atPath: file) else {
      throw ValidationError("the settings file \(file) cannot be read")
    }
    do {
      return try YAMLDecoder().decode(SettingsFile.self, from: data)
    } catch let error as ValidationError {
      throw ValidationError("\(file): \(error.message)")
    } catch {
      throw ValidationError("\(file) is not valid YAML or JSON settings: \(error)")
    }
  }

  private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }
}
