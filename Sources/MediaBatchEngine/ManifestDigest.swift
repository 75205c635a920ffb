import Crypto
import MediaBatchCore
import Toolbox

import struct Foundation.Data

/// What a user's manifest says, apart from the job that writes it (its id and time, and whether each present file
/// was fetched by this job or an earlier one): two manifests with the same digest tell the same facts, so an
/// unchanged user's manifest is left as it is instead of being encoded and written again. Every field goes into the
/// SHA-256 with a tag and its length, so no two different contents feed the same bytes.
enum ManifestDigest {
  static func of(_ result: UserResult, source: String, items: [ItemOutcome]) -> String {
    var feed = Feed()
    feed.add(UserManifest.currentFormatVersion)
    feed.add(source)
    feed.add(result.userId)
    feed.add(result.email)
    feed.add(result.folder)
    feed.add(result.status.rawValue)
    feed.add(items.count)
    for item in items {
      feed.add(item.id)
      feed.add(item.kind.name)
      // A file on disk and verified is the same fact whichever job fetched it.
      feed.add(item.status == .downloaded || item.status == .skipped ? "present" : item.status.rawValue)
      feed.add(item.location?.bucket)
      feed.add(item.location?.object)
      feed.add(item.generation)
      feed.add(item.localPath)
      feed.add(item.size)
      feed.add(item.crc32c)
      feed.add(item.md5)
      feed.add(item.contentType)
      feed.add(item.originalName)
      feed.add(item.error?.code.rawValue)
      feed.add(item.error?.message)
      feed.add(item.unverified ? 1 : 0)
      feed.add(item.contentEncoding)
      feed.add(item.storedSize)
      if let metadata = item.metadata {
        feed.add(FieldValue.map(metadata))
      } else {
        feed.tag(0)
      }
    }
    return Array(feed.hash.finalize()).hexString
  }

  private struct Feed {
    var hash = SHA256()

    mutating func tag(_ tag: UInt8) {
      hash.update(data: [tag])
    }

    mutating func add(_ value: Int) {
      add(Int64(value))
    }

    mutating func add(_ value: Int64?) {
      guard let value else { return tag(0) }
      tag(1)
      withUnsafeBytes(of: value.littleEndian) { hash.update(bufferPointer: $0) }
    }

    mutating func add(_ value: String?) {
      guard let value else { return tag(0) }
      tag(2)
      var bytes = value
      bytes.withUTF8 { utf8 in
        add(Int64(utf8.count))
        hash.update(bufferPointer: UnsafeRawBufferPointer(utf8))
      }
    }

    mutating func add(_ value: Double) {
      withUnsafeBytes(of: value.bitPattern.littleEndian) { hash.update(bufferPointer: $0) }
    }

    mutating func add(_ value: FieldValue) {
      switch value {
      case .null: tag(10)
      case .bool(let flag): tag(flag ? 11 : 12)
      case .integer(let number):
        tag(13)
        add(number)
      case .double(let number):
        tag(14)
        add(number)
      case .string(let text):
        tag(15)
        add(text)
      case .timestamp(let text):
        tag(16)
        add(text)
      case .bytes(let data):
        tag(17)
        add(Int64(data.count))
        hash.update(data: data)
      case .reference(let name):
        tag(18)
        add(name)
      case .geoPoint(let latitude, let longitude):
        tag(19)
        add(latitude)
        add(longitude)
      case .array(let values):
        tag(20)
        add(Int64(values.count))
        for value in values { add(value) }
      case .map(let fields):
        tag(21)
        add(Int64(fields.count))
        for key in fields.keys.sorted() {
          add(key)
          add(fields[key] ?? .null)
        }
      }
    }
  }
}
