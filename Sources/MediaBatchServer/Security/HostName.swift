/// A host and an optional port, as in a `Host` header, an `Origin` or an `--allowed-host` value: `name`,
/// `name:port`, `192.0.2.1:8000`, `[::1]:8000`. Names are compared in lower case.
struct HostName: Hashable, Sendable, CustomStringConvertible {
  var host: String
  var port: Int?

  /// Parses `host[:port]`; `nil` when it is not one (a path, a user name, an empty host or a bad port).
  init?(_ text: some StringProtocol) {
    let text = String(text).lowercased()
    let hostPart: Substring
    let portPart: Substring?
    if text.hasPrefix("[") {
      guard let close = text.firstIndex(of: "]") else { return nil }
      hostPart = text[...close]
      let rest = text[text.index(after: close)...]
      guard rest.isEmpty || rest.hasPrefix(":") else { return nil }
      portPart = rest.isEmpty ? nil : rest.dropFirst()
      guard hostPart.dropFirst().dropLast().allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }), hostPart.count > 2 else { return nil }
    } else {
      let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
      hostPart = parts[0]
      portPart = parts.count == 2 ? parts[1] : nil
      guard !hostPart.isEmpty, hostPart.utf8.allSatisfy({ Self.isNameByte($0) }) else { return nil }
    }
    if let portPart {
      guard !portPart.isEmpty, portPart.count <= 5, portPart.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
        let port = Int(portPart), (1...65_535).contains(port)
      else { return nil }
      self.port = port
    } else {
      self.port = nil
    }
    self.host = String(hostPart)
  }

  init(host: String, port: Int?) {
    self.host = host.lowercased()
    self.port = port
  }

  var description: String { port.map { "\(host):\($0)" } ?? host }

  /// Letters, digits, `-`, `.` and `_` (which some internal names use).
  private static func isNameByte(_ byte: UInt8) -> Bool {
    (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2E || byte == 0x5F
  }
}
