import AsyncHTTPClient
public import MediaBatchCore
public import NIOCore

/// Streams objects from Cloud Storage's JSON API (or a storage emulator): one request per object, the declared
/// hashes taken from `x-goog-hash`, a resume sent as `Range` pinned to the first answer's generation.
public struct CloudStorageClient: MediaStore {
  public let http: GoogleHTTP
  /// `https://storage.googleapis.com`, or the emulator's URL.
  public let baseURL: String
  /// How long one request may take, body included.
  public var timeout: TimeAmount

  public init(http: GoogleHTTP, baseURL: String = "https://storage.googleapis.com", timeout: TimeAmount = .minutes(30)) {
    self.http = http
    self.baseURL = baseURL
    self.timeout = timeout
  }

  public func open(_ location: ObjectLocation, offset: Int64, generation: String?) async throws -> MediaResponse {
    if let problem = StorageObjectName.problem(inBucket: location.bucket) ?? StorageObjectName.problem(inObject: location.object) {
      throw StoreError(.invalidLocation, "\(location): \(problem)")
    }
    let url = baseURL + StorageObjectName.mediaPath(location, generation: generation)
    var request = HTTPClientRequest(url: url)
    // Ask for the stored bytes as they are: a gzip-encoded object then arrives compressed, exactly as hashed, and
    // a range means what it says (a transcoded answer ignores ranges and carries no usable hash).
    request.headers.add(name: "Accept-Encoding", value: "gzip")
    if offset > 0 { request.headers.add(name: "Range", value: "bytes=\(offset)-") }

    let response: HTTPClientResponse
    do {
      response = try await http.execute(request, timeout: timeout)
    } catch {
      throw Self.transportFailure(error, location)
    }

    let headers = response.headers
    let hashes = try ObjectHashes(headerValues: headers["x-goog-hash"])
    let generationHeader = headers.first(name: "x-goog-generation")
    let contentType = headers.first(name: "content-type")
    // With `Accept-Encoding: gzip` the stored bytes come as they are: for a gzip object, compressed, as hashed.
    let contentEncoding = headers.first(name: "x-goog-stored-content-encoding") ?? headers.first(name: "content-encoding")
    switch response.status.code {
    case 200:
      let size = headers.first(name: "x-goog-stored-content-length").flatMap { Int64($0) }
        ?? headers.first(name: "content-length").flatMap { Int64($0) }
      let info = ObjectInfo(
        size: size, generation: generationHeader, crc32c: hashes.crc32c, md5: hashes.md5, contentType: contentType,
        contentEncoding: contentEncoding)
      return MediaResponse(info: info, bodyOffset: 0, body: Self.body(response))
    case 206:
      guard let range = headers.first(name: "content-range").flatMap(ContentRange.init), let start = range.range?.lowerBound else {
        throw StoreError(.storeError, "a partial answer for \(location) has no usable Content-Range", isRetryable: true, requiresRestart: true)
      }
      let info = ObjectInfo(
        size: range.total, generation: generationHeader, crc32c: hashes.crc32c, md5: hashes.md5, contentType: contentType,
        contentEncoding: contentEncoding)
      return MediaResponse(info: info, bodyOffset: start, body: Self.body(response))
    case 416 where offset > 0:
      _ = try? await response.body.collect(upTo: 64 * 1024)
      throw StoreError(.truncated, "\(location) is shorter than the \(offset) bytes already fetched", isRetryable: true, requiresRestart: true)
    default:
      let answer = try? await response.body.collect(upTo: 64 * 1024)
      let error = GoogleAPIError(
        service: .storage,
        httpStatus: Int(response.status.code),
        body: answer.map { Array($0.readableBytesView) } ?? [],
        retryAfterHeader: headers.first(name: "Retry-After")
      )
      var storeError = error.storeError(for: location)
      if generation != nil, response.status.code == 404 || response.status.code == 412 {
        // The pinned generation is gone: the object was replaced or deleted since the first byte. Start over.
        storeError.isRetryable = true
        storeError.requiresRestart = true
      }
      throw storeError
    }
  }

  /// The object's generation, from its metadata resource (`fields=generation`, a few bytes).
  public func currentGeneration(of location: ObjectLocation) async throws -> String? {
    let body = try await metadata(of: location, fields: "generation")
    return (try? JSONValue(parsing: body))?["generation"]?.stringValue
  }

  /// Generation, size, hashes and content type, from the object's metadata resource.
  public func objectInfo(of location: ObjectLocation) async throws -> ObjectInfo? {
    let body = try await metadata(of: location, fields: "bucket,name,generation,size,crc32c,md5Hash,contentType,contentEncoding")
    guard let json = try? JSONValue(parsing: body) else { return nil }
    let resource = try StorageObjectResource(json: json)
    return ObjectInfo(
      size: resource.size,
      generation: resource.generation,
      crc32c: resource.hashes.crc32c,
      md5: resource.hashes.md5,
      contentType: resource.contentType,
      contentEncoding: resource.contentEncoding
    )
  }

  private func metadata(of location: ObjectLocation, fields: String) async throws -> [UInt8] {
    var request = HTTPClientRequest(url: baseURL + StorageObjectName.metadataPath(location) + "?fields=" + PercentEncoding.encode(fields))
    request.method = .GET
    let response: HTTPClientResponse
    do {
      response = try await http.execute(request, timeout: .seconds(60))
    } catch {
      throw Self.transportFailure(error, location)
    }
    let body = Array((try? await response.body.collect(upTo: 64 * 1024))?.readableBytesView ?? [])
    guard response.status == .ok else {
      throw GoogleAPIError(service: .storage, httpStatus: Int(response.status.code), body: body, retryAfterHeader: nil).storeError(for: location)
    }
    return body
  }

  /// Whether a bucket exists. A 403 counts as existing: the bucket is there, only its metadata is not readable.
  public func bucketExists(_ bucket: String) async throws -> Bool {
    var request = HTTPClientRequest(url: baseURL + "/storage/v1/b/" + PercentEncoding.encode(bucket))
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

  /// A request that got no answer: transient, but for credentials the token endpoint refused.
  private static func transportFailure(_ error: any Error, _ location: ObjectLocation) -> StoreError {
    if let error = error as? AuthenticationError, !error.isTransient { return StoreError(.unauthenticated, error.description) }
    return StoreError(.network, "no answer for \(location): \(error)", isRetryable: true)
  }

  private static func body(_ response: HTTPClientResponse) -> ByteStream {
    ByteStream(response.body.map { Array($0.readableBytesView) })
  }
}
