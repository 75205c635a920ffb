public import AsyncHTTPClient
public import NIOCore

/// Streams objects from Cloud Storage's JSON API (or a storage emulator): one request per object, the declared
/// hashes taken from `x-goog-hash`, a resume sent as `Range` pinned to the first answer's generation.
public struct CloudStorageClient: Sendable {
  public let http: GoogleHTTP
  /// `https://storage.googleapis.com`, or the emulator's URL.
  public let baseURL: String
  /// How long one request may take, body included.
  public var timeout: TimeAmount
  /// The project billed for every request (`userProject=`): required by requester-pays buckets.
  public let userProject: String?

  public init(
    http: GoogleHTTP, baseURL: String = "https://storage.googleapis.com", timeout: TimeAmount = .minutes(30), userProject: String? = nil
  ) {
    self.http = http
    self.baseURL = baseURL
    self.timeout = timeout
    self.userProject = userProject
  }

  /// The URL of a JSON API path (with its query, if any), with `userProject` added when there is one.
  func url(_ path: String) -> String {
    guard let userProject else { return baseURL + path }
    return baseURL + path + (path.contains("?") ? "&" : "?") + "userProject=" + PercentEncoding.encode(userProject)
  }

  /// An object's bytes as they are answered, and what the answer declares about the whole object.
  public struct Download: Sendable {
    /// The whole object's size as stored.
    public var size: Int64?
    public var generation: String?
    public var hashes: ObjectHashes
    public var contentType: String?
    /// `gzip` for an object stored compressed; its bytes then arrive compressed, exactly as hashed.
    public var contentEncoding: String?
    /// Where in the object the body starts: the requested offset, or 0 when the whole object was sent anyway.
    public var bodyOffset: Int64
    public var body: HTTPClientResponse.Body
  }

  /// Opens `object`'s bytes from `offset` on (`alt=media`), up to `end` (exclusive) when given; with `generation`,
  /// that generation or an error.
  public func download(
    _ object: StorageObjectID, offset: Int64, end: Int64? = nil, generation: String?
  ) async throws(CloudStorageError) -> Download {
    if let problem = StorageObjectName.problem(inBucket: object.bucket) ?? StorageObjectName.problem(inObject: object.name) {
      throw .invalidName(object, problem)
    }
    var request = HTTPClientRequest(url: url(StorageObjectName.mediaPath(object, generation: generation)))
    // Ask for the stored bytes as they are: a gzip-encoded object then arrives compressed, exactly as hashed, and
    // a range means what it says (a transcoded answer ignores ranges and carries no usable hash).
    request.headers.add(name: "Accept-Encoding", value: "gzip")
    if let end, end > offset {
      request.headers.add(name: "Range", value: "bytes=\(offset)-\(end - 1)")
    } else if offset > 0 {
      request.headers.add(name: "Range", value: "bytes=\(offset)-")
    }

    let response: HTTPClientResponse
    do {
      response = try await http.execute(request, timeout: timeout)
    } catch {
      throw .transport(object, error)
    }

    let headers = response.headers
    let hashes = try ObjectHashes(headerValues: headers["x-goog-hash"])
    var download = Download(
      size: nil, generation: headers.first(name: "x-goog-generation"), hashes: hashes, contentType: headers.first(name: "content-type"),
      contentEncoding: headers.first(name: "x-goog-stored-content-encoding") ?? headers.first(name: "content-encoding"),
      bodyOffset: 0, body: response.body)
    switch response.status.code {
    case 200:
      download.size = headers.first(name: "x-goog-stored-content-length").flatMap { Int64($0) }
        ?? headers.first(name: "content-length").flatMap { Int64($0) }
      return download
    case 206:
      guard let range = headers.first(name: "content-range").flatMap(ContentRange.init), let start = range.range?.lowerBound else {
        throw .unusablePartialAnswer(object)
      }
      download.size = range.total
      download.bodyOffset = start
      return download
    case 416 where offset > 0:
      _ = try? await response.body.collect(upTo: 64 * 1024)
      throw .rangeNotSatisfiable(object, offset: offset)
    default:
      let answer = try? await response.body.collect(upTo: 64 * 1024)
      let error = GoogleAPIError(
        service: .storage,
        httpStatus: Int(response.status.code),
        body: answer.map { Array($0.readableBytesView) } ?? [],
        retryAfterHeader: headers.first(name: "Retry-After")
      )
      if generation != nil, response.status.code == 404 || response.status.code == 412 { throw .generationGone(object, error) }
      throw .api(object, error)
    }
  }

