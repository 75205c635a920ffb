import Hummingbird
import HummingbirdCore
import MediaBatchCore

/// The query parameters the listing endpoints share, each checked with a `400 invalid_query` naming the bad value.
struct ListingQuery {
  let parameters: FlatDictionary<Substring, Substring>

  init(_ request: Request) {
    parameters = request.uri.queryParameters
  }

  /// `limit`, 1–1000.
  func limit(default value: Int = 100) throws -> Int {
    guard let text = parameters.get("limit") else { return value }
    guard let parsed = Int(text), (1...1_000).contains(parsed) else {
      throw APIError(.badRequest, code: "invalid_query", message: "limit must be a whole number from 1 to 1000, not \"\(text)\"")
    }
    return parsed
  }

  /// A value of a closed set, such as a status.
  func value<Value: RawRepresentable>(_ name: String, as type: Value.Type, allowed: [Value]) throws -> Value?
  where Value.RawValue == String {
    guard let text = parameters.get(name) else { return nil }
    guard let value = Value(rawValue: text) else {
      let names = allowed.map(\.rawValue).joined(separator: ", ")
      throw APIError(.badRequest, code: "invalid_query", message: "\(name) must be one of \(names), not \"\(text)\"")
    }
    return value
  }

  /// `error_code`: a code such as `not_found` (lower-case letters and underscores).
  func errorCode() throws -> ItemError.Code? {
    guard let text = parameters.get("error_code") else { return nil }
    guard !text.isEmpty, text.utf8.count <= 64, text.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F }) else {
      throw APIError(.badRequest, code: "invalid_query", message: "error_code must be a code such as not_found, not \"\(text)\"")
    }
    return ItemError.Code(rawValue: text)
  }

  /// `cursor`: the `next_cursor` of an earlier page, 1–18 digits.
  func cursor() throws -> String? {
    guard let text = parameters.get("cursor") else { return nil }
    guard text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { throw Self.invalidCursor(text) }
    return text
  }

  func string(_ name: String) -> String? {
    parameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
  }

  static func invalidCursor(_ cursor: String) -> APIError {
    APIError(.badRequest, code: "invalid_query", message: "cursor \"\(cursor)\" is not one this server handed out")
  }
}
