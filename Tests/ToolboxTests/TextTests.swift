import Testing
import Toolbox

@Suite("Text helpers", .timeLimit(.minutes(15)))
struct TextTests {
  @Test("hex digits are lowercase, two per byte, in order")
  func hex() {
    #expect([UInt8]().hexString == "")
    #expect([0x00, 0x0F, 0xA5, 0xFF].hexString == "000fa5ff")
    #expect(Array(0...255 as ClosedRange<UInt8>).hexString.count == 512)
  }

  @Test("whitespace and line breaks are trimmed at both ends only")
  func trimming() {
    #expect(" \t a b \r\n".trimmingWhitespace() == "a b")
    #expect("ab".trimmingWhitespace() == "ab")
    #expect(" \n ".trimmingWhitespace() == "")
  }
}
