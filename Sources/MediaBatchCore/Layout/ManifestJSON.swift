import Foundation

/// Writes a manifest as JSON without going through `Encodable`: the same bytes `JSONEncoder` writes with
/// `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]` and ISO 8601 dates (two-space indents, `" : "` between
/// key and value, keys in byte order, an empty object or array written `{` and `}` with an empty line between), at a
/// small part of its cost: one manifest is written per user, and the encoder's boxing and dynamic dispatch made it
/// the most expensive step of an export after the downloads themselves. The test suite checks it against
/// `JSONEncoder`, byte for byte.
enum ManifestJSON {
  static func encode(_ manifest: UserManifest) -> [UInt8] {
    var fields: [(String, Node)] = [
      ("folder", .string(manifest.folder)),
      ("format_version", .integer(Int64(manifest.formatVersion))),
      ("generated_at", .string(manifest.generatedAt.formatted(.iso8601))),
      ("items", .array(manifest.items.map(node))),
      ("job_id", .string(manifest.jobId)),
      ("source", .string(manifest.source)),
      ("status", .string(manifest.status.rawValue)),
      ("user_id", .string(manifest.userId)),
    ]
    if let email = manifest.email { fields.append(("email", .string(email))) }
    var writer = Writer()
    writer.write(.object(fields), depth: 0)
    return writer.bytes
  }

  /// A JSON value before it is written; an object's fields in any order (they are sorted when written).
  indirect enum Node {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([Node])
    case object([(String, Node)])
  }

  private static func node(_ item: ItemOutcome) -> Node {
    var fields: [(String, Node)] = [
      ("id", .string(item.id)),
      ("kind", .string(item.kind.name)),
      ("status", .string(item.status.rawValue)),
      ("bucket", optional(item.location?.bucket)),
      ("object", optional(item.location?.object)),
      ("generation", optional(item.generation)),
      ("local_path", optional(item.localPath)),
      ("size", item.size.map { .integer($0) } ?? .null),
      ("crc32c", optional(item.crc32c)),
      ("md5", optional(item.md5)),
      ("content_type", optional(item.contentType)),
      ("original_name", optional(item.originalName)),
      // The item's own fields keep their names; maps inside them are `FieldValue`s, whose `$` keys are escaped.
      ("metadata", item.metadata.map { .object($0.map { key, value in (key, node(value)) }) } ?? .null),
      ("attempts", .integer(Int64(item.attempts))),
      ("error", item.error.map { .object([("code", .string($0.code.rawValue)), ("message", .string($0.message))]) } ?? .null),
    ]
    if let resumedFrom = item.resumedFrom { fields.append(("resumed_from", .integer(resumedFrom))) }
    if item.unverified { fields.append(("unverified", .bool(true))) }
    if let contentEncoding = item.contentEncoding { fields.append(("content_encoding", .string(contentEncoding))) }
    if let storedSize = item.storedSize { fields.append(("stored_size", .integer(storedSize))) }
    return .object(fields)
  }

  private static func optional(_ value: String?) -> Node {
    value.map { .string($0) } ?? .null
  }

  /// A Firestore map as `FieldValue`'s `Encodable` writes it: a key that starts with `$` gets one more.
  private static func node(map: [String: FieldValue]) -> Node {
    .object(map.map { key, value in (key.hasPrefix("$") ? "$" + key : key, node(value)) })
  }

  private static func node(_ value: FieldValue) -> Node {
    switch value {
    case .null: .null
    case .bool(let flag): .bool(flag)
    case .integer(let number): .integer(number)
    case .double(let number) where number.isFinite && Int64(exactly: number) == nil: .double(number)
    case .double(let number) where number.isFinite: tagged("double", .double(number))
    case .double(let number): tagged("double", .string(number.isNaN ? "NaN" : (number < 0 ? "-Infinity" : "Infinity")))
    case .string(let text): .string(text)
    case .timestamp(let text): tagged("timestamp", .string(text))
    case .bytes(let data): tagged("bytes", .string(data.base64EncodedString()))
    case .reference(let name): tagged("reference", .string(name))
    case .geoPoint(let latitude, let longitude):
      .object([
        ("$type", .string("geo_point")),
        ("latitude", latitude.isFinite ? .double(latitude) : .null),
        ("longitude", longitude.isFinite ? .double(longitude) : .null),
      ])
    case .array(let values): .array(values.map(node))
    case .map(let fields): node(map: fields)
    }
  }

  private static func tagged(_ type: String, _ value: Node) -> Node {
    .object([("$type", .string(type)), ("value", value)])
  }

  struct Writer {
    var bytes: [UInt8] = []

    init() {
      bytes.reserveCapacity(4096)
    }

    mutating func write(_ node: Node, depth: Int) {
      switch node {
      case .null: append("null")
      case .bool(let flag): append(flag ? "true" : "false")
      case .integer(let number): append(String(number))
      case .double(let number):
        // As the encoder does: the shortest form that reads back the same, without a trailing `.0`.
        var text = number.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        append(text)
      case .string(let text): write(string: text)
      case .array(let values):
        bytes.append(UInt8(ascii: "["))
        newline()
        for (index, value) in values.enumerated() {
          indent(depth + 1)
          write(value, depth: depth + 1)
          if index < values.count - 1 { bytes.append(UInt8(ascii: ",")) }
          newline()
        }
        if values.isEmpty { newline() }
        indent(depth)
        bytes.append(UInt8(ascii: "]"))
      case .object(let fields):
        bytes.append(UInt8(ascii: "{"))
        newline()
        let sorted = fields.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        for (index, (key, value)) in sorted.enumerated() {
          indent(depth + 1)
          write(string: key)
          append(" : ")
          write(value, depth: depth + 1)
          if index < sorted.count - 1 { bytes.append(UInt8(ascii: ",")) }
          newline()
        }
        if sorted.isEmpty { newline() }
        indent(depth)
        bytes.append(UInt8(ascii: "}"))
      }
    }

    private mutating func append(_ text: String) {
      bytes.append(contentsOf: text.utf8)
    }

    private mutating func newline() {
      bytes.append(UInt8(ascii: "\n"))
    }

    private mutating func indent(_ depth: Int) {
      bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Quotes and escapes as the encoder does: `"` and `\` escaped, control characters as `\b \f \n \r \t` or
    /// `\u00XX`, everything else (`/` included) as it is, in UTF-8.
    private mutating func write(string: String) {
      bytes.append(UInt8(ascii: "\""))
      for byte in string.utf8 {
        switch byte {
        case UInt8(ascii: "\""): append("\\\"")
        case UInt8(ascii: "\\"): append("\\\\")
        case 0x08: append("\\b")
        case 0x0C: append("\\f")
        case UInt8(ascii: "\n"): append("\\n")
        case UInt8(ascii: "\r"): append("\\r")
        case UInt8(ascii: "\t"): append("\\t")
        case 0..<0x20:
          append("\\u00")
          bytes.append(Self.hexDigits[Int(byte >> 4)])
          bytes.append(Self.hexDigits[Int(byte & 0xF)])
        default: bytes.append(byte)
        }
      }
      bytes.append(UInt8(ascii: "\""))
    }
  }
}
