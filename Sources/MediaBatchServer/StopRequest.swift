import Foundation

/// The body of `POST /batch-process-stop`: empty, or `{}`. Anything else is refused, so a client that thinks it can
/// say more (which job, how fast) learns at once that it cannot.
enum StopRequest {
  static func validate(_ bytes: [UInt8]) throws {
    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return }
    guard (try? JSONDecoder().decode([String: NoMember].self, from: Data(bytes))) != nil else {
      throw APIError(.badRequest, code: "invalid_body", message: "the body of a stop request must be empty or {}")
    }
  }

  /// What no member of the object may be: any key makes the body invalid.
  private struct NoMember: Decodable {
    init(from decoder: any Decoder) throws {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a stop request takes no fields"))
    }
  }
}
