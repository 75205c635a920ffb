import AsyncHTTPClient
import Foundation
import NIOCore

/// Reads Firestore over its REST API: a collection page by page, and documents by name in bulk.
public struct FirestoreClient: Sendable {
  public let http: GoogleHTTP
  /// `https://firestore.googleapis.com/v1`, or `http://host:port/v1` for the emulator.
  public let baseURL: String
  public let projectID: String
  public let databaseID: String
  var retries = RetrySchedule()

  public init(http: GoogleHTTP, baseURL: String, projectID: String, databaseID: String = FirestoreDatabaseID.default) {
    self.http = http
    self.baseURL = baseURL
    self.projectID = projectID
    self.databaseID = databaseID
  }

  /// `projects/{p}/databases/{d}/documents`: the prefix of every document name.
  public var documentsRoot: String { "projects/\(projectID)/databases/\(databaseID)/documents" }

  public func documentName(collection: String, id: String) -> String { documentsRoot + "/" + collection + "/" + id }

  /// Refuses a document name from another project or database: a cursor there is refused by Firestore, and a
  /// name there in a `batchGet` may be answered as missing, which would turn metadata into `metadata_missing`.
  func requireInDatabase(_ name: String) throws(FirestoreDatabaseMismatch) {
    guard name.hasPrefix(documentsRoot + "/") else { throw FirestoreDatabaseMismatch(name: name, documentsRoot: documentsRoot) }
  }

  // MARK: - Reading a collection

  /// One page of a collection in name order: up to `limit` documents after `after` (a full document name), with
  /// only `fields` when given. The answer streams in and is decoded element by element.
  public func page(collection: String, fields: [String]?, after: String?, limit: Int) async throws -> [FirestoreDocument] {
    var query = JSONObject([
      "from": .array([.object(JSONObject(["collectionId": .string(collection)]))]),
      "orderBy": .array([
        .object(JSONObject(["field": .object(JSONObject(["fieldPath": .string("__name__")])), "direction": .string("ASCENDING")]))
      ]),
      "limit": .number(String(limit)),
    ])
    if let fields {
      let paths = (fields.isEmpty ? ["__name__"] : fields).map { JSONValue.object(JSONObject(["fieldPath": .string(FieldPath.quoted($0))])) }
      query.set("select", .object(JSONObject(["fields": .array(paths)])))
    }
    if let after {
      try requireInDatabase(after)
      query.set("startAt", .object(JSONObject(["values": .array([.object(JSONObject(["referenceValue": .string(after)]))]), "before": .bool(false)])))
    }
    let body = JSONValue.object(JSONObject(["structuredQuery": .object(query)])).serializedBytes()
    return try await retries.run(isRetryable: Self.isRetryable, retryAfter: Self.retryAfter) {
      var documents: [FirestoreDocument] = []
      try await streamArray(path: "/\(documentsRoot):runQuery", body: body) { element in
        if let document = try RunQueryResponse(json: element).document { documents.append(document) }
      }
      return documents
    }
  }

  /// The number of documents in a collection, by a COUNT aggregation; `nil` when the server cannot say.
  public func count(collection: String) async -> Int? {
    let query = JSONObject([
      "structuredAggregationQuery": .object(
        JSONObject([
          "structuredQuery": .object(JSONObject(["from": .array([.object(JSONObject(["collectionId": .string(collection)]))])])),
          "aggregations": .array([.object(JSONObject(["alias": .string("n"), "count": .object(JSONObject())]))]),
        ]))
    ])
    let body = JSONValue.object(query).serializedBytes()
    var count: Int?
    do {
      try await streamArray(path: "/\(documentsRoot):runAggregationQuery", body: body) { element in
        if case .string(let text)? = element["result"]?["aggregateFields"]?["n"]?["integerValue"] { count = Int(text) }
      }
    } catch {
      return nil
    }
    return count
  }

  // MARK: - Reading documents by name

  /// Fetches documents by full name. The answer maps every name asked for to its document, or to `nil` when it
  /// does not exist. Results arrive unordered; a broken stream is resumed for the names not yet answered.
  public func documents(named names: [String]) async throws -> [String: FirestoreDocument?] {
    var results: [String: FirestoreDocument?] = [:]
    let unique = Array(Set(names))
    for name in unique { try requireInDatabase(name) }
    try await retries.run(isRetryable: Self.isRetryable, retryAfter: Self.retryAfter) {
      let remaining = unique.filter { results[$0] == nil }
      guard !remaining.isEmpty else { return }
      let body = JSONValue.object(JSONObject(["documents": .array(remaining.map { .string($0) })])).serializedBytes()
      try await streamArray(path: "/\(documentsRoot):batchGet", body: body) { element in
        let response = try BatchGetResponse(json: element)
        switch response.result {
        case .found(let document): results[document.name] = .some(document)
        case .missing(let name): results[name] = .some(nil)
        default: break
        }
      }
    }
    return results
  }

  // MARK: - Transport

  /// POSTs `body` and feeds every element of the streamed JSON array answer to `handle` as it completes.
  func streamArray(path: String, body: [UInt8], _ handle: (JSONValue) throws -> Void) async throws {
    let url = baseURL + path
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    request.body = .bytes(ByteBuffer(bytes: body))
    let response: HTTPClientResponse
    do {
      response = try await http.execute(request, timeout: .seconds(300))
    } catch let error as AuthenticationError {
      throw error
    } catch {
      throw TransportError(url: url, error)
    }
    guard response.status == .ok else {
      let answer = try? await response.body.collect(upTo: 256 * 1024)
      throw GoogleAPIError(
        service: .firestore,
        httpStatus: Int(response.status.code),
        body: answer.map { Array($0.readableBytesView) } ?? [],
        retryAfterHeader: response.headers.first(name: "Retry-After")
      )
    }
    var parser = JSONArrayStreamParser()
    do {
      for try await chunk in response.body {
        for element in try chunk.withUnsafeReadableBytes({ try parser.feed(Array($0.bindMemory(to: UInt8.self))) }) {
          if element["error"] != nil { throw GoogleAPIError(service: .firestore, streamError: element) }
          try handle(element)
        }
      }
      try parser.finish()
    } catch let error as GoogleAPIError {
      throw error
    } catch let error as JSONParseError {
      throw TransportError(url: url, error)
    } catch let error as FirestoreDecodingError {
      throw error
    } catch {
      throw TransportError(url: url, error)
    }
  }

  static func isRetryable(_ error: any Error) -> Bool {
    switch error {
    case let error as GoogleAPIError: error.isRetryable
    case is TransportError: true
    case let error as AuthenticationError: error.isTransient
    default: false
    }
  }

  static func retryAfter(_ error: any Error) -> Duration? {
    (error as? GoogleAPIError)?.retryAfter
  }
}

/// A document name handed to a client of another project or database.
public struct FirestoreDatabaseMismatch: Error, Sendable, Hashable, CustomStringConvertible {
  public var name: String
  /// `projects/{p}/databases/{d}/documents` of the client that was asked.
  public var documentsRoot: String

  public var description: String { "the document \(name) is not in the database being read (\(documentsRoot))" }
}

/// Field paths as a structured query writes them: a segment that is not a plain identifier goes in backticks.
enum FieldPath {
  static func quoted(_ field: String) -> String {
    if field == "__name__" { return field }
    let isPlain =
      !field.isEmpty
      && field.unicodeScalars.enumerated().allSatisfy { index, scalar in
        scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || (index > 0 && ("0"..."9").contains(scalar))
      }
    if isPlain { return field }
    return "`" + field.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "`", with: "\\`") + "`"
  }
}
