import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import MediaBatchServer
import MediaBatchTesting
import NIOCore
import Testing

import struct GoogleCloud.JSONParser
import enum GoogleCloud.JSONValue

/// One contract, three places: the OpenAPI description the server publishes, the routes and responses of the server
/// itself, and the dashboard's TypeScript types. Each test reads the description and fails when a place disagrees.
@Suite("OpenAPI contract", .timeLimit(.minutes(15)))
struct OpenAPIContractTests {
  /// The dashboard's static files are routes too, but not API operations.
  static func isDashboardFile(_ path: String) -> Bool {
    path == "/index.html" || path.hasPrefix("/assets/")
  }

  @Test("every route the server registers is an operation in the description, and every operation is a route")
  func routesMatchTheDescription() throws {
    let spec = try OpenAPISpec()
    let harness = try ServerHarness.demo(users: 1)
    defer { harness.directory.remove() }
    let table: RouteTable<APIRequestContext> = routeTable(
      engine: harness.engine, history: harness.history, configuration: harness.configuration, metrics: harness.metrics,
      dashboard: .bundled())
    let routes = Set(
      table.endpoints.filter { !Self.isDashboardFile($0.path) }.map { endpoint in
        let path = endpoint.path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
        return "\(endpoint.method.rawValue) /" + path.joined(separator: "/")
      })
    #expect(routes == spec.operations, "only routes: \(routes.subtracting(spec.operations)); only described: \(spec.operations.subtracting(routes))")
    // Open routes are exactly the operations the description marks `security: []`.
    let open = Set(table.endpoints.filter { $0.access == Access.open && !Self.isDashboardFile($0.path) }.map { $0.path })
    let describedOpen = Set(
      spec.paths.filter { _, operations in operations.values.contains { (($0 as? [String: Any])?["security"] as? [Any])?.isEmpty == true } }
        .keys)
    #expect(open == describedOpen)
  }

