import MediaBatchCore

/// Writes 16-bit mono PCM WAV files.
enum WAVEncoder {
  static func encode(sampleRate: Int, samples: [Int16]) -> [UInt8] {
    let dataSize = UInt32(samples.count * 2)
    var out: [UInt8] = []
    out.reserveCapacity(44 + samples.count * 2)
    out += Array("RIFF".utf8)
    out.appendLittleEndian(36 + dataSize)
    out += Array("WAVE".utf8)
    out += Array("fmt ".utf8)
    out.appendLittleEndian(UInt32(16))
    out.appendLittleEndian(UInt16(1))  // PCM
    out.appendLittleEndian(UInt16(1))  // mono
    out.appendLittleEndian(UInt32(sampleRate))
    out.appendLittleEndian(UInt32(sampleRate * 2))  // byte rate
    out.appendLittleEndian(UInt16(2))  // block align
    out.appendLittleEndian(UInt16(16))  // bits per sample
    out += Array("data".utf8)
    out.appendLittleEndian(dataSize)
    for sample in samples {
      out.appendLittleEndian(UInt16(bitPattern: sample))
    }
    return out
  }
}
