import Foundation
import MediaBatchCore
import MediaBatchEngine

/// The optional body of `POST /batch-process-users`. Unknown keys are refused, so a typo never silently runs an
/// export of everything.
struct StartRequest: Decodable, Sendable {
  var users: [String]?
  var kinds: [String]?
  var dryRun: Bool?

  private enum CodingKeys: String, CodingKey, CaseIterable {
    case users, kinds
    case dryRun = "dry_run"
  }

  /// Keys reserved for features this server does not offer; named in the error so the caller knows why.
  private static let unsupportedKeys = ["retry_failed_of": "retrying the failures of an earlier job needs the job store"]

  init(from decoder: any Decoder) throws {
    let any = try decoder.container(keyedBy: AnyKey.self)
    for key in any.allKeys where CodingKeys(rawValue: key.stringValue) == nil {
      if let reason = Self.unsupportedKeys[key.stringValue] {
        throw APIError(.unprocessableContent, code: "unsupported_field", message: "\(key.stringValue) is not supported: \(reason)")
      }
      let known = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")
      throw APIError(.badRequest, code: "unknown_field", message: "unknown field \"\(key.stringValue)\"; known fields: \(known)")
    }
    let container = try decoder.container(keyedBy: CodingKeys.self)
    users = try container.decodeIfPresent([String].self, forKey: .users)
    kinds = try container.decodeIfPresent([String].self, forKey: .kinds)
    dryRun = try container.decodeIfPresent(Bool.self, forKey: .dryRun)
  }

  init() {}

  /// Parses a body; an empty body means "everything, with the server's defaults".
  static func parse(_ bytes: [UInt8]) throws -> StartRequest {
    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return StartRequest() }
    do {
      return try JSONDecoder().decode(StartRequest.self, from: Data(bytes))
    } catch let error as APIError {
      throw error
    } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
      let field = context.codingPath.map(\.stringValue).joined(separator: ".")
      throw APIError(
        .badRequest, code: "invalid_body",
        message: "field \(field.isEmpty ? "(body)" : field) has the wrong type: \(context.debugDescription)")
    } catch {
      throw APIError(.badRequest, code: "invalid_body", message: "the body is not a JSON object: \(error.localizedDescription)")
    }
  }

  func settings(defaults: JobSettings) throws -> JobSettings {
    var settings = defaults
    if let users {
      guard !users.isEmpty else { throw APIError(.badRequest, code: "invalid_body", message: "users must name at least one user") }
      settings.users = Set(users)
    }
    if let kinds {
      guard !kinds.isEmpty else { throw APIError(.badRequest, code: "invalid_body", message: "kinds must name at least one kind") }
      settings.kinds = Set(kinds.map(MediaKind.init))
    }
    if let dryRun { settings.dryRun = dryRun }
    return settings
  }

  private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }
}
