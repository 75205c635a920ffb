public import MediaBatchCore
import Toolbox

/// Where MediaBatch finds users, their media ids and each item's metadata in Firestore. Every name can
/// be changed, so an app with another schema is read without code changes.
public struct FirebaseSchema: Sendable, Hashable, Codable {
  /// A kind of media: its folder name, the user field that lists its ids, and the collection of its metadata.
  public struct Kind: Sendable, Hashable, Codable {
    public var name: String
    public var idsField: String
    public var metadataCollection: String

    public init(name: String, idsField: String, metadataCollection: String) {
      self.name = name
      self.idsField = idsField
      self.metadataCollection = metadataCollection
    }

    public var kind: MediaKind { MediaKind(name) }

    enum CodingKeys: String, CodingKey {
      case name
      case idsField = "ids_field"
      case metadataCollection = "metadata_collection"
    }
  }

  public var usersCollection: String
  public var emailField: String
  public var kinds: [Kind]
  /// Fields holding an object path in the default bucket (or a `gs://` URI or a URL); the first present wins.
  public var locationFields: [String]
  /// Fields holding a download URL, read when no location field is present.
  public var urlFields: [String]
  /// Fields holding the file's original name.
  public var nameFields: [String]
  public var contentTypeFields: [String]
  public var sizeFields: [String]

  public init(
    usersCollection: String = "email_users",
    emailField: String = "email",
    kinds: [Kind] = [
      Kind(name: "images", idsField: "imageIds", metadataCollection: "images"),
      Kind(name: "voices", idsField: "voiceIds", metadataCollection: "voices"),
    ],
    locationFields: [String] = ["storagePath", "storage_path", "path", "fullPath", "filePath"],
    urlFields: [String] = ["downloadURL", "downloadUrl", "url"],
    nameFields: [String] = ["originalName", "original_name", "fileName", "filename", "name"],
    contentTypeFields: [String] = ["contentType", "mimeType", "content_type"],
    sizeFields: [String] = ["size"]
  ) {
    self.usersCollection = usersCollection
    self.emailField = emailField
    self.kinds = kinds
    self.locationFields = locationFields
    self.urlFields = urlFields
    self.nameFields = nameFields
    self.contentTypeFields = contentTypeFields
    self.sizeFields = sizeFields
  }

  /// The user fields a listing needs: the email and every kind's ids.
  public var userFields: [String] { [emailField] + kinds.map(\.idsField) }

  enum CodingKeys: String, CodingKey {
    case usersCollection = "users_collection"
    case emailField = "email_field"
    case kinds
    case locationFields = "location_fields"
    case urlFields = "url_fields"
    case nameFields = "name_fields"
    case contentTypeFields = "content_type_fields"
    case sizeFields = "size_fields"
  }

  public init(from decoder: any Decoder) throws {
    let defaults = FirebaseSchema()
    let container = try decoder.container(keyedBy: CodingKeys.self)
    usersCollection = try container.decodeIfPresent(String.self, forKey: .usersCollection) ?? defaults.usersCollection
    emailField = try container.decodeIfPresent(String.self, forKey: .emailField) ?? defaults.emailField
    kinds = try container.decodeIfPresent([Kind].self, forKey: .kinds) ?? defaults.kinds
    locationFields = try container.decodeIfPresent([String].self, forKey: .locationFields) ?? defaults.locationFields
    urlFields = try container.decodeIfPresent([String].self, forKey: .urlFields) ?? defaults.urlFields
    nameFields = try container.decodeIfPresent([String].self, forKey: .nameFields) ?? defaults.nameFields
    contentTypeFields = try container.decodeIfPresent([String].self, forKey: .contentTypeFields) ?? defaults.contentTypeFields
    sizeFields = try container.decodeIfPresent([String].self, forKey: .sizeFields) ?? defaults.sizeFields
  }
}
