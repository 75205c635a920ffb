import Foundation
public import Hummingbird

/// The API's JSON: keys in one stable order everywhere — `status` first in every object that has one, the others
/// sorted — so responses, events and logs of them read and diff alike.
enum APIJSON {
  static func encode(_ value: some Encodable) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    var reorder = StatusFirst(Array(try encoder.encode(value)))
    return Data(reorder.value())
  }

  /// Moves `"status"` to the front of every object of compact JSON whose keys are already sorted. The input comes
  /// from `JSONEncoder`, so it is valid and has no whitespace outside strings.
  private struct StatusFirst {
    private let bytes: [UInt8]
    private var index = 0
    private static let statusKey = Array(#""status""#.utf8)

    init(_ bytes: [UInt8]) {
      self.bytes = bytes
    }

    mutating func value() -> ArraySlice<UInt8> {
      guard index < bytes.count else { return [] }
      switch bytes[index] {
      case UInt8(ascii: "{"): return object()
      case UInt8(ascii: "["): return array()
      case UInt8(ascii: "\""): return string()
      default: return scalar()
      }
    }

    private mutating func object() -> ArraySlice<UInt8> {
      index += 1  // {
      var members: [(key: ArraySlice<UInt8>, value: ArraySlice<UInt8>)] = []
      while index < bytes.count, bytes[index] != UInt8(ascii: "}") {
        if bytes[index] == UInt8(ascii: ",") { index += 1 }
        let key = string()
        index += 1  // :
        members.append((key, value()))
      }
      index += 1  // }
      if let status = members.firstIndex(where: { $0.key.elementsEqual(Self.statusKey) }), status > 0 {
        members.insert(members.remove(at: status), at: 0)
      }
      var out: [UInt8] = [UInt8(ascii: "{")]
      for (offset, member) in members.enumerated() {
        if offset > 0 { out.append(UInt8(ascii: ",")) }
        out += member.key
        out.append(UInt8(ascii: ":"))
        out += member.value
      }
      out.append(UInt8(ascii: "}"))
      return out[...]
    }

    private mutating func array() -> ArraySlice<UInt8> {
      index += 1  // [
      var out: [UInt8] = [UInt8(ascii: "[")]
      while index < bytes.count, bytes[index] != UInt8(ascii: "]") {
        if bytes[index] == UInt8(ascii: ",") {
          out.append(UInt8(ascii: ","))
          index += 1
        }
        out += value()
      }
      index += 1  // ]
      out.append(UInt8(ascii: "]"))
      return out[...]
    }

    private mutating func string() -> ArraySlice<UInt8> {
      let start = index
      index += 1  // opening quote
      while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
        index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
      }
      index += 1  // closing quote
      return bytes[start..<min(index, bytes.count)]
    }

    private mutating func scalar() -> ArraySlice<UInt8> {
      let start = index
      while index < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")].contains(bytes[index]) {
        index += 1
      }
      return bytes[start..<index]
    }
  }
}

/// Writes API responses with `APIJSON`.
public struct APIResponseEncoder: ResponseEncoder {
  public init() {}

  public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
    let data = try APIJSON.encode(value)
    return Response(
      status: .ok,
      headers: [.contentType: "application/json; charset=utf-8", .contentLength: "\(data.count)"],
      body: .init(byteBuffer: ByteBuffer(bytes: data))
    )
  }
}

/// The request context of the API's router: Hummingbird's basic one, with the API's JSON.
public struct APIRequestContext: RequestContext {
  public var coreContext: CoreRequestContextStorage

  public init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
  }

  public var responseEncoder: APIResponseEncoder { APIResponseEncoder() }
}
