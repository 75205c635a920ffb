public import GoogleCloud
public import MediaBatchCore

/// Cloud Storage as the engine's object store: the client's downloads as `MediaResponse`s, its failures as
/// `StoreError`s that say whether to retry, slow down or start over.
public struct CloudStorageStore: MediaStore {
  public let client: CloudStorageClient

  public init(client: CloudStorageClient) {
    self.client = client
  }

  public func open(_ location: ObjectLocation, offset: Int64, generation: String?) async throws -> MediaResponse {
    try await open(location, offset: offset, end: nil, generation: generation)
  }

  public func open(_ location: ObjectLocation, range: Range<Int64>, generation: String) async throws -> MediaResponse {
    try await open(location, offset: range.lowerBound, end: range.upperBound, generation: generation)
  }

  private func open(_ location: ObjectLocation, offset: Int64, end: Int64?, generation: String?) async throws -> MediaResponse {
    let download: CloudStorageClient.Download
    do {
      download = try await client.download(StorageObjectID(location), offset: offset, end: end, generation: generation)
    } catch {
      throw StoreError(error, reading: location)
    }
    let info = ObjectInfo(
      size: download.size, generation: download.generation, crc32c: download.hashes.crc32c, md5: download.hashes.md5,
      contentType: download.contentType, contentEncoding: download.contentEncoding)
    return MediaResponse(info: info, bodyOffset: download.bodyOffset, body: ByteStream(download.body.map { Array($0.readableBytesView) }))
  }

  public func currentGeneration(of location: ObjectLocation) async throws -> String? {
    do {
      return try await client.currentGeneration(of: StorageObjectID(location))
    } catch {
      throw StoreError(error, reading: location)
    }
  }

  public func generationsPage(inBucket bucket: String, prefix: String, pageToken: String?) async throws -> GenerationsPage? {
    do {
      let page = try await client.generations(inBucket: bucket, prefix: prefix, pageToken: pageToken)
      return GenerationsPage(objects: page.objects.map { .init(name: $0.name, generation: $0.generation) }, nextPageToken: page.nextPageToken)
    } catch {
      throw StoreError(error, reading: ObjectLocation(bucket: bucket, object: prefix))
    }
  }

  public func objectInfo(of location: ObjectLocation) async throws -> ObjectInfo? {
    let resource: StorageObjectResource?
    do {
      resource = try await client.resource(of: StorageObjectID(location))
    } catch {
      throw StoreError(error, reading: location)
    }
    return resource.map {
      ObjectInfo(
        size: $0.size, generation: $0.generation, crc32c: $0.hashes.crc32c, md5: $0.hashes.md5, contentType: $0.contentType,
        contentEncoding: $0.contentEncoding)
    }
  }
}

extension StorageObjectID {
  public init(_ location: ObjectLocation) {
    self.init(bucket: location.bucket, name: location.object)
  }
}

extension StoreError {
  /// How the engine treats a failed Cloud Storage call for `location`.
  public init(_ error: CloudStorageError, reading location: ObjectLocation) {
    switch error {
    case .invalidName(_, let problem):
      self.init(.invalidLocation, "\(location): \(problem)")
    case .transport(_, let cause):
      // No answer is transient, but for credentials the token endpoint refused.
      if let cause = cause as? AuthenticationError, !cause.isTransient {
        self.init(.unauthenticated, cause.description)
      } else {
        self.init(.network, "no answer for \(location): \(cause)", .transient())
      }
    case .api(_, let answer):
      self = answer.storeError(for: location)
    case .generationGone(_, let answer):
      // The pinned generation is gone: the object was replaced or deleted since the first byte. Start over.
      self = answer.storeError(for: location)
      treatment = .restart(retryAfter: retryAfter)
    case .unusablePartialAnswer:
      self.init(.storeError, "a partial answer for \(location) has no usable Content-Range", .restart())
    case .rangeNotSatisfiable(_, let offset):
      self.init(.truncated, "\(location) is shorter than the \(offset) bytes already fetched", .restart())
    case .malformedHashes:
      // Retryable: a garbled header is more likely a fault on the way than a property of the object.
      self.init(.storeError, error.description, .transient())
    case .unreadableResource:
      self.init(.storeError, error.description)
    }
  }
}
