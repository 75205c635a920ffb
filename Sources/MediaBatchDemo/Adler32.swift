/// Adler-32, the checksum that closes a zlib stream (RFC 1950); the demo's PNG encoder needs it.
struct Adler32: Sendable {
  private var a: UInt32 = 1
  private var b: UInt32 = 0

  var value: UInt32 { (b << 16) | a }

  mutating func update(_ bytes: UnsafeRawBufferPointer) {
    // 5552 is the largest run for which the sums cannot overflow 32 bits before the modulo.
    var index = 0
    while index < bytes.count {
      let end = min(index + 5552, bytes.count)
      for i in index..<end {
        a &+= UInt32(bytes[i])
        b &+= a
      }
      a %= 65521
      b %= 65521
      index = end
    }
  }
}
