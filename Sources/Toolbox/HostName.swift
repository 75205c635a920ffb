#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// This machine's host name, as `gethostname` gives it (for the lock holder and run records).
public func currentHostName() -> String {
  var name = [CChar](repeating: 0, count: 256)
  gethostname(&name, name.count)
  return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