  /// The object's generation, from its metadata resource (`fields=generation`, a few bytes).
  public func currentGeneration(of object: StorageObjectID) async throws(CloudStorageError) -> String? {
    let body = try await metadata(of: object, fields: "generation")
    return (try? JSONValue(parsing: body))?["generation"]?.stringValue
  }

  /// Generation, size, hashes and content type, from the object's metadata resource; `nil` when it is not JSON.
  public func resource(of object: StorageObjectID) async throws(CloudStorageError) -> StorageObjectResource? {
    let body = try await metadata(of: object, fields: "bucket,name,generation,size,crc32c,md5Hash,contentType,contentEncoding")
    guard let json = try? JSONValue(parsing: body) else { return nil }
    return try StorageObjectResource(json: json)
  }

  private func metadata(of object: StorageObjectID, fields: String) async throws(CloudStorageError) -> [UInt8] {
    try await get(url(StorageObjectName.metadataPath(object) + "?fields=" + PercentEncoding.encode(fields)), about: object)
  }

  /// A JSON API resource's bytes; any answer but 200 is an error about `object`.
  private func get(_ url: String, about object: StorageObjectID, limit: Int = 64 * 1024) async throws(CloudStorageError) -> [UInt8] {
    var request = HTTPClientRequest(url: url)
    request.method = .GET
    let response: HTTPClientResponse
    do {
      response = try await http.execute(request, timeout: .seconds(60))
    } catch {
      throw .transport(object, error)
    }
    let body = Array((try? await response.body.collect(upTo: limit))?.readableBytesView ?? [])
    guard response.status == .ok else {
      throw .api(object, GoogleAPIError(service: .storage, httpStatus: Int(response.status.code), body: body, retryAfterHeader: nil))
    }
    return body
  }

  /// One page of the objects whose names start with `prefix`, in name order, with only their names and generations (a `fields`
  /// mask keeps each entry a few dozen bytes): up to 1,000 objects per request, and the token of the next page.
  public func generations(
    inBucket bucket: String, prefix: String, pageToken: String? = nil
  ) async throws(CloudStorageError) -> (objects: [(name: String, generation: String)], nextPageToken: String?) {
    let listed = StorageObjectID(bucket: bucket, name: prefix)
    if let problem = StorageObjectName.problem(inBucket: bucket) { throw .invalidName(listed, problem) }
    var path = "/storage/v1/b/" + PercentEncoding.encode(bucket) + "/o?prefix=" + PercentEncoding.encode(prefix)
      + "&fields=" + PercentEncoding.encode("items(name,generation),nextPageToken") + "&maxResults=1000"
    if let pageToken { path += "&pageToken=" + PercentEncoding.encode(pageToken) }
    let body = try await get(url(path), about: listed, limit: 4 * 1024 * 1024)
    guard let json = try? JSONValue(parsing: body), json.objectValue != nil else {
      throw .unreadableResource("the listing of gs://\(bucket)/\(prefix)* is not a JSON object")
    }
    var objects: [(name: String, generation: String)] = []
    for entry in json["items"]?.arrayValue ?? [] {
      guard let name = entry["name"]?.stringValue, let generation = entry["generation"]?.stringValue else {
        throw .unreadableResource("an entry of the listing of gs://\(bucket)/\(prefix)* has no name or generation")
      }
      objects.append((name, generation))
    }
    return (objects, json["nextPageToken"]?.stringValue)
  }

  /// Whether a bucket exists. A 403 counts as existing: the bucket is there, only its metadata is not readable.
  public func bucketExists(_ bucket: String) async throws -> Bool {
    var request = HTTPClientRequest(url: url("/storage/v1/b/" + PercentEncoding.encode(bucket)))
    request.method = .GET
    let response = try await http.execute(request, timeout: .seconds(30))
    _ = try? await response.body.collect(upTo: 256 * 1024)
    switch response.status.code {
    case 200, 403: return true
    case 404: return false
    default:
      throw GoogleAPIError(service: .storage, httpStatus: Int(response.status.code), body: [], retryAfterHeader: nil)
    }
  }
}
