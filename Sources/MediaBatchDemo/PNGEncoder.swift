import Toolbox

/// Writes truecolour PNG images without a compression library: the zlib stream uses stored (uncompressed) deflate
/// blocks, which every PNG decoder reads.
enum PNGEncoder {
  static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  /// Encodes `width × height` RGB pixels; `row(y, buffer)` fills one row of `3 × width` bytes.
  static func encode(width: Int, height: Int, row: (Int, inout [UInt8]) -> Void) -> [UInt8] {
    var header: [UInt8] = []
    header.appendBigEndian(UInt32(width))
    header.appendBigEndian(UInt32(height))
    header += [8, 2, 0, 0, 0]  // 8 bits per channel, RGB, deflate, adaptive filtering, no interlace

    // Scanlines, each preceded by filter type 0 (none).
    var raw: [UInt8] = []
    raw.reserveCapacity((width * 3 + 1) * height)
    var line = [UInt8](repeating: 0, count: width * 3)
    for y in 0..<height {
      row(y, &line)
      raw.append(0)
      raw += line
    }

    var output = signature
    output.reserveCapacity(raw.count + raw.count / 65_535 * 5 + 128)
    appendChunk("IHDR", header, to: &output)
    appendChunk("IDAT", zlibStored(raw), to: &output)
    appendChunk("IEND", [], to: &output)
    return output
  }

  static func zlibStored(_ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0x78, 0x01]
    var offset = 0
    repeat {
      let length = min(65_535, data.count - offset)
      let isLast = offset + length == data.count
      out.append(isLast ? 1 : 0)
      out.append(UInt8(length & 0xFF))
      out.append(UInt8(length >> 8))
      out.append(UInt8(~length & 0xFF))
      out.append(UInt8((~length >> 8) & 0xFF))
      out += data[offset..<offset + length]
      offset += length
    } while offset < data.count
    var adler = Adler32()
    data.withUnsafeBytes { adler.update($0) }
    out.appendBigEndian(adler.value)
    return out
  }

  private static func appendChunk(_ type: String, _ data: [UInt8], to output: inout [UInt8]) {
    output.appendBigEndian(UInt32(data.count))
    let typeBytes = Array(type.utf8)
    var crc = CRC32()
    crc.update(typeBytes)
    crc.update(data)
    output += typeBytes
    output += data
    output.appendBigEndian(crc.value)
  }
}

extension [UInt8] {
  mutating func appendBigEndian(_ value: UInt32) {
    append(UInt8(value >> 24))
    append(UInt8((value >> 16) & 0xFF))
    append(UInt8((value >> 8) & 0xFF))
    append(UInt8(value & 0xFF))
  }

  mutating func appendLittleEndian(_ value: UInt32) {
    append(UInt8(value & 0xFF))
    append(UInt8((value >> 8) & 0xFF))
    append(UInt8((value >> 16) & 0xFF))
    append(UInt8(value >> 24))
  }

  mutating func appendLittleEndian(_ value: UInt16) {
    append(UInt8(value & 0xFF))
    append(UInt8(value >> 8))
  }
}
