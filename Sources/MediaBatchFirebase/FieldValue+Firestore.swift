public import GoogleCloud
public import MediaBatchCore

extension FieldValue {
  /// The model's value for a Firestore value: the same shape, case for case.
  public init(_ value: FirestoreValue) {
    switch value {
    case .null: self = .null
    case .bool(let value): self = .bool(value)
    case .integer(let value): self = .integer(value)
    case .double(let value): self = .double(value)
    case .string(let value): self = .string(value)
    case .timestamp(let value): self = .timestamp(value)
    case .bytes(let value): self = .bytes(value)
    case .reference(let value): self = .reference(value)
    case .geoPoint(let latitude, let longitude): self = .geoPoint(latitude: latitude, longitude: longitude)
    case .array(let values): self = .array(values.map(FieldValue.init))
    case .map(let fields): self = .map(FieldValue.fields(fields))
    }
  }

  /// A document's fields in the model's terms.
  public static func fields(_ fields: [String: FirestoreValue]) -> [String: FieldValue] {
    fields.mapValues(FieldValue.init)
  }
}
