/// One media item of a user, resolved from its metadata: where to fetch it and what to call it.
public struct MediaItem: Sendable, Hashable {
  /// The id listed in the user document (also the metadata document's id).
  public var id: String
  public var kind: MediaKind
  public var location: ObjectLocation
  /// The name the user gave the file; untrusted, sanitised before it touches the disk.
  public var originalName: String?
  public var contentType: String?
  /// The size the metadata declares, when it declares one; counted in the job's known totals early.
  public var declaredSize: Int64?
  /// Every field of the metadata document, preserved in the manifest.
  public var metadata: [String: FieldValue]

  public init(
    id: String,
    kind: MediaKind,
    location: ObjectLocation,
    originalName: String? = nil,
    contentType: String? = nil,
    declaredSize: Int64? = nil,
    metadata: [String: FieldValue] = [:]
  ) {
    self.id = id
    self.kind = kind
    self.location = location
    self.originalName = originalName
    self.contentType = contentType
    self.declaredSize = declaredSize
    self.metadata = metadata
  }

  /// Cloud Storage's largest object (5 TiB): a declared size beyond it, or below zero, is not a size.
  public static let maximumSize: Int64 = 5 << 40

  /// Why the declared size cannot be used, when it cannot: the item then fails alone as `invalid_metadata`.
  public var declaredSizeProblem: ItemError? {
    guard let size = declaredSize, size < 0 || size > Self.maximumSize else { return nil }
    return ItemError(
      .invalidMetadata, "the metadata declares a size of \(size) bytes, outside 0 to 5 TiB (Cloud Storage's largest object)")
  }
}
