import Foundation
import MediaBatchCore
import PropertyBased
import Testing

@Suite("Typed metadata values", .timeLimit(.minutes(15)))
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

  @Test("a geo point off the globe still encodes (its coordinates as null): a manifest is never lost to one value")
  func geoPointOffTheGlobe() throws {
    let data = try JSONEncoder().encode(FieldValue.map(["where": .geoPoint(latitude: .nan, longitude: .infinity), "n": .integer(1)]))
    let back = try JSONDecoder().decode(FieldValue.self, from: data)
    guard case .map(let fields) = back, case .geoPoint(let latitude, let longitude)? = fields["where"] else {
      Issue.record("not read back as a map with a geo point: \(back)")
      return
    }
    #expect(latitude.isNaN && longitude.isNaN)
    #expect(fields["n"] == .integer(1))
  }
}

/// Any metadata a Firestore document can hold, written into a manifest and read back, is what it was.
@Suite("Typed metadata values, property-based", .timeLimit(.minutes(15)))
struct FieldValuePropertyTests {
  /// Keys a user's map may have, those that look like the manifest's own tags among them.
  static let keys = ["$type", "$$type", "$", "$$", "value", "latitude", "type", "", "é", "a.b", "$value", "__name__", "x"]

  /// A deterministic random value tree, from a seed.
  static func value(_ random: inout Xorshift, depth: Int = 0) -> FieldValue {
    switch random.next(below: depth > 3 ? 9 : 11) {
    case 0: return .null
    case 1: return .bool(random.next(below: 2) == 0)
    case 2: return .integer(Int64(bitPattern: random.next()))
    case 3: return .double(Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF))
    case 4: return .string(keys[random.next(below: keys.count)])
    case 5: return .timestamp("2024-03-05T14:07:09.\(random.next(below: 1_000_000_000))Z")
    case 6: return .bytes(Data((0..<random.next(below: 9)).map { _ in UInt8(random.next(below: 256)) }))
    case 7: return .reference("projects/p/databases/(default)/documents/u/\(random.next(below: 100))")
    case 8: return .geoPoint(latitude: Double(random.next(below: 180)) - 90, longitude: Double(random.next(below: 360)) - 180)
    case 9: return .array((0..<random.next(below: 4)).map { _ in value(&random, depth: depth + 1) })
    default:
      var map: [String: FieldValue] = [:]
      for _ in 0..<random.next(below: 5) { map[keys[random.next(below: keys.count)]] = value(&random, depth: depth + 1) }
      return .map(map)
    }
  }

  @Test("arbitrary metadata, hostile keys such as $type included, survives the manifest's round trip")
  func manifestRoundTrip() async {
    await propertyCheck(count: 2_000, input: Gen<UInt64>.value(in: 1...UInt64.max)) { seed in
      var random = Xorshift(seed: seed)
      var metadata: [String: FieldValue] = [:]
      for _ in 0..<4 { metadata[Self.keys[random.next(below: Self.keys.count)]] = Self.value(&random) }
      let item = ItemOutcome(id: "i", kind: .images, status: .downloaded, metadata: metadata)
      let result = UserResult(userId: "u", email: nil, folder: "u", outcomes: [item])
      let manifest = UserManifest(jobId: "j", source: "test", generatedAt: Date(timeIntervalSince1970: 0), result: result, items: [item])
      do {
        let decoded = try UserManifest.decode(Data(manifest.encoded()))
        #expect(decoded.items.first?.metadata == metadata)
      } catch {
        Issue.record("seed \(seed): \(error)")
      }
    }
  }

  /// Text with what JSON must escape, what it must not, and characters of every UTF-8 length.
  static func text(_ random: inout Xorshift) -> String {
    let pieces = ["a", "/", "\"", "\\", "\n", "\t", "\r", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}", "é", "\u{2028}", "日本", "🙂", " ", "$"]
    return (0..<random.next(below: 8)).map { _ in pieces[random.next(below: pieces.count)] }.joined()
  }

  @Test("a manifest is written byte for byte as JSONEncoder writes it, whatever its items, errors and metadata hold")
  func manifestMatchesFoundation() async {
    await propertyCheck(count: 1_000, input: Gen<UInt64>.value(in: 1...UInt64.max)) { seed in
      var random = Xorshift(seed: seed)
      var items: [ItemOutcome] = []
      for n in 0..<random.next(below: 4) {
        var metadata: [String: FieldValue] = [:]
        for _ in 0..<random.next(below: 5) { metadata[Self.keys[random.next(below: Self.keys.count)] + Self.text(&random)] = Self.value(&random) }
        var item = ItemOutcome(
          id: Self.text(&random) + "\(n)", kind: random.next(below: 2) == 0 ? .images : .voices,
          status: [.downloaded, .skipped, .failed, .cancelled, .planned][random.next(below: 5)])
        if random.next(below: 2) == 0 { item.location = ObjectLocation(bucket: "b", object: Self.text(&random)) }
        if random.next(below: 2) == 0 { item.generation = String(random.next()) }
        if random.next(below: 2) == 0 { item.localPath = "images/" + Self.text(&random) }
        if random.next(below: 2) == 0 { item.size = Int64(bitPattern: random.next()) }
        if random.next(below: 2) == 0 { item.crc32c = "0a1b2c3d" }
        if random.next(below: 2) == 0 { item.md5 = String(repeating: "f", count: 32) }
        if random.next(below: 2) == 0 { item.contentType = "image/jpeg" }
        if random.next(below: 2) == 0 { item.originalName = Self.text(&random) }
        if random.next(below: 2) == 0 { item.metadata = metadata }
        item.attempts = random.next(below: 5)
        if random.next(below: 2) == 0 { item.error = ItemError(.notFound, Self.text(&random)) }
        if random.next(below: 3) == 0 { item.resumedFrom = Int64(random.next(below: 1_000_000)) }
        item.unverified = random.next(below: 3) == 0
        if random.next(below: 3) == 0 { item.contentEncoding = "gzip" }
        if random.next(below: 3) == 0 { item.storedSize = Int64(random.next(below: 1_000_000)) }
        items.append(item)
      }
      let result = UserResult(
        userId: Self.text(&random), email: random.next(below: 2) == 0 ? nil : Self.text(&random), folder: Self.text(&random),
        outcomes: items)
      let manifest = UserManifest(
        jobId: "j", source: "test", generatedAt: Date(timeIntervalSince1970: Double(random.next(below: 4_000_000_000)) + 0.5),
        result: result, items: items)
      do {
        let expected = Array(try manifest.encodedByFoundation())
        let written = manifest.encoded()
        #expect(written == expected, "seed \(seed):\n\(String(decoding: written, as: UTF8.self))\n---\n\(String(decoding: expected, as: UTF8.self))")
      } catch {
        Issue.record("seed \(seed): \(error)")
      }
    }
  }
}

/// A small deterministic generator, so a failing seed reproduces.
struct Xorshift {
  private var state: UInt64

  init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

  mutating func next() -> UInt64 {
    state ^= state << 13
    state ^= state >> 7
    state ^= state << 17
    return state
  }

  mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
