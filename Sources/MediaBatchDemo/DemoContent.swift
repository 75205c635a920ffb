import MediaBatchCore
import Toolbox

/// What a demo object holds: enough to regenerate its bytes anywhere, so nothing is kept in memory.
enum DemoContent: Hashable, Sendable {
  case image(width: Int, height: Int, seed: UInt64)
  case voice(milliseconds: Int, seed: UInt64)
  /// The object does not exist.
  case missing
  /// The store declares the checksum of `original`, but serves its bytes with one bit flipped.
  indirect case corrupted(DemoContent)

  var contentType: String {
    switch self {
    case .image: "image/png"
    case .voice: "audio/wav"
    case .missing: "application/octet-stream"
    case .corrupted(let original): original.contentType
    }
  }

  /// The size of `bytes()`, computed without generating them.
  var size: Int64 {
    switch self {
    case .image(let width, let height, _):
      let raw = (width * 3 + 1) * height
      let blocks = max(1, (raw + 65_534) / 65_535)
      // signature + IHDR + IDAT(zlib header, block headers, data, adler) + IEND
      return Int64(8 + 25 + 12 + 2 + blocks * 5 + raw + 4 + 12)
    case .voice(let milliseconds, _):
      return Int64(44 + DemoContent.sampleCount(milliseconds: milliseconds) * 2)
    case .missing: return 0
    case .corrupted(let original): return original.size
    }
  }

  static let sampleRate = 16_000

  static func sampleCount(milliseconds: Int) -> Int { sampleRate * milliseconds / 1000 }

  /// The bytes as stored: a real PNG or WAV file.
  func bytes() -> [UInt8] {
    switch self {
    case .image(let width, let height, let seed): return DemoContent.imageBytes(width: width, height: height, seed: seed)
    case .voice(let milliseconds, let seed): return DemoContent.voiceBytes(milliseconds: milliseconds, seed: seed)
    case .missing: return []
    case .corrupted(let original):
      var bytes = original.bytes()
      if !bytes.isEmpty { bytes[bytes.count / 2] ^= 0x01 }
      return bytes
    }
  }

  /// A soft two-colour gradient with a disc and stripes: recognisable, different for every seed.
  private static func imageBytes(width: Int, height: Int, seed: UInt64) -> [UInt8] {
    var rng = SplitMix64(seed: seed)
    let from = (Int(rng.next() % 200) + 30, Int(rng.next() % 200) + 30, Int(rng.next() % 200) + 30)
    let to = (Int(rng.next() % 200) + 30, Int(rng.next() % 200) + 30, Int(rng.next() % 200) + 30)
    let disc = (Int(rng.next() % 256), Int(rng.next() % 256), Int(rng.next() % 256))
    let centerX = Int(rng.next() % UInt64(width))
    let centerY = Int(rng.next() % UInt64(height))
    let radius = max(4, min(width, height) / Int(2 + rng.next() % 3))
    let stripe = 6 + Int(rng.next() % 10)
    let span = max(1, width + height - 2)
    return PNGEncoder.encode(width: width, height: height) { y, line in
      for x in 0..<width {
        let t = x + y
        var r = from.0 + (to.0 - from.0) * t / span
        var g = from.1 + (to.1 - from.1) * t / span
        var b = from.2 + (to.2 - from.2) * t / span
        let dx = x - centerX
        let dy = y - centerY
        if dx * dx + dy * dy <= radius * radius {
          (r, g, b) = disc
        } else if ((x - y) / stripe) % 2 == 0 {
          (r, g, b) = (r * 7 / 8, g * 7 / 8, b * 7 / 8)
        }
        line[x * 3] = UInt8(clamping: r)
        line[x * 3 + 1] = UInt8(clamping: g)
        line[x * 3 + 2] = UInt8(clamping: b)
      }
    }
  }

  /// A short two-note chime with a fade in and out.
  private static func voiceBytes(milliseconds: Int, seed: UInt64) -> [UInt8] {
    var rng = SplitMix64(seed: seed)
    let notes: [Double] = [261.63, 293.66, 329.63, 392.0, 440.0, 523.25]
    let first = notes[Int(rng.next() % UInt64(notes.count))]
    let second = notes[Int(rng.next() % UInt64(notes.count))]
    let count = sampleCount(milliseconds: milliseconds)
    let fade = max(1, min(count / 4, sampleRate / 50))
    var samples = [Int16](repeating: 0, count: count)
    // A phase accumulator over a sine table: exact enough for a chime, and far cheaper than `sin` per sample.
    let table = sineTable
    var phase = 0.0
    for i in 0..<count {
      let frequency = i < count / 2 ? first : second
      phase += frequency / Double(sampleRate)
      phase -= phase.rounded(.down)
      let envelope = min(1.0, Double(min(i, count - 1 - i)) / Double(fade))
      samples[i] = Int16(table[Int(phase * Double(table.count)) & (table.count - 1)] * 9_000 * envelope)
    }
    return WAVEncoder.encode(sampleRate: sampleRate, samples: samples)
  }
}

/// One period of a sine wave in 4,096 steps.
private let sineTable: [Double] = (0..<4_096).map { sin(2 * .pi * Double($0) / 4_096) }

#if canImport(Glibc)
  import func Glibc.sin
#elseif canImport(Darwin)
  import func Darwin.sin
#endif