  @Test("every answer of a demo job with every edge case, errors included, has exactly the keys and types described")
  func responsesMatchTheDescription() async throws {
    let harness = try ServerHarness.demo(users: 12, edgeCases: true, token: "contract-token")
    defer { harness.directory.remove() }
    let auth: HTTPFields = [.authorization: "Bearer contract-token"]
    try await harness.application().test(.router) { client in
      let spec = try OpenAPISpec()
      var checked = 0
      func check(_ method: HTTPRequest.Method, _ uri: String, as path: String, headers: HTTPFields = auth, body: String? = nil) async throws {
        var headers = headers
        if method == .post, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        let schema = try #require(
          spec.responseSchema(method.rawValue, path, status: Int(response.status.code)),
          "\(method) \(uri) answered \(response.status.code), which the description of \(path) does not list")
        let value = try JSONValue.parse(response.body.readableBytesView)
        let problems = spec.problems(value, schema)
        #expect(problems.isEmpty, "\(method) \(uri) → \(response.status.code):\n\(problems.joined(separator: "\n"))")
        let disorder = Self.keysOutOfOrder(try GoogleCloud.JSONParser().parse(response.body.readableBytesView))
        #expect(disorder.isEmpty, "\(method) \(uri): keys not in the API's order (status first, then sorted): \(disorder.prefix(3))")
        checked += 1
      }
      // Before any job.
      try await check(.get, "/batch-process-status", as: "/batch-process-status")
      try await check(.get, "/batch-process-results", as: "/batch-process-results")
      try await check(.get, "/jobs", as: "/jobs")
      try await check(.get, "/healthz", as: "/healthz", headers: [:])
      // A job with every kind of failure, then a dry run, so every field has been filled at least once.
      try await harness.untilJobEnds { try await check(.post, "/batch-process-users", as: "/batch-process-users") }
      try await harness.untilJobEnds {
        try await check(.post, "/batch-process-users", as: "/batch-process-users", body: #"{"dry_run": true, "kinds": ["images"]}"#)
      }
      try await check(.get, "/batch-process-status", as: "/batch-process-status")
      try await check(.get, "/batch-process-results?limit=1000", as: "/batch-process-results")
      try await check(.get, "/batch-process-results?status=failed", as: "/batch-process-results")
      let jobs = try await client.execute(uri: "/jobs", method: .get, headers: auth) { $0.json["jobs"] as? [[String: Any]] ?? [] }
      try await check(.get, "/jobs", as: "/jobs")
      for id in jobs.compactMap({ $0["job_id"] as? String }) {
        try await check(.get, "/jobs/\(id)", as: "/jobs/{id}")
        try await check(.get, "/jobs/\(id)/users?limit=1000", as: "/jobs/{id}/users")
        try await check(.get, "/jobs/\(id)/items?limit=1000", as: "/jobs/{id}/items")
        try await check(.get, "/jobs/\(id)/items?status=failed", as: "/jobs/{id}/items")
      }
      // Errors.
      try await check(.get, "/jobs/nope", as: "/jobs/{id}")
      try await check(.get, "/jobs?cursor=abc", as: "/jobs")
      try await check(.get, "/jobs/nope/items?limit=0", as: "/jobs/{id}/items")
      try await check(.get, "/batch-process-results?error_code=NOT", as: "/batch-process-results")
      try await check(.get, "/batch-process-status", as: "/batch-process-status", headers: [:])
      try await check(.post, "/batch-process-stop", as: "/batch-process-stop")
      try await check(.post, "/batch-process-users", as: "/batch-process-users", body: #"{"users": []}"#)
      try await check(.post, "/batch-process-users", as: "/batch-process-users", body: #"{"retry_failed_of": "nope"}"#)
      var plainText = auth
      plainText[.contentType] = "text/plain"
      try await check(.post, "/batch-process-users", as: "/batch-process-users", headers: plainText)
      #expect(checked >= 25)
    }
  }

  /// The objects in `value`, as sent (in order), whose keys are not `status` first, then the rest sorted.
  static func keysOutOfOrder(_ value: GoogleCloud.JSONValue) -> [[String]] {
    switch value {
    case .object(let object):
      let keys = object.members.map(\.key)
      let expected = keys.filter { $0 == "status" } + keys.filter { $0 != "status" }.sorted()
      return (keys == expected ? [] : [keys]) + object.members.flatMap { keysOutOfOrder($0.value) }
    case .array(let elements):
      return elements.flatMap(keysOutOfOrder)
    default:
      return []
    }
  }

  @Test("the dashboard's TypeScript types are a subset of the described schemas, with the same optional and null keys")
  func typeScriptTypesMatchTheDescription() throws {
    let spec = try OpenAPISpec()
    let file = OpenAPISpec.sourceFile.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("web/src/api/types.ts")
    let declarations = try TypeScriptDeclarations(source: String(contentsOf: file, encoding: .utf8))
    #expect(declarations.interfaces.count >= 10)
    for interface in declarations.interfaces {
      let schema = try #require(spec.schemas[interface.schema] as? [String: Any], "\(interface.name): no schema \(interface.schema)")
      let properties = schema["properties"] as? [String: Any] ?? [:]
      let required = Set(schema["required"] as? [String] ?? [])
      for field in interface.fields {
        guard let property = properties[field.name] as? [String: Any] else {
          Issue.record("\(interface.name).\(field.name): \(interface.schema) has no \(field.name)")
          continue
        }
        let described = property["$ref"].flatMap { $0 as? String }.flatMap(spec.resolve) ?? property
        let nullable = property["nullable"] as? Bool == true || described["nullable"] as? Bool == true
        #expect(field.optional == !required.contains(field.name), "\(interface.name).\(field.name): optional in one, required in the other")
        #expect(field.nullable == nullable, "\(interface.name).\(field.name): nullable in one, not in the other")
        let type = described["type"] as? String ?? ((property["allOf"] as? [[String: Any]]) != nil ? "object" : "")
        #expect(field.isCompatible(with: type), "\(interface.name).\(field.name): \(field.type) where the schema says \(type)")
      }
    }
    let statuses = try #require(spec.schemas["JobStatus"] as? [String: Any])["enum"] as? [String]
    #expect(declarations.union("JobStatus") == statuses.map(Set.init), "JobStatus differs")
  }
}

/// The interfaces of a TypeScript declaration file, read line by line: `key?: type;` inside `export interface X {`,
/// each interface mapped to a schema by an `@schema Name` in the comment before it.
struct TypeScriptDeclarations {
  struct Field {
    var name: String
    var type: String
    var optional: Bool
    var nullable: Bool { type.contains("| null") }

    func isCompatible(with schemaType: String) -> Bool {
      let base = type.replacingOccurrences(of: "| null", with: "").trimmingCharacters(in: .whitespaces)
      switch schemaType {
      case "integer", "number": return base == "number"
      case "boolean": return base == "boolean"
      case "array": return base.hasSuffix("[]")
      case "string": return base == "string" || base.first?.isUppercase == true || base.hasPrefix("\"")
      case "object": return base.hasPrefix("Record<") || base.hasPrefix("{") || base.first?.isUppercase == true
      default: return false
      }
    }
  }

  struct Interface {
    var name: String
    var schema: String
    var fields: [Field]
  }

  private(set) var interfaces: [Interface] = []
  private let source: String

  init(source: String) throws {
    self.source = source
    var pendingSchema: String?
    var current: Interface?
    var depth = 0
    for line in source.split(separator: "\n", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
      if let range = line.range(of: "@schema ") {
        pendingSchema = String(line[range.upperBound...].prefix { $0.isLetter || $0.isNumber })
      }
      if line.hasPrefix("export interface "), let schema = pendingSchema {
        let name = line.dropFirst("export interface ".count).prefix { $0.isLetter || $0.isNumber }
        current = Interface(name: String(name), schema: schema, fields: [])
        pendingSchema = nil
        depth = 1
        continue
      }
      guard var interface = current else { continue }
      if depth == 1, let colon = line.firstIndex(of: ":"), line.hasSuffix(";") {
        var name = String(line[..<colon])
        let optional = name.hasSuffix("?")
        if optional { name.removeLast() }
        let type = line[line.index(after: colon)...].dropLast().trimmingCharacters(in: .whitespaces)
        interface.fields.append(Field(name: name, type: type, optional: optional))
      }
      depth += line.filter { $0 == "{" }.count - line.filter { $0 == "}" }.count
      if depth <= 0 {
        interfaces.append(interface)
        current = nil
      } else {
        current = interface
      }
    }
  }

  /// The string literals of `export type Name = | "a" | "b";`.
  func union(_ name: String) -> Set<String>? {
    guard let start = source.range(of: "export type \(name) =") else { return nil }
    let body = source[start.upperBound...].prefix { $0 != ";" }
    return Set(body.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) })
  }
}
