import AsyncHTTPClient
import NIOCore

/// Reading one part of a collection: split points from `partitionQuery`, and the documents between two of them.
extension FirestoreClient {
  /// The names of documents that cut the collection group `collection` into up to `parts` ranges of about equal
  /// size, in Firestore's order (Firestore's `partitionQuery`, every page of it). Fewer, or none, come back when the
  /// data is small. They may name documents of subcollections with the same id: positions, not members.
  public func splitPoints(collectionGroup collection: String, parts: Int) async throws -> [String] {
    guard parts > 1 else { return [] }
    var names: Set<String> = []
    var pageToken: String?
    repeat {
      var body = JSONObject([
        "structuredQuery": .object(Self.collectionGroupQuery(collection)),
        "partitionCount": .string(String(parts - 1)),
      ])
      if let pageToken { body.set("pageToken", .string(pageToken)) }
      let bytes = JSONValue.object(body).serializedBytes()
      let answer = try await retries.run(isRetryable: Self.isRetryable, retryAfter: Self.retryAfter) {
        try await postJSON(path: "/\(documentsRoot):partitionQuery", body: bytes)
      }
      for partition in answer["partitions"]?.arrayValue ?? [] {
        guard case .string(let name)? = partition["values"]?.arrayValue?.first?["referenceValue"], name.hasPrefix(documentsRoot + "/") else {
          throw FirestoreDecodingError("a partition cursor is not a reference to a document of \(documentsRoot)")
        }
        names.insert(name)
      }
      pageToken = answer["nextPageToken"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
    } while pageToken != nil
    // Pages come in no particular order: the cursors are sorted as Firestore orders names.
    return names.sorted(by: Self.precedes)
  }

  /// One page of the documents of the top-level collection `collection` in the range `[from, before)` of names (a
  /// bound that is `nil` is open), after the name `after` when given: the collection-group query split points are
  /// positions in, with the documents of same-named subcollections left out. `last` is the last name the page read,
  /// kept or not; it is `nil` only when the range holds nothing more.
  public func rangePage(
    collection: String, fields: [String]?, from start: String?, before end: String?, after: String?, limit: Int
  ) async throws -> (documents: [FirestoreDocument], last: String?) {
    var query = Self.collectionGroupQuery(collection)
    query.set("limit", .number(String(limit)))
    if let fields {
      let paths = (fields.isEmpty ? ["__name__"] : fields).map { JSONValue.object(JSONObject(["fieldPath": .string(FieldPath.quoted($0))])) }
      query.set("select", .object(JSONObject(["fields": .array(paths)])))
    }
    if let after {
      query.set("startAt", Self.cursor(after, before: false))
    } else if let start {
      query.set("startAt", Self.cursor(start, before: true))
    }
    if let end { query.set("endAt", Self.cursor(end, before: true)) }
    let body = JSONValue.object(JSONObject(["structuredQuery": .object(query)])).serializedBytes()
    let parent = documentsRoot + "/" + collection + "/"
    return try await retries.run(isRetryable: Self.isRetryable, retryAfter: Self.retryAfter) {
      var documents: [FirestoreDocument] = []
      var last: String?
      try await streamArray(path: "/\(documentsRoot):runQuery", body: body) { element in
        guard let document = try RunQueryResponse(json: element).document else { return }
        last = document.name
        if document.name.hasPrefix(parent), !document.name.dropFirst(parent.count).contains("/") { documents.append(document) }
      }
      return (documents, last)
    }
  }

  /// Whether the document name `a` comes before `b` in Firestore's order: segment by segment, each compared by its
  /// UTF-8 bytes (a plain string comparison would put `users/a/x/y` after `users/a-b`).
  public static func precedes(_ a: String, _ b: String) -> Bool {
    a.split(separator: "/", omittingEmptySubsequences: false).lexicographicallyPrecedes(
      b.split(separator: "/", omittingEmptySubsequences: false)
    ) { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  private static func collectionGroupQuery(_ collection: String) -> JSONObject {
    JSONObject([
      "from": .array([.object(JSONObject(["collectionId": .string(collection), "allDescendants": .bool(true)]))]),
      "orderBy": .array([
        .object(JSONObject(["field": .object(JSONObject(["fieldPath": .string("__name__")])), "direction": .string("ASCENDING")]))
      ]),
    ])
  }

  private static func cursor(_ name: String, before: Bool) -> JSONValue {
    .object(JSONObject(["values": .array([.object(JSONObject(["referenceValue": .string(name)]))]), "before": .bool(before)]))
  }

  /// POSTs `body` and returns the whole JSON answer (a unary call; answers are small).
  private func postJSON(path: String, body: [UInt8]) async throws -> JSONValue {
    let url = baseURL + path
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    request.body = .bytes(ByteBuffer(bytes: body))
    let response: HTTPClientResponse
    let answer: ByteBuffer
    do {
      response = try await http.execute(request, timeout: .seconds(300))
      answer = try await response.body.collect(upTo: 16 << 20)
    } catch let error as AuthenticationError {
      throw error
    } catch {
      throw TransportError(url: url, error)
    }
    guard response.status == .ok else {
      throw GoogleAPIError(
        service: .firestore, httpStatus: Int(response.status.code), body: Array(answer.readableBytesView.prefix(256 * 1024)),
        retryAfterHeader: response.headers.first(name: "Retry-After"))
    }
    do {
      return try JSONValue(parsing: answer.readableBytesView)
    } catch {
      throw TransportError(url: url, error)
    }
  }
}
