public import GoogleCloud

/// The Firebase side of a project's clients: its default bucket, its source and its inspector.
extension GoogleCloudClients {
  /// The bucket plain object paths live in: the configured one, else the first of the project's two possible
  /// default buckets that exists (`.firebasestorage.app` since October 2024, `.appspot.com` before).
  public func defaultBucket(configured: String?) async -> String? {
    if let configured { return configured }
    for candidate in ["\(projectID).firebasestorage.app", "\(projectID).appspot.com"] {
      if (try? await storage.bucketExists(candidate)) == true { return candidate }
    }
    return nil
  }

  /// An inspector of the project's schema.
  public func inspector(schema: FirebaseSchema, defaultBucket: String?) -> FirebaseInspector {
    FirebaseInspector(firestore: firestore, schema: schema, locations: MediaLocationParser(defaultBucket: defaultBucket))
  }

  /// The Firebase source for `schema`.
  public func source(schema: FirebaseSchema, defaultBucket: String?, extraHosts: Set<String> = []) -> FirebaseSource {
    let mapper = FirebaseDocumentMapper(schema: schema, locations: MediaLocationParser(defaultBucket: defaultBucket, extraHosts: extraHosts))
    let where_ = defaultBucket.map { ", bucket \($0)" } ?? ""
    return FirebaseSource(
      firestore: firestore,
      mapper: mapper,
      description: "Firebase project \(projectID)\(databaseLabel): collection \(schema.usersCollection)\(where_)"
    )
  }

  /// `, database <id>` for a named database; nothing for the default one, which every project has.
  public var databaseLabel: String {
    firestore.databaseID == FirestoreDatabaseID.default ? "" : ", database \(firestore.databaseID)"
  }

  /// Cloud Storage as the engine's object store.
  public var store: CloudStorageStore { CloudStorageStore(client: storage) }
}
