import Crypto
import Foundation
import Testing
import Toolbox

import MediaBatchCore
@testable import MediaBatchDemo

@Suite("Demo data", .timeLimit(.minutes(15)))
struct DemoDataTests {
  let catalog = DemoCatalog(userCount: 50, includesEdgeCases: true)

  @Test("the same index always gives the same user and the same bytes")
  func deterministic() async throws {
    let again = DemoCatalog(userCount: 50, includesEdgeCases: true)
    for index in [0, 7, 49] {
      #expect(catalog.user(at: index) == again.user(at: index))
    }
    let store = DemoStore(catalog: catalog)
    let item = try #require((0..<50).lazy.compactMap { catalog.user(at: $0).items.first }.first)
    #expect(store.expectedObject(item.location)?.bytes == DemoStore(catalog: again).expectedObject(item.location)?.bytes)
  }

  @Test("every demo object is served with the size and checksums it declares")
  func storeDeclaresTheTruth() async throws {
    let store = DemoStore(catalog: catalog)
    for index in 0..<20 {
      for item in catalog.user(at: index).items {
        let response = try await store.open(item.location, offset: 0, generation: nil)
        var bytes: [UInt8] = []
        for try await chunk in response.body { bytes += chunk }
        #expect(Int64(bytes.count) == item.declaredSize)
        #expect(response.info.size == item.declaredSize)
        #expect(response.info.crc32c == CRC32C.checksum(bytes))
        #expect(response.info.md5 == Array(Insecure.MD5.hash(data: bytes)))
      }
    }
  }

  @Test("demo images are valid PNG files and voice clips valid WAV files")
  func mediaIsReal() throws {
    let items = (0..<30).flatMap { catalog.user(at: $0).items }
    let image = try #require(items.first { $0.kind == .images })
    let voice = try #require(items.first { $0.kind == .voices })
    let png = try #require(DemoStore(catalog: catalog).expectedObject(image.location)?.bytes)
    try PNGCheck.validate(png)
    let wav = try #require(DemoStore(catalog: catalog).expectedObject(voice.location)?.bytes)
    #expect(Array(wav[0..<4]) == Array("RIFF".utf8))
    #expect(Array(wav[8..<12]) == Array("WAVE".utf8))
    let dataSize = Int(wav[40]) | Int(wav[41]) << 8 | Int(wav[42]) << 16 | Int(wav[43]) << 24
    #expect(dataSize == wav.count - 44)
  }

  @Test("a resumed request serves the rest of the object")
  func rangeRequests() async throws {
    let item = try #require(catalog.user(at: 1).items.first ?? catalog.user(at: 2).items.first)
    let store = DemoStore(catalog: catalog)
    let whole = try #require(store.expectedObject(item.location)?.bytes)
    let response = try await store.open(item.location, offset: 100, generation: DemoStore.generation)
    var rest: [UInt8] = []
    for try await chunk in response.body { rest += chunk }
    #expect(rest == Array(whole[100...]))
    await #expect(throws: StoreError.self) { try await store.open(item.location, offset: 0, generation: "42") }
  }

  @Test("the source streams 100,000 users one at a time, each distinct")
  func scalesToManyUsers() async throws {
    let source = DemoSource(catalog: DemoCatalog(userCount: 100_000, includesEdgeCases: false))
    #expect(try await source.userCount() == 100_000)
    var count = 0
    var lastId = ""
    var emails = Set<String>()
    for try await user in source.users() {
      count += 1
      if count % 1_000 == 0 { emails.insert(user.email ?? "") }
      lastId = user.id
    }
    #expect(count == 100_000)
    #expect(emails.count == 100)
    #expect(lastId == source.catalog.user(at: 99_999).id)
  }

  @Test("the edge cases are all there: hostile names, duplicates, twins, missing and corrupt objects")
  func edgeCases() async throws {
    let edge = (50..<catalog.totalUsers).map { catalog.user(at: $0) }
    let names = edge.flatMap(\.items).compactMap(\.originalName)
    #expect(names.contains("../../etc/passwd"))
    #expect(names.contains("a/b\\c"))
    #expect(names.contains { $0.utf8.count == 300 })
    #expect(names.contains(""))
    #expect(names.filter { $0 == "duplicate.png" }.count == 2)
    #expect(edge.flatMap(\.unresolved).map(\.error.code).contains(.metadataMissing))
    let emails = edge.compactMap(\.email)
    #expect(emails.contains("twin.user@example.com") && emails.contains("twin_user@example.com"))
    let store = DemoStore(catalog: catalog)
    let missing = try #require(edge.flatMap(\.items).first { $0.id == "voice-missing-object" })
    await #expect(throws: StoreError.self) { try await store.open(missing.location, offset: 0, generation: nil) }
    let corrupt = try #require(edge.flatMap(\.items).first { $0.id == "voice-corrupted" })
    let response = try await store.open(corrupt.location, offset: 0, generation: nil)
    var bytes: [UInt8] = []
    for try await chunk in response.body { bytes += chunk }
    #expect(response.info.crc32c != CRC32C.checksum(bytes))
  }
}

/// Walks a PNG's chunks and checks its signature, chunk CRCs and the zlib stream's Adler-32.
enum PNGCheck {
  struct Invalid: Error, CustomStringConvertible { var description: String }

  static func validate(_ png: [UInt8]) throws {
    guard png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw Invalid(description: "signature") }
    var offset = 8
    var types: [String] = []
    while offset + 12 <= png.count {
      let length = Int(UInt32(png[offset]) << 24 | UInt32(png[offset + 1]) << 16 | UInt32(png[offset + 2]) << 8 | UInt32(png[offset + 3]))
      let typeAndData = Array(png[(offset + 4)..<(offset + 8 + length)])
      var crc = CRC32()
      crc.update(typeAndData)
      let stored = png[(offset + 8 + length)..<(offset + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
      guard crc.value == stored else { throw Invalid(description: "chunk CRC") }
      types.append(String(decoding: typeAndData.prefix(4), as: UTF8.self))
      offset += 12 + length
    }
    guard types.first == "IHDR", types.last == "IEND", types.contains("IDAT"), offset == png.count else {
      throw Invalid(description: "chunks \(types)")
    }
  }
}
