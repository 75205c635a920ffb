public import GoogleCloud
public import MediaBatchCore
import Toolbox

/// Users from a Firebase project: the users collection read page by page in name order, each page's metadata
/// documents fetched in concurrent batches, and every user yielded with its items resolved.
public struct FirebaseSource: UserSource {
  public let firestore: FirestoreClient
  public let mapper: FirebaseDocumentMapper
  /// Users per listing request. Production returns up to 300 per page of a list call; a query with a limit streams
  /// exactly that many, so larger pages only cost memory.
  public var pageSize: Int
  /// Users in the first page: the downloads wait for it and its metadata, so it is small; each later page is twice
  /// the one before, up to `pageSize`, while the downloads of the earlier ones run.
  public var firstPageSize: Int
  /// Metadata documents per `batchGet` request, and how many such requests run at once.
  public var metadataBatchSize: Int
  public var metadataConcurrency: Int
  public let info: SourceInfo

  public init(
    firestore: FirestoreClient,
    mapper: FirebaseDocumentMapper,
    description: String,
    pageSize: Int = 300,
    firstPageSize: Int = 20,
    metadataBatchSize: Int = 100,
    metadataConcurrency: Int = 4
  ) {
    self.firestore = firestore
    self.mapper = mapper
    self.pageSize = max(1, pageSize)
    self.firstPageSize = min(self.pageSize, max(1, firstPageSize))
    self.metadataBatchSize = max(1, metadataBatchSize)
    self.metadataConcurrency = max(1, metadataConcurrency)
    self.info = SourceInfo(kind: "firebase", description: description, isDemo: false)
  }

  public func users() -> Users { Users(source: self, range: nil) }

  /// The users of one range of names, read as a collection-group query between split points.
  public func users(in range: UserRange) -> Users { Users(source: self, range: range) }

  /// Document names that cut the users collection into `parts` ranges, from Firestore's `partitionQuery`.
  public func splitPoints(parts: Int) async throws -> [String] {
    do {
      return try await firestore.splitPoints(collectionGroup: mapper.schema.usersCollection, parts: parts)
    } catch let error as GoogleAPIError where ["UNIMPLEMENTED", "INVALID_ARGUMENT", "FAILED_PRECONDITION", "NOT_FOUND"].contains(error.effectiveStatus ?? "") {
      // Firestore (or an emulator) that cannot partition this query; anything else is a failure to read the source.
      throw ListingSplitUnavailable(reason: "Firestore's partitionQuery is not available here (\(error))")
    }
  }

  public var listingIdentity: String { "firestore " + firestore.documentsRoot + "/" + mapper.schema.usersCollection }

  public func userCount() async throws -> Int? {
    await firestore.count(collection: mapper.schema.usersCollection)
  }

  /// The users of one page of the listing, with their items resolved.
  func resolve(_ documents: [FirestoreDocument]) async throws -> [SourceUser] {
    let listings = documents.map(mapper.listing)
    var names: [String] = []
    var seen: Set<String> = []
    for listing in listings {
      for (kind, id) in listing.ids {
        let name = firestore.documentName(collection: kind.metadataCollection, id: id)
        if seen.insert(name).inserted { names.append(name) }
      }
    }
    let metadata = try await fetchMetadata(names)
    return listings.map { listing in
      var user = SourceUser(id: listing.id, email: listing.email, items: [], unresolved: listing.problems)
      for (kind, id) in listing.ids {
        let document = metadata[firestore.documentName(collection: kind.metadataCollection, id: id)] ?? nil
        switch mapper.item(id: id, kind: kind, metadata: document) {
        case .success(let item): user.items.append(item)
        case .failure(let error): user.unresolved.append(UnresolvedItem(id: id, kind: kind.kind, error: error))
        }
      }
      return user
    }
  }

  /// Fetches metadata documents in batches, a few batches at a time.
  private func fetchMetadata(_ names: [String]) async throws -> [String: FirestoreDocument?] {
    guard !names.isEmpty else { return [:] }
    let batches = stride(from: 0, to: names.count, by: metadataBatchSize).map {
      Array(names[$0..<min($0 + metadataBatchSize, names.count)])
    }
    let firestore = self.firestore
    return try await withThrowingTaskGroup(of: [String: FirestoreDocument?].self) { group in
      var pending = batches.makeIterator()
      for _ in 0..<metadataConcurrency {
        guard let batch = pending.next() else { break }
        group.addTask { try await firestore.documents(named: batch) }
      }
      var merged: [String: FirestoreDocument?] = [:]
      while let result = try await group.next() {
        merged.merge(result) { first, _ in first }
        if let batch = pending.next() { group.addTask { try await firestore.documents(named: batch) } }
      }
      return merged
    }
  }

  /// Pages through the users collection; holds one page at a time.
  public struct Users: AsyncSequence, Sendable {
    let source: FirebaseSource
    let range: UserRange?

    public func makeAsyncIterator() -> Iterator { Iterator(source: source, range: range) }

    public struct Iterator: AsyncIteratorProtocol {
      let source: FirebaseSource
      let range: UserRange?
      var buffer: [SourceUser] = []
      var index = 0
      var lastName: String?
      var finished = false
      var nextPageSize: Int?

      public mutating func next() async throws -> SourceUser? {
        while index >= buffer.count {
          guard !finished else { return nil }
          let limit = nextPageSize ?? source.firstPageSize
          nextPageSize = Swift.min(source.pageSize, limit * 2)
          if let range {
            let page = try await source.firestore.rangePage(
              collection: source.mapper.schema.usersCollection, fields: source.mapper.schema.userFields,
              from: range.start, before: range.end, after: lastName, limit: limit
            )
            guard let last = page.last else {
              finished = true
              return nil
            }
            lastName = last
            buffer = try await source.resolve(page.documents)
            index = 0
            continue
          }
          let page = try await source.firestore.page(
            collection: source.mapper.schema.usersCollection,
            fields: source.mapper.schema.userFields,
            after: lastName,
            limit: limit
          )
          // A short page is not trusted as the last one (a server may cap pages below the limit): only an empty
          // page ends the listing.
          guard let last = page.last else {
            finished = true
            return nil
          }
          lastName = last.name
          buffer = try await source.resolve(page)
          index = 0
        }
        defer { index += 1 }
        return buffer[index]
      }
    }
  }
}
