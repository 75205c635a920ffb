public import GoogleCloud
public import MediaBatchCore
import Toolbox

/// Turns Firestore documents into MediaBatch's model by a schema: wrong shapes become per-item or per-user errors,
/// never crashes.
public struct FirebaseDocumentMapper: Sendable {
  public let schema: FirebaseSchema
  public let locations: MediaLocationParser

  public init(schema: FirebaseSchema, locations: MediaLocationParser) {
    self.schema = schema
    self.locations = locations
  }

  /// What a user document lists: its email, and per kind the ids (in order, repeats dropped) or the reason none
  /// could be read.
  public struct UserListing: Sendable, Hashable {
    public var id: String
    public var email: String?
    public var ids: [(kind: FirebaseSchema.Kind, id: String)]
    public var problems: [UnresolvedItem]

    public static func == (lhs: UserListing, rhs: UserListing) -> Bool {
      lhs.id == rhs.id && lhs.email == rhs.email && lhs.problems == rhs.problems
        && lhs.ids.map { "\($0.kind.name)/\($0.id)" } == rhs.ids.map { "\($0.kind.name)/\($0.id)" }
    }

    public func hash(into hasher: inout Hasher) {
      hasher.combine(id)
      hasher.combine(ids.map { "\($0.kind.name)/\($0.id)" })
    }
  }

  public func listing(of user: FirestoreDocument) -> UserListing {
    var listing = UserListing(id: user.id, email: nil, ids: [], problems: [])
    let fields = FieldValue.fields(user.fields)
    switch fields[schema.emailField] {
    case .string(let email)? where !email.trimmingWhitespace().isEmpty: listing.email = email
    default: break
    }
    for kind in schema.kinds {
      var seen: Set<String> = []
      switch fields[kind.idsField] {
      case nil, .null?:
        continue
      case .array(let values)?:
        for (index, value) in values.enumerated() {
          guard case .string(let id) = value else {
            listing.problems.append(
              UnresolvedItem(
                id: "\(kind.idsField)[\(index)]", kind: kind.kind,
                error: ItemError(.invalidMetadata, "\(kind.idsField)[\(index)] is \(value.typeName), expected a document id")
              )
            )
            continue
          }
          if let problem = Self.problem(inDocumentID: id) {
            listing.problems.append(
              UnresolvedItem(id: id, kind: kind.kind, error: ItemError(.invalidMetadata, "\(kind.idsField)[\(index)]: \(problem)"))
            )
            continue
          }
          if seen.insert(id).inserted { listing.ids.append((kind, id)) }
        }
      case let other?:
        listing.problems.append(
          UnresolvedItem(
            id: kind.idsField, kind: kind.kind,
            error: ItemError(.invalidMetadata, "user field \(kind.idsField) is \(other.typeName), expected an array of ids")
          )
        )
      }
    }
    return listing
  }

  /// The item a metadata document describes, or why it cannot be downloaded.
  public func item(id: String, kind: FirebaseSchema.Kind, metadata: FirestoreDocument?) -> Result<MediaItem, ItemError> {
    guard let metadata else {
      return .failure(ItemError(.metadataMissing, "metadata document \(kind.metadataCollection)/\(id) does not exist"))
    }
    let fields = FieldValue.fields(metadata.fields)
    let urlText = firstString(schema.urlFields, in: fields)
    let locationText = firstString(schema.locationFields, in: fields) ?? urlText
    if let urlText, locationText == urlText, !urlText.contains("://") {
      // A URL field that holds no URL is a broken document, not an object path to guess at.
      return .failure(ItemError(.invalidLocation, "\(kind.metadataCollection)/\(id): the URL field holds \"\(urlText.prefix(200))\", not a URL"))
    }
    guard let locationText else {
      let tried = (schema.locationFields + schema.urlFields).joined(separator: ", ")
      return .failure(ItemError(.invalidLocation, "\(kind.metadataCollection)/\(id) has none of the location fields \(tried)"))
    }
    let location: ObjectLocation
    do {
      location = try locations.parse(locationText)
    } catch {
      return .failure(ItemError(.invalidLocation, "\(kind.metadataCollection)/\(id): \(error.message)"))
    }
    let name = firstString(schema.nameFields, in: fields) ?? location.object.split(separator: "/").last.map(String.init)
    let size = schema.sizeFields.lazy.compactMap { fields[$0]?.integerValue }.first
    return .success(
      MediaItem(
        id: id,
        kind: kind.kind,
        location: location,
        originalName: name,
        contentType: firstString(schema.contentTypeFields, in: fields),
        declaredSize: size,
        metadata: fields
      )
    )
  }

  private func firstString(_ names: [String], in fields: [String: FieldValue]) -> String? {
    for name in names {
      if case .string(let value)? = fields[name], !value.isEmpty { return value }
    }
    return nil
  }

  /// Firestore's rules for a document id, so a bad id is a clear per-item error instead of a failed batch request.
  static func problem(inDocumentID id: String) -> String? {
    if id.isEmpty { return "the id is empty" }
    if id.contains("/") { return "the id \"\(id)\" contains \"/\"" }
    if id == "." || id == ".." { return "the id cannot be \"\(id)\"" }
    if id.utf8.count > 1_500 { return "the id is longer than 1500 bytes" }
    if id.hasPrefix("__"), id.hasSuffix("__"), id.count >= 4 { return "ids of the form __…__ are reserved" }
    return nil
  }
}

extension FieldValue {
  /// The value's type, for error messages.
  var typeName: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .integer: "an integer"
    case .double: "a number"
    case .string: "a string"
    case .timestamp: "a timestamp"
    case .bytes: "bytes"
    case .reference: "a reference"
    case .geoPoint: "a geo point"
    case .array: "an array"
    case .map: "a map"
    }
  }
}

