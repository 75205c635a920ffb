import Foundation
import MediaBatchCore
import MediaBatchEngine

/// The optional body of `POST /batch-process-users`. Unknown keys are refused, so a typo never silently runs an
/// export of everything.
struct StartRequest: Decodable, Sendable {
  var users: [String]?
  var kinds: [String]?
  var dryRun: Bool?
  /// Retry only the failed and cancelled items of this earlier job.
  var retryFailedOf: String?

  private enum CodingKeys: String, CodingKey, CaseIterable {
    case users, kinds
    case dryRun = "dry_run"
    case retryFailedOf = "retry_failed_of"
  }

  init(from decoder: any Decoder) throws {
    let any = try decoder.container(keyedBy: AnyKey.self)
    for key in any.allKeys where CodingKeys(rawValue: key.stringValue) == nil {
      let known = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")
      throw APIError(.badRequest, code: "unknown_field", message: "unknown field \"\(key.stringValue)\"; known fields: \(known)")
    }
    let container = try decoder.container(keyedBy: CodingKeys.self)
    for key in container.allKeys where try container.decodeNil(forKey: key) {
      throw APIError(.badRequest, code: "invalid_body", message: "field \(key.rawValue) must not be null; leave it out instead")
    }
    users = try container.decodeIfPresent([String].self, forKey: .users)
    kinds = try container.decodeIfPresent([String].self, forKey: .kinds)
    dryRun = try container.decodeIfPresent(Bool.self, forKey: .dryRun)
    retryFailedOf = try container.decodeIfPresent(String.self, forKey: .retryFailedOf)
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
    if let retryFailedOf {
      guard !retryFailedOf.isEmpty else { throw APIError(.badRequest, code: "invalid_body", message: "retry_failed_of must name a job") }
      settings.retryFailedOf = retryFailedOf
    }
    return settings
  }

  private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }
}
