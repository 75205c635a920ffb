import Toolbox

extension SplitMix64 {
  /// A Firestore-style document id: `length` letters and digits.
  mutating func token(length: Int) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    return String((0..<length).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] })
  }
}
