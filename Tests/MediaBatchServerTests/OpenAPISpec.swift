import Foundation
import Yams

/// The server's own OpenAPI description, read for the contract tests: its operations, and a validator for the subset
/// of JSON Schema it uses (`$ref`, `allOf`, `type`, `nullable`, `enum`, `required`, `properties`,
/// `additionalProperties`, `items`, `minimum`, `maxItems`).
struct OpenAPISpec {
  let document: [String: Any]

  static let sourceFile = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Sources/MediaBatchServer/OpenAPI/openapi.yaml")

  init() throws {
    let text = try String(contentsOf: Self.sourceFile, encoding: .utf8)
    document = try Yams.load(yaml: text) as? [String: Any] ?? [:]
  }

  var paths: [String: [String: Any]] { document["paths"] as? [String: [String: Any]] ?? [:] }
  var schemas: [String: Any] { (document["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:] }

  /// Every `METHOD path` the description has.
  var operations: Set<String> {
    Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
  }

  /// The JSON schema of an operation's answer with `status`; `nil` when the description has no such answer.
  func responseSchema(_ method: String, _ path: String, status: Int) -> [String: Any]? {
    guard let operation = paths[path]?[method.lowercased()] as? [String: Any],
      var response = (operation["responses"] as? [String: Any])?["\(status)"] as? [String: Any]
    else { return nil }
    if let reference = response["$ref"] as? String { response = resolve(reference) ?? [:] }
    let content = response["content"] as? [String: Any]
    return (content?["application/json"] as? [String: Any])?["schema"] as? [String: Any] ?? [:]
  }

  func resolve(_ reference: String) -> [String: Any]? {
    var node: Any? = document
    for part in reference.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] }
    return node as? [String: Any]
  }

  /// What is wrong with `value` against `schema`, each problem with its JSON path; empty when it conforms.
  func problems(_ value: JSONValue, _ schema: [String: Any], at path: String = "$") -> [String] {
    if let reference = schema["$ref"] as? String {
      guard let target = resolve(reference) else { return ["\(path): unresolvable \(reference)"] }
      return problems(value, target, at: path)
    }
    if case .null = value {
      return schema["nullable"] as? Bool == true || schema.isEmpty ? [] : ["\(path): null where the schema does not allow it"]
    }
    if let all = schema["allOf"] as? [[String: Any]] {
      return all.flatMap { problems(value, $0, at: path) }
    }
    if let cases = schema["enum"] as? [Any], case .string(let text) = value, !cases.contains(where: { "\($0)" == text }) {
      return ["\(path): \"\(text)\" is not one of \(cases)"]
    }
    switch (schema["type"] as? String, value) {
    case (nil, _): return []
    case ("string", .string), ("boolean", .bool): return []
    case ("integer", .integer(let number)):
      return (schema["minimum"] as? Int).map { number < Int64($0) } == true ? ["\(path): \(number) is below the minimum"] : []
    case ("number", .integer), ("number", .number): return []
    case ("array", .array(let elements)):
      if let maximum = schema["maxItems"] as? Int, elements.count > maximum { return ["\(path): more than \(maximum) items"] }
      let items = schema["items"] as? [String: Any] ?? [:]
      return elements.enumerated().flatMap { problems($1, items, at: "\(path)[\($0)]") }
    case ("object", .object(let members)):
      var found: [String] = []
      let properties = schema["properties"] as? [String: Any] ?? [:]
      for key in schema["required"] as? [String] ?? [] where members[key] == nil { found.append("\(path): lacks \"\(key)\"") }
      for (key, member) in members {
        if let property = properties[key] as? [String: Any] {
          found += problems(member, property, at: "\(path).\(key)")
        } else if let additional = schema["additionalProperties"] as? [String: Any] {
          found += problems(member, additional, at: "\(path).\(key)")
        } else if schema["additionalProperties"] as? Bool == false {
          found.append("\(path): has \"\(key)\", which the schema does not list")
        }
      }
      return found
    case (let type?, _):
      return ["\(path): \(value.kind) where the schema says \(type)"]
    }
  }
}

/// A JSON value decoded strictly: `true` is never the number 1, and `1` never a boolean.
enum JSONValue: Decodable, Equatable {
  case null, bool(Bool), integer(Int64), number(Double), string(String)
  case array([JSONValue]), object([String: JSONValue])

  init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int64.self) {
      self = .integer(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONValue].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  static func parse(_ bytes: some Sequence<UInt8>) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
  }

  var kind: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .integer: "an integer"
    case .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }
}
