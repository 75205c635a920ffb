import CZlib
import MediaBatchCore
import Toolbox

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Decompresses a gzip file (one member or several, as `cat a.gz b.gz` makes) into another file of the same folder,
/// streaming in blocks; the file written gets its size and CRC32C as it goes. A stream that ends early or holds
/// anything but gzip members is an error, never a silently short file.
enum Gunzip {
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  struct Result {
    var size: Int64
    var crc32c: UInt32
    var stamp: FileStamp?
  }

  static func file(_ source: String, to destination: String, in directory: OpenDirectory) throws -> Result {
    guard let input = directory.openForReading(source) else {
      throw Failure(description: "\(directory.pathOf(source)) cannot be read")
    }
    defer { closeDescriptor(input) }
    let output = try directory.createFile(destination)
    var stream = z_stream()
    // 15 + 16: a 32 KiB window, gzip framing only.
    guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw Failure(description: "zlib could not start")
    }
    defer { inflateEnd(&stream) }

    var compressed = [UInt8](repeating: 0, count: 256 * 1024)
    var plain = [UInt8](repeating: 0, count: 256 * 1024)
    var crc = CRC32C()
    var size: Int64 = 0
    var memberOpen = false
    var sawMember = false
    while true {
      let count = compressed.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
      if count < 0, errno == EINTR { continue }
      guard count >= 0 else { throw FileSystemError("read", path: directory.pathOf(source), errno: errno) }
      if count == 0 { break }
      var offset = 0
      while offset < count {
        if !memberOpen {
          memberOpen = true
          sawMember = true
        }
        let (consumed, produced, status) = compressed.withUnsafeMutableBytes { input in
          plain.withUnsafeMutableBytes { output in
            stream.next_in = input.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self)
            stream.avail_in = UInt32(count - offset)
            stream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = UInt32(output.count)
            let status = inflate(&stream, Z_NO_FLUSH)
            return (count - offset - Int(stream.avail_in), output.count - Int(stream.avail_out), status)
          }
        }
        offset += consumed
        if produced > 0 {
          try plain.withUnsafeBytes { buffer in
            let chunk = UnsafeRawBufferPointer(rebasing: buffer.prefix(produced))
            crc.update(chunk)
            try output.write(chunk)
          }
          size += Int64(produced)
        }
        switch status {
        case Z_STREAM_END:
          // Another member may follow.
          memberOpen = false
          guard inflateReset(&stream) == Z_OK else { throw Failure(description: "zlib could not continue") }
        case Z_OK, Z_BUF_ERROR:
          if consumed == 0, produced == 0 { throw Failure(description: "the gzip data does not progress") }
        default:
          throw Failure(description: "the stored gzip data is damaged (zlib \(status))")
        }
      }
    }
    guard sawMember, !memberOpen else { throw Failure(description: "the stored gzip data ends before its end") }
    let stamp = output.stamp()
    try output.close()
    return Result(size: size, crc32c: crc.value, stamp: stamp)
  }
}
