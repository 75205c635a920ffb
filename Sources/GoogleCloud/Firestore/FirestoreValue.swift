public import struct Foundation.Data

/// A Firestore `Value`, typed: what a document field holds.
public indirect enum FirestoreValue: Sendable, Hashable {
  case null
  case bool(Bool)
  case integer(Int64)
  case double(Double)
  case string(String)
  /// RFC 3339, as the API sends it (nanosecond precision survives as text).
  case timestamp(String)
  case bytes(Data)
  /// A document's full resource name.
  case reference(String)
  case geoPoint(latitude: Double, longitude: Double)
  case array([FirestoreValue])
  case map([String: FirestoreValue])

  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }
}
