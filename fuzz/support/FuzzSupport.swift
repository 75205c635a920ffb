// Shared by every fuzz target: compiled into each target's module next to its harness.

import Foundation

/// Fails the run when a property does not hold. libFuzzer treats the abort as a crash and saves the input.
func require(
  _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
) {
  if !condition() { violation(message(), file: file, line: line) }
}

/// Reports a broken property on stderr and aborts.
func violation(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
  FileHandle.standardError.write(Data("PROPERTY VIOLATION (\(file):\(line)): \(message)\n".utf8))
  abort()
}

/// A string with everything but printable ASCII escaped, so a message shows the exact scalars.
func escaped(_ text: some StringProtocol, limit: Int = 400) -> String {
  var out = "\""
  for scalar in text.unicodeScalars.prefix(limit) {
    switch scalar.value {
    case 0x22: out += "\\\""
    case 0x5C: out += "\\\\"
    case 0x20..<0x7F: out.unicodeScalars.append(scalar)
    default: out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
    }
  }
  if text.unicodeScalars.count > limit { out += "…" }
  return out + "\""
}

/// A deterministic stream of numbers derived from the input (SplitMix64 seeded with FNV-1a of the bytes), for
/// choices a harness makes "at random" that must replay identically from the saved input.
struct InputRandom {
  var state: UInt64

  init(_ bytes: UnsafeBufferPointer<UInt8>) {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    state = hash
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func next(below bound: Int) -> Int {
    Int(next() % UInt64(bound))
  }
}
