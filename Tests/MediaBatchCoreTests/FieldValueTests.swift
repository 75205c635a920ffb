import Foundation
import MediaBatchCore
import Testing

@Suite("Typed metadata values")
struct FieldValueTests {
  @Test("every kind of value survives a JSON round trip with its type")
  func roundTrip() throws {
    let value: FieldValue = .map([
      "null": .null, "flag": .bool(true), "count": .integer(9_007_199_254_740_993), "ratio": .double(0.25),
      "name": .string("x"), "when": .timestamp("2024-03-05T14:07:09.123456789Z"), "blob": .bytes(Data([0, 1, 255])),
      "owner": .reference("projects/p/databases/(default)/documents/users/u1"),
      "place": .geoPoint(latitude: 52.5, longitude: 13.4), "list": .array([.integer(1), .string("two")]),
      "infinite": .double(.infinity),
    ])
    let data = try JSONEncoder().encode(value)
    #expect(try JSONDecoder().decode(FieldValue.self, from: data) == value)
  }

  @Test("NaN is kept as NaN, not dropped or turned into null")
  func notANumber() throws {
    let data = try JSONEncoder().encode(FieldValue.double(.nan))
    #expect(String(decoding: data, as: UTF8.self).contains("NaN"))
    guard case .double(let decoded) = try JSONDecoder().decode(FieldValue.self, from: data) else {
      Issue.record("not a double")
      return
    }
    #expect(decoded.isNaN)
  }
}
