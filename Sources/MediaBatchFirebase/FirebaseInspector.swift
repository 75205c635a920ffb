public import GoogleCloud
import MediaBatchCore
import Toolbox

/// Samples a project's users and metadata documents and reports which fields hold ids, locations and names, so a
/// schema that differs from the defaults can be configured in a minute.
public struct FirebaseInspector: Sendable {
  public let firestore: FirestoreClient
  public let schema: FirebaseSchema
  public let locations: MediaLocationParser

  public init(firestore: FirestoreClient, schema: FirebaseSchema, locations: MediaLocationParser) {
    self.firestore = firestore
    self.schema = schema
    self.locations = locations
  }

  /// How often each type appeared in one field across the sampled documents.
  public struct FieldUsage: Sendable, Hashable {
    public var name: String
    public var types: [String: Int]
    public var total: Int { types.values.reduce(0, +) }
  }

  /// What the sample of one kind's metadata collection showed.
  public struct KindReport: Sendable, Hashable {
    public var kind: FirebaseSchema.Kind
    public var idsSampled: Int
    public var found: Int
    public var missing: Int
    public var fields: [FieldUsage]
    /// Location forms seen: `object path`, `gs://`, `download URL`, `unusable`.
    public var locationForms: [String: Int]
    public var namesFound: Int
  }

  public struct Report: Sendable, Hashable {
    public var usersSampled: Int
    public var userFields: [FieldUsage]
    /// User fields that hold arrays of strings and are not configured as a kind: likely more media ids.
    public var candidateIdFields: [String]
    public var kinds: [KindReport]
    /// The kinds the sample supports, with any found candidates added.
    public var suggestedSchema: FirebaseSchema
  }

  public func inspect(sampleSize: Int) async throws -> Report {
    let users = try await firestore.page(collection: schema.usersCollection, fields: nil, after: nil, limit: max(1, sampleSize))
    let userFields = Self.usage(users.map { FieldValue.fields($0.fields) })
    let configured = Set(schema.kinds.map(\.idsField))
    let candidates = userFields.filter { usage in
      !configured.contains(usage.name) && usage.types["array of strings", default: 0] > 0
    }.map(\.name)

    var kinds: [KindReport] = []
    var suggested = schema
    for kind in schema.kinds {
      kinds.append(try await report(kind, users: users))
    }
    for field in candidates {
      // Guess the collection from the field's name: `videoIds` → `videos`, then `video`, then the field itself.
      var stem = field
      for suffix in ["Ids", "_ids", "IDs", "ids"] where stem.hasSuffix(suffix) { stem = String(stem.dropLast(suffix.count)) }
      for collection in [stem + "s", stem, field] where !collection.isEmpty {
        let guess = FirebaseSchema.Kind(name: stem + "s", idsField: field, metadataCollection: collection)
        let report = try await report(guess, users: users)
        if report.found > 0 {
          kinds.append(report)
          suggested.kinds.append(guess)
          break
        }
      }
    }
    return Report(usersSampled: users.count, userFields: userFields, candidateIdFields: candidates, kinds: kinds, suggestedSchema: suggested)
  }

  private func report(_ kind: FirebaseSchema.Kind, users: [FirestoreDocument]) async throws -> KindReport {
    var ids: [String] = []
    for user in users {
      guard case .array(let values)? = user.fields[kind.idsField] else { continue }
      for case .string(let id) in values where FirebaseDocumentMapper.problem(inDocumentID: id) == nil { ids.append(id) }
    }
    let sample = Array(Set(ids)).sorted().prefix(100)
    let names = sample.map { firestore.documentName(collection: kind.metadataCollection, id: $0) }
    let documents = names.isEmpty ? [:] : try await firestore.documents(named: Array(names))
    let found = documents.values.compactMap { $0 }
    let mapper = FirebaseDocumentMapper(schema: schema, locations: locations)
    var forms: [String: Int] = [:]
    var namesFound = 0
    for document in found {
      switch mapper.item(id: document.id, kind: kind, metadata: document) {
      case .success:
        let text = (schema.locationFields + schema.urlFields).lazy.compactMap { document.fields[$0]?.stringValue }.first ?? ""
        let form = text.hasPrefix("gs://") ? "gs://" : (text.contains("://") ? "download URL" : "object path")
        forms[form, default: 0] += 1
        if schema.nameFields.contains(where: { document.fields[$0]?.stringValue != nil }) { namesFound += 1 }
      case .failure:
        forms["unusable", default: 0] += 1
      }
    }
    return KindReport(
      kind: kind, idsSampled: sample.count, found: found.count, missing: documents.count - found.count,
      fields: Self.usage(found.map { FieldValue.fields($0.fields) }), locationForms: forms, namesFound: namesFound
    )
  }

  static func usage(_ documents: [[String: FieldValue]]) -> [FieldUsage] {
    var usage: [String: [String: Int]] = [:]
    for fields in documents {
      for (name, value) in fields {
        let type: String
        if case .array(let values) = value, !values.isEmpty, values.allSatisfy({ $0.stringValue != nil }) {
          type = "array of strings"
        } else {
          type = value.typeName
        }
        usage[name, default: [:]][type, default: 0] += 1
      }
    }
    return usage.map { FieldUsage(name: $0.key, types: $0.value) }.sorted { ($0.total, $1.name) > ($1.total, $0.name) }
  }
}
